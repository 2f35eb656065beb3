#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import PGSecureDisk
import PGSecureModel
import PGSecureWizard
import Synchronization

/// Runs the effects `update` asks for, off the loop's thread; every result comes back through the inbox.
/// `.exit` and the OSC 52 half of `.copy` are the loop's own (they touch the terminal).
public protocol EffectRunning: Sendable {
    func perform(_ effect: Effect, replyingTo inbox: EventInbox)
}

/// Events coming back from effects, with the moment each was posted; posting wakes the loop.
public final class EventInbox: Sendable {
    public let wake = WakePipe()
    private let events = Mutex<[(event: WizardEvent, postedAt: UInt64)]>([])

    public init() {}

    public func post(_ event: WizardEvent) {
        events.withLock { $0.append((event, BenchTimings.now())) }
        wake.signal()
    }

    /// Everything posted so far. The pipe is emptied first: an event posted meanwhile is taken now or wakes the
    /// next wait, never lost.
    func drain() -> [(event: WizardEvent, postedAt: UInt64)] {
        wake.drain()
        return events.withLock { taken in
            defer { taken.removeAll() }
            return taken
        }
    }
}

/// The real effects: the connection tester, root-file inspection, clipboard helpers, file writes.
public final class EffectRunner: EffectRunning {
    public typealias Tester = @Sendable (ConnectionSettings) async -> Report
    public typealias RootInspector = @Sendable (String) -> RootCertificateCandidate

    private let environment: [String: String]
    /// libpq's files on this machine, for saves and the reads a save asks for.
    private let disk: LocalFiles
    private let tester: Tester
    private let inspectRootFile: RootInspector
    /// Tests still running, by id, so an abandoned one can be cancelled.
    private let tests = Mutex<[Int: Task<Void, Never>]>([:])
    private let testExecutor = DispatchTaskExecutor(label: "pgsecure.tester")
    /// Service saves one after another: each checks that the files are as its plan read them, then renames; two at
    /// once could both pass the check and the later rename would drop the other's section.
    private let saves = DispatchQueue(label: "pgsecure.save")

    /// `disk`: the real disk unless a test hands in a stand-in.
    public init(
        environment: [String: String], tester: @escaping Tester, inspectRootFile: @escaping RootInspector, disk: LocalFiles? = nil
    ) {
        self.environment = environment
        self.disk = disk ?? .onDisk(environment: environment)
        self.tester = tester
        self.inspectRootFile = inspectRootFile
    }

    public func perform(_ effect: Effect, replyingTo inbox: EventInbox) {
        switch effect {
        case .exit:
            return
        case .runTest(let id, let settings):
            let tester = tester
            // Registered under the lock the task itself takes to unregister, so a fast test cannot finish first.
            tests.withLock { running in
                running[id] = Task.detached(executorPreference: testExecutor) { [self] in
                    let report = await tester(settings)
                    tests.withLock { _ = $0.removeValue(forKey: id) }
                    if !Task.isCancelled { inbox.post(.testFinished(id: id, report)) }
                }
            }
        case .cancelTest(let id):
            tests.withLock { $0.removeValue(forKey: id) }?.cancel()
        case .inspectRoot(let path):
            let inspectRootFile = inspectRootFile
            DispatchQueue.global().async { inbox.post(.rootInspected(inspectRootFile(path))) }
        case .copy(let text, let label):
            let environment = environment
            DispatchQueue.global().async {
                let methods = ["OSC 52"] + Clipboard.copyWithHelpers(text, environment: environment)
                inbox.post(.copyFinished(.copied(label: label, methods: methods)))
            }
        case .writeFile(let path, let contents, let permissions, let overwrite):
            DispatchQueue.global().async {
                inbox.post(.fileWritten(FileWriter.write(contents, to: path, permissions: permissions, overwrite: overwrite)))
            }
        case .saveService(let plan):
            let disk = disk
            saves.async { inbox.post(.serviceSaved(ServiceSaver.save(plan, disk: disk))) }
        case .readFiles(let paths):
            let disk = disk
            DispatchQueue.global().async { inbox.post(.filesRead(disk.files(paths))) }
        }
    }
}

/// Runs tasks on Dispatch threads of their own instead of the shared cooperative pool: a connection test then never
/// waits for pool threads that blocking code elsewhere holds (a test process full of blocking tests does).
final class DispatchTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label, attributes: .concurrent) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
