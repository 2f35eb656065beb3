/// Quoting rules, one per target language. Every value pgsecure writes goes through one of these.
public enum Quoting {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// RFC 3986 percent-encoding of every byte outside `A-Za-z0-9-._~` (plus `keeping`).
    public static func percentEncoded(_ value: String, keeping extra: Set<UInt8> = []) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if unreserved.contains(byte) || extra.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + hex(byte, digits: 2)
            }
        }
        return result
    }

    /// A libpq key=value value: always single-quoted, `\` and `'` escaped with a backslash.
    public static func conninfoValue(_ value: String) -> String {
        "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }

    /// POSIX sh, bash, zsh, dash: single quotes, each `'` written `'\''`. Nothing else is special inside.
    public static func posixShell(_ value: String) -> String {
        "'" + value.replacing("'", with: "'\\''") + "'"
    }

    /// fish: inside single quotes only `\\` and `\'` are escapes.
    public static func fish(_ value: String) -> String {
        "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }

    /// PowerShell: single quotes; every quote character, straight or curly (U+2018–U+201B), is doubled.
    public static func powerShell(_ value: String) -> String {
        var result = "'"
        for scalar in value.unicodeScalars {
            if scalar == "'" || (0x2018...0x201B).contains(scalar.value) {
                result.unicodeScalars.append(scalar)
            }
            result.unicodeScalars.append(scalar)
        }
        return result + "'"
    }

    /// A Python 3 string literal in single quotes; control and invisible characters escaped.
    public static func python(_ value: String) -> String {
        literal(value, quote: "'") { code in
            code < 0x100 ? "\\x" + hex(code, digits: 2) : code < 0x10000 ? "\\u" + hex(code, digits: 4) : "\\U" + hex(code, digits: 8)
        }
    }

    /// A JavaScript string literal in single quotes (Node reads source as UTF-8); invisible characters escaped.
    public static func javaScript(_ value: String) -> String {
        literal(value, quote: "'") { code in
            code < 0x100 ? "\\x" + hex(code, digits: 2) : code < 0x10000 ? "\\u" + hex(code, digits: 4) : "\\u{" + hex(code, digits: 1) + "}"
        }
    }

    /// A Go interpreted string literal. `\x` only below 0x80: above, it would be a raw byte, not a character.
    public static func go(_ value: String) -> String {
        literal(value, quote: "\"") { code in
            code < 0x80 ? "\\x" + hex(code, digits: 2) : code < 0x10000 ? "\\u" + hex(code, digits: 4) : "\\U" + hex(code, digits: 8)
        }
    }

    /// A Ruby double-quoted literal: `#` is escaped too, or `#{`, `#@` and `#$` would interpolate.
    public static func ruby(_ value: String) -> String {
        literal(value, quote: "\"", alsoEscaping: "#") { "\\u{" + hex($0, digits: 1) + "}" }
    }

    /// A PHP double-quoted literal: `$` is escaped too, or `$name` and `{$` would interpolate.
    public static func php(_ value: String) -> String {
        literal(value, quote: "\"", alsoEscaping: "$") { "\\u{" + hex($0, digits: 1) + "}" }
    }

    /// A .NET connection-string value (DbConnectionStringBuilder's rules, which Npgsql follows): plain when it holds
    /// only letters, digits and `._/-`; else in double quotes, each `"` doubled, nothing else special inside.
    public static func dotNetConnectionStringValue(_ value: String) -> String {
        let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-".unicodeScalars)
        if !value.isEmpty && value.unicodeScalars.allSatisfy(plain.contains) { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }

    /// A literal in `quote`: the backslash, the quote and `alsoEscaping` get a backslash, \n \r \t their usual
    /// escapes, and control or invisible characters the language's code-point escape, so nothing hides in the source.
    private static func literal(
        _ value: String, quote: Unicode.Scalar, alsoEscaping special: Unicode.Scalar? = nil,
        escapingCodePoint escape: (UInt32) -> String
    ) -> String {
        var result = String(quote)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\", quote, special: result += "\\" + String(scalar)
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if isInvisible(scalar) { result += escape(scalar.value) } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + String(quote)
    }

    /// A Java string literal. Non-ASCII is written as `\uXXXX` (Java 17 reads source in the platform charset);
    /// control characters use octal escapes, because `\u000a` would be turned into a real line break before parsing.
    public static func java(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    // Always three digits, so a following digit cannot join the escape (`\1` + `0` would read as `\10`).
                    let octal = String(scalar.value, radix: 8)
                    result += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
                } else if scalar.isASCII {
                    result.unicodeScalars.append(scalar)
                } else {
                    for unit in String(scalar).utf16 { result += "\\u" + hex(unit, digits: 4) }
                }
            }
        }
        return result + "\""
    }

    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    private static func hex(_ value: some BinaryInteger, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
