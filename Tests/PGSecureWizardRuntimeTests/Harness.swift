import Foundation
import PGSecureModel
import PGSecureWizard
import Synchronization
import TestSupport
@testable import PGSecureWizardRuntime

/// The wizard's world for a loop test: the real `EffectRunner` with a fake tester and root inspector (which record
/// what they were asked), and a record of every effect the loop performed.
final class Harness: Sendable {
    enum Tester: Sendable {
        /// Answers at once with a verified-full report.
        case verified
        /// Never answers; counts the cancellations it sees.
        case waitsUntilCancelled
    }

    let tester: Tester
    /// The runner's environment: no clipboard helpers unless a test puts some on PATH.
    let environment: [String: String]
    let testedSettings = Mutex<[ConnectionSettings]>([])
    let inspectedPaths = Mutex<[String]>([])
    let cancelledTests = Mutex(0)
    let performed = Mutex<[Effect]>([])
    /// The wizard's view of libpq's files (its start-up snapshot), and its parser: none, and nothing parsed, unless a
    /// test hands real ones in.
    let files: LocalFiles
    let parse: @Sendable (String) -> Result<[LibpqOption], InputError>

    init(
        tester: Tester = .verified, environment: [String: String] = ["PATH": "/nonexistent"], files: LocalFiles = .none,
        parse: @escaping @Sendable (String) -> Result<[LibpqOption], InputError> = { _ in .success([]) }
    ) {
        self.tester = tester
        self.environment = environment
        self.files = files
        self.parse = parse
    }

    /// Runs the loop on a thread of its own, as the real wizard runs on the main thread: the loop sleeps in `poll`,
    /// and on the test's (cooperative) thread it would starve the tester's tasks on a small machine.
    func run(on backend: TestBackend, timings: BenchTimings = .off) async -> (exit: WizardExit, state: WizardState) {
        let context = WizardContext(
            environment: ["HOME": files.home ?? "/nonexistent"], parseConnectionString: parse, libpqVersion: 150_018, files: files)
        let runner = EffectRunner(
            environment: environment, tester: { settings in await self.test(settings) },
            inspectRootFile: { path in self.inspect(path) })
        let effects = Recording(harness: self, runner: runner)
        // Handed to the loop's thread and used there alone until the loop returns.
        nonisolated(unsafe) let backend = backend
        return await withCheckedContinuation { finished in
            Thread {
                finished.resume(returning: WizardApp.run(WizardState(context: context), on: backend, effects: effects, timings: timings))
            }.start()
        }
    }

    private func test(_ settings: ConnectionSettings) async -> Report {
        testedSettings.withLock { $0.append(settings) }
        switch tester {
        case .verified:
            return verifiedReport()
        case .waitsUntilCancelled:
            await untilCancelled()
            cancelledTests.withLock { $0 += 1 }
            return failedReport("cancelled\n")
        }
    }

    private func inspect(_ path: String) -> RootCertificateCandidate {
        inspectedPaths.withLock { $0.append(path) }
        return path == labRoot
            ? RootCertificateCandidate(source: "custom", path: path, exists: true, isReadable: true, certificateCount: 1)
            : RootCertificateCandidate(source: "custom", path: path, exists: false)
    }

    struct Recording: EffectRunning {
        let harness: Harness
        let runner: EffectRunner

        func perform(_ effect: Effect, replyingTo inbox: EventInbox) {
            harness.performed.withLock { $0.append(effect) }
            runner.perform(effect, replyingTo: inbox)
        }
    }
}

/// A fresh directory under the system's temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/pgsecure-loop-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: created)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func contents(of name: String) throws -> String { try String(contentsOfFile: path + "/" + name, encoding: .utf8) }

    func mode(of name: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path + "/" + name))?[.posixPermissions] as? Int
    }

    /// The file's inode number: a new one means a new file took the name.
    func node(of name: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path + "/" + name))?[.systemFileNumber] as? Int
    }

    func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}

/// Suspends until the current task is cancelled: no sleep to outlast, however long a test takes to cancel.
func untilCancelled() async {
    let gate = CancellationGate()
    await withTaskCancellationHandler {
        await withCheckedContinuation { gate.wait($0) }
    } onCancel: {
        gate.cancel()
    }
}

/// One waiter, resumed on cancel, whichever comes first: the cancellation (even before the wait) or the wait.
private final class CancellationGate: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Void, Never>)
        case cancelled
    }

    private let state = Mutex(State.idle)

    func wait(_ continuation: CheckedContinuation<Void, Never>) {
        let resumeNow = state.withLock { state in
            if case .cancelled = state { return true }
            state = .waiting(continuation)
            return false
        }
        if resumeNow { continuation.resume() }
    }

    func cancel() {
        let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state = .cancelled }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiting?.resume()
    }
}
