/// What the person gave, before anything is decided: a connection string, fields laid over it, and how to treat them.
public struct ConnectionRequest: Sendable, Equatable {
    public var connectionString: String?
    /// Fields given one by one (`--host`, the wizard's text fields), laid over the string in this order.
    public var fields: [LibpqOption]
    /// The person chose the sslmode (`--sslmode`, the wizard's step): kept, with a warning when it is weak.
    public var sslmodeIsExplicit: Bool
    /// Keep the password and sslpassword in the settings (`--include-password`, the tester).
    public var keepsSecrets: Bool
    /// Fill keywords the request leaves unset from a service and libpq's PG* variables, as libpq itself would.
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
    /// A `[name]` section of a connection service file.
    case serviceFile(name: String, file: String)
    /// A line of libpq's password file (the password itself is never carried).
    case passwordFile(path: String, line: Int)
    /// pgsecure's security policy chose it (sslmode, a default root file).
    case policy

    public var description: String {
        switch self {
        case .connectionString: "the connection string"
        case .field: "a command-line option"
        case .environment(let variable): variable
        case .serviceFile(let name, let file): "service \(name) in \(file)"
        case .passwordFile(let path, let line): "\(path), line \(line)"
        case .policy: "pgsecure's choice"
        }
    }
}

/// Settings ready to output or test, what the person should be told about them, and where each value came from.
public struct Resolution: Sendable, Equatable {
    public let settings: ConnectionSettings
    public let notices: [Notice]
    /// keyword → source, for every keyword in `settings.options` (and `password` when the password file supplies it).
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
    /// Every keyword this libpq knows (a service file may only use those).
    public var knownKeywords: Set<String>
    /// libpq's files on this machine.
    public var files: LocalFiles
    /// Why a root file the person named cannot be used (nil: it can). Nil closure: not checked here.
    public var rootFileProblem: (@Sendable (String) -> String?)?
    /// The machine's bundle, when a verifying mode has no root file and libpq's own default is not there.
    public var defaultRootCertificate: @Sendable () -> DefaultRootCertificate?
    /// The output is for another machine (`--target-os`): its bundle, none of this machine's files.
    public var targetSystem: TargetSystem?

    public init(
        environment: [String: String], libpqVersion: Int32,
        parse: @escaping @Sendable (String) throws(InputError) -> [LibpqOption],
        knownKeywords: Set<String> = Set(LibpqEnvironment.variables.map(\.keyword)), files: LocalFiles = .none,
        rootFileProblem: (@Sendable (String) -> String?)?,
        defaultRootCertificate: @escaping @Sendable () -> DefaultRootCertificate?, targetSystem: TargetSystem? = nil
    ) {
        self.environment = environment
        self.libpqVersion = libpqVersion
        self.parse = parse
        self.knownKeywords = knownKeywords
        self.files = files
        self.rootFileProblem = rootFileProblem
        self.defaultRootCertificate = defaultRootCertificate
        self.targetSystem = targetSystem
    }
}

/// The one road from what the person gave to settings, taken by every command and by the wizard. libpq's order:
/// the string (paste mistakes caught first) > fields > a service file's entry > PG* variables > libpq's defaults
/// (~/.postgresql, the password file); then validation and pgsecure's security policy.
public enum ConnectionResolver {
    public static func resolve(_ request: ConnectionRequest, in context: ResolutionContext) throws(InputError) -> Resolution {
        let gathered = try libpqOptions(request, in: context)
        var (sources, notices) = (gathered.sources, gathered.notices)
        var settings = try ConnectionSettings(options: gathered.options)
        if request.requiresHost, settings.endpoints.isEmpty {
            throw InputError(field: "host", problem: "missing", fix: "pass --host NAME or a connection string with a host, or set PGHOST")
        }

        if !settings.endpoints.isEmpty, settings.endpoints.allSatisfy(\.isSocket) {
            // libpq ignores sslmode on a socket: no policy, no root file, no TLS claims.
            notices.append(.localSocket)
        } else {
            notices += try applyPolicy(to: &settings, &sources, request: request, context: context)
            if let system = context.targetSystem { TargetSystem.sayRoot(of: system, settings, sources, notices: &notices) }
            ProviderStep.apply(to: &settings, &sources, request: request, context: context, notices: &notices)
        }
        notices += passwordFileNotices(settings, &sources, context: context)

        if !request.keepsSecrets, settings.carriesSecret {
            settings = settings.withoutSecrets
            notices.append(.secretsOmitted)
        }
        let kept = Set(settings.options.map(\.keyword))
        return Resolution(
            settings: settings, notices: notices,
            sources: sources.filter { kept.contains($0.key) || $0.value.isPasswordFile })
    }

    /// What libpq itself would be handed and would fill in (string, fields, service, environment), with paste
    /// mistakes fixed: before validation and pgsecure's policy. Tested against libpq's own PQconninfo.
    public static func libpqOptions(
        _ request: ConnectionRequest, in context: ResolutionContext
    ) throws(InputError) -> (options: [LibpqOption], sources: [String: ValueSource], notices: [Notice]) {
        var notices: [Notice] = []
        var sources: [String: ValueSource] = [:]
        var options: [LibpqOption] = []
        if let raw = request.connectionString {
            let linted = PasteLint.connectionString(raw)
            notices += linted.notices
            options = try context.parse(linted.text)
            for option in options { sources[option.keyword] = .connectionString }
        }
        for field in request.fields {
            let (option, notice) = PasteLint.field(field)
            notices += notice.map { [$0] } ?? []
            options.set(option.keyword, option.value)
            sources[option.keyword] = .field
        }
        notices += try expandService(&options, &sources, request: request, context: context)
        if request.readsEnvironment {
            for (keyword, variable) in LibpqEnvironment.variables where options[keyword] == nil && keyword != "service" {
                guard let value = context.environment[variable], !value.isEmpty else { continue }
                options.append(LibpqOption(keyword, value))
                sources[keyword] = .environment(variable: variable)
            }
        }
        notices += try PasteLint.splittingHostPorts(&options)
        notices += PasteLint.absolutePaths(&options, directory: context.files.currentDirectory)

        return (options, sources, notices)
    }

    /// libpq reads a service's entry before the environment, and never over a value already set.
    static func expandService(
        _ options: inout [LibpqOption], _ sources: inout [String: ValueSource], request: ConnectionRequest,
        context: ResolutionContext
    ) throws(InputError) -> [Notice] {
        let fromEnvironment = request.readsEnvironment ? context.environment["PGSERVICE"] : nil
        guard let name = options["service"] ?? fromEnvironment, !name.isEmpty else { return [] }
        let entry = try ServiceFile.lookUp(
            name, environment: context.environment, files: context.files, knownKeywords: context.knownKeywords)
        for option in entry.options where options[option.keyword] == nil {
            options.append(option)
            sources[option.keyword] = .serviceFile(name: name, file: entry.file)
        }
        // Written out in full, the output needs no service file where it is used.
        options.set("service", nil)
        sources["service"] = nil
        return [.serviceExpanded(name: name, file: entry.file)]
    }

    /// The sslmode and root file, as pgsecure's policy and libpq's own rules decide them together.
    static func applyPolicy(
        to settings: inout ConnectionSettings, _ sources: inout [String: ValueSource], request: ConnectionRequest,
        context: ResolutionContext
    ) throws(InputError) -> [Notice] {
        // libpq's own default root file: it decides what require does (the default root choice lists it first too).
        let homeRoot = context.files.homePostgresqlFile("root.crt").flatMap { context.files.isFile($0) ? $0 : nil }
        let given = settings
        let policy = SecurityPolicy.hardened(
            given, sslmodeIsExplicit: request.sslmodeIsExplicit, defaultRootCertificate: context.defaultRootCertificate)
        settings = policy.settings
        var notices = policy.notices
        if settings.sslmode != given.sslmode { sources["sslmode"] = .policy }
        if settings.sslrootcert != given.sslrootcert { sources["sslrootcert"] = .policy }
        let mode = settings.sslmode ?? .prefer

        if let root = given.sslrootcert, root != systemRootCertificate, let problem = context.rootFileProblem?(root) {
            guard !mode.verifiesCertificate else {
                throw InputError(
                    field: "sslrootcert", problem: problem,
                    fix: "give a readable PEM file with your server's root CA (see `pgsecure certs`), or leave it out for the system bundle")
            }
            // Verification is off: libpq skips such a file, so pgsecure does not fail on it either.
            settings.sslrootcert = nil
            sources["sslrootcert"] = nil
            notices.append(.rootFileIgnored(path: root, problem: problem, mode: mode))
        }
        if settings.sslrootcert == systemRootCertificate, context.libpqVersion < firstLibpqWithSystemRoots {
            notices.append(.systemRootsUnsupported(libpqVersion: context.libpqVersionText))
        }
        // A root file turns require (prefer, allow) into a chain check: say that instead of "nobody checks".
        if mode != .disable, !mode.verifiesCertificate, let root = settings.sslrootcert ?? homeRoot,
            root != systemRootCertificate || context.libpqVersion >= firstLibpqWithSystemRoots
        {
            notices = notices.map { $0 == .weakSSLModeKept(mode) ? .chainCheckedWithoutHostName(mode: mode, rootFile: root) : $0 }
        }
        if mode != .disable, settings.otherOptions["sslcert"] == nil,
            let certificate = context.files.homePostgresqlFile("postgresql.crt"), context.files.isFile(certificate)
        {
            notices.append(.clientCertificateDefault(path: certificate))
        }
        return notices
    }

    /// Where libpq will find the password when none is given: the password file's line, or why it will not read it.
    static func passwordFileNotices(
        _ settings: ConnectionSettings, _ sources: inout [String: ValueSource], context: ResolutionContext
    ) -> [Notice] {
        guard settings.password == nil,
            let path = PasswordFile.path(passfile: settings.otherOptions["passfile"], environment: context.environment, files: context.files),
            let facts = context.files.facts(path)
        else { return [] }
        if let problem = PasswordFile.problem(facts) { return [.passwordFileIgnored(path: path, problem: problem)] }
        guard let text = context.files.contents(path) else { return [] }
        // The first host's line: the one libpq uses if that host answers.
        let key = PasswordFileEdit.Key.all(for: settings, user: settings.user ?? context.files.userName ?? "")[0]
        guard let match = PasswordFile.match(in: text, host: key.host, port: key.port, database: key.database, user: key.user),
            !match.password.isEmpty
        else { return [] }
        sources["password"] = .passwordFile(path: path, line: match.line)
        return [.passwordFromFile(path: path, line: match.line)]
    }
}

extension ValueSource {
    var isPasswordFile: Bool { if case .passwordFile = self { true } else { false } }
}
