/// What a client's connection does with one sslmode, as pgsecure's snippet for it writes that mode.
public enum TLSBehaviour: String, Sendable, Codable, Comparable {
    case plaintext
    /// allow / prefer: TLS when the server offers it, unverified, else plaintext.
    case plaintextFallback = "plaintext-fallback"
    /// Encrypted; nobody checks who answers.
    case encrypted
    /// libpq's `require`: encrypted, and the chain is checked only when a root certificate file exists.
    case encryptedChainIfRootFile = "encrypted-chain-if-root-file"
    /// The chain must lead to a trusted root; the host name is not checked.
    case chain
    /// The chain and the host name: what verify-full means.
    case chainAndHost = "chain+host"

    public var meaning: String {
        switch self {
        case .plaintext: "plaintext"
        case .plaintextFallback: "TLS if offered, unverified, else plaintext"
        case .encrypted: "encrypted, the certificate is never checked"
        case .encryptedChainIfRootFile: "encrypted, the chain checked only if a root certificate file exists"
        case .chain: "the chain is checked, the host name is not"
        case .chainAndHost: "the chain and the host name are checked"
        }
    }

    private var rank: Int {
        switch self {
        case .plaintext: 0
        case .plaintextFallback: 1
        case .encrypted: 2
        case .encryptedChainIfRootFile: 3
        case .chain: 4
        case .chainAndHost: 5
        }
    }

    public static func < (lhs: TLSBehaviour, rhs: TLSBehaviour) -> Bool { lhs.rank < rhs.rank }
}

/// One client's TLS rules: the single source the snippets warn from, `snippet --list --json` prints and the README shows.
public struct ClientCapabilities: Sendable, Encodable {
    /// The library doing the connecting, and the version these facts were checked against.
    public let driver: String
    /// libpq's six sslmode names, each as this client's snippet carries it out.
    public let sslModes: [SSLMode: TLSBehaviour]
    /// How `sslrootcert=system` (the platform's trusted roots) is expressed.
    public let systemRoots: String
    public let sni: Bool
    public let channelBinding: Bool
    public let clientCertificates: Bool
    public let multiHost: Bool
    public let serviceFiles: Bool
    /// Whether `make test` runs this client's snippet against the TLS lab.
    public let isRunHere: Bool
    /// libpq keyword → the client's own name for it; nil: libpq itself reads every keyword.
    public let keywordNames: [String: String]?

    /// libpq's own reading, for the clients that hand their settings to libpq.
    static func libpq(through wrapper: String? = nil, systemRoots: String = "sslrootcert=system (libpq 16 or newer)") -> ClientCapabilities {
        ClientCapabilities(
            driver: "libpq" + (wrapper.map { " (\($0))" } ?? ""), sslModes: libpqModes, systemRoots: systemRoots, sni: true, channelBinding: true,
            clientCertificates: true, multiHost: true, serviceFiles: true, isRunHere: true, keywordNames: nil)
    }

    static let libpqModes: [SSLMode: TLSBehaviour] = [
        .disable: .plaintext, .allow: .plaintextFallback, .prefer: .plaintextFallback,
        .require: .encryptedChainIfRootFile, .verifyCA: .chain, .verifyFull: .chainAndHost,
    ]

    /// Whether the client reads `keyword`, under its own name or libpq's.
    public func name(for keyword: String) -> String? {
        guard let keywordNames else { return keyword }
        return keywordNames[keyword]
    }

    enum CodingKeys: String, CodingKey {
        case driver, sslModes, systemRoots, sni, channelBinding, clientCertificates, multiHost, serviceFiles, isRunHere
        case keywords
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(driver, forKey: .driver)
        // Keyed by libpq's names, in libpq's order of strength.
        var modes: [String: String] = [:]
        for (mode, behaviour) in sslModes { modes[mode.rawValue] = behaviour.rawValue }
        try container.encode(modes, forKey: .sslModes)
        try container.encode(systemRoots, forKey: .systemRoots)
        try container.encode(sni, forKey: .sni)
        try container.encode(channelBinding, forKey: .channelBinding)
        try container.encode(clientCertificates, forKey: .clientCertificates)
        try container.encode(multiHost, forKey: .multiHost)
        try container.encode(serviceFiles, forKey: .serviceFiles)
        try container.encode(isRunHere, forKey: .isRunHere)
        try container.encode(keywordNames ?? [:], forKey: .keywords)
    }
}

extension SnippetClient {
    /// This client's TLS rules, checked against the versions named in `driver`.
    public var capabilities: ClientCapabilities {
        switch self {
        case .psql: .libpq()
        case .psycopg2: .libpq(through: "psycopg2")
        case .psycopg: .libpq(through: "psycopg 3")
        case .rubyPG: .libpq(through: "pg gem 1.4")
        case .phpPDO: .libpq(through: "pdo_pgsql, PHP 8.2")
        case .sqlalchemy:
            .libpq(through: "SQLAlchemy 1.4 + psycopg2", systemRoots: "connect_args sslrootcert=system (libpq 16 or newer)")
        case .django:
            .libpq(through: "Django 3.2 + psycopg2", systemRoots: "OPTIONS sslrootcert=system (libpq 16 or newer)")
        case .jdbc:
            ClientCapabilities(
                driver: "pgjdbc 42.5",
                sslModes: Self.requireNeverVerifies,
                systemRoots: "sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory (the JVM's trust store)",
                sni: true, channelBinding: false, clientCertificates: true, multiHost: true, serviceFiles: true,
                isRunHere: true,
                keywordNames: [
                    "application_name": "ApplicationName", "connect_timeout": "connectTimeout", "options": "options",
                    "sslcert": "sslcert", "sslkey": "sslkey", "sslpassword": "sslpassword", "gssencmode": "gssEncMode",
                    "keepalives": "tcpKeepAlive", "target_session_attrs": "targetServerType",
                    "load_balance_hosts": "loadBalanceHosts", "service": "service", "krbsrvname": "kerberosServerName",
                    "gsslib": "gsslib", "replication": "replication",
                ])
        case .nodePG:
            // node-postgres hands `ssl` to Node's tls.connect, which checks the chain and the name unless told not to.
            ClientCapabilities(
                driver: "node-postgres 8 (Node's TLS)",
                sslModes: [
                    .disable: .plaintext, .allow: .chainAndHost, .prefer: .chainAndHost, .require: .chainAndHost,
                    .verifyCA: .chain, .verifyFull: .chainAndHost,
                ],
                systemRoots: "no ca: Node's built-in Mozilla roots (node --use-openssl-ca for the system's)",
                sni: true, channelBinding: false, clientCertificates: true, multiHost: false, serviceFiles: false,
                isRunHere: true,
                keywordNames: [
                    "application_name": "application_name", "connect_timeout": "connectionTimeoutMillis",
                    "options": "options", "sslcert": "cert", "sslkey": "key", "sslpassword": "passphrase",
                    "keepalives": "keepAlive",
                ])
        case .pgx:
            ClientCapabilities(
                driver: "jackc/pgx v4 (pgconn 1.x)", sslModes: ClientCapabilities.libpqModes,
                systemRoots: "x509.SystemCertPool() set on the parsed config (pgx before v5.7 reads \"system\" as a file)",
                sni: true, channelBinding: false, clientCertificates: true, multiHost: true, serviceFiles: true,
                isRunHere: true,
                keywordNames: [
                    "application_name": "application_name", "connect_timeout": "connect_timeout", "options": "options",
                    "sslcert": "sslcert", "sslkey": "sslkey", "target_session_attrs": "target_session_attrs",
                    "service": "service", "passfile": "passfile",
                ])
        case .libPQ:
            ClientCapabilities(
                driver: "lib/pq 1.10", sslModes: Self.withoutPlaintextFallback,
                systemRoots: "no sslrootcert: Go's system pool (lib/pq has no \"system\")",
                sni: true, channelBinding: false, clientCertificates: true, multiHost: false, serviceFiles: false,
                isRunHere: true,
                keywordNames: [
                    "application_name": "application_name", "connect_timeout": "connect_timeout", "options": "options",
                    "sslcert": "sslcert", "sslkey": "sslkey", "sslsni": "sslsni",
                    "fallback_application_name": "fallback_application_name", "krbsrvname": "krbsrvname",
                ])
        case .asyncpg:
            ClientCapabilities(
                driver: "asyncpg 0.27 (Python's ssl)",
                sslModes: ClientCapabilities.libpqModes,
                systemRoots: "ssl.create_default_context() (OpenSSL's default store)",
                sni: true, channelBinding: false, clientCertificates: true, multiHost: true, serviceFiles: false,
                isRunHere: true,
                keywordNames: [
                    "application_name": "server_settings", "connect_timeout": "timeout", "sslcert": "load_cert_chain",
                    "sslkey": "load_cert_chain", "sslpassword": "load_cert_chain", "sslcrl": "load_verify_locations",
                    "passfile": "passfile",
                ])
        case .npgsql:
            ClientCapabilities(
                driver: "Npgsql 8 (.NET)",
                sslModes: Self.requireNeverVerifies,
                systemRoots: "no Root Certificate: the operating system's store",
                sni: true, channelBinding: true, clientCertificates: true, multiHost: true, serviceFiles: false,
                isRunHere: false,
                keywordNames: [
                    "application_name": "Application Name", "connect_timeout": "Timeout", "options": "Options",
                    "sslcert": "SSL Certificate", "sslkey": "SSL Key", "sslpassword": "SSL Password",
                    "channel_binding": "Channel Binding", "target_session_attrs": "Target Session Attributes",
                    "passfile": "Passfile", "load_balance_hosts": "Load Balance Hosts", "keepalives_idle": "Tcp Keepalive Time",
                ])
        case .prisma:
            // Prisma's own URL rules: sslmode is disable/prefer/require; sslaccept=strict checks the chain and name.
            ClientCapabilities(
                driver: "Prisma ORM (its own Rust engine)",
                sslModes: [
                    .disable: .plaintext, .allow: .plaintextFallback, .prefer: .plaintextFallback, .require: .chainAndHost,
                    .verifyCA: .chainAndHost, .verifyFull: .chainAndHost,
                ],
                systemRoots: "no sslcert: the platform's roots",
                sni: true, channelBinding: false, clientCertificates: false, multiHost: false, serviceFiles: false,
                isRunHere: false,
                keywordNames: ["application_name": "application_name", "connect_timeout": "connect_timeout"])
        }
    }

    /// pgjdbc's and Npgsql's reading: require encrypts and never checks the certificate, root file or not.
    private static var requireNeverVerifies: [SSLMode: TLSBehaviour] {
        ClientCapabilities.libpqModes.merging([.require: .encrypted]) { $1 }
    }

    /// lib/pq has no allow/prefer: the snippet writes require, libpq's require as lib/pq reads it.
    private static var withoutPlaintextFallback: [SSLMode: TLSBehaviour] {
        ClientCapabilities.libpqModes.merging([.allow: .encryptedChainIfRootFile, .prefer: .encryptedChainIfRootFile]) { $1 }
    }
}

extension ConnectionSettings {
    /// What the reader should know when `client` carries out these settings differently from libpq, from its table:
    /// a mode it reads otherwise, more than one host where it takes one, keywords it lacks.
    func capabilityWarnings(for client: SnippetClient, handledKeywords: Set<String> = []) -> [String] {
        let capabilities = client.capabilities
        var warnings: [String] = []
        let mode = sslmode ?? .prefer
        let behaviour = capabilities.sslModes[mode]!, libpqBehaviour = ClientCapabilities.libpqModes[mode]!
        if behaviour != libpqBehaviour && !(behaviour == .encryptedChainIfRootFile && libpqBehaviour == behaviour) {
            warnings.append(
                "\(client.title) with sslmode=\(mode.rawValue): \(behaviour.meaning) (libpq: \(libpqBehaviour.meaning))"
                    + (behaviour < libpqBehaviour ? "; use verify-full" : ""))
        }
        if endpoints.count > 1 && !capabilities.multiHost {
            warnings.append(
                "\(client.title) connects to one host: the snippet uses the first (\(endpoints[0].host)) and leaves out the others")
        }
        for option in otherOptions where capabilities.name(for: option.keyword) == nil && !handledKeywords.contains(option.keyword) {
            warnings.append(
                option.keyword == "channel_binding"
                    ? "channel_binding is left out of the \(client.title) snippet: the client cannot enforce it"
                    : "\(client.title) has no equivalent of \(option.keyword); the snippet leaves it out")
        }
        return warnings
    }
}

extension SnippetClient {
    /// The capability table as Markdown, one row per client: README.md shows exactly this (a test keeps them equal).
    public static var capabilityTable: String {
        func mark(_ value: Bool) -> String { value ? "yes" : "no" }
        var lines = [
            "| client | library | `require` | `verify-ca` | `verify-full` | `sslrootcert=system` | SNI | channel binding | client certificate | several hosts | service file | run by `make test` |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for client in allCases {
            let table = client.capabilities
            let modes = [SSLMode.require, .verifyCA, .verifyFull].map { table.sslModes[$0]!.rawValue }
            let cells = ["`\(client.rawValue)`", table.driver] + modes + [
                table.systemRoots, mark(table.sni), mark(table.channelBinding), mark(table.clientCertificates),
                mark(table.multiHost), mark(table.serviceFiles), table.isRunHere ? "yes" : "no (text)",
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
