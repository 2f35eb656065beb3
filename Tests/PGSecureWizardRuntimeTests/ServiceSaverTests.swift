import Foundation
import PGSecureDisk
import PGSecureModel
import PGSecureWizard
import Testing
import TestSupport
@testable import PGSecureWizardRuntime

/// The writer behind `save` and the wizard: atomic, mode-keeping, and never over a file changed since the plan.
@Suite("ServiceSaver writes plans, and refuses stale ones")
struct ServiceSaverTests {
    static func files(home: String) -> LocalFiles { .onDisk(environment: ["HOME": home]) }

    static let settings = ConnectionSettings(
        endpoints: [Endpoint(host: "db.example.com", port: 5432)], user: "alex", password: "pw", dbname: "app", sslmode: .verifyFull,
        sslrootcert: "/etc/ssl/certs/ca-certificates.crt")

    @Test func writesBothFilesKeepingModes() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-saver-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let services = home + "/.pg_service.conf"
        try "# mine\n".write(toFile: services, atomically: false, encoding: .utf8)
        chmod(services, 0o640)
        let plan = try ServicePlan(name: "prod", settings: Self.settings, environment: [:], files: Self.files(home: home))
        let saved = ServiceSaver.save(plan, disk: Self.files(home: home))
        // What was written, for the wizard's snapshot: the text and the file's facts now.
        let written = [
            LocalFiles.File(path: home + "/.pgpass", facts: LocalFiles.Facts.of(home + "/.pgpass"), text: plan.password?.text),
            LocalFiles.File(path: services, facts: LocalFiles.Facts.of(services), text: plan.service.text),
        ]
        #expect(saved == .saved(name: "prod", servicePath: services, password: WrittenFile(path: home + "/.pgpass", permissions: 0o600), notices: [],
            written: written))
        let attributes = try FileManager.default.attributesOfItem(atPath: services)
        #expect(attributes[.posixPermissions] as? Int == 0o640)
        #expect(try FileManager.default.attributesOfItem(atPath: home + "/.pgpass")[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOfFile: services, encoding: .utf8).hasPrefix("# mine\n\n[prod]\n"))
        // The same plan again: the files no longer hold what it was made from.
        let stale = ServiceSaver.save(plan, disk: Self.files(home: home))
        guard case .failed(let message, let found) = stale else {
            Issue.record("a stale plan was written: \(stale)")
            return
        }
        #expect(message.contains("changed since it was read"))
        #expect(found == written, "the files as they now are, for the wizard's snapshot")
        let fresh = try ServicePlan(name: "prod", settings: Self.settings, environment: [:], files: Self.files(home: home))
        #expect(ServiceSaver.save(fresh, disk: Self.files(home: home)) == .unchanged(name: "prod", path: services))
    }

    /// A chmod 600 made after the plan read the service file (it may hold a password) is kept: only a password file
    /// libpq cannot use has its mode set outright.
    @Test func aServiceFileNarrowedAfterThePlanStaysNarrow() throws {
        let home = try TemporaryDirectory()
        let services = home.path + "/.pg_service.conf"
        try "# mine\n".write(toFile: services, atomically: false, encoding: .utf8)
        chmod(services, 0o644)
        var settings = Self.settings
        settings.password = nil
        let plan = try ServicePlan(name: "prod", settings: settings, environment: [:], files: Self.files(home: home.path))
        chmod(services, 0o600)
        guard case .saved = ServiceSaver.save(plan, disk: Self.files(home: home.path)) else {
            Issue.record("the plan was not saved")
            return
        }
        #expect(try FileManager.default.attributesOfItem(atPath: services)[.posixPermissions] as? Int == 0o600)
    }

    /// The runner saves one plan at a time: plans made from one snapshot (as quick Enters once made) cannot both pass
    /// the unchanged-since-read check before either renames, so all but the first are refused and no section is lost.
    /// The check looks slowly here, so saves run side by side would all pass it.
    @Test func theRunnerSavesOneAtATime() async throws {
        var settings = Self.settings
        settings.password = nil
        let home = try TemporaryDirectory()
        let files = Self.files(home: home.path)
        let slowly = LocalFiles(
            home: home.path, currentDirectory: nil, systemConfigurationDirectory: files.systemConfigurationDirectory,
            facts: { path in
                usleep(20_000)
                return files.facts(path)
            }, read: files.read)
        let plans = try ["a", "b", "c", "d"].map { try ServicePlan(name: $0, settings: settings, environment: [:], files: files) }
        let runner = EffectRunner(
            environment: ["HOME": home.path], tester: { _ in verifiedReport() },
            inspectRootFile: { RootCertificateCandidate(source: "custom", path: $0, exists: false) }, disk: slowly)
        let inbox = EventInbox()
        for plan in plans { runner.perform(.saveService(plan), replyingTo: inbox) }
        // Waited for on a thread of its own: blocking a pool thread here would leave Dispatch one thread fewer and
        // run the saves one at a time whatever the runner does.
        let results = await withCheckedContinuation { (done: CheckedContinuation<[ServiceSaveResult], Never>) in
            Thread {
                var results: [ServiceSaveResult] = []
                let deadline = Date().addingTimeInterval(30)
                while results.count < plans.count, Date() < deadline {
                    _ = inbox.wake.wait(milliseconds: 1000)
                    results += inbox.drain().compactMap { if case .serviceSaved(let result) = $0.event { result } else { nil } }
                }
                done.resume(returning: results)
            }.start()
        }
        #expect(results.count == plans.count)
        #expect(results.filter { if case .saved = $0 { true } else { false } }.count == 1, "\(results)")
        let text = try home.contents(of: ".pg_service.conf")
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("[") }.count == 1, "one section: \(text)")
    }
}
