import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import PGSecureDisk
import PGSecureLibPQ
import PGSecureModel
import Synchronization

extension SSLMode: ExpressibleByArgument {}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Test many connections at once and check them against a policy.",
        discussion: """
            Targets are service names (or connection strings without a password), from the arguments, --file (one a \
            line, # comments) or --all (every entry of the service files). They are tested concurrently, each bounded \
            by --timeout, so a target that never answers costs only its own time. One row per target: verdict, TLS \
            version, certificate days left, diagnosis code. Passwords come from ~/.pgpass or PGPASSWORD, never from \
            the command line. Exit 0 when every target meets the policy (default: verified-full and a certificate \
            valid for 14 more days), 1 when any falls short (an entry --all finds that libpq or pgsecure would refuse \
            is a failed row: bad-input, or root-cert-missing for an unusable root file), 2 for bad input on the \
            command line or in --file, and with --all for a service file libpq searches but cannot read (libpq \
            fails every lookup that reaches it, so "every entry" cannot be listed).
            """)
    @Argument(help: ArgumentHelp("Service names or connection strings.", valueName: "service")) var targets: [String] = []
    @Flag(help: "Every entry of the service files libpq reads.") var all = false
    @Option(help: ArgumentHelp("A file of targets, one a line.", valueName: "path")) var file: String?
    @Flag(help: "Print JSON for CI.") var json = false
    @Option(help: "How many targets to test at the same time.") var concurrency = 16
    @Option(help: ArgumentHelp("Fall short when a certificate expires within this many days.", valueName: "days"))
    var warnDays = 14
    @Option(name: .customLong("require"), help: ArgumentHelp("The weakest verification that passes: verify-full, verify-ca, require.", valueName: "mode"))
    var required: SSLMode = .verifyFull
    @Option(help: ArgumentHelp("Give up on one target after this many seconds (default 10).", valueName: "seconds"))
    var timeout: Double = ConnectionTester.defaultTimeout

    func validate() throws {
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 1024") }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be more than 0 and at most 3600 seconds") }
        guard warnDays >= 0 else { throw ValidationError("--warn-days must not be negative") }
    }

    func run() async throws {
        let environment = Console.current.environment
        let (given, listed) = try targetList(environment: environment)
        guard !given.isEmpty || !listed.isEmpty else {
            throw PGSecureCommand.CommandFailure(line: "no targets: name services, pass --file LIST, or --all")
        }
        // Every target is resolved before any is tested: a bad one given on the command line or in --file stops the
        // run with exit 2. An entry --all found in the service files is the files' problem, not the command line's:
        // it becomes a failed row and the others are still audited.
        let prepared = (given.map { ($0, false) } + listed.map { ($0, true) }).map { target, isServiceName in
            (target, Result { () throws(InputError) in try Self.settings(for: target, isServiceName: isServiceName, environment: environment) })
        }
        for case (let target, .failure(let error)) in prepared.prefix(given.count) { throw Self.refusal(of: target, error) }
        let policy = AuditPolicy(required: required, warnDays: warnDays)
        let progress = isatty(STDERR_FILENO) == 1 && !json ? ProgressLine(total: prepared.count) : nil
        let rows = await Self.test(prepared, concurrency: concurrency, timeout: timeout, environment: environment) {
            progress?.advance(meetsPolicy: $0.meets(policy))
        }
        progress?.finish()
        Console.current.output(json ? AuditRow.json(rows, policy: policy) : AuditRow.table(rows, policy: policy))
        if !rows.allSatisfy({ $0.meets(policy) }) { throw ExitCode(1) }
    }

    /// The targets, in the order given: arguments, then the file's lines; then, listed apart, every service entry
    /// (with --all).
    func targetList(environment: [String: String]) throws -> (given: [String], listed: [String]) {
        var given = targets
        if let file {
            guard let text = LocalFiles.onDisk(environment: environment).contents(file) else {
                throw PGSecureCommand.CommandFailure(line: "--file: cannot read \(file)")
            }
            given += ServiceFileEdit.byteLines(text).map { String(ServiceFileEdit.trimmed($0)) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        guard all else { return (given, []) }
        let listed = try ServiceListing.all(environment: environment, files: .onDisk(environment: environment), knownKeywords: LibPQ.knownKeywords)
            .filter { !$0.isShadowed }.map(\.name)
        return (given, listed)
    }

    /// A service name (always, for one --all found), or a connection string, through the one pipeline; the
    /// settings as saved (weak modes kept, so the audit sees them), the password from the environment or the
    /// password file only. A refusal is the pipeline's, its field kept.
    static func settings(for target: String, isServiceName: Bool, environment: [String: String]) throws(InputError) -> ConnectionSettings {
        let isString = !isServiceName && (target.contains("=") || target.contains("://"))
        let request = ConnectionRequest(
            connectionString: isString ? target : "service=" + Quoting.conninfoValue(target), sslmodeIsExplicit: true,
            keepsSecrets: true)
        let resolved = try ConnectionResolver.resolve(request, in: .libpq(environment: environment))
        if resolved.sources["password"] == .connectionString || resolved.sources["sslpassword"] == .connectionString {
            throw InputError(
                field: "password", problem: "in the target, which the command line shows to every user",
                fix: "put it in ~/.pgpass (pgsecure save does) or PGPASSWORD")
        }
        return resolved.settingsToTest
    }

    /// A target given on the command line or in --file that cannot be tested: bad input (exit 2), naming the target
    /// and keeping the field, so the refusal keeps its code. A target from --file is not in argv, so the error
    /// path's own redaction cannot see it: it is masked here.
    static func refusal(of target: String, _ error: InputError) -> InputError {
        let shown = SecretRedaction.redact(target, arguments: [target])
        return InputError(field: error.field, problem: "\(error.problem) (target \(shown))", fix: error.fix)
    }

    /// Tests every target with at most `concurrency` at a time (a refused one is a row at once, using no slot);
    /// rows come back in the targets' order.
    static func test(
        _ targets: [(String, Result<ConnectionSettings, InputError>)], concurrency: Int, timeout: Double,
        environment: [String: String], onRow: @escaping @Sendable (AuditRow) -> Void
    ) async -> [AuditRow] {
        await withTaskGroup(of: (Int, AuditRow).self) { group in
            var rows = [AuditRow?](repeating: nil, count: targets.count)
            var next = 0
            func startNext() {
                while next < targets.count, case .failure(let error) = targets[next].1 {
                    let row = AuditRow(target: targets[next].0, refused: error)
                    rows[next] = row
                    onRow(row)
                    next += 1
                }
                guard next < targets.count, case .success(let settings) = targets[next].1 else { return }
                let (index, name) = (next, targets[next].0)
                next += 1
                group.addTask {
                    let report = await ConnectionTester.test(settings, timeout: timeout, environment: environment)
                    return (index, AuditRow(target: name, report: report))
                }
            }
            for _ in 0..<min(concurrency, targets.count) { startNext() }
            for await (index, row) in group {
                rows[index] = row
                onRow(row)
                startNext()
            }
            return rows.compactMap { $0 }
        }
    }
}

/// "audit: 12/50 done, 2 short" on a terminal's stderr, redrawn in place.
final class ProgressLine: Sendable {
    private let total: Int
    private let counts = Mutex<(done: Int, short: Int)>((0, 0))

    init(total: Int) { self.total = total }

    func advance(meetsPolicy: Bool) {
        let (done, short) = counts.withLock { counts in
            counts.done += 1
            counts.short += meetsPolicy ? 0 : 1
            return counts
        }
        draw("\r\u{1B}[2Kaudit: \(done)/\(total) done, \(short) short")
    }

    func finish() { draw("\r\u{1B}[2K") }

    private func draw(_ text: String) { Console.write(text, to: .standardError) }
}

extension Resolution {
    /// The settings for a real connection: the password file pgsecure found is the one libpq must read, whatever
    /// HOME libpq itself would see.
    var settingsToTest: ConnectionSettings {
        var settings = self.settings
        if case .passwordFile(let path, _) = sources["password"], settings.otherOptions["passfile"] == nil {
            settings.otherOptions.append(LibpqOption("passfile", path))
        }
        return settings
    }
}
