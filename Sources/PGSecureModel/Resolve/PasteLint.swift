/// Paste mistakes caught before libpq reads a string: what people really paste (a JDBC URL, a web address, a password
/// with an unencoded @ or /, a stray newline) becomes what they meant, and the change is said.
public enum PasteLint {
    public struct Result: Sendable, Equatable {
        public var text: String
        public var notices: [Notice]
    }

    /// The connection string as libpq should read it.
    public static func connectionString(_ raw: String) -> Result {
        var notices: [Notice] = []
        var text = raw.trimmingWhitespace
        if text != raw { notices.append(.trimmed(field: "connection string")) }
        let lower = text.lowercased()
        if lower.hasPrefix("jdbc:postgresql:") {
            let (uri, dropped) = jdbcToURI(text)
            notices.append(.converted(from: "a jdbc:postgresql: URL", dropped: dropped))
            text = uri
        } else if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            let host = authority(of: text).flatMap { $0.split(separator: "@").last }.map { hostWithoutPort(String($0)) } ?? ""
            notices.append(.converted(from: "a web address (\(lower.hasPrefix("https") ? "https" : "http")://)", dropped: ["its port and path"]))
            text = "postgresql://" + Quoting.percentEncoded(host, keeping: [UInt8(ascii: "."), UInt8(ascii: ":")]) + "/"
        } else if lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://"), let fixed = encodingUserInfo(text) {
            notices.append(.uriUserInfoEncoded)
            text = fixed
        }
        return Result(text: text, notices: notices)
    }

    /// A URI whose user:password holds an unencoded `@` or `/`, rewritten with them percent-encoded: libpq ends the
    /// user information at the first `@` and the host at the first `/`, so it would read part of the password as the
    /// host. Read as people mean it (up to the last `@` before the query), like most URI parsers. Nil: nothing to fix.
    static func encodingUserInfo(_ uri: String) -> String? {
        guard let scheme = uri.firstRange(of: "://") else { return nil }
        let rest = uri[scheme.upperBound...]
        let beforeQuery = rest.prefix { $0 != "?" }
        guard let lastAt = beforeQuery.lastIndex(of: "@") else { return nil }
        let userInfo = rest[..<lastAt]
        guard userInfo.contains("@") || userInfo.contains("/") else { return nil }
        // Only when what follows the last @ reads as a host: a database name may hold an @ too (`/db@x`).
        let host = rest[rest.index(after: lastAt)...].prefix { $0 != "/" && $0 != "?" }
        guard host.contains(".") || host.contains(":") || host.hasPrefix("[") || host == "localhost" else { return nil }
        let (user, password) = userInfo.firstIndex(of: ":").map { (userInfo[..<$0], Optional(userInfo[userInfo.index(after: $0)...])) }
            ?? (userInfo, nil)
        // Decode first, so what was already encoded is not encoded twice.
        let encode = { (part: Substring) in Quoting.percentEncoded(SecretRedaction.percentDecoded(String(part)) ?? String(part)) }
        return String(uri[..<scheme.upperBound]) + encode(user) + (password.map { ":" + encode($0) } ?? "") + String(rest[lastAt...])
    }

    static func authority(of url: String) -> Substring? {
        guard let scheme = url.firstRange(of: "://") else { return nil }
        return url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    }

    static func hostWithoutPort(_ host: String) -> String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return String(host[host.index(after: host.startIndex)..<close]) }
        return host.split(separator: ":", maxSplits: 1).first.map(String.init) ?? host
    }

    /// pgjdbc's URL (`jdbc:postgresql://h1:p1,h2/db?user=…&sslmode=…`) as a libpq URI with the parameters libpq
    /// shares, mapped; the rest is dropped and named.
    static func jdbcToURI(_ url: String) -> (String, [String]) {
        var rest = url.dropFirst("jdbc:postgresql:".count)
        var hosts = ""
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            hosts = String(rest.prefix { $0 != "/" && $0 != "?" })
            rest = rest.dropFirst(hosts.count)
        }
        if rest.hasPrefix("/") { rest = rest.dropFirst() }
        let database = String(rest.prefix { $0 != "?" })
        rest = rest.dropFirst(database.count)
        var query: [(String, String)] = []
        var dropped: [String] = []
        var sslmode: String?
        var ssl = false
        for pair in rest.dropFirst().split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            // pgjdbc decodes parameters like a form: `+` is a space.
            let spaced = parts.count > 1 ? parts[1].replacing("+", with: " ") : ""
            let value = SecretRedaction.percentDecoded(spaced) ?? spaced
            switch parts[0] {
            case "ssl": ssl = value.lowercased() == "true"
            case "sslmode": sslmode = value
            case "targetServerType":
                let mapped = ["primary": "read-write", "master": "read-write", "secondary": "standby", "slave": "standby",
                              "preferSecondary": "prefer-standby", "preferSlave": "prefer-standby", "any": "any"][value]
                if let mapped { query.append(("target_session_attrs", mapped)) } else { dropped.append("targetServerType=\(value)") }
            default:
                if let keyword = jdbcToLibpq[parts[0]] { query.append((keyword, value)) } else { dropped.append(parts[0]) }
            }
        }
        // pgjdbc: ssl=true without sslmode means verify-full.
        if let sslmode { query.append(("sslmode", sslmode)) } else if ssl { query.append(("sslmode", "verify-full")) }
        let encodedQuery = query.map { "\($0)=\(Quoting.percentEncoded($1))" }.joined(separator: "&")
        let databasePart = Quoting.percentEncoded(SecretRedaction.percentDecoded(database) ?? database)
        return ("postgresql://" + hosts + "/" + databasePart + (encodedQuery.isEmpty ? "" : "?" + encodedQuery), dropped)
    }

    /// pgjdbc property → libpq keyword, where both mean the same.
    static let jdbcToLibpq: [String: String] = [
        "user": "user", "password": "password", "sslrootcert": "sslrootcert", "sslcert": "sslcert", "sslkey": "sslkey",
        "sslpassword": "sslpassword", "ApplicationName": "application_name", "connectTimeout": "connect_timeout",
        "options": "options", "gssEncMode": "gssencmode", "channelBinding": "channel_binding",
    ]

    /// A field given on its own: surrounding white space trimmed (a pasted newline), said once.
    public static func field(_ option: LibpqOption) -> (LibpqOption, Notice?) {
        let trimmed = option.value.trimmingWhitespace
        guard trimmed != option.value, !trimmed.isEmpty else { return (option, nil) }
        return (LibpqOption(option.keyword, trimmed), .trimmed(field: option.keyword))
    }

    /// `host=db.example.com:5432` (one colon, digits after it): libpq would look the whole thing up as a name.
    /// Splits each such host into host and port. IPv6 addresses (two colons or more) are left alone.
    public static func splittingHostPorts(_ options: inout [LibpqOption]) throws(InputError) -> [Notice] {
        guard let hostList = options["host"] else { return [] }
        let hosts = hostList.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var ports = options["port"].map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        var notices: [Notice] = []
        var newHosts: [String] = []
        var newPorts: [String] = []
        for (index, host) in hosts.enumerated() {
            let parts = host.split(separator: ":", omittingEmptySubsequences: false)
            let given = ports.count == hosts.count ? ports[index] : ports.count == 1 ? ports[0] : ""
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber) else {
                newHosts.append(host)
                newPorts.append(given)
                continue
            }
            let port = String(parts[1])
            if !given.isEmpty, given != port {
                throw InputError(
                    field: "host", problem: "\"\(host)\" names port \(port), but port \(given) is given too",
                    fix: "give the port once: --host \(parts[0]) --port \(port)")
            }
            newHosts.append(String(parts[0]))
            newPorts.append(port)
            notices.append(.hostPortSplit(host: String(parts[0]), port: port))
        }
        guard !notices.isEmpty else { return [] }
        ports = newPorts
        options.set("host", newHosts.joined(separator: ","))
        options.set("port", Set(ports).count == 1 ? ports[0] : ports.joined(separator: ","))
        return notices
    }

    /// Keywords that name files: libpq resolves a relative name against the directory it runs in, which is rarely
    /// where the output is used.
    public static let fileKeywords = ["sslrootcert", "sslcert", "sslkey", "sslcrl", "sslcrldir", "passfile"]

    /// Relative file names made absolute against `directory`.
    public static func absolutePaths(_ options: inout [LibpqOption], directory: String?) -> [Notice] {
        guard let directory else { return [] }
        var notices: [Notice] = []
        for keyword in fileKeywords {
            guard let value = options[keyword], !value.isEmpty, !value.hasPrefix("/"), value != systemRootCertificate else { continue }
            var path = value.hasPrefix("./") ? String(value.dropFirst(2)) : value
            if path.hasPrefix("~/") { continue }  // the wizard expands ~ itself; libpq does not, and neither does this
            path = (directory.hasSuffix("/") ? directory : directory + "/") + path
            options.set(keyword, path)
            notices.append(.madeAbsolute(keyword: keyword, path: path))
        }
        return notices
    }
}
