import Foundation
import Testing

/// Any local user can read every process's arguments (`ps -eo args`, /proc/PID/cmdline): what pgsecure prints must
/// never put a secret there, and what these tests spawn must not either.
@Suite("No secret in argv")
struct SecretsOutOfArgvTests {
    /// `pgsecure snippet psql --include-password`, run as printed by a real sh against the lab: it connects, and
    /// no process ever shows the password in its arguments.
    @Test func printedPsqlCommandKeepsThePasswordOutOfArgv() throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let generated = try pgsecure(
            ["snippet", "psql", "--include-password", "--password-stdin"] + lab.fields("good")
                + ["--sslrootcert", lab.rootCertificate],
            input: lab.password + "\n", environment: ["HOME": home.path])
        try #require(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.contains("PGPASSWORD="))

        // A psql on PATH that writes down the arguments it was given, then runs the real one.
        let bin = home.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let argumentsFile = home.appendingPathComponent("psql-arguments")
        let wrapper = bin.appendingPathComponent("psql")
        try """
            #!/bin/sh
            printf '%s\\n' "$@" > '\(argumentsFile.path)'
            exec \(SnippetLiveTests.postgresBin)/psql "$@" --command='SELECT pg_sleep(0.3)'
            """.write(to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)

        // Only this test's processes (its own HOME): tests running in parallel put the password in argv on purpose.
        // The real psql is the process to catch (the wrapper's extra command keeps it alive for 0.3 s more, so a
        // sampler slowed by a busy machine still sees it).
        let sampler = ArgvSampler(
            looking: lab.password, inEnvironmentWith: "HOME=\(home.path)", target: SnippetLiveTests.postgresBin + "/psql")
        sampler.start()
        // The script on sh's stdin, as if pasted: sh -c SCRIPT would put it, password and all, in sh's own argv.
        let result = try run(
            "/bin/sh", [], input: generated.stdout,
            environment: ["PATH": "\(bin.path):/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8"])
        let sightings = sampler.stop()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("PostgreSQL 15"), "\(result.stdout)\(result.stderr)")
        let arguments = try String(contentsOf: argumentsFile, encoding: .utf8)
        #expect(arguments.contains("postgresql://"))
        #expect(!arguments.contains(lab.password))
        // Proof it looked while psql ran: a scan that found no psql proves nothing.
        #expect(sightings.targetSeen > 0, "no scan of \(sightings.samples) found psql running")
        #expect(sightings.matches.isEmpty, "password in argv: \(sightings.matches)")
    }
}

/// Reads every process's /proc/PID/cmdline over and over on a thread of its own, as `ps -eo args` would.
final class ArgvSampler: @unchecked Sendable {
    private let needle: [UInt8]
    private let environmentEntry: [UInt8]
    private let target: [UInt8]
    private let lock = NSLock()
    private var running = true
    private var samples = 0
    private var targetSeen = 0
    private var matches: [String] = []
    private let done = DispatchSemaphore(value: 0)

    /// `environmentEntry` (`NAME=value`) picks the processes to watch; `target` is the program (argv[0]) whose
    /// sightings are counted, to prove the sampler saw it run.
    init(looking needle: String, inEnvironmentWith environmentEntry: String, target: String) {
        self.needle = Array(needle.utf8)
        self.environmentEntry = Array(environmentEntry.utf8)
        self.target = Array(target.utf8)
    }

    func start() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let lines = Self.commandLines(inEnvironmentWith: environmentEntry)
                let found = lines.filter { $0.contains(needle) }
                let sawTarget = lines.contains { $0.split(separator: 0, omittingEmptySubsequences: false).first?.elementsEqual(target) == true }
                lock.withLock {
                    samples += 1
                    if sawTarget { targetSeen += 1 }
                    matches += found.map { String(decoding: $0.map { $0 == 0 ? 32 : $0 }, as: UTF8.self) }
                }
            }
            done.signal()
        }
    }

    /// `samples`: scans made; `targetSeen`: scans that found the target running.
    func stop() -> (samples: Int, targetSeen: Int, matches: [String]) {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { (samples, targetSeen, matches) }
    }

    static func commandLines(inEnvironmentWith entry: [UInt8]) -> [[UInt8]] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { process in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(process)/environ"),
                environment.split(separator: 0).contains(where: { $0.elementsEqual(entry) })
            else { return nil }
            return FileManager.default.contents(atPath: "/proc/\(process)/cmdline").map(Array.init)
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
