/// Writing one `[name]` section of a service file, keeping every other byte: the pure half of `pgsecure save`.
/// The reading rules are libpq 15's (see ServiceFile): a line is trimmed of C white space at both ends, `#` starts a
/// comment line, `[name]` opens a section when the name follows `[` exactly and is closed by `]`, and the first
/// such section is the one libpq reads.
public enum ServiceFileEdit {
    /// The result of setting a section: the whole new file, what the section held before (nil: there was none) and
    /// the lines removed and added, for showing the change.
    public struct Change: Sendable, Hashable {
        public let text: String
        public let previous: [LibpqOption]?
        public let removedLines: [String]
        public let addedLines: [String]

        /// The file does not change (the entry already holds exactly these values).
        public var isUnchanged: Bool { removedLines.isEmpty && addedLines.isEmpty }
        /// An existing entry with other values would be replaced: asks for --force or a confirmation.
        public var replacesOtherValues: Bool { previous != nil && !isUnchanged }

        /// The change as diff lines (`-` removed, `+` added), under a `[name]` header, for a person: the value of a
        /// secret keyword an old entry may hold (password=…) is masked.
        public func diff(name: String) -> String {
            let shown = { (line: String) in
                let keyword = line.prefix { $0 != "=" }
                return ConnectionSettings.secretKeywords.contains(String(keyword)) && keyword.count < line.count
                    ? keyword + "=…" : line
            }
            return (["[\(name)]"] + removedLines.map { "- " + shown($0) } + addedLines.map { "+ " + shown($0) })
                .joined(separator: "\n") + "\n"
        }
    }

    /// Why libpq could not find a section of this name exactly as written (nil: it can).
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.contains(where: { $0.isNewline }) { return "holds a line break, which a service file cannot carry" }
        // libpq ends the name at the first "]": a name holding one would be read as another section's name.
        if name.contains("]") { return "holds \"]\", which ends a section name in a service file" }
        if name.utf8.contains(0) { return "holds a NUL byte" }
        return nil
    }

    /// Why this value would not come back from the service file as written (nil: it would). A service file has no
    /// quoting: one line per value, white space at the line's end dropped, an empty value unset.
    public static func valueProblem(_ value: String) -> String? {
        if value.isEmpty { return "is empty, which a service file reads as unset" }
        if value.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            return "holds a line break, which a service file cannot carry (it has no quoting)"
        }
        if let last = value.unicodeScalars.last, isCSpace(last) {
            return "ends in white space, which libpq drops when it reads a service file"
        }
        if value.utf8.contains(0) { return "holds a NUL byte" }
        return nil
    }

    /// `text` with the `[name]` section holding exactly `options` (in this order): the section libpq reads is
    /// rewritten in place (its comments and blank lines kept), or a new section is added at the end. Every byte
    /// outside that section stays as it was. Callers check `nameProblem` and `valueProblem` first.
    public static func setting(_ name: String, to options: [LibpqOption], in text: String) -> Change {
        var lines = byteLines(text)
        // A file ending in "\n" splits into a last empty piece: not a line of its own.
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        let lineEnd = lines.first?.utf8.last == UInt8(ascii: "\r") ? "\r" : ""
        let newLines = options.map { "\($0.keyword)=\($0.value)" }

        guard let header = lines.firstIndex(where: { opensSection(name, $0) }) else {
            var result = text
            if !result.isEmpty && !endsWithNewline { result += lineEnd + "\n" }
            // One blank line before the new section, unless the file already ends with one.
            if !result.isEmpty, trimmed(lines.last ?? "").isEmpty == false { result += lineEnd + "\n" }
            result += (["[\(name)]"] + newLines).map { $0 + lineEnd + "\n" }.joined()
            return Change(text: result, previous: nil, removedLines: [], addedLines: newLines)
        }
        let end = lines[(header + 1)...].firstIndex { trimmed($0).unicodeScalars.first == "[" } ?? lines.count
        var previous: [LibpqOption] = []
        var body: [String] = []
        var written: Set<String> = []
        var lastSetting = -1
        for line in lines[(header + 1)..<end] {
            let content = trimmed(line)
            if content.isEmpty || content.unicodeScalars.first == "#" {
                body.append(line)
                continue
            }
            // libpq splits at the first "=" byte (strchr), whatever follows it.
            let equals = content.unicodeScalars.firstIndex(of: "=")
            let key = String(content.unicodeScalars[..<(equals ?? content.unicodeScalars.endIndex)])
            if let equals, !previous.contains(where: { $0.keyword == key }) {
                previous.append(LibpqOption(key, String(content.unicodeScalars[content.unicodeScalars.index(after: equals)...])))
            }
            // The first line for a keyword is the one libpq reads; later ones, and keywords not saved, go.
            guard let index = options.firstIndex(where: { $0.keyword == key }), !written.contains(key) else { continue }
            written.insert(key)
            let indent = String(line.unicodeScalars.prefix { $0 == " " || $0 == "\t" })
            body.append(indent + newLines[index] + lineEnd)
            lastSetting = body.count - 1
        }
        let missing = options.indices.filter { !written.contains(options[$0].keyword) }.map { newLines[$0] + lineEnd }
        body.insert(contentsOf: missing, at: lastSetting + 1)

        let oldBody = lines[(header + 1)..<end].map { trimmed($0) }.filter { !$0.isEmpty && $0.unicodeScalars.first != "#" }.map(String.init)
        let newBody = body.map { trimmed($0) }.filter { !$0.isEmpty && $0.unicodeScalars.first != "#" }.map(String.init)
        lines.replaceSubrange((header + 1)..<end, with: body)
        let result = lines.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
        let unchanged = oldBody == newBody
        return Change(
            text: unchanged ? text : result, previous: previous,
            removedLines: unchanged ? [] : oldBody.filter { !newBody.contains($0) },
            addedLines: unchanged ? [] : newBody.filter { !oldBody.contains($0) })
    }

    /// Every section name in the file, in order (each name as libpq would match it: up to the first "]").
    public static func sectionNames(in text: String) -> [String] {
        byteLines(text).compactMap { line in
            let content = trimmed(line).unicodeScalars
            guard content.first == "[", let close = content.firstIndex(of: "]") else { return nil }
            return String(content[content.index(after: content.startIndex)..<close])
        }
    }

    /// The file's lines split at "\n" bytes, as libpq reads them (Swift's Characters would keep "\r\n" whole).
    /// The piece after the last "\n" comes last (empty when the file ends with one).
    public static func byteLines(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// libpq's test: the trimmed line starts with "[", then exactly `name`, then "]" (bytes, as strncmp compares).
    static func opensSection(_ name: String, _ line: String) -> Bool {
        let content = Array(trimmed(line).utf8)
        let wanted = Array(name.utf8)
        return content.first == UInt8(ascii: "[") && content.count > wanted.count + 1
            && Array(content[1...wanted.count]) == wanted && content[wanted.count + 1] == UInt8(ascii: "]")
    }

    public static func trimmed<S: StringProtocol>(_ line: S) -> Substring {
        let scalars = Substring(line).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isCSpace($0) }), let last = scalars.lastIndex(where: { !isCSpace($0) })
        else { return "" }
        return Substring(scalars[first...last])
    }

    /// C's isspace in the C locale: space, \t, \n, \v, \f, \r.
    static func isCSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\u{0B}" || scalar == "\u{0C}" || scalar == "\r"
    }
}
