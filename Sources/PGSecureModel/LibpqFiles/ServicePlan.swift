/// What `save` will write, decided and checked in full before anything is written.
public struct ServicePlan: Sendable, Hashable {
    public let name: String
    public let servicePath: String
    public let service: ServiceFileEdit.Change
    public let serviceMode: Int
    public let passwordPath: String?
    public let password: PasswordFileEdit.Change?
    public let passwordMode: Int
    /// What each file held when the plan was made (nil: no file): the writer refuses if it changed since.
    public let serviceOriginal: String?
    public let passwordOriginal: String?

    /// Checks everything before anything is written; reads the files through `files` only.
    public init(name: String, settings: ConnectionSettings, environment: [String: String], files: LocalFiles) throws(InputError) {
        if let problem = ServiceFileEdit.nameProblem(name) {
            throw InputError(field: "the service name", problem: problem, fix: "choose a name of letters, digits, - and _")
        }
        self.name = name
        // The password goes to the password file; the client key's passphrase is not kept anywhere.
        let options = settings.withoutSecrets.options.filter { $0.keyword != "service" }
        for option in options {
            if let problem = ServiceFileEdit.valueProblem(option.value) {
                throw InputError(field: option.keyword, problem: problem, fix: "a service file cannot hold this value; use a connection string instead")
            }
        }
        guard let path = ServiceFile.searchPaths(environment: environment, files: files).user else {
            throw InputError(field: "service file", problem: "no home directory", fix: "set HOME or PGSERVICEFILE")
        }
        servicePath = path
        let existing = files.facts(path)
        if existing != nil, files.contents(path) == nil {
            throw InputError(field: "service file", problem: "\(path) cannot be read", fix: "check its permissions")
        }
        serviceOriginal = existing == nil ? nil : files.contents(path)
        service = ServiceFileEdit.setting(name, to: options, in: serviceOriginal ?? "")
        serviceMode = existing?.mode ?? 0o600

        guard let secret = settings.password else {
            (passwordPath, password, passwordMode, passwordOriginal) = (nil, nil, 0o600, nil)
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
        passwordOriginal = files.facts(file) == nil ? nil : files.contents(file)
        password = PasswordFileEdit.setting(password: secret, for: keys, in: passwordOriginal ?? "")
        passwordMode = 0o600
    }

    /// An entry or password holding other values would be replaced: asks for --force or a confirmation.
    public var replacesOtherValues: Bool { service.replacesOtherValues || password?.replacesOtherValue == true }

    /// What would change, for the person to confirm: the entry's diff, and a line when the password changes.
    public var changeDescription: String {
        var text = service.replacesOtherValues ? service.diff(name: name) : ""
        if password?.replacesOtherValue == true, let passwordPath { text += "\(passwordPath): another password for this connection\n" }
        return text
    }
}
