/// What the person gave, before anything is decided: a connection string, fields laid over it, and how to treat them.
public struct ConnectionRequest: Sendable, Equatable {
    public var connectionString: String?
    /// Fields given one by one (`--host`, the wizard's text fields), laid over the string in this order.
    public var fields: [LibpqOption]
    /// The person chose the sslmode (`--sslmode`, the wizard's step): kept, with a warning when it is weak.
    public var sslmodeIsExplicit: Bool
    /// Keep the password and sslpassword in the settings (`--include-password`, the tester).
    public var keepsSecrets: Bool
    /// Fill keywords the request leaves unset from libpq's PG* variables, as libpq itself would.
    public var readsEnvironment: Bool
    /// Fail without a host (commands need one; the wizard asks for it on a later step).
    public var requiresHost: Bool

    public init(
        connectionString: String? = nil, fields: [LibpqOption] = [], sslmodeIsExplicit: Bool = false,
        keepsSecrets: Bool = false, readsEnvironment: Bool = true, requiresHost: Bool = true
    ) {
        self.connectionString = connectionString
        self.fields = fields
        self.sslmodeIsExplicit = sslmodeIsExplicit
        self.keepsSecrets = keepsSecrets
        self.readsEnvironment = readsEnvironment
        self.requiresHost = requiresHost
    }
}

/// Where an effective value came from.
public enum ValueSource: Hashable, Sendable {
    case connectionString
    case field
    case environment(variable: String)
    /// pgsecure's security policy chose it (sslmode, a default root file).
    case policy
}

/// Settings ready to output or test, what the person should be told about them, and where each value came from.
public struct Resolution: Sendable, Equatable {
    public let settings: ConnectionSettings
    public let notices: [Notice]
    /// keyword → source, for every keyword in `settings.options`.
    public let sources: [String: ValueSource]
}

/// What resolving reads from the world, injected so the pipeline itself stays pure.
public struct ResolutionContext: Sendable {
    public var environment: [String: String]
    /// `PQlibVersion()`: decides whether `sslrootcert=system` is understood.
    public var libpqVersion: Int32
    public var libpqVersionText: String { "\(libpqVersion / 10000).\(libpqVersion % 10000)" }
    /// libpq's `PQconninfoParse`.
    public var parse: @Sendable (String) throws(InputError) -> [LibpqOption]
    /// Why a root file the person named cannot be used (nil: it can). Nil closure: not checked here.
    public var rootFileProblem: (@Sendable (String) -> String?)?
    /// Called only when a verifying mode has no root file.
    public var defaultRootCertificate: @Sendable () -> DefaultRootCertificate?

    public init(
        environment: [String: String], libpqVersion: Int32,
        parse: @escaping @Sendable (String) throws(InputError) -> [LibpqOption],
        rootFileProblem: (@Sendable (String) -> String?)?,
        defaultRootCertificate: @escaping @Sendable () -> DefaultRootCertificate?
    ) {
        self.environment = environment
        self.libpqVersion = libpqVersion
        self.parse = parse
        self.rootFileProblem = rootFileProblem
        self.defaultRootCertificate = defaultRootCertificate
    }
}

/// The one road from what the person gave to settings, taken by every command and by the wizard:
/// parse with libpq, lay fields over it, fill from the environment, validate, apply the security policy.
public enum ConnectionResolver {
    public static func resolve(_ request: ConnectionRequest, in context: ResolutionContext) throws(InputError) -> Resolution {
        var options: [LibpqOption] = []
        var sources: [String: ValueSource] = [:]
        if let text = request.connectionString {
            options = try context.parse(text)
            for option in options { sources[option.keyword] = .connectionString }
        }
        for field in request.fields {
            options.set(field.keyword, field.value)
            sources[field.keyword] = .field
        }
        if request.readsEnvironment {
            for (keyword, variable) in LibpqEnvironment.variables where options[keyword] == nil {
                guard let value = context.environment[variable], !value.isEmpty else { continue }
                options.append(LibpqOption(keyword, value))
                sources[keyword] = .environment(variable: variable)
            }
        }

        let given = try ConnectionSettings(options: options)
        if request.requiresHost, given.endpoints.isEmpty {
            throw InputError(field: "host", problem: "missing", fix: "pass --host NAME or a connection string with a host, or set PGHOST")
        }
        if let root = given.sslrootcert, root != systemRootCertificate, let problem = context.rootFileProblem?(root) {
            throw InputError(
                field: "sslrootcert", problem: problem,
                fix: "give a readable PEM file with your server's root CA (see `pgsecure certs`), or leave it out for the system bundle")
        }

        let policy = SecurityPolicy.hardened(
            given, sslmodeIsExplicit: request.sslmodeIsExplicit, defaultRootCertificate: context.defaultRootCertificate)
        var settings = policy.settings
        var notices = policy.notices
        if settings.sslmode != given.sslmode { sources["sslmode"] = .policy }
        if settings.sslrootcert != given.sslrootcert { sources["sslrootcert"] = .policy }
        if settings.sslrootcert == systemRootCertificate, context.libpqVersion < firstLibpqWithSystemRoots {
            notices.append(.systemRootsUnsupported(libpqVersion: context.libpqVersionText))
        }
        if !request.keepsSecrets, settings.carriesSecret {
            settings = settings.withoutSecrets
            notices.append(.secretsOmitted)
        }
        let kept = Set(settings.options.map(\.keyword))
        return Resolution(settings: settings, notices: notices, sources: sources.filter { kept.contains($0.key) })
    }
}
