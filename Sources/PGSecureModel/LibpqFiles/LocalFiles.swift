/// What resolving may look at on this machine: libpq's own files (service files, the password file,
/// ~/.postgresql). Injected, so the pipeline stays pure: the CLI reads the disk, the wizard a snapshot taken at start.
public struct LocalFiles: Sendable, Equatable {
    /// What `stat` says of a path, as far as libpq cares.
    public struct Facts: Sendable, Hashable {
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

    /// What reading a file that exists gave.
    public enum Contents: Sendable, Hashable {
        case text(String)
        /// Opening or reading it failed (`reason`: why), as libpq's own fopen would.
        case unreadable(reason: String)
        /// Read, but not UTF-8 from this line (1-based) on: libpq takes such bytes as they are, pgsecure cannot.
        case notUTF8(line: Int)

        public var text: String? { if case .text(let text) = self { text } else { nil } }
    }

    /// libpq's home directory ($HOME, else the password database).
    public var home: String?
    /// For making relative file names absolute.
    public var currentDirectory: String?
    /// The login name, libpq's default user (and so the password file's default database).
    public var userName: String?
    /// libpq's compiled-in SYSCONFDIR, where the system-wide pg_service.conf lives (PGSYSCONFDIR overrides it).
    public var systemConfigurationDirectory: String
    /// How paths not in `found` are answered: the machine itself (or a stand-in), nothing for a snapshot.
    private var lookUpFacts: @Sendable (String) -> Facts?
    private var lookUpContents: @Sendable (String) -> Contents?
    /// Files as read for a snapshot or since (a read the wizard asked for, its own writes): they answer for their paths.
    public private(set) var found: [String: File] = [:]
    /// The paths a snapshot holds (any other reads as missing, though it may exist); nil: every path is answered.
    public var knownPaths: Set<String>?

    public init(
        home: String?, currentDirectory: String?, userName: String? = nil, systemConfigurationDirectory: String,
        facts: @escaping @Sendable (String) -> Facts?, read: @escaping @Sendable (String) -> Contents?,
        knownPaths: Set<String>? = nil
    ) {
        self.home = home
        self.currentDirectory = currentDirectory
        self.userName = userName
        self.systemConfigurationDirectory = systemConfigurationDirectory
        lookUpFacts = facts
        lookUpContents = read
        self.knownPaths = knownPaths
    }

    /// What `stat` says of `path`; nil: it does not exist.
    public func facts(_ path: String) -> Facts? { found[path].map(\.facts) ?? lookUpFacts(path) }

    /// What reading `path` gives; nil: it does not exist.
    public func read(_ path: String) -> Contents? { found[path].map(\.contents) ?? lookUpContents(path) }

    /// The file's text; nil when it is missing, cannot be read or is not UTF-8 (`read` tells which).
    public func contents(_ path: String) -> String? { read(path)?.text }

    /// One file as it was found (or written): `facts` nil when it does not exist, `contents` nil when it was not read.
    public struct File: Sendable, Hashable {
        public let path: String
        public let facts: Facts?
        public let contents: Contents?

        public init(path: String, facts: Facts?, contents: Contents?) {
            self.path = path
            self.facts = facts
            self.contents = contents
        }

        /// A file whose text is known (one just written).
        public init(path: String, facts: Facts?, text: String?) {
            self.init(path: path, facts: facts, contents: text.map(Contents.text))
        }

        public var text: String? { contents?.text }
    }

    /// Whether `path` is answered for what it is: a snapshot answers only for the paths it read.
    public func knows(_ path: String) -> Bool { knownPaths?.contains(path) ?? true }

    /// These paths as they are now. Only regular files are read (a FIFO would block); any other that exists is
    /// unreadable as a file, but for a directory, which reads as nothing.
    public func files(_ paths: [String]) -> [File] {
        paths.map { path in
            guard let found = facts(path) else { return File(path: path, facts: nil, contents: nil) }
            let contents: Contents? =
                found.isRegularFile ? read(path) : found.isDirectory ? .text("") : .unreadable(reason: "not a regular file")
            return File(path: path, facts: found, contents: contents)
        }
    }

    /// A machine with none of libpq's files.
    public static let none = LocalFiles(
        home: nil, currentDirectory: nil, systemConfigurationDirectory: "/etc/postgresql-common",
        facts: { _ in nil }, read: { _ in nil })

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
        var empty = self
        (empty.lookUpFacts, empty.lookUpContents, empty.found, empty.knownPaths) = ({ _ in nil }, { _ in nil }, [:], [])
        return empty.updating(files(paths))
    }

    /// This view with `files` as they are now (read since, or just written by the wizard itself): what it answers
    /// for those paths, and from then on knows.
    public func updating(_ files: [File]) -> LocalFiles {
        var updated = self
        for file in files { updated.found[file.path] = file }
        updated.knownPaths = knownPaths?.union(files.map(\.path))
        return updated
    }

    /// Views holding the same data are equal: for a snapshot (the wizard's), every answer. The lookups for other
    /// paths are functions, taken as one per view's kind (the disk, or none), as the wizard's parser is.
    public static func == (lhs: LocalFiles, rhs: LocalFiles) -> Bool {
        (lhs.home, lhs.currentDirectory, lhs.userName, lhs.systemConfigurationDirectory)
            == (rhs.home, rhs.currentDirectory, rhs.userName, rhs.systemConfigurationDirectory)
            && lhs.found == rhs.found && lhs.knownPaths == rhs.knownPaths
    }
}
