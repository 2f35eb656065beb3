import Foundation
import TestSupport

/// The package root, found from this file's path (Tests/EndToEndTests/Support/Processes.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The `pgsecure` binary `swift build` made for these tests.
let pgsecureBinary = packageRoot.appendingPathComponent(".build/debug/pgsecure").path

/// What a finished process left behind.
struct ProcessResult: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
    let stdoutBytes: Data
}

/// Runs a program to completion with the given stdin, environment (nil: inherit) and working directory.
/// Never attached to a terminal: stdin is a pipe (closed after `input`), so nothing can wait for a person.
/// A child still running (it, or a process it started) after `timeout` seconds is killed and the call throws
/// `ProcessTimedOut`: a hung child fails its test instead of hanging the whole run.
func run(
    _ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil,
    directory: URL? = nil, timeout: Double = defaultProcessTimeout
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    let deadline = DispatchTime.now() + timeout
    try process.run()
    let pid = process.processIdentifier
    let leadsGroup = getpgid(pid) == pid  // asked while the child exists (or is a zombie not yet reaped)
    // Read both pipes concurrently so a chatty child cannot block on a full pipe, each on a queue of its own: the
    // global queue runs only as many blocks as there are cores, and a blocked reader there would stall every other
    // test's reader.
    let outputData = LockedData(), errorData = LockedData()
    let reads = DispatchGroup()
    DispatchQueue(label: "pgsecure.test.stdout").async(group: reads) { outputData.set(stdout.fileHandleForReading.readDataToEndOfFile()) }
    DispatchQueue(label: "pgsecure.test.stderr").async(group: reads) { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()

    // Foundation sees the child end only once every process it started has let go of what it inherited, so a
    // process left behind (holding the pipes too) counts as the child still running.
    guard exited.wait(timeout: deadline) == .success, reads.wait(timeout: deadline) == .success else {
        // Foundation makes the child lead a process group of its own: killing the group also ends what it started.
        kill(leadsGroup ? -pid : pid, SIGKILL)
        // Bounded too: a process that moved to a session of its own (setsid) outlives the kill.
        _ = exited.wait(timeout: .now() + 5)
        _ = reads.wait(timeout: .now() + 2)
        throw ProcessTimedOut(
            program: executable, command: arguments.first, seconds: timeout,
            stderr: String(decoding: errorData.value, as: UTF8.self))
    }
    process.waitUntilExit()
    let output = outputData.value
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
        stderr: String(decoding: errorData.value, as: UTF8.self), stdoutBytes: output)
}

/// Generous: a Go or Java build under a full parallel run takes a minute or two; a hang takes forever.
let defaultProcessTimeout: Double = 300

/// A child that outlived its time. Names the program and its first argument only: the rest may hold a password.
struct ProcessTimedOut: Error, CustomStringConvertible {
    let program: String
    let command: String?
    let seconds: Double
    let stderr: String

    var description: String {
        let shown = command.map { $0.allSatisfy { $0.isLetter || $0 == "-" } ? " " + $0 : "" } ?? ""
        return "\(program)\(shown) (or a process it started) did not finish within \(seconds) s and was killed; "
            + "its stderr so far:\n\(stderr.suffix(4000))"
    }
}

/// `run` on a thread of its own (`offPool`), awaited: a slow client (a Go build, a JVM) then holds none of Swift's few cooperative
/// threads, which tests with tasks of their own (the tester's cancellation, the tmux sessions) need to make progress.
func runDetached(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
    timeout: Double = defaultProcessTimeout
) async throws -> ProcessResult {
    try await offPool { try run(executable, arguments, environment: environment, directory: directory, timeout: timeout) }
}

/// Runs the pgsecure binary. The environment is minimal and explicit so a developer's PG* variables cannot leak in.
func pgsecure(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    var base = ["PATH": "/usr/bin:/bin", "HOME": emptyHome.path, "LANG": "C.UTF-8"]
    base.merge(environment) { _, new in new }
    return try run(pgsecureBinary, arguments, input: input, environment: base)
}

/// An empty HOME of this test run's own: no stray ~/.pgpass or ~/.postgresql/root.crt can change a result.
let emptyHome: URL = try! makeTemporaryDirectory("pgsecure-home")

/// Finds a program on the usual Debian paths.
func which(_ program: String) -> String? {
    ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin"].map { "\($0)/\(program)" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A fresh temporary directory, removed by the caller with `removeTemporary`.
func makeTemporaryDirectory(_ prefix: String = "pgsecure-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ newValue: Data) { lock.withLock { data = newValue } }
    var value: Data { lock.withLock { data } }
}
