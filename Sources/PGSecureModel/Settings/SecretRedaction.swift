/// Finds what may be a secret in command-line arguments, so that no message repeats one: an error from the argument
/// parser quotes the argument it rejects, and a misplaced connection string carries its password with it.
public enum SecretRedaction {
    /// `text` with every secret found in `arguments` masked: first each argument holding one, whole (shown with its
    /// secrets as "…"), then any secret long enough to be recognised on its own.
    public static func redact(_ text: String, arguments: [String]) -> String {
        var result = text
        for argument in arguments {
            let secrets = self.secrets(in: argument)
            guard !secrets.isEmpty else { continue }
            let masked = secrets.reduce(argument) { $0.replacing($1, with: "…") }
            result = result.replacing(argument, with: masked)
            // Short secrets would mask ordinary words; they are caught with their argument above.
            for secret in secrets where secret.count >= 4 { result = result.replacing(secret, with: "…") }
        }
        return result
    }

    /// The secrets in one argument: a URI's userinfo password and every `password=` / `sslpassword=` value (key=value
    /// or URI query), raw and percent-decoded.
    public static func secrets(in argument: String) -> [String] {
        var found: [String] = []
        if let scheme = argument.firstRange(of: "://"), let at = argument.lastIndex(of: "@"), at > scheme.upperBound {
            let userInfo = argument[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") { found.append(String(userInfo[userInfo.index(after: colon)...])) }
        }
        var rest = Substring(argument)
        while let keyword = rest.firstRange(of: "password") {
            rest = rest[keyword.upperBound...].drop { $0 == " " || $0 == "\t" }
            guard rest.first == "=" else { continue }
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
            if rest.first == "'" {
                var value = ""
                var index = rest.index(after: rest.startIndex)
                while index < rest.endIndex, rest[index] != "'" {
                    if rest[index] == "\\", rest.index(after: index) < rest.endIndex { index = rest.index(after: index) }
                    value.append(rest[index])
                    index = rest.index(after: index)
                }
                found.append(value)
                found.append(String(rest[rest.index(after: rest.startIndex)..<index]))
                rest = rest[index...]
            } else {
                let value = rest.prefix { !$0.isWhitespace && $0 != "&" }
                found.append(String(value))
                rest = rest[value.endIndex...]
            }
        }
        found += found.compactMap(percentDecoded)
        var unique: [String] = []
        for secret in found where !secret.isEmpty && !unique.contains(secret) { unique.append(secret) }
        // Longest first, so a secret that contains another is masked whole.
        return unique.sorted { $0.count > $1.count }
    }

    static func percentDecoded(_ text: String) -> String? {
        guard text.contains("%") else { return nil }
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex),
                let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
                let value = UInt8(String(decoding: utf8[high...low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = utf8.index(after: low)
            } else {
                bytes.append(utf8[index])
                index = utf8.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
