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

    /// What the person gave on the command line, for the one resolution pipeline.
    func request(keepsSecrets: Bool? = nil) throws(InputError) -> ConnectionRequest {
        var fields: [LibpqOption] = []
        let given: [(String, String?)] = [
            ("host", host), ("port", port), ("user", user), ("dbname", dbname), ("sslmode", sslmode),
            ("sslrootcert", sslrootcert),
        ]
        for case let (keyword, value?) in given { fields.append(LibpqOption(keyword, value)) }
        if passwordStdin { fields.append(LibpqOption("password", try Self.readPasswordLine())) }
        return ConnectionRequest(
            connectionString: connectionString, fields: fields, sslmodeIsExplicit: sslmode != nil,
            keepsSecrets: keepsSecrets ?? includePassword)
    }

    /// The settings to output or test, and what to tell the person about them (said only once the output is made,
    /// so bad input leaves a single line).
    func resolve(keepsSecrets: Bool? = nil) throws(InputError) -> Resolution {
        try ConnectionResolver.resolve(request(keepsSecrets: keepsSecrets), in: .libpq(environment: Console.current.environment))
    }

    /// Notices and warnings on stderr, unless --quiet; a file name or value in them cannot drive the terminal.
    func announce(_ notices: [Notice], outputWarnings: [String] = []) {
        guard !quiet else { return }
        let lines = notices.map { ($0.isWarning ? "warning: " : "") + $0.message } + outputWarnings.map { "warning: " + $0 }
        for line in lines { Console.current.error("pgsecure: " + TerminalText.escaped(line)) }
    }

    static func readPasswordLine() throws(InputError) -> String {
        guard let line = Console.current.readSecretLine("Password: ") else {
            throw InputError(field: "password-stdin", problem: "standard input was empty", fix: "pipe the password in, e.g. `printf '%s\\n' \"$PW\" | pgsecure ...`")
        }
        // Bytes that would not come back as typed are refused, never replaced (the value is not repeated).
        guard let password = String(validating: line, as: UTF8.self) else {
            throw InputError(field: "password-stdin", problem: "is not valid UTF-8 text", fix: "give the password as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)")
        }
        return password
    }
}

extension ResolutionContext {
    /// The real world: libpq's parser and version, root files inspected with OpenSSL.
    static func libpq(environment: [String: String]) -> ResolutionContext {
        ResolutionContext(
            environment: environment, libpqVersion: LibPQ.version,
            parse: { text throws(InputError) in try LibPQ.parse(text) },
            rootFileProblem: { RootCertificateStore.inspect(path: $0, source: "sslrootcert").problem },
            defaultRootCertificate: { RootCertificateStore.defaultRoot(environment: environment, libpqVersion: LibPQ.version) })
    }
}
