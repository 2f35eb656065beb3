import TestSupport
import Foundation
import Testing
@testable import PGSecureLibPQ
import PGSecureModel

/// The tester as a library (what the wizard calls): async, cancellable, explicit about ~/.postgresql.
@Suite struct TesterLibraryTests {
    func settings(_ lab: TLSLab, port: Int, mode: SSLMode = .verifyFull) -> ConnectionSettings {
        ConnectionSettings(
            endpoints: [Endpoint(host: "localhost", port: port)], user: lab.user, password: lab.password,
            dbname: "postgres", sslmode: mode, sslrootcert: lab.rootCertificate)
    }

    @Test func asyncTestConnectsAndTimesEachPhase() async throws {
        let lab = try TLSLab.load()
        let report = await ConnectionTester.test(settings(lab, port: lab.port("good")), timeout: 10, environment: [:])
        #expect(report.connected)
        #expect(report.verdict == .verifiedFull)
        #expect(report.timings.tls > 0 && report.timings.auth > 0)
        #expect(report.timings.total >= report.timings.dns + report.timings.tcp + report.timings.tls + report.timings.auth - 0.01)
        #expect(report.chainCheck?.isTrusted == true)
        #expect(report.chainCheck?.verifiedPath.count == 3)
    }

    @Test func cancellingTheTaskStopsAHangingConnectAtOnce() async throws {
        let lab = try TLSLab.load()
        let clock = ContinuousClock()
        // A 120 s timeout: the "cancelled" message and the elapsed time prove cancellation ended it, not the timeout.
        // (Loose bound: other tests may hold the cooperative threads for a while under `swift test --parallel`.)
        let task = Task { await ConnectionTester.test(settings(lab, port: lab.port("silent")), timeout: 120, environment: [:]) }
        try await Task.sleep(for: .milliseconds(300))
        let cancelledAt = clock.now
        task.cancel()
        let report = await task.value
        #expect(!report.connected)
        #expect(report.libpqMessage?.contains("cancelled") == true)
        #expect(clock.now - cancelledAt < .seconds(60))
    }

    @Test func ownTimeoutIsHonoured() async throws {
        let lab = try TLSLab.load()
        let report = await ConnectionTester.test(settings(lab, port: lab.port("silent")), timeout: 0.5, environment: [:])
        #expect(report.diagnosis.code == .timeout)
        #expect(report.timings.total >= 450 && report.timings.total < 5_000)
    }

    @Test func homeRootCertificateIsPassedExplicitlyAndReported() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".postgresql"), withIntermediateDirectories: true)
        let settings = ConnectionSettings(endpoints: [Endpoint(host: "db.example.com")], sslmode: .require)

        let without = ConnectionPlan(settings, environment: ["HOME": home.path])
        #expect(without.options["sslrootcert"] == nil && without.homeRootCertificate == nil)

        let root = home.appendingPathComponent(".postgresql/root.crt").path
        FileManager.default.createFile(atPath: root, contents: Data("x".utf8))
        let with = ConnectionPlan(settings, environment: ["HOME": home.path])
        #expect(with.options["sslrootcert"] == root)
        #expect(with.homeRootCertificate == root)
        #expect(with.target.rootFile == root)

        var explicit = settings
        explicit.sslrootcert = "/elsewhere.crt"
        #expect(ConnectionPlan(explicit, environment: ["HOME": home.path]).homeRootCertificate == nil)
    }

    @Test func rootFileLoadedOnlyWhenLibpqWouldLoadIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-root-\(UUID().uuidString).crt").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(!ConnectionPlan.libpqLoads(rootFile: file, libpqVersion: 150_018))
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        #expect(ConnectionPlan.libpqLoads(rootFile: file, libpqVersion: 150_018))
        #expect(!ConnectionPlan.libpqLoads(rootFile: nil, libpqVersion: 150_018))
        #expect(!ConnectionPlan.libpqLoads(rootFile: FileManager.default.temporaryDirectory.path, libpqVersion: 150_018))
        // "system": a file name (relative to the working directory) before libpq 16, OpenSSL's store after.
        #expect(!ConnectionPlan.libpqLoads(rootFile: "system", libpqVersion: 150_018) || FileManager.default.fileExists(atPath: "system"))
        #expect(ConnectionPlan.libpqLoads(rootFile: "system", libpqVersion: 160_000))
    }

    @Test func planAlwaysNamesAnSSLMode() {
        let plan = ConnectionPlan(ConnectionSettings(endpoints: [Endpoint(host: "h")]), environment: ["HOME": "/nonexistent"])
        #expect(plan.options["sslmode"] == "prefer")
        #expect(plan.target.port == 5432)
    }
}
