#if canImport(Glibc)
import Glibc
#endif
import PGSecureModel

extension LocalFiles {
    /// libpq's files as they are on this machine: `stat` and reads, each when asked.
    public static func onDisk(environment: [String: String]) -> LocalFiles {
        LocalFiles(
            home: homeDirectory(environment: environment), currentDirectory: currentDirectory(),
            userName: getpwuid(geteuid()).flatMap { $0.pointee.pw_name }.map { String(cString: $0) },
            systemConfigurationDirectory: "/etc/postgresql-common",
            facts: { Facts.of($0) }, read: read)
    }

    /// libpq's choice: $HOME, else the password database.
    public static func homeDirectory(environment: [String: String]) -> String? {
        if let home = environment["HOME"], !home.isEmpty { return home }
        guard let entry = getpwuid(geteuid()), let directory = entry.pointee.pw_dir else { return nil }
        return String(cString: directory)
    }

    static func currentDirectory() -> String? {
        guard let path = getcwd(nil, 0) else { return nil }
        defer { free(path) }
        return String(cString: path)
    }

    /// A small text file, whole, read as libpq reads its files (fopen, then reads until one fails: a directory reads
    /// as nothing); nil when it does not exist.
    static func read(_ path: String) -> Contents? {
        guard let file = fopen(path, "r") else {
            return errno == ENOENT ? nil : .unreadable(reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer.prefix(count)
            if bytes.count > 16 << 20 { return .unreadable(reason: "larger than 16 MiB, not a configuration file") }
        }
        if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        return .notUTF8(line: 1 + (lines.firstIndex { String(validating: $0, as: UTF8.self) == nil } ?? 0))
    }
}

extension LocalFiles.Facts {
    /// What `stat` (or, not following a final symbolic link, `lstat`) says of `path`; nil when it fails, with
    /// `errno` left as the call set it.
    public static func of(_ path: String, followingLinks: Bool = true) -> Self? {
        var status = stat()
        guard (followingLinks ? stat(path, &status) : lstat(path, &status)) == 0 else { return nil }
        return Self(status)
    }

    /// The one reading of a `stat` result: the file's type, permission bits and owner.
    public init(_ status: stat) {
        self.init(
            isRegularFile: status.st_mode & S_IFMT == S_IFREG, mode: Int(status.st_mode & 0o777),
            isOwnedByCurrentUser: status.st_uid == geteuid(), isOwnedByRoot: status.st_uid == 0,
            isDirectory: status.st_mode & S_IFMT == S_IFDIR)
    }
}
