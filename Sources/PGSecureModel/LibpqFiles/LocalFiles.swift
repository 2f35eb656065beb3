/// What resolving may look at on this machine: libpq's own files (service files, the password file,
/// ~/.postgresql). Injected, so the pipeline stays pure: the CLI reads the disk, the wizard a snapshot taken at start.
public struct LocalFiles: Sendable {
    /// What `stat` says of a path, as far as libpq cares.
    public struct Facts: Sendable, Equatable {
        public var isRegularFile: Bool
        /// Permission bits (0o777).
        public var mode: Int
        public var isOwnedByCurrentUser: Bool
        public var isOwnedByRoot: Bool
        public var isDirectory: Bool

        public init(
            isRegularFile: Bool, mode: Int, isOwnedByCurrentUser: Bool = true, isOwnedByRoot: Bool = false, isDirectory: Bool = false
        ) {
            self.isRegularFile = isRegularFile
            self.mode = mode
            self.isOwnedByCurrentUser = isOwnedByCurrentUser
            self.isOwnedByRoot = isOwnedByRoot
            self.isDirectory = isDirectory
        }
    }

    /// libpq's home directory ($HOME, else the password database).
    public var home: String?
    /// For making relative file names absolute.
    public var currentDirectory: String?
    /// The login name, libpq's default user (and so the password file's default database).
    public var userName: String?
    /// libpq's compiled-in SYSCONFDIR, where the system-wide pg_service.conf lives (PGSYSCONFDIR overrides it).
    public var systemConfigurationDirectory: String
    /// nil: the path does not exist.
    public var facts: @Sendable (String) -> Facts?
    /// nil: missing or unreadable.
    public var contents: @Sendable (String) -> String?

    public init(
        home: String?, currentDirectory: String?, userName: String? = nil, systemConfigurationDirectory: String,
        facts: @escaping @Sendable (String) -> Facts?, contents: @escaping @Sendable (String) -> String?
    ) {
        self.home = home
        self.currentDirectory = currentDirectory
        self.userName = userName
        self.systemConfigurationDirectory = systemConfigurationDirectory
        self.facts = facts
        self.contents = contents
    }

    /// A machine with none of libpq's files.
    public static let none = LocalFiles(
        home: nil, currentDirectory: nil, systemConfigurationDirectory: "/etc/postgresql-common",
        facts: { _ in nil }, contents: { _ in nil })

    /// `~/.postgresql/NAME`, libpq's default place for root.crt, root.crl, postgresql.crt and postgresql.key.
    public func homePostgresqlFile(_ name: String) -> String? { home.map { $0 + "/.postgresql/" + name } }

    /// Whether `path` is an existing regular file.
    public func isFile(_ path: String) -> Bool { facts(path)?.isRegularFile == true }

    /// The files libpq itself reads for a connection in this environment (service files, the password file,
    /// ~/.postgresql's defaults), and managed providers' root files.
    public func libpqPaths(environment: [String: String]) -> [String] {
        var paths = ServiceFile.searchPaths(environment: environment, files: self).all
        if let passwordFile = PasswordFile.path(passfile: nil, environment: environment, files: self) { paths.append(passwordFile) }
        paths += ["root.crt", "root.crl", "postgresql.crt", "postgresql.key"].compactMap(homePostgresqlFile)
        // Not libpq's, but where pgsecure looks for a managed provider's root (chosen for that provider's hosts).
        paths += Provider.all.flatMap { $0.rootFilePlaces(in: self) }
        return paths
    }

    /// These files as they are now, read once: for the wizard, whose update must not touch the disk.
    /// Any other path reads as missing.
    public func snapshot(of paths: [String]) -> LocalFiles {
        var facts: [String: Facts] = [:]
        var contents: [String: String] = [:]
        for path in paths {
            guard let found = self.facts(path) else { continue }
            facts[path] = found
            if found.isRegularFile, let text = self.contents(path) { contents[path] = text }
        }
        return LocalFiles(
            home: home, currentDirectory: currentDirectory, userName: userName,
            systemConfigurationDirectory: systemConfigurationDirectory,
            facts: { [facts] in facts[$0] }, contents: { [contents] in contents[$0] })
    }
}
