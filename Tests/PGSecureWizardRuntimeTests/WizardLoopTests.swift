import Foundation
import PGSecureModel
import PGSecureWizard
import Synchronization
import Testing
import TestSupport
@testable import PGSecureWizardRuntime

/// The real `WizardApp.run` loop on a `TestBackend`: scripted keys in, whole frames out, the real effect runner
/// (files in a temporary directory, clipboard helpers off PATH) with a fake tester. Every wait is on a frame the
/// loop drew, and every assertion on the final state or a settled frame.
@Suite("Wizard loop in memory")
struct WizardLoopTests {
    static let uri = "postgresql://alex@db.example.com:5432/app?sslmode=verify-full&sslrootcert=%2Flab%2Froot.crt"
    static let password = "s3cr3t-Pw"

    /// The keys of a whole walk from the start screen to the outputs step, waiting where an effect must answer.
    static func walkToOutputs(password: String = password) -> [TestBackend.Step] {
        [
            .waitFor("the start screen") { $0.text.contains("Paste a connection string") },
            .key(.enter), .text("db.example.com"), .key(.tab), .text("5432"), .key(.enter),
            .text("alex"), .key(.tab), .text(password),
            .waitFor("the password as \(password.count) dots") { screen in
                screen.text.split(separator: "\n").contains { $0.hasSuffix(" " + String(repeating: "•", count: password.count)) }
            },
            .key(.enter), .text("app"), .key(.enter),
            .key(.enter),
            .text(labRoot),
            .waitFor("the root file inspected") { $0.text.contains("✓ 1 certificate") },
            .key(.enter),
            .waitFor("the test's verdict") { $0.text.contains("✓ verified-full") },
            .key(.enter),
            .waitFor("the outputs with the URI") { $0.previewText == uri },
        ]
    }

    /// Walks to the outputs step, plays `steps`, then quits with Ctrl-C; every wait must be met.
    static func atOutputs(_ steps: [TestBackend.Step], harness: Harness = Harness()) async -> (backend: TestBackend, state: WizardState) {
        let backend = TestBackend(script: walkToOutputs() + steps + [.key(.control("c"))])
        let (exit, state) = await harness.run(on: backend)
        #expect(backend.failures == [])
        #expect(exit.status == 130)
        return (backend, state)
    }

    @Test("A whole walk: fields, SSL mode, root, a test answered by the tester, outputs; Enter prints the URI and exits 0")
    func wholeWalk() async throws {
        let harness = Harness()
        let backend = TestBackend(script: Self.walkToOutputs() + [.key(.enter)])
        let (exit, state) = await harness.run(on: backend)
        #expect(backend.failures == [])
        #expect(exit == WizardExit(output: Self.uri + "\n", status: 0))
        #expect(state.step == .outputs)
        #expect(state.test == .finished(verifiedReport()))
        let tested = try #require(harness.testedSettings.withLock { $0 }.first)
        #expect(tested.uri == "postgresql://alex:s3cr3t-Pw@db.example.com:5432/app?sslmode=verify-full&sslrootcert=%2Flab%2Froot.crt")
        #expect(harness.inspectedPaths.withLock { $0 } == [labRoot])
        #expect(!backend.frames.contains { $0.joinedText.contains(Self.password) }, "the password appeared on a frame")
    }

    @Test("A test the user leaves (Esc off the review) or quits is cancelled, and its late result is ignored")
    func abandonedTestIsCancelled() async throws {
        for leaving in [[TestBackend.Step.key(.escape), .waitFor("the root step") { $0.text.contains("Which roots") }, .key(.control("c"))], [.key(.control("c"))]] {
            let harness = Harness(tester: .waitsUntilCancelled)
            let script = Array(Self.walkToOutputs().prefix(17))
                + [.waitFor("the test running") { $0.text.contains("testing the connection") }] + leaving
            let backend = TestBackend(script: script)
            let (exit, state) = await harness.run(on: backend)
            #expect(backend.failures == [])
            #expect(exit.status == 130)
            #expect(harness.performed.withLock { $0 }.contains(.cancelTest(id: 1)))
            #expect(state.test != .finished(failedReport("cancelled\n")))
            try poll("the tester saw the cancellation") { harness.cancelledTests.withLock { $0 } == 1 }
        }
    }

    @Test("Copy: the OSC 52 bytes reach the terminal and the status line says copied")
    func copy() async {
        let (backend, _) = await Self.atOutputs([
            .key(.character("c")),
            .waitFor("the copy confirmed") { $0.joinedText.contains("✓ Copied URI to the clipboard (OSC 52)") },
        ])
        // base64 of the URI and a newline, as `printf '%s\n' URI | base64 -w0` prints it.
        let encoded = "cG9zdGdyZXNxbDovL2FsZXhAZGIuZXhhbXBsZS5jb206NTQzMi9hcHA/c3NsbW9kZT12ZXJpZnktZnVsbCZzc2xyb290Y2VydD0lMkZsYWIlMkZyb290LmNydAo="
        #expect(backend.controlSequences == [Array(("\u{1b}]52;c;" + encoded + "\u{07}").utf8)])
    }

    @Test("Copy inside tmux also hands the text to `tmux load-buffer` on stdin, and the status line names it")
    func copyToTmuxBuffer() async throws {
        let directory = try TemporaryDirectory()
        let fakeTmux = directory.path + "/tmux"
        // A stand-in tmux on PATH: records its arguments and what it was given.
        try "#!/bin/sh\necho \"$@\" > \(directory.path)/arguments\ncat > \(directory.path)/buffer\n".write(toFile: fakeTmux, atomically: true, encoding: .utf8)
        chmod(fakeTmux, 0o755)
        _ = await Self.atOutputs(
            [
                .key(.character("c")),
                .waitFor("the copy confirmed") { $0.joinedText.contains("✓ Copied URI to the clipboard (OSC 52, tmux buffer)") },
            ], harness: Harness(environment: ["PATH": directory.path, "TMUX": "/tmp/tmux-test,1,0"]))
        #expect(try directory.contents(of: "arguments") == "load-buffer -w -\n")
        #expect(try directory.contents(of: "buffer") == Self.uri + "\n")
    }

    @Test("Files: written 0644, never overwritten without y, 0600 when they hold the password")
    func writeFiles() async throws {
        let directory = try TemporaryDirectory()
        let plain = directory.path + "/conn.txt"
        let secretFile = directory.path + "/conn-secret.txt"
        let (_, state) = await Self.atOutputs([
            .key(.character("w")), .key(.control("u")), .text(plain), .key(.enter),
            .waitFor("the file written") { $0.joinedText.contains("✓ Wrote \(plain) (mode 644)") },
            .key(.character("w")), .key(.control("u")), .text(plain), .key(.enter),
            .waitFor("the overwrite question") { $0.joinedText.contains("\(plain) exists. Overwrite it? y/n") },
            .key(.character("n")),
            .waitFor("the path asked again") { $0.joinedText.contains("Write to: \(plain)") },
            .key(.escape),
            .key(.character("p")), .key(.character("w")), .key(.control("u")), .text(secretFile), .key(.enter),
            .waitFor("the secret file written") { $0.joinedText.contains("✓ Wrote \(secretFile) (mode 600)") },
        ])
        #expect(state.filePrompt == nil)
        #expect(try directory.contents(of: "conn.txt") == Self.uri + "\n")
        #expect(directory.mode(of: "conn.txt") == 0o644)
        #expect(try directory.contents(of: "conn-secret.txt") == "postgresql://alex:s3cr3t-Pw@db.example.com:5432/app?sslmode=verify-full&sslrootcert=%2Flab%2Froot.crt\n")
        #expect(directory.mode(of: "conn-secret.txt") == 0o600)
        #expect(try directory.names() == ["conn-secret.txt", "conn.txt"])
    }

    @Test("Overwriting replaces the file whole (a new file renamed over it), keeps a 0600 file 0600, leaves no temporary file")
    func overwriteKeepsStricterMode() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/conn.txt"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("old\n".utf8), attributes: [.posixPermissions: 0o600]))
        let oldNode = directory.node(of: "conn.txt")
        _ = await Self.atOutputs([
            .key(.character("w")), .key(.control("u")), .text(file), .key(.enter),
            .waitFor("the overwrite question") { $0.joinedText.contains("\(file) exists. Overwrite it? y/n") },
            .key(.character("y")),
            .waitFor("the file written") { $0.joinedText.contains("✓ Wrote \(file) (mode 600)") },
        ])
        #expect(try directory.contents(of: "conn.txt") == Self.uri + "\n")
        #expect(directory.mode(of: "conn.txt") == 0o600, "an owner-only file was widened")
        #expect(directory.node(of: "conn.txt") != oldNode, "the file was rewritten in place, not replaced")
        #expect(try directory.names() == ["conn.txt"])
    }

    @Test("Root inspection is an effect: a typed path is inspected once, its facts shown; a bad path says why")
    func rootInspection() async {
        let harness = Harness()
        let script = Array(Self.walkToOutputs().prefix(14)) + [
            .text("/nowhere.pem"),
            .waitFor("the missing file reported") { $0.text.contains("does not exist") },
            .key(.control("u")), .text(labRoot),
            .waitFor("the lab root accepted") { $0.text.contains("✓ 1 certificate") },
            .key(.control("c")),
        ]
        let backend = TestBackend(script: script)
        let (exit, state) = await harness.run(on: backend)
        #expect(backend.failures == [])
        #expect(exit.status == 130)
        #expect(state.customRootCheck == RootCertificateCandidate(source: "custom", path: labRoot, exists: true, isReadable: true, certificateCount: 1))
        // Typed in one batch each, each path is inspected once, whole: not once per keystroke.
        #expect(harness.inspectedPaths.withLock { $0 } == ["/nowhere.pem", labRoot])
    }

    @Test(
        "The stand-in tester's wait ends on cancellation, whether it comes before or during the wait",
        .timeLimit(.minutes(1)))
    func untilCancelledEndsOnCancellation() async throws {
        // Not `await task.value`, which nothing can give up (the time limit's cancellation included): a wait that
        // ignored cancellation would hang the run. The sleep below throws once the limit cancels the test.
        func cancelled(after delay: Duration?) async throws {
            let ended = Mutex(false)
            let task = Task {
                await untilCancelled()
                ended.withLock { $0 = true }
            }
            if let delay { try await Task.sleep(for: delay) }
            task.cancel()
            while !ended.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        }
        try await cancelled(after: nil)  // before the wait, most likely
        try await cancelled(after: .milliseconds(20))  // during it
    }

    @Test("A signal ends the loop with 128 + its number, cancelling a running test")
    func signalEnds() async throws {
        let harness = Harness(tester: .waitsUntilCancelled)
        let backend = TestBackend(script: Array(Self.walkToOutputs().prefix(17)) + [
            .waitFor("the test running") { $0.text.contains("testing the connection") }, .signal(SIGTERM),
        ])
        let (exit, _) = await harness.run(on: backend)
        #expect(backend.failures == [])
        #expect(exit == WizardExit(output: nil, status: 128 + SIGTERM))
        try poll("the tester saw the cancellation") { harness.cancelledTests.withLock { $0 } == 1 }
    }

    @Test("The time from a test result's arrival to the frame showing it is measured (test_shown_ms)")
    func testShownTiming() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/timings"
        let harness = Harness()
        let backend = TestBackend(script: Self.walkToOutputs() + [.key(.control("c"))])
        _ = await harness.run(on: backend, timings: BenchTimings(environment: ["PGSECURE_BENCH_TIMINGS": file]))
        let lines = try directory.contents(of: "timings").split(separator: "\n")
        let shown = lines.filter { $0.hasPrefix("test_shown_ms ") }.compactMap { Double($0.split(separator: " ")[1]) }
        #expect(shown.count == 1)
        #expect(shown.allSatisfy { $0 >= 0 })
    }
}

/// Polls `condition` until it holds; fails after `timeout` seconds.
func poll(_ description: String, timeout: Double = 10, _ condition: () -> Bool) throws {
    let deadline = BenchTimings.now() + UInt64(timeout * 1e9)
    while !condition() {
        guard BenchTimings.now() < deadline else { throw PollTimeout(description: "waited \(timeout) s for \(description)") }
        usleep(1000)
    }
}

struct PollTimeout: Error, CustomStringConvertible {
    let description: String
}
