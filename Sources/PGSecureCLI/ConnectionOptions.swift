import ArgumentParser
import PGSecureDisk
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
    @Option(help: ArgumentHelp("Client certificate file (PEM), for servers that ask for one.", valueName: "path"))
    var sslcert: String?
    @Option(help: ArgumentHelp("The client certificate's private key file (0600).", valueName: "path")) var sslkey: String?
    @Flag(help: "Read the password from the first line of standard input (a prompt without echo on a terminal).")
    var passwordStdin = false
    @Flag(help: "Read the client key's passphrase from standard input (the next line after the password, if both).")
    var sslpasswordStdin = false
    @Flag(help: "Say on stderr where each value came from (string, option, service file, PG* variable, pgsecure).")
    var explain = false
    @Flag(help: "Write the password into the output (default: left out; PGPASSWORD or ~/.pgpass supply it).")
    var includePassword = false
    @Flag(name: .shortAndLong, help: "Do not explain changes and warnings on stderr.") var quiet = false
    @Option(
        name: [.customLong("target-os"), .customLong("for")],
        help: ArgumentHelp("Write for another machine: its root bundle (\(TargetSystem.valueList)).", valueName: "os"))
    var targetOS: String?

    /// What the person gave on the command line, for the one resolution pipeline.
    func request(keepsSecrets: Bool? = nil, requiresHost: Bool = true) throws(InputError) -> ConnectionRequest {
        var fields: [LibpqOption] = []
        let given: [(String, String?)] = [
            ("host", host), ("port", port), ("user", user), ("dbname", dbname), ("sslmode", sslmode),
            ("sslrootcert", sslrootcert), ("sslcert", sslcert), ("sslkey", sslkey),
        ]
        for case let (keyword, value?) in given { fields.append(LibpqOption(keyword, value)) }
        if passwordStdin { fields.append(LibpqOption("password", try Self.readSecret("password-stdin", prompt: "Password: "))) }
        if sslpasswordStdin {
            fields.append(LibpqOption("sslpassword", try Self.readSecret("sslpassword-stdin", prompt: "Client key passphrase: ")))
        }
        return ConnectionRequest(
            connectionString: connectionString, fields: fields, sslmodeIsExplicit: sslmode != nil,
            keepsSecrets: keepsSecrets ?? includePassword, requiresHost: requiresHost)
    }

    /// The settings to output or test, and what to tell the person about them (said only once the output is made,
    /// so bad input leaves a single line).
    func resolve(keepsSecrets: Bool? = nil, requiresHost: Bool = true) throws(InputError) -> Resolution {
        let here = ResolutionContext.libpq(environment: Console.current.environment)
        return try ConnectionResolver.resolve(
            request(keepsSecrets: keepsSecrets, requiresHost: requiresHost), in: try targetSystem().map(here.forTarget) ?? here)
    }

    func targetSystem() throws(InputError) -> TargetSystem? {
        guard let targetOS else { return nil }
        guard let system = TargetSystem(rawValue: targetOS.lowercased()) else {
            throw InputError(field: "target-os", problem: "\"\(targetOS)\" is not a system pgsecure knows", fix: "use one of \(TargetSystem.valueList)")
        }
        return system
    }

    /// Notices and warnings on stderr, unless --quiet (and, with --explain, where each value came from); a file
    /// name or value in them cannot drive the terminal.
    func announce(_ resolution: Resolution, outputWarnings: [String] = []) {
        var lines: [String] = []
        if explain {
            for option in resolution.settings.options {
                lines.append("explain: \(option.keyword) from \(resolution.sources[option.keyword]?.description ?? "the connection string")")
            }
            if let source = resolution.sources["password"], resolution.settings.password == nil {
                lines.append("explain: password from \(source.description)")
            }
        }
        if !quiet {
            lines += resolution.notices.map { ($0.isWarning ? "warning: " : "") + $0.message }
            lines += outputWarnings.map { "warning: " + $0 }
        }
        for line in lines { Console.current.error("pgsecure: " + TerminalText.escaped(line)) }
    }

    /// One line of standard input (a prompt without echo on a terminal); refused when it would not come back as
    /// given. The value is never repeated.
    static func readSecret(_ field: String, prompt: String) throws(InputError) -> String {
        guard let line = Console.current.readSecretLine(prompt) else {
            throw InputError(field: field, problem: "standard input was empty", fix: "pipe it in, e.g. `printf '%s\\n' \"$PW\" | pgsecure ...`")
        }
        guard let text = String(validating: line, as: UTF8.self) else {
            throw InputError(field: field, problem: "is not valid UTF-8 text", fix: "give it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)")
        }
        return text
    }
}

extension ResolutionContext {
    /// The real world: libpq's parser and version, root files inspected with OpenSSL.
    static func libpq(environment: [String: String]) -> ResolutionContext {
        ResolutionContext(
            environment: environment, libpqVersion: LibPQ.version,
            parse: { text throws(InputError) in try LibPQ.parse(text) }, knownKeywords: LibPQ.knownKeywords,
            files: .onDisk(environment: environment),
            // Usable means one certificate at least: reading a 140-certificate bundle whole would triple `url`'s time.
            rootFileProblem: { RootCertificateStore.inspect(path: $0, source: "sslrootcert", countingAll: false).problem },
            defaultRootCertificate: { RootCertificateStore.defaultRoot(environment: environment, libpqVersion: LibPQ.version) })
    }
}
