/// One server address: a host name, IP address or socket directory, and its port (nil: libpq's default, 5432).
public struct Endpoint: Hashable, Sendable {
    public var host: String
    public var port: Int?

    public init(host: String, port: Int? = nil) {
        self.host = host
        self.port = port
    }

    public var isIPAddress: Bool { IPAddress.isLiteral(host) }

    /// libpq's is_unixsock_path: an absolute directory, or `@` for Linux's abstract namespace.
    public var isSocket: Bool { host.hasPrefix("/") || host.hasPrefix("@") }
}

/// Everything needed to connect: the fields people set, plus any other libpq keyword carried through unchanged.
public struct ConnectionSettings: Hashable, Sendable {
    public var endpoints: [Endpoint]
    public var user: String?
    public var password: String?
    public var dbname: String?
    public var sslmode: SSLMode?
    public var sslrootcert: String?
    /// Keywords pgsecure does not model (application_name, channel_binding, options...), in their original order.
    public var otherOptions: [LibpqOption]

    public init(
        endpoints: [Endpoint] = [], user: String? = nil, password: String? = nil, dbname: String? = nil,
        sslmode: SSLMode? = nil, sslrootcert: String? = nil, otherOptions: [LibpqOption] = []
    ) {
        self.endpoints = endpoints
        self.user = user
        self.password = password
        self.dbname = dbname
        self.sslmode = sslmode
        self.sslrootcert = sslrootcert
        self.otherOptions = otherOptions
    }

    static let modeledKeywords: Set<String> = ["host", "port", "user", "password", "dbname", "sslmode", "sslrootcert"]

    /// Builds settings from libpq keyword/value pairs (as `PQconninfoParse` returns them) and checks what libpq
    /// itself leaves to connect time: sslmode values, port ranges, empty hosts.
    public init(options: [LibpqOption]) throws(InputError) {
        self.init()
        // libpq takes C strings: a NUL would cut the value short, or (in a URI, as %00) be refused.
        if let option = options.first(where: { $0.value.utf8.contains(0) }) {
            throw InputError(field: option.keyword, problem: "holds a NUL byte, which libpq cannot carry", fix: "remove it from the value")
        }
        endpoints = try Self.endpoints(hosts: options["host"], ports: options["port"])
        // libpq treats an empty value as unset (a default, ~/.pgpass...), and a URI cannot say "empty".
        func value(_ keyword: String) -> String? { options[keyword].flatMap { $0.isEmpty ? nil : $0 } }
        user = value("user")
        password = value("password")
        dbname = value("dbname")
        if let mode = value("sslmode") {
            guard let parsed = SSLMode(rawValue: mode) else {
                throw InputError(
                    field: "sslmode", problem: "unknown value \"\(mode)\"",
                    fix: "use one of \(SSLMode.valueList)")
            }
            sslmode = parsed
        }
        sslrootcert = value("sslrootcert")
        otherOptions = options.filter { !Self.modeledKeywords.contains($0.keyword) }
    }

    /// The settings as libpq keyword/value pairs, in a stable, readable order.
    public var options: [LibpqOption] {
        var result: [LibpqOption] = []
        if !endpoints.isEmpty {
            result.append(LibpqOption("host", endpoints.map(\.host).joined(separator: ",")))
        }
        let ports = endpoints.map { $0.port.map(String.init) ?? "" }
        if ports.contains(where: { !$0.isEmpty }) {
            let allSame = Set(ports).count == 1
            result.append(LibpqOption("port", allSame ? ports[0] : ports.joined(separator: ",")))
        }
        if let user { result.append(LibpqOption("user", user)) }
        if let password { result.append(LibpqOption("password", password)) }
        if let dbname { result.append(LibpqOption("dbname", dbname)) }
        if let sslmode { result.append(LibpqOption("sslmode", sslmode.rawValue)) }
        if let sslrootcert { result.append(LibpqOption("sslrootcert", sslrootcert)) }
        return result + otherOptions
    }

    /// Keywords whose values are secrets: left out of outputs unless asked, never shown, written 0600.
    public static let secretKeywords: Set<String> = ["password", "sslpassword"]

    /// A copy without the password or the client key's passphrase, for anything shown or written unless asked.
    public var withoutSecrets: ConnectionSettings {
        var copy = self
        copy.password = nil
        copy.otherOptions.removeAll { Self.secretKeywords.contains($0.keyword) }
        return copy
    }

    /// Whether any output built from these settings would hold a secret.
    public var carriesSecret: Bool { self != withoutSecrets }

    /// libpq's rules for host and port lists: one port for all hosts, or one port per host.
    static func endpoints(hosts: String?, ports: String?) throws(InputError) -> [Endpoint] {
        let hostList = hosts.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        if hostList.contains(where: \.isEmpty) {
            throw InputError(
                field: "host", problem: hosts == "" ? "is empty" : "list \"\(hosts!)\" has an empty entry",
                fix: "give a host name or IP address, e.g. --host db.example.com")
        }
        let portList = try ports.map { text throws(InputError) in
            try text.split(separator: ",", omittingEmptySubsequences: false).map { item throws(InputError) in
                try Self.port(String(item))
            }
        } ?? []
        guard !hostList.isEmpty else {
            if !portList.isEmpty {
                throw InputError(field: "host", problem: "a port was given without a host", fix: "add --host NAME")
            }
            return []
        }
        switch portList.count {
        case 0: return hostList.map { Endpoint(host: $0) }
        case 1: return hostList.map { Endpoint(host: $0, port: portList[0]) }
        case hostList.count: return zip(hostList, portList).map { Endpoint(host: $0, port: $1) }
        default:
            throw InputError(
                field: "port", problem: "\(portList.count) ports for \(hostList.count) hosts",
                fix: "give one port for all hosts or one per host, e.g. port=5432,5433")
        }
    }

    static func port(_ text: String) throws(InputError) -> Int? {
        if text.isEmpty { return nil }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            // Not echoed: from a URI whose password holds an unencoded `/` or `:`, libpq hands part of the
            // password over as the port.
            throw InputError(
                field: "port", problem: "is not a number",
                fix: "use a number from 1 to 65535; in a URI, percent-encode : and / in the password (%3A, %2F)")
        }
        guard let number = Int(text), (1...65535).contains(number) else {
            throw InputError(
                field: "port", problem: "\"\(text)\" is not a port number",
                fix: "use a number from 1 to 65535 (PostgreSQL's default is 5432)")
        }
        return number
    }
}
