import Foundation
import Testing

/// The bench scripts' own set-up, run against the test's lab with stand-ins for the parts that only measure.
@Suite("Bench scripts")
struct BenchScriptTests {
    /// A directory with executable stand-ins, put first on PATH.
    static func standIns(_ scripts: [String: String]) throws -> URL {
        let directory = try makeTemporaryDirectory("pgsecure-bench")
        for (name, text) in scripts {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return directory
    }

    /// A delay proxy that dies at start must stop bench/latency at once, saying so (not a `cat` error seconds later).
    @Test func latencySaysWhenTheProxyDoesNotStart() throws {
        let lab = try TLSLab.load()
        let bin = try Self.standIns(["python3": "#!/bin/sh\necho 'proxy: cannot start' >&2\nexit 1\n"])
        defer { try? FileManager.default.removeItem(at: bin) }
        let started = Date()
        let result = try run(
            "/bin/bash", [packageRoot.appendingPathComponent("bench/latency").path],
            environment: ["PATH": bin.path + ":/usr/bin:/bin", "PGSECURE_LAB": try #require(lab.values["LAB_DIR"]),
                          "PGSECURE_BIN": pgsecureBinary, "LANG": "C.UTF-8"],
            timeout: 60)
        #expect(result.status == 1)
        #expect(result.stderr.contains("bench/latency: the delay proxy"), "\(result.stderr)")
        #expect(!result.stderr.contains("No such file"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 4)
    }
}
