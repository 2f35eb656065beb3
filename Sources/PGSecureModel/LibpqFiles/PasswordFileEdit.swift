/// Writing one password into libpq's password file, keeping every other line byte for byte: the pure half of
/// `pgsecure save`. libpq reads the first line that matches a connection (PasswordFile.match), so the new line
/// replaces that line when it names exactly this connection, and goes before it when it is a wider one (`*`).
public enum PasswordFileEdit {
    /// The four fields a line is looked up by, as libpq looks them up (host "localhost" for sockets, the default
    /// port, the database defaulting to the user name).
    public struct Key: Sendable, Equatable {
        public let host: String
        public let port: String
        public let database: String
        public let user: String

        public init(host: String, port: String, database: String, user: String) {
            self.host = host
            self.port = port
            self.database = database
            self.user = user
        }

        /// The keys libpq looks this connection's password up by, one per host it may try (fe-connect.c,
        /// connectOptions2): each host, else each hostaddr, else the default socket directory ("localhost" to the
        /// password file); the port, else 5432; the database, else the user name. Never empty.
        public static func all(for settings: ConnectionSettings, user: String) -> [Key] {
            let database = settings.dbname ?? user
            guard settings.endpoints.isEmpty else {
                return settings.endpoints.map {
                    Key(host: PasswordFile.lookupHost($0.host), port: String($0.port ?? 5432), database: database, user: user)
                }
            }
            let addresses: [String?] = (settings.otherOptions["hostaddr"] ?? "").split(separator: ",").map(String.init)
            return (addresses.isEmpty ? [nil] : addresses).map {
                Key(host: PasswordFile.lookupHost($0), port: "5432", database: database, user: user)
            }
        }
    }

    public struct Change: Sendable, Hashable {
        public let text: String
        /// The file already gives this password for this connection.
        public let isUnchanged: Bool
        /// The file gave another password for this connection: asks for --force or a confirmation.
        public let replacesOtherValue: Bool
    }

    /// `text` with `password` for each of these connections (one line per host, as libpq looks the password up
    /// for the host it tries).
    public static func setting(password: String, for keys: [Key], in text: String) -> Change {
        var result = text
        var replaces = false
        for key in keys {
            let change = setting(password: password, for: key, in: result)
            replaces = replaces || change.replacesOtherValue
            result = change.text
        }
        return Change(text: result, isUnchanged: result == text, replacesOtherValue: replaces)
    }

    /// Why this password should not be saved (nil: it can be).
    public static func passwordProblem(_ password: String) -> String? {
        if password.isEmpty { return "is empty, which libpq's password file reads as no password" }
        if password.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            return "holds a line break, which the password file cannot carry (one line per entry)"
        }
        if let kind = shortLivedTokenKind(password) {
            return "looks like \(kind), which expires within minutes to an hour: a saved copy would fail later. "
                + "Save the service without it and have your provider's tool set PGPASSWORD when you connect"
        }
        return nil
    }

    /// Why a host, port, database or user cannot be a field of a password-file line (nil: it can).
    public static func fieldProblem(_ value: String) -> String? {
        value.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) ? "holds a line break, which the password file cannot carry" : nil
    }

    /// The cloud providers' IAM sign-in tokens (`ShortLivedToken`), in the words a save refusal uses.
    static func shortLivedTokenKind(_ password: String) -> String? {
        switch ShortLivedToken(password) {
        case .awsIAM: "an AWS RDS IAM authentication token (valid 15 minutes)"
        case .googleOAuth: "a Google Cloud OAuth access token (valid about an hour)"
        case .jsonWebToken: "a JSON Web Token (Microsoft Entra ID or another identity provider, valid about an hour)"
        case nil: nil
        }
    }

    /// `text` with `password` for this connection; every other line unchanged. Callers check the problems first.
    public static func setting(password: String, for key: Key, in text: String) -> Change {
        var lines = ServiceFileEdit.byteLines(text)
        let endsWithNewline = lines.last == ""
        if endsWithNewline { lines.removeLast() }
        let lineEnd = lines.first?.utf8.last == UInt8(ascii: "\r") ? "\r" : ""
        let entry = PasswordFile.line(host: key.host, port: key.port, database: key.database, user: key.user, password: password)
        let prefix = PasswordFile.line(host: key.host, port: key.port, database: key.database, user: key.user, password: "")

        guard let found = PasswordFile.match(in: text, host: key.host, port: key.port, database: key.database, user: key.user)
        else {
            var result = text
            if !result.isEmpty && !endsWithNewline { result += lineEnd + "\n" }
            result += entry + lineEnd + "\n"
            return Change(text: result, isUnchanged: false, replacesOtherValue: false)
        }
        if found.password == password {
            return Change(text: text, isUnchanged: true, replacesOtherValue: false)
        }
        let index = found.line - 1
        let namesThisConnection = lines[index].utf8.starts(with: prefix.utf8)
        if namesThisConnection {
            lines[index] = entry + (lines[index].utf8.last == UInt8(ascii: "\r") ? "\r" : "")
        } else {
            // A wider line (`*`) matched first: ours goes before it, which still serves every other connection.
            lines.insert(entry + lineEnd, at: index)
        }
        return Change(
            text: lines.joined(separator: "\n") + (endsWithNewline ? "\n" : ""), isUnchanged: false,
            replacesOtherValue: true)
    }
}

/// Sign-in tokens used as passwords, by their shape: short-lived by design, so never to be saved.
enum ShortLivedToken {
    case awsIAM, googleOAuth, jsonWebToken

    init?(_ password: String) {
        let parts = password.split(separator: ".", omittingEmptySubsequences: false)
        if password.contains("X-Amz-Signature=") || (password.contains("Action=connect") && password.contains("X-Amz-")) {
            self = .awsIAM
        } else if password.hasPrefix("ya29.") {
            self = .googleOAuth
        } else if password.hasPrefix("eyJ"), parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) {
            self = .jsonWebToken
        } else {
            return nil
        }
    }
}
