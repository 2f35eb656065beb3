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
        var result = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "'": result += "\\'"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if !isInvisible(scalar) {
                    result.unicodeScalars.append(scalar)
                } else if scalar.value < 0x100 {
                    result += "\\x" + hex(scalar.value, digits: 2)
                } else if scalar.value < 0x10000 {
                    result += "\\u" + hex(scalar.value, digits: 4)
                } else {
                    result += "\\U" + hex(scalar.value, digits: 8)
                }
            }
        }
        return result + "'"
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
