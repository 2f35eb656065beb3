import CLibPQ
import PGSecureModel

/// libpq's own reading of connection strings: the authority on what a URI or key=value string means.
public enum LibPQ {
    /// `PQlibVersion()`, e.g. 150018 for 15.18.
    public static var version: Int32 { PQlibVersion() }

    /// "15.18" from 150018.
    public static var versionText: String { "\(version / 10000).\(version % 10000)" }

    /// Parses a URI or key=value string with `PQconninfoParse`, returning the keywords it sets, in libpq's order.
    /// libpq's error text reaches the user unchanged.
    public static func parse(_ connectionString: String) throws(InputError) -> [LibpqOption] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(connectionString, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
            PQfreemem(errorMessage)
            throw InputError(
                field: "connection string",
                problem: redactingValues(message.split(whereSeparator: \.isNewline).joined(separator: " ")),
                fix: "write a postgresql:// URI (percent-encode special characters) or key=value pairs; quote the whole string for your shell")
        }
        defer { PQconninfoFree(parsed) }
        var options: [LibpqOption] = []
        var entry = parsed
        while let keyword = entry.pointee.keyword {
            if let value = entry.pointee.val {
                let name = String(cString: keyword)
                // A percent-encoded byte that is not UTF-8 would be replaced by U+FFFD without a word: refuse it.
                guard let text = String(validatingCString: value) else {
                    throw InputError(
                        field: name, problem: "is not valid UTF-8 text once percent-decoded",
                        fix: "percent-encode the value's UTF-8 bytes (e.g. é is %C3%A9)")
                }
                options.append(LibpqOption(name, text))
            }
            entry += 1
        }
        return options
    }

    /// libpq quotes pieces of the string in its parse errors (`missing "=" after "b"`, `invalid percent-encoded
    /// token: "s%zzecret"`), and a piece may be part of a password. Keeps only quoted keywords libpq knows of
    /// (any version) and "=", so the message still says what is wrong without repeating a secret.
    static func redactingValues(_ message: String) -> String {
        LibpqMessage.pieces(message).map { piece in
            piece.isQuoted && !(piece.text == "=" || knownKeywords.contains(String(piece.text))) ? "…" : piece.text
        }.joined(separator: "\"")
    }

    /// Every keyword this libpq accepts, and the newer ones pgsecure knows of (so `sslnegotiation` stays visible).
    public static let knownKeywords: Set<String> = {
        var keywords = Set(LibpqEnvironment.variables.map(\.keyword))
        guard let defaults = PQconndefaults() else { return keywords }
        defer { PQconninfoFree(defaults) }
        var entry = defaults
        while let keyword = entry.pointee.keyword {
            keywords.insert(String(cString: keyword))
            entry += 1
        }
        return keywords
    }()
}
