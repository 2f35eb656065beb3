import PGSecureModel

/// A one-line text field: the characters and a cursor, edited with the keys people expect from a shell prompt.
public struct TextInput: Hashable, Sendable {
    public private(set) var characters: [Character]
    /// Index into `characters` where the next character goes.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    /// Applies an editing key; returns false when the key is not an editing key (so the step may use it).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            guard !character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                return true
            }
            characters.insert(character, at: cursor)
            cursor += 1
        case .backspace, .control("h"):
            if cursor > 0 {
                characters.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete, .control("d"):
            if cursor < characters.count { characters.remove(at: cursor) }
        case .left, .control("b"): cursor = max(0, cursor - 1)
        case .right, .control("f"): cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .control("u"):
            characters.removeFirst(cursor)
            cursor = 0
        case .control("k"): characters.removeLast(characters.count - cursor)
        case .control("w"):
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default:
            return false
        }
        return true
    }

    /// What a field `width` columns wide shows: the text (or a mask) scrolled so the cursor is visible, and the
    /// cursor's column within the field.
    public func visible(width: Int, masked: Bool) -> (text: ShownText, cursorColumn: Int) {
        visible(width: width, masking: masked ? Set(characters.indices) : [])
    }

    /// As above, with the characters at `masking` shown as "•" (e.g. a password inside a connection string).
    /// Measured as shown: a pasted bidi control takes the six cells of `\u202e`.
    public func visible(width: Int, masking: Set<Int>) -> (text: ShownText, cursorColumn: Int) {
        guard width > 1 else { return (ShownText(pieces: []), 0) }
        let escaped = TerminalText.escapedPieces(characters)
        let shown = characters.indices.map { masking.contains($0) ? "•" : escaped[$0] }
        let widths = shown.map(DisplayWidth.of)
        // Scroll so that the text before the cursor plus the cursor cell fits.
        var start = 0
        var beforeCursor = widths[0..<cursor].reduce(0, +)
        while beforeCursor > width - 1, start < cursor {
            beforeCursor -= widths[start]
            start += 1
        }
        var pieces: [String] = []
        var used = 0
        for index in start..<shown.count {
            if used + widths[index] > width { break }
            pieces.append(shown[index])
            used += widths[index]
        }
        return (ShownText(pieces: pieces), beforeCursor)
    }
}

extension TextInput {
    /// Where secrets sit in a connection string being typed: `user:PASSWORD@` and `?password=...&sslpassword=...` in
    /// a URI, or the values of `password=` and `sslpassword=` (the model's secret keywords) in key=value form. Best
    /// effort, for masking only; libpq does the real parsing.
    public var passwordIndices: Set<Int> {
        let chars = characters
        let text = String(chars)
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return Self.uriSecretIndices(chars) }
        return Self.keywordValueSecretIndices(chars)
    }

    static func uriSecretIndices(_ chars: [Character]) -> Set<Int> {
        guard let schemeEnd = (0..<max(0, chars.count - 2)).first(where: { chars[$0] == ":" && chars[$0 + 1] == "/" && chars[$0 + 2] == "/" }) else { return [] }
        let start = schemeEnd + 3
        var result = Set<Int>()
        // `user:secret@host` once the @ is there (libpq ends the user info at the first `@` or `/`, so a `?` may be
        // part of the password); while it is being typed (`user:sec`), a colon with no `/` or `@` after it may start
        // a password, so it is masked too. `host:5432/db` (a / and no @) is a port.
        let end = (start..<chars.count).first(where: { chars[$0] == "@" || chars[$0] == "/" })
        if end.map({ chars[$0] == "@" }) ?? true {
            let stop = end ?? chars.count
            if let colon = (start..<stop).first(where: { chars[$0] == ":" }) { result.formUnion((colon + 1)..<stop) }
        }
        // The query: `?keyword=value&...`, keywords percent-decoded as libpq does.
        let hostStart = end.map { chars[$0] == "@" ? $0 + 1 : start } ?? start
        guard let question = (hostStart..<chars.count).first(where: { chars[$0] == "?" }) else { return result }
        var parameterStart = question + 1
        while parameterStart <= chars.count {
            let parameterEnd = (parameterStart..<chars.count).first(where: { chars[$0] == "&" }) ?? chars.count
            if let equals = (parameterStart..<parameterEnd).first(where: { chars[$0] == "=" }),
                ConnectionSettings.secretKeywords.contains(percentDecoded(chars[parameterStart..<equals]))
            {
                result.formUnion((equals + 1)..<parameterEnd)
            }
            parameterStart = parameterEnd + 1
        }
        return result
    }

    /// `%xx` decoded (invalid escapes kept as they are), for comparing URI query keywords.
    static func percentDecoded(_ chars: ArraySlice<Character>) -> String {
        var bytes: [UInt8] = []
        var index = chars.startIndex
        while index < chars.endIndex {
            if chars[index] == "%", index + 2 < chars.endIndex,
                let byte = UInt8(String(chars[(index + 1)...(index + 2)]), radix: 16)
            {
                bytes.append(byte)
                index += 3
            } else {
                bytes += Array(String(chars[index]).utf8)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func keywordValueSecretIndices(_ chars: [Character]) -> Set<Int> {
        let keywords = ConnectionSettings.secretKeywords.map { Array($0) }
        var result = Set<Int>()
        var index = 0
        while index < chars.count {
            // A keyword starts at the beginning or after whitespace.
            guard index == 0 || chars[index - 1].isWhitespace,
                let keyword = keywords.first(where: { index + $0.count <= chars.count && Array(chars[index..<(index + $0.count)]) == $0 })
            else {
                index += 1
                continue
            }
            var cursor = index + keyword.count
            while cursor < chars.count, chars[cursor].isWhitespace { cursor += 1 }
            guard cursor < chars.count, chars[cursor] == "=" else { index += 1; continue }
            cursor += 1
            while cursor < chars.count, chars[cursor].isWhitespace { cursor += 1 }
            if cursor < chars.count, chars[cursor] == "'" {
                cursor += 1
                while cursor < chars.count, chars[cursor] != "'" {
                    if chars[cursor] == "\\", cursor + 1 < chars.count {
                        result.insert(cursor)
                        cursor += 1
                    }
                    result.insert(cursor)
                    cursor += 1
                }
            } else {
                while cursor < chars.count, !chars[cursor].isWhitespace {
                    result.insert(cursor)
                    cursor += 1
                }
            }
            index = cursor
        }
        return result
    }
}
