import PGSecureModel

/// The steps of the walk, in order.
public enum Step: Int, CaseIterable, Sendable, Comparable {
    case start, host, user, database, sslMode, rootCertificate, review, outputs

    public var title: String {
        switch self {
        case .start: "Start"
        case .host: "Host and port"
        case .user: "User and password"
        case .database: "Database"
        case .sslMode: "SSL mode"
        case .rootCertificate: "Root certificate"
        case .review: "Review and test"
        case .outputs: "Outputs"
        }
    }

    public var previous: Step? { Step(rawValue: rawValue - 1) }
    public var next: Step? { Step(rawValue: rawValue + 1) }

    public static func < (lhs: Step, rhs: Step) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What the wizard reads from the world, injected so the core stays pure and testable. Reading a root file the user
/// names is not here: it is I/O, done by the runtime as the `.inspectRoot` effect.
public struct WizardContext: Sendable, Equatable {
    /// The process environment (PGHOST... prefill the fields; PGPASSWORD is mentioned, never shown).
    public var environment: [String: String]
    /// libpq's `PQconninfoParse`, or a stand-in in tests.
    public var parseConnectionString: @Sendable (String) -> Result<[LibpqOption], InputError>
    /// Root certificate bundles found on this machine.
    public var rootCandidates: [RootCertificateCandidate]
    /// `PQlibVersion()`: `sslrootcert=system` is offered from 160000.
    public var libpqVersion: Int32
    /// The output `--emit` asked for; preselected on the outputs step and printed on finishing.
    public var emit: OutputKind?
    /// libpq's files (service files, the password file, ~/.postgresql) as read at start: update never reads. It is
    /// brought up to date with what the wizard writes itself and with files read later for a save (`.readFiles`).
    public var files: LocalFiles
    /// Every keyword this libpq knows (for service files).
    public var knownKeywords: Set<String>

    public init(
        environment: [String: String] = [:],
        parseConnectionString: @escaping @Sendable (String) -> Result<[LibpqOption], InputError>,
        rootCandidates: [RootCertificateCandidate] = [],
        libpqVersion: Int32, emit: OutputKind? = nil, files: LocalFiles = .none,
        knownKeywords: Set<String> = Set(LibpqEnvironment.variables.map(\.keyword))
    ) {
        self.environment = environment
        self.parseConnectionString = parseConnectionString
        self.rootCandidates = rootCandidates
        self.libpqVersion = libpqVersion
        self.emit = emit
        self.files = files
        self.knownKeywords = knownKeywords
    }

    /// Contexts are equal when they hold the same data, the snapshot of files included (it changes during a run);
    /// the parser is one function for a whole run.
    public static func == (lhs: WizardContext, rhs: WizardContext) -> Bool {
        lhs.environment == rhs.environment && lhs.rootCandidates == rhs.rootCandidates
            && lhs.libpqVersion == rhs.libpqVersion && lhs.emit == rhs.emit && lhs.files == rhs.files
            && lhs.knownKeywords == rhs.knownKeywords
    }

    var supportsSystemRoots: Bool { libpqVersion >= firstLibpqWithSystemRoots }

    /// `~/x` → `$HOME/x`, as a shell would (libpq does not expand `~`).
    func expandingHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = environment["HOME"], !home.isEmpty else { return path }
        return home + path.dropFirst()
    }
}

/// Where the cursor is on the root certificate step.
public enum RootFocus: Hashable, Sendable { case list, clientCertificate, clientKey }

/// One row of the root certificate list.
public enum RootChoice: Hashable, Sendable {
    case bundle(RootCertificateCandidate)
    case system
    case custom
}

/// A message on the status line, with how it should look.
public struct StatusMessage: Hashable, Sendable {
    public enum Tone: Sendable { case info, success, failure }
    public var text: String
    public var tone: Tone
}

public enum TestStatus: Sendable, Equatable {
    case notRun
    case running(id: Int)
    case finished(Report)

    public var isFinished: Bool { if case .finished = self { true } else { false } }
}

/// The outputs step's file dialog: ask for a path, then (if the file exists) whether to overwrite it.
public enum FilePrompt: Hashable, Sendable {
    case path(TextInput)
    case confirmOverwrite(path: String)
    /// "Save as service…": the name, then (when the entry holds other values) the change to confirm.
    case serviceName(TextInput)
    case confirmService(ServicePlan)
}

/// Where a save under way is.
public enum SaveInFlight: Hashable, Sendable {
    /// Waiting for files the snapshot did not hold (`.readFiles`); planning for this name goes on when they come.
    case readingFiles(name: String)
    /// `.saveService` was sent; `.serviceSaved` ends it.
    case writing
}

/// A field's value refused, and why.
public struct FieldError: Hashable, Sendable {
    public var field: String
    public var message: String
}

/// Everything the wizard knows. `update` changes it; `render` shows it.
public struct WizardState: Sendable, Equatable {
    /// Fixed for the run, but for `files`, which follows what the wizard itself writes and reads later.
    public internal(set) var context: WizardContext
    /// How the terminal draws non-ASCII characters; the backend chooses once.
    public var glyphs: Glyphs = .unicode
    /// The terminal's size as last reported, for paging (PgUp/PgDn) through long panels.
    public var terminalSize = Size(width: 80, height: 24)
    /// Rows scrolled off the top of a long panel (review details, output snippets); back to 0 on every step change.
    public var scroll = 0
    public var step: Step = .start
    /// Steps accepted at least once, for the sidebar's progress.
    public var completed: Set<Step> = []
    public var isHelpVisible = false

    // Start
    public var connectionString = TextInput()
    public var startError: String?
    /// What the security policy changed or warns about, shown on the next steps.
    public var notices: [Notice] = []
    /// Which fields came from the environment (PGHOST...), to say so.
    public var prefilledFromEnvironment: [String] = []

    // Host and port / User and password / Database: `focus` is the index of the field with the cursor.
    public var host = TextInput()
    public var port = TextInput()
    public var user = TextInput()
    public var password = TextInput()
    public var dbname = TextInput()
    public var focus = 0
    public var isPasswordRevealed = false
    public var fieldError: FieldError?

    // SSL mode
    public var sslMode: SSLMode = .verifyFull

    // Root certificate
    public var rootSelection = 0
    public var customRootPath = TextInput()
    /// The optional client certificate and its key (sslcert, sslkey), under the root list; `rootFocus` says where the
    /// cursor is on this step.
    public var clientCertificate = TextInput()
    public var clientKey = TextInput()
    public var rootFocus = RootFocus.list
    /// What the runtime found at `customRootPath` (nil: not known yet).
    public var customRootCheck: RootCertificateCandidate?
    /// The last path sent for inspection, so each path is asked about once.
    public var requestedRootInspection: String?
    /// Enter was pressed before the inspection came back: go on once it does (if the file is usable).
    public var advancesWhenRootChecked = false
    public var rootError: String?

    /// Keywords from a pasted string that the wizard has no step for (application_name, options...), kept as they are.
    public var otherOptions: [LibpqOption] = []

    // Review and test
    public var test: TestStatus = .notRun
    public var lastTestID = 0
    /// Shown when the server wanted a password and none was given.
    public var isAskingForPassword = false

    // Outputs
    public var outputSelection = 0
    public var includesPassword = false
    public var filePrompt: FilePrompt?
    public var status: StatusMessage?
    /// A save under way, from the key that started it to its result: no other starts meanwhile. Two plans made from
    /// one snapshot could both pass the writer's unchanged-since-read check, and the later rename would drop the
    /// other's section.
    public var saveInFlight: SaveInFlight?

    public init(context: WizardContext, connectionString initial: String? = nil) {
        self.context = context
        if let emit = context.emit, let index = OutputKind.allCases.firstIndex(of: emit) { outputSelection = index }
        // libpq's PG* variables through the CLI's pipeline, as if an empty string had been pasted.
        switch resolve(ConnectionRequest(keepsSecrets: true, requiresHost: false)) {
        case .success(let resolution): load(resolution)
        case .failure(let error):
            selectDefaultRoot(current: nil)
            startError = "your environment: " + error.description
        }
        if let initial, !initial.isEmpty {
            connectionString = TextInput(initial)
            acceptConnectionString()
        }
    }
}
