import ArgumentParser
import PGSecureLibPQ
import PGSecureModel
import PGSecureWizard
import PGSecureWizardRuntime

struct SaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save", abstract: "Test a connection, then keep it the libpq way: a pg_service.conf entry and a ~/.pgpass line.",
        discussion: """
            Writes the [NAME] section of the service file libpq reads (PGSERVICEFILE, else ~/.pg_service.conf) with the \
            verified settings, and the password (if one was given) into libpq's password file (PGPASSFILE, else \
            ~/.pgpass), never into the service file. Every other byte of both files is kept; each is replaced \
            atomically, keeps its mode, and is created 0600. An entry holding other values is replaced only with \
            --force (the change is shown first). Afterwards: psql service=NAME, psycopg2.connect(service="NAME"), \
            PGSERVICE=NAME, pgsecure test service=NAME. Exit 0 saved (or already saved), 1 not saved, 2 bad input.
            """)
    @Argument(help: ArgumentHelp("The service name: psql service=NAME.", valueName: "name")) var name: String
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Replace an entry (or password) that holds other values.") var force = false
    @Flag(help: "Save without connecting first (default: save only a connection that works).") var skipTest = false
    @Option(help: ArgumentHelp("Give up the test after this many seconds (default 10).", valueName: "seconds"))
    var timeout: Double = ConnectionTester.defaultTimeout

    func run() async throws {
        if let problem = ServiceFileEdit.nameProblem(name) {
            throw InputError(field: "the service name", problem: problem, fix: "choose a name of letters, digits, - and _")
        }
        let resolved = try connection.resolve(keepsSecrets: true)
        connection.announce(resolved)
        let environment = Console.current.environment
        let files = LocalFiles.onDisk(environment: environment)
        let plan = try ServicePlan(name: name, resolution: resolved, environment: environment, files: files)

        if !skipTest {
            var settings = resolved.settings
            if case .passwordFile(let path, _) = resolved.sources["password"], settings.otherOptions["passfile"] == nil {
                settings.otherOptions.append(LibpqOption("passfile", path))
            }
            let report = await ConnectionTester.test(settings, timeout: timeout, environment: environment)
            guard report.connected else {
                Console.current.error("pgsecure: not saved: the connection failed (\(report.diagnosis.code.rawValue)): \(TerminalText.escaped(report.diagnosis.summary))")
                throw ExitCode(1)
            }
            if report.verdict != .verifiedFull && report.verdict != .localSocket {
                Console.current.error("pgsecure: warning: saving a connection that is \(report.verdict.rawValue): \(report.verdict.explanation)")
            }
        }
        try plan.write(force: force)
    }
}

/// What `save` will write, decided and checked in full before anything is written.
struct ServicePlan {
    let name: String
    let servicePath: String
    let service: ServiceFileEdit.Change
    let serviceMode: Int
    let passwordPath: String?
    let password: PasswordFileEdit.Change?
    let passwordMode: Int

    init(name: String, resolution: Resolution, environment: [String: String], files: LocalFiles) throws(InputError) {
        self.name = name
        let settings = resolution.settings
        // The password goes to the password file; the client key's passphrase is not kept anywhere.
        let options = settings.withoutSecrets.options.filter { $0.keyword != "service" }
        for option in options {
            if let problem = ServiceFileEdit.valueProblem(option.value) {
                throw InputError(field: option.keyword, problem: problem, fix: "a service file cannot hold this value; use a connection string instead")
            }
        }
        guard let path = environment["PGSERVICEFILE"] ?? files.home.map({ $0 + "/.pg_service.conf" }) else {
            throw InputError(field: "service file", problem: "no home directory", fix: "set HOME or PGSERVICEFILE")
        }
        servicePath = path
        let existing = files.facts(path)
        if existing != nil, files.contents(path) == nil {
            throw InputError(field: "service file", problem: "\(path) cannot be read", fix: "check its permissions")
        }
        service = ServiceFileEdit.setting(name, to: options, in: files.contents(path) ?? "")
        serviceMode = existing?.mode ?? 0o600

        guard let secret = settings.password else {
            (passwordPath, password, passwordMode) = (nil, nil, 0o600)
            return
        }
        if let problem = PasswordFileEdit.passwordProblem(secret) {
            throw InputError(field: "password", problem: problem, fix: "leave the password out; libpq then asks, or reads PGPASSWORD")
        }
        guard let file = PasswordFile.path(passfile: settings.otherOptions["passfile"] ?? environment["PGPASSFILE"], files: files) else {
            throw InputError(field: "password file", problem: "no home directory", fix: "set HOME or PGPASSFILE")
        }
        guard let user = settings.user ?? files.userName else {
            throw InputError(field: "user", problem: "missing", fix: "pass --user NAME")
        }
        if files.facts(file) != nil, files.contents(file) == nil {
            throw InputError(field: "password file", problem: "\(file) cannot be read", fix: "check its permissions")
        }
        let keys = settings.endpoints.map { endpoint in
            PasswordFileEdit.Key(
                host: PasswordFile.lookupHost(endpoint.host), port: String(endpoint.port ?? 5432),
                database: settings.dbname ?? user, user: user)
        }
        for field in keys.flatMap({ [$0.host, $0.database, $0.user] }) {
            if let problem = PasswordFileEdit.fieldProblem(field) {
                throw InputError(field: "password file", problem: "a field " + problem, fix: "remove the line break")
            }
        }
        passwordPath = file
        password = PasswordFileEdit.setting(password: secret, for: keys, in: files.contents(file) ?? "")
        passwordMode = 0o600
    }

    /// Shows the change, refuses to replace other values without `force`, then writes the password file and the
    /// service file, each atomically.
    func write(force: Bool) throws {
        let console = Console.current
        let replacesEntry = service.replacesOtherValues
        let replacesPassword = password?.replacesOtherValue == true
        if replacesEntry {
            for line in service.diff(name: name).split(separator: "\n") { console.error("pgsecure: " + TerminalText.escaped(String(line))) }
        }
        if replacesPassword, let passwordPath { console.error("pgsecure: \(TerminalText.escaped(passwordPath)) gives another password for this connection") }
        if (replacesEntry || replacesPassword) && !force {
            console.error("pgsecure: not saved: service \(TerminalText.escaped(name)) holds other values (shown above); pass --force to replace them")
            throw ExitCode(1)
        }
        if let password, let passwordPath, !password.isUnchanged {
            try Self.place(password.text, at: passwordPath, mode: passwordMode)
            console.output("saved the password in \(passwordPath) (mode 600)\n")
        }
        if service.isUnchanged {
            console.output("service \(name) in \(servicePath) already holds these settings\n")
        } else {
            try Self.place(service.text, at: servicePath, mode: serviceMode)
            console.output("saved service \(name) in \(servicePath)\n")
        }
        console.output("connect with: psql service=\(name)   or   PGSERVICE=\(name)   or   pgsecure test service=\(name)\n")
    }

    static func place(_ text: String, at path: String, mode: Int) throws {
        switch FileWriter.write(text, to: path, permissions: mode, overwrite: true) {
        case .written: return
        case .exists(let path):
            throw PGSecureCommand.CommandFailure(line: "could not write \(path)")
        case .failed(let path, let message):
            throw PGSecureCommand.CommandFailure(line: "could not write \(path): \(message); the old file is unchanged")
        }
    }
}
