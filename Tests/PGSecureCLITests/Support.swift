import Foundation
import PGSecureCLI
import PGSecureModel
import PGSecureWizard
import PGSecureWizardRuntime
import Synchronization

/// What one in-process run of a command left behind.
struct CommandRun: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `pgsecure ARGUMENTS` in this process with its own console: a minimal, explicit environment (an empty HOME,
/// no PG* variables from the developer), `input` as standard input, stdout and stderr captured.
func pgsecure(
    _ arguments: [String], input: String = "", inputBytes: [UInt8]? = nil, environment: [String: String] = [:],
    wizard: Console.WizardRunner? = nil
) async -> CommandRun {
    let streams = Streams(input: inputBytes ?? Array(input.utf8))
    var base = ["PATH": "/usr/bin:/bin", "HOME": emptyHome, "LANG": "C.UTF-8"]
    base.merge(environment) { _, new in new }
    let console = Console(
        environment: base, output: { streams.write($0, error: false) }, error: { streams.write($0 + "\n", error: true) },
        readSecretLine: { _ in streams.readLine() },
        runWizard: wizard ?? { _, _, _, _ in throw NoTerminal() })
    let status = await Console.$current.withValue(console) { await PGSecureCommand.run(arguments: arguments) }
    let (stdout, stderr) = streams.captured
    return CommandRun(status: status, stdout: stdout, stderr: stderr)
}

/// What the real backend says without a terminal.
struct NoTerminal: Error, CustomStringConvertible {
    var description: String { "the wizard needs a terminal, and there is none (no /dev/tty); use the non-interactive commands: pgsecure url|conninfo|env|snippet|test (see pgsecure --help)" }
}

final class Streams: Sendable {
    private let state: Mutex<(stdout: String, stderr: String, input: [ArraySlice<UInt8>])>

    init(input: [UInt8]) {
        // The first-line reader's semantics: lines without their newline; nothing at all for an empty input.
        var lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        state = Mutex(("", "", lines))
    }

    func write(_ text: String, error: Bool) {
        state.withLock { if error { $0.stderr += text } else { $0.stdout += text } }
    }

    func readLine() -> [UInt8]? {
        state.withLock { state in
            guard !state.input.isEmpty else { return nil }
            var line = Array(state.input.removeFirst())
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            return line
        }
    }

    var captured: (String, String) { state.withLock { ($0.stdout, $0.stderr) } }
}

/// An empty HOME of this test run's own: no stray ~/.pgpass or ~/.postgresql/root.crt can change a result.
let emptyHome: String = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-cli-home-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}()

/// A fresh temporary directory; the caller removes it.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A wizard runner that plays `script` on the real loop in memory, with the real effects (tester, root files):
/// the command under test cannot tell it from a terminal. The loop runs on a thread of its own, as on the terminal.
func inMemoryWizard(_ script: [TestBackend.Step], recording log: FrameLog? = nil) -> Console.WizardRunner {
    // Played once, by the one run this runner is made for.
    nonisolated(unsafe) let script = script
    return { state, environment, tester, inspectRootFile in
        let backend = TestBackend(script: script)
        let runner = EffectRunner(environment: environment, tester: tester, inspectRootFile: inspectRootFile)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var exit = WizardExit(output: nil, status: -1)
        nonisolated(unsafe) let handedOver = backend
        Thread {
            exit = WizardApp.run(state, on: handedOver, effects: runner).exit
            done.signal()
        }.start()
        done.wait()
        log?.frames.withLock { $0 = backend.frames }
        if !backend.failures.isEmpty { throw ScriptFailure(description: backend.failures.joined(separator: "; ")) }
        return exit
    }
}

/// Every frame a wizard run drew, for asserting on what the person saw.
final class FrameLog: Sendable {
    let frames = Mutex<[Screen]>([])
}

struct ScriptFailure: Error, CustomStringConvertible {
    let description: String
}

extension TestBackend.Step {
    /// Waits for a frame whose text holds `text`.
    static func waitFor(_ text: String, timeout: Double = 20) -> Self {
        .waitFor(text, timeout: timeout) { $0.text.contains(text) }
    }
}
