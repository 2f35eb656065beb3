/// libpq's password file (~/.pgpass or PGPASSFILE), read as libpq 15 reads it (fe-connect.c, passwordFromFile and
/// pwdfMatchesString): `host:port:database:user:password` lines; a field of exactly `*` matches anything; `\` escapes.
public enum PasswordFile {
    /// The socket directory libpq was built with; a socket host there is "localhost" to the password file.
    public static let defaultSocketDirectory = "/var/run/postgresql"

    /// The file libpq would read (fe-connect.c, connectOptions2): the passfile keyword, else PGPASSFILE, else
    /// ~/.pgpass; an empty value counts as unset.
    public static func path(passfile: String?, environment: [String: String], files: LocalFiles) -> String? {
        let named = [passfile, environment["PGPASSFILE"]].lazy.compactMap { $0 }.first { !$0.isEmpty }
        return named ?? files.home.map { $0 + "/.pgpass" }
    }

    /// The mode to write the file with: 0600 for a new file and for one libpq cannot use as it is (`narrowing`); any
    /// other keeps its mode (0400 stays 0400).
    public static func mode(replacing existing: LocalFiles.Facts?) -> Int {
        guard let existing, existing.isRegularFile, narrowing(existing) == nil else { return 0o600 }
        return existing.mode
    }

    /// A regular password file libpq cannot use with its mode: which mode, and why.
    public struct Narrowing: Sendable, Hashable {
        public let from: Int
        public let reason: String
    }

    /// Why a regular password file must become 0600 for libpq to use it (nil: it serves as it is). libpq 15 ignores
    /// one with any group or world bit, and its fopen fails on one the owner may not read (unless run as root).
    /// Exactly 0600 mends both; clearing bits alone never gives the owner read access back (0044 would become 0000).
    public static func narrowing(_ facts: LocalFiles.Facts) -> Narrowing? {
        if facts.mode & 0o077 != 0 { return Narrowing(from: facts.mode, reason: "group or world access, so libpq ignores it") }
        if facts.mode & 0o400 == 0 { return Narrowing(from: facts.mode, reason: "its owner may not read it, so libpq cannot open it") }
        return nil
    }

    /// Why libpq would not read this file (nil: it would): not a plain file, or a mode `narrowing` must mend.
    public static func problem(_ facts: LocalFiles.Facts) -> String? {
        if !facts.isRegularFile { return "is not a plain file, so libpq ignores it" }
        return narrowing(facts).map { "has mode \(String($0.from, radix: 8)) (\($0.reason)); chmod 600 it" }
    }

    /// The host, as the password file sees it: "localhost" for no host or the default socket directory. Any other
    /// socket directory is looked up by its path, a host name or address as written.
    public static func lookupHost(_ host: String?) -> String {
        guard let host, !host.isEmpty, host != defaultSocketDirectory else { return "localhost" }
        return host
    }

    /// The first line matching this connection (1-based) and its password; libpq stops at the first match, and an
    /// empty password there counts as none.
    public static func match(
        in text: String, host: String, port: String, database: String, user: String
    ) -> (line: Int, password: String)? {
        let lines = Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            var line = raw
            while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") { line = line.dropLast() }
            guard !line.isEmpty, line.first != UInt8(ascii: "#") else { continue }
            var rest: ArraySlice<UInt8>? = line
            for token in [host, port, database, user] { rest = rest.flatMap { matchField($0, Array(token.utf8)) } }
            guard let passwordField = rest else { continue }
            return (index + 1, unescapedPassword(passwordField))
        }
        return nil
    }

    /// libpq's pwdfMatchesString: the rest of the line after a field equal to `token`, or nil.
    static func matchField(_ buffer: ArraySlice<UInt8>, _ token: [UInt8]) -> ArraySlice<UInt8>? {
        let colon = UInt8(ascii: ":")
        var index = buffer.startIndex
        if buffer.count >= 2, buffer[index] == UInt8(ascii: "*"), buffer[index + 1] == colon { return buffer[(index + 2)...] }
        var matched = 0
        var escaped = false
        while index < buffer.endIndex {
            if buffer[index] == UInt8(ascii: "\\"), !escaped {
                index += 1
                escaped = true
            }
            let byte: UInt8 = index < buffer.endIndex ? buffer[index] : 0
            if byte == colon, matched == token.count, !escaped { return buffer[(index + 1)...] }
            escaped = false
            guard matched < token.count, byte == token[matched] else { return nil }
            index += 1
            matched += 1
        }
        return nil
    }

    /// The password field up to its first unescaped `:`, with escapes removed.
    static func unescapedPassword(_ field: ArraySlice<UInt8>) -> String {
        var bytes: [UInt8] = []
        var index = field.startIndex
        while index < field.endIndex, field[index] != UInt8(ascii: ":") {
            if field[index] == UInt8(ascii: "\\"), index + 1 < field.endIndex { index += 1 }
            bytes.append(field[index])
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One line for the file: every `\` and `:` escaped, and a lone `*` too (it would be a wildcard), so libpq reads
    /// each field back exactly. A host starting with `#` is escaped as well: libpq skips lines starting with `#`.
    public static func line(host: String, port: String, database: String, user: String, password: String) -> String {
        let line = [host, port, database, user, password].map { value in
            value == "*" ? "\\*" : value.replacing("\\", with: "\\\\").replacing(":", with: "\\:")
        }.joined(separator: ":")
        return line.hasPrefix("#") ? "\\" + line : line
    }
}
