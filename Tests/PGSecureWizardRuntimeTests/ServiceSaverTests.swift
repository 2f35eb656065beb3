import Foundation
import PGSecureDisk
import PGSecureModel
import PGSecureWizard
import Testing
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
}
