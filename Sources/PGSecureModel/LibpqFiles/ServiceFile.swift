/// libpq's connection service files (pg_service.conf), read exactly as libpq 15 reads them (fe-connect.c,
/// parseServiceInfo and parseServiceFile): `[name]` sections of `keyword=value` lines, no quoting, no spaces around `=`.
public enum ServiceFile {
    /// One service found: where, and its keyword/value pairs in file order.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let file: String
        public let options: [LibpqOption]
    }

    /// The service files libpq searches, in its order (fe-connect.c, parseServiceInfo): PGSERVICEFILE, else
    /// ~/.pg_service.conf; then PGSYSCONFDIR's (else SYSCONFDIR's) pg_service.conf. Every reader and writer of
    /// service files takes its paths from here.
    public struct SearchPaths: Sendable, Equatable {
        /// The person's own file, searched first and the one `save` writes: PGSERVICEFILE, else ~/.pg_service.conf
        /// (nil: neither is set, no home directory).
        public let user: String?
        /// `user` is PGSERVICEFILE, which libpq opens without checking that it exists: a missing one is an error.
        public let userIsNamed: Bool
        /// The system-wide file, searched last.
        public let system: String

        public var all: [String] { [user, system].compactMap { $0 } }
    }

    public static func searchPaths(environment: [String: String], files: LocalFiles) -> SearchPaths {
        let named = environment["PGSERVICEFILE"]
        return SearchPaths(
            user: named ?? files.home.map { $0 + "/.pg_service.conf" }, userIsNamed: named != nil,
            system: (environment["PGSYSCONFDIR"] ?? files.systemConfigurationDirectory) + "/pg_service.conf")
    }

    /// The entry for `name` in the files libpq searches (`searchPaths`); libpq's errors are reproduced as InputErrors.
    public static func lookUp(
        _ name: String, environment: [String: String], files: LocalFiles, knownKeywords: Set<String>
    ) throws(InputError) -> Entry {
        let paths = searchPaths(environment: environment, files: files)
        // libpq stops at the first file holding the section: a later file is not even opened.
        for file in paths.all {
            guard let text = try text(of: file, in: paths, files: files) else { continue }
            if let options = try section(name, in: text, file: file, knownKeywords: knownKeywords) {
                return Entry(name: name, file: file, options: options)
            }
        }
        throw InputError(
            field: "service", problem: "definition of service \"\(name)\" not found",
            fix: "add a [\(name)] section to ~/.pg_service.conf (or the file PGSERVICEFILE names), or check the name")
    }

    /// One of `paths` as libpq reads it (fe-connect.c, parseServiceInfo and parseServiceFile); nil: skipped, as
    /// libpq skips a file whose stat fails (but PGSERVICEFILE, which it opens unchecked). A file that exists but
    /// cannot be opened is libpq's error, not a skip. One that is not UTF-8 libpq reads, passing its bytes on as
    /// they are; pgsecure cannot hold them, so it refuses rather than skip to another file.
    public static func text(of file: String, in paths: SearchPaths, files: LocalFiles) throws(InputError) -> String? {
        let isNamed = paths.userIsNamed && file == paths.user
        if !isNamed, files.facts(file) == nil { return nil }
        switch files.read(file) {
        case .text(let text):
            return text
        case .notUTF8(let line):
            throw InputError(
                field: "service", problem: "service file \"\(file)\" is not UTF-8 text (line \(line)), which pgsecure cannot read",
                fix: "convert it to UTF-8 (iconv -f latin1 -t utf-8), as libpq passes its bytes on unchanged")
        case .unreadable(let reason):
            throw InputError(
                field: "service", problem: "service file \"\(file)\" not found",
                fix: "it exists but cannot be opened (\(reason)): make it readable, or move it away")
        case nil:
            throw InputError(
                field: "service", problem: "service file \"\(file)\" not found (PGSERVICEFILE)",
                fix: "point PGSERVICEFILE at your pg_service.conf, or unset it")
        }
    }

    /// The `[name]` section's pairs (the first such section, as libpq stops there), nil when there is none.
    public static func section(
        _ name: String, in text: String, file: String, knownKeywords: Set<String>
    ) throws(InputError) -> [LibpqOption]? {
        var options: [LibpqOption] = []
        var inSection = false
        // Bytes and scalars, as libpq reads them (and as `ServiceFileEdit` finds the section it edits).
        for (index, rawLine) in ServiceFileEdit.byteLines(text).enumerated() {
            let line = ServiceFileEdit.trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                if inSection { return options }
                // libpq: the name must follow "[" exactly and be closed by "]"; anything may come after.
                inSection = ServiceFileEdit.opensSection(name, String(line))
                continue
            }
            guard inSection else { continue }
            let lineNumber = index + 1
            let scalars = line.unicodeScalars
            guard let equals = scalars.firstIndex(of: "=") else {
                throw syntaxError(file: file, line: lineNumber)
            }
            let keyword = String(scalars[..<equals])
            if keyword == "service" {
                throw InputError(
                    field: "service", problem: "nested service specifications not supported in service file \"\(file)\", line \(lineNumber)",
                    fix: "remove the service= line from that section")
            }
            guard knownKeywords.contains(keyword) else { throw syntaxError(file: file, line: lineNumber) }
            // An earlier line for the same keyword wins, as libpq never overrides a value once set.
            if options[keyword] == nil { options.append(LibpqOption(keyword, String(scalars[scalars.index(after: equals)...]))) }
        }
        return inSection ? options : nil
    }

    static func syntaxError(file: String, line: Int) -> InputError {
        InputError(
            field: "service", problem: "syntax error in service file \"\(file)\", line \(line)",
            fix: "write keyword=value lines (no spaces around =) with keywords libpq knows")
    }
}
