/// What `save` will write, decided and checked in full before anything is written.
public struct ServicePlan: Sendable, Hashable {
    public let name: String
    public let servicePath: String
    public let service: ServiceFileEdit.Change
    public let serviceMode: Int
    public let passwordPath: String?
    public let password: PasswordFileEdit.Change?
    public let passwordMode: Int
    /// The existing password file libpq cannot use with its mode (group or world access, or none for its owner):
    /// it is written 0600.
    public let narrowing: PasswordFile.Narrowing?
    /// What each file held when the plan was made (nil: no file): the writer refuses if it changed since.
    public let serviceOriginal: String?
    public let passwordOriginal: String?
    /// No host: the password is saved for "localhost", which the person should know.
    let savesPasswordForLocalhost: Bool

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
        let paths = try Self.paths(settings: settings, environment: environment, files: files)
        servicePath = paths.service
        serviceOriginal = try Self.existingText(servicePath, field: "service file", files: files)
        service = ServiceFileEdit.setting(name, to: options, in: serviceOriginal ?? "")
        serviceMode = files.facts(servicePath)?.mode ?? 0o600

        guard let secret = settings.password, let file = paths.password else {
            (passwordPath, password, passwordMode, passwordOriginal, narrowing, savesPasswordForLocalhost) = (nil, nil, 0o600, nil, nil, false)
            return
        }
        if let problem = PasswordFileEdit.passwordProblem(secret) {
            throw InputError(field: "password", problem: problem, fix: "leave the password out; libpq then asks, or reads PGPASSWORD")
        }
        guard let user = settings.user ?? files.userName else {
            throw InputError(field: "user", problem: "missing", fix: "pass --user NAME")
        }
        let found = files.facts(file)
        let original = try Self.existingText(
            file, field: "password file", files: files,
            notRegular: ("\(file) is not a regular file, so libpq ignores it", "move it away, or name another file with PGPASSFILE or passfile"))
        let keys = PasswordFileEdit.Key.all(for: settings, user: user)
        for field in keys.flatMap({ [$0.host, $0.database, $0.user] }) {
            if let problem = PasswordFileEdit.fieldProblem(field) {
                throw InputError(field: "password file", problem: "a field " + problem, fix: "remove the line break")
            }
        }
        passwordPath = file
        passwordOriginal = original
        password = PasswordFileEdit.setting(password: secret, for: keys, in: passwordOriginal ?? "")
        passwordMode = PasswordFile.mode(replacing: found)
        narrowing = found.flatMap(PasswordFile.narrowing)
        savesPasswordForLocalhost = settings.endpoints.isEmpty && keys.map(\.host) == ["localhost"]
    }

    /// The password file is written: it changes, or it must be narrowed (libpq reads none of it until it is, not
    /// even a line already there).
    public var writesPasswordFile: Bool { password.map { !$0.isUnchanged || narrowing != nil } ?? false }

    /// What the person should know once the save is done (said on stderr by `save`, on the status line by the
    /// wizard); `writtenPasswordMode`: the mode the password file really has now (nil: it was not written).
    public func notices(writtenPasswordMode: Int?) -> [String] {
        var notices: [String] = []
        if let narrowing, let passwordPath, let writtenPasswordMode {
            notices.append(
                "\(passwordPath) had mode \(String(narrowing.from, radix: 8)) (\(narrowing.reason)); "
                    + "written \(String(writtenPasswordMode, radix: 8)) now")
        }
        if savesPasswordForLocalhost {
            notices.append("no host: the password is saved for host localhost, the name libpq looks its default socket up by")
        }
        return notices
    }

    /// The text of a file the save edits (nil: there is none). One that cannot be read is refused, and so is one
    /// that is not UTF-8: its other bytes could not be kept.
    /// `notRegular`: the words for a file that is not a plain one, when the caller has more to say.
    static func existingText(
        _ path: String, field: String, files: LocalFiles,
        notRegular: (problem: String, fix: String)? = nil
    ) throws(InputError) -> String? {
        guard let facts = files.facts(path) else { return nil }
        // Read only a plain file: a FIFO would block the read, and no other kind can be replaced atomically.
        guard facts.isRegularFile else {
            let words = notRegular ?? ("\(path) is not a regular file", "move it away, or point to another file")
            throw InputError(field: field, problem: words.problem, fix: words.fix)
        }
        switch files.read(path) {
        case .text(let text):
            return text
        case .notUTF8(let line):
            throw InputError(
                field: field, problem: "\(path) is not UTF-8 text (line \(line)), which pgsecure cannot edit byte for byte",
                fix: "convert it to UTF-8 (iconv -f latin1 -t utf-8)")
        case .unreadable(let reason):
            throw InputError(field: field, problem: "\(path) cannot be read (\(reason))", fix: "check its permissions")
        case nil:
            throw InputError(field: field, problem: "\(path) cannot be read", fix: "check its permissions")
        }
    }

    /// Where a save for these settings writes: the service file libpq searches first, and (when there is a password)
    /// the password file libpq reads for them. The wizard asks this before planning, to read a file it has not seen.
    public static func paths(
        settings: ConnectionSettings, environment: [String: String], files: LocalFiles
    ) throws(InputError) -> (service: String, password: String?) {
        guard let service = ServiceFile.searchPaths(environment: environment, files: files).user else {
            throw InputError(field: "service file", problem: "no home directory", fix: "set HOME or PGSERVICEFILE")
        }
        guard settings.password != nil else { return (service, nil) }
        guard let password = PasswordFile.path(passfile: settings.otherOptions["passfile"], environment: environment, files: files) else {
            throw InputError(field: "password file", problem: "no home directory", fix: "set HOME or PGPASSFILE")
        }
        return (service, password)
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
