import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Tests/lab/fake-server.py server of one test's own, for modes with state a shared lab server cannot have
/// (`startingup` treats its first client apart). Listens on a free port of 127.0.0.1; stopped when this goes away,
/// and exits by itself when the test runner dies.
public final class PrivateFakeServer: @unchecked Sendable {
    public let port: Int
    private let process: Process
    private let directory: URL

    /// `fake-server.py MODE ARGUMENTS… PORT_FILE`, waiting (polling, at most 10 s) until it listens.
    public init(_ mode: String, _ arguments: [String]) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../lab/fake-server.py").standardizedFileURL.path
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-fake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, mode] + arguments + [portFile]
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: portFile) {
            guard process.isRunning, Date() < deadline else {
                Self.stop(process, directory: directory)
                throw TLSLab.Missing(description: "fake-server.py \(mode) did not start")
            }
            usleep(10_000)
        }
        port = Int(try String(contentsOfFile: portFile, encoding: .utf8))!
    }

    deinit { Self.stop(process, directory: directory) }

    /// SIGKILL: the child may inherit a mask that blocks SIGTERM from the test runner's thread.
    private static func stop(_ process: Process, directory: URL) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
