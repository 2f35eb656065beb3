import ArgumentParser
import PGSecureLibPQ
import PGSecureModel

/// CONNSTRING and FIELDS, shared by every command that takes a connection.
struct ConnectionOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A libpq connection string: a postgresql:// URI or key=value pairs.", valueName: "connstring"))
    var connectionString: String?

    @Option(help: "Server host name or IP address (h1,h2 for several).") var host: String?
    @Option(help: "Server port, 1-65535 (p1,p2 for several hosts).") var port: String?
    @Option(help: "Database user name.") var user: String?
    @Option(help: "Database name.") var dbname: String?
    @Option(help: ArgumentHelp("TLS mode: \(SSLMode.valueList). Default: verify-full.", valueName: "mode"))
    var sslmode: String?
    @Option(help: ArgumentHelp("Root certificate file, or `system` (libpq >= 16).", valueName: "path|system"))
    var sslrootcert: String?
    @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
    @Flag(help: "Write the password into the output (default: left out; PGPASSWORD or ~/.pgpass supply it).")
    var includePassword = false
    @Flag(name: .shortAndLong, help: "Do not explain changes and warnings on stderr.") var quiet = false

    /// Settings ready for output, and what the person should be told about them (said only once the output is made,
    /// so bad input leaves a single line).
    struct Resolved {
        let settings: ConnectionSettings
        let notices: [String]
    }

    /// The settings to output or test: CONNSTRING, then FIELDS over it, then libpq's environment for the rest,
    /// validated and hardened by the security policy.
    func resolve(
        environment: [String: String] = Console.environment, keepPassword: Bool? = nil
    ) throws(InputError) -> Resolved {
        var options = try connectionString.map { text throws(InputError) in try LibPQ.parse(text) } ?? []
        let fields: [(String, String?)] = [
            ("host", host), ("port", port), ("user", user), ("dbname", dbname), ("sslmode", sslmode),
            ("sslrootcert", sslrootcert),
        ]
        for case let (keyword, value?) in fields { options.set(keyword, value) }
        if passwordStdin { options.set("password", try Self.readPasswordLine()) }
        options = LibpqEnvironment.filling(options, from: environment)

        let settings = try ConnectionSettings(options: options)
        guard !settings.endpoints.isEmpty else {
            throw InputError(field: "host", problem: "missing", fix: "pass --host NAME or a connection string with a host, or set PGHOST")
        }
        try Self.checkRootCertificate(settings.sslrootcert)

        let policy = SecurityPolicy.hardened(
            settings, sslmodeIsExplicit: sslmode != nil,
            defaultRootCertificate: Self.defaultRootCertificate(environment: environment))
        var notices = policy.notices
        var result = policy.settings
        if result.sslrootcert == systemRootCertificate, LibPQ.version < firstLibpqWithSystemRoots {
            notices.append("warning: sslrootcert=system needs libpq 16 or newer; this machine's libpq \(LibPQ.versionText) reads it as a file name")
        }
        if !(keepPassword ?? includePassword), result.carriesSecret {
            result = result.withoutSecrets
            notices.append("password: left out of the output (libpq reads PGPASSWORD or ~/.pgpass); pass --include-password to write it")
        }
        return Resolved(settings: result, notices: notices)
    }

    /// Notices and warnings on stderr, unless --quiet.
    func announce(_ lines: [String]) {
        if !quiet { lines.forEach { Console.error("pgsecure: \($0)") } }
    }

    static func defaultRootCertificate(environment: [String: String]) -> String? {
        LibPQ.version >= firstLibpqWithSystemRoots
            ? systemRootCertificate : RootCertificateStore.firstUsableBundle(environment: environment)
    }

    /// A root file the user named must be there and hold a certificate: finding out at connect time is too late.
    static func checkRootCertificate(_ path: String?) throws(InputError) {
        guard let path, path != systemRootCertificate else { return }
        if let problem = RootCertificateStore.inspect(path: path, source: "sslrootcert").problem {
            throw InputError(
                field: "sslrootcert", problem: problem,
                fix: "give a readable PEM file with your server's root CA (see `pgsecure certs`), or leave it out for the system bundle")
        }
    }

    static func readPasswordLine() throws(InputError) -> String {
        guard let line = readLine(strippingNewline: true) else {
            throw InputError(field: "password-stdin", problem: "standard input was empty", fix: "pipe the password in, e.g. `printf '%s\\n' \"$PW\" | pgsecure ...`")
        }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }
}
