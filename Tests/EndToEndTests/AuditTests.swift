import Foundation
import Testing

/// `pgsecure audit` against the lab: a verdict per target, exit codes per policy, and a target that never answers
/// costs its own timeout, not the others' time.
@Suite("audit: many targets at once, against a policy")
struct AuditTests {
    static let servers = ["good", "expired", "wronghost", "untrusted", "nossl", "silent", "expiring"]

    /// A HOME whose service file has an entry per lab server (verify-full), one refused port and one on require.
    static func home(_ lab: TLSLab) throws -> URL {
        let home = try makeTemporaryDirectory("pgsecure-audit")
        var text = "# the team's databases\n"
        for server in servers {
            text += "[\(server)]\nhost=localhost\nport=\(lab.port(server))\nuser=\(lab.user)\ndbname=postgres\nsslmode=verify-full\nsslrootcert=\(lab.rootCertificate)\n"
        }
        text += "[refused]\nhost=127.0.0.1\nport=\(TLSLab.closedPort)\nsslmode=verify-full\nsslrootcert=\(lab.rootCertificate)\n"
        text += "[weak]\nhost=localhost\nport=\(lab.port("good"))\nuser=\(lab.user)\ndbname=postgres\nsslmode=require\n"
        try text.write(to: home.appendingPathComponent(".pg_service.conf"), atomically: true, encoding: .utf8)
        return home
    }

    /// Runs pgsecure off the pool and times it there: the time after the await would include any wait for a pool thread.
    static func timedAudit(_ arguments: [String], environment: [String: String]) async throws -> (ProcessResult, Double) {
        try await offPool {
            let started = Date()
            let result = try pgsecure(arguments, environment: environment)
            return (result, Date().timeIntervalSince(started))
        }
    }

    static func rows(_ result: ProcessResult) throws -> [String: [String: Any]] {
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let targets = document?["targets"] as? [[String: Any]] ?? []
        return Dictionary(targets.map { ($0["target"] as! String, $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func everyTargetGetsItsVerdictAndTheSilentOneDelaysNobody() async throws {
        let lab = try TLSLab.load()
        let home = try Self.home(lab)
        defer { try? FileManager.default.removeItem(at: home) }
        let (result, elapsed) = try await Self.timedAudit(["audit", "--all", "--json", "--timeout", "2"], environment: ["HOME": home.path, "PGPASSWORD": lab.password])
        #expect(result.status == 1, "\(result.stderr)")
        let rows = try Self.rows(result)
        let expected: [String: (verdict: String, code: String, meets: Bool)] = [
            "good": ("verified-full", "ok", true), "expired": ("failed", "cert-expired", false),
            "wronghost": ("failed", "hostname-mismatch", false), "untrusted": ("failed", "cert-untrusted", false),
            "nossl": ("failed", "server-no-ssl", false), "silent": ("failed", "timeout", false),
            "expiring": ("verified-full", "ok", false), "refused": ("failed", "connection-refused", false),
            "weak": ("encrypted-unverified", "ok", false),
        ]
        #expect(Set(rows.keys) == Set(expected.keys))
        for (name, want) in expected {
            #expect(rows[name]?["verdict"] as? String == want.verdict, "\(name)")
            #expect(rows[name]?["code"] as? String == want.code, "\(name)")
            #expect(rows[name]?["meets_policy"] as? Bool == want.meets, "\(name)")
        }
        #expect(rows["good"]?["tls_version"] as? String == "TLSv1.3")
        #expect((rows["expiring"]?["certificate_days_left"] as? Int).map { $0 < 14 } == true)
        #expect((rows["expiring"]?["shortfall"] as? String)?.contains("expires in") == true)
        // Concurrent: the whole run costs about one timeout, not the sum; the good target answered at once.
        #expect(elapsed < 4, "took \(elapsed) s")
        #expect((rows["good"]?["seconds"] as? Double).map { $0 < 1 } == true)
    }

    @Test func fewSlotsStillDrainPastBlackholes() async throws {
        let lab = try TLSLab.load()
        let home = try Self.home(lab)
        defer { try? FileManager.default.removeItem(at: home) }
        // Four silent targets and two slots: the good ones still finish, and the run takes two timeouts, not four.
        let (result, elapsed) = try await Self.timedAudit(
            ["audit", "silent", "silent", "good", "silent", "silent", "good", "--concurrency", "2", "--timeout", "1", "--json"],
            environment: ["HOME": home.path, "PGPASSWORD": lab.password])
        #expect(result.status == 1)
        #expect(elapsed < 3.5, "took \(elapsed) s")
        // Two slots really bound it (four silent targets, two at a time: at least two timeouts), and every row is there.
        #expect(elapsed >= 1.8, "took \(elapsed) s: more than two at a time?")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let targets = try #require(document?["targets"] as? [[String: Any]])
        #expect(targets.count == 6)
        #expect(targets.filter { $0["target"] as? String == "good" }.map { $0["verdict"] as? String } == ["verified-full", "verified-full"])
    }

    /// Ten that never answer, at once: about one timeout in all, not one per core's worth of threads in turn.
    @Test func tenBlackholesCostOneTimeout() async throws {
        let lab = try TLSLab.load()
        let home = try Self.home(lab)
        defer { try? FileManager.default.removeItem(at: home) }
        let (result, elapsed) = try await Self.timedAudit(
            ["audit", "--timeout", "2", "--json"] + Array(repeating: "silent", count: 10), environment: ["HOME": home.path])
        #expect(result.status == 1)
        #expect(try Self.rows(result)["silent"]?["code"] as? String == "timeout")
        // In turn, a few threads at a time, they took 6 s.
        #expect(elapsed < 4, "took \(elapsed) s")
    }

    @Test func exitCodesFollowThePolicy() async throws {
        let lab = try TLSLab.load()
        let home = try Self.home(lab)
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["HOME": home.path, "PGPASSWORD": lab.password]
        #expect(try await offPool { try pgsecure(["audit", "good"], environment: environment) }.status == 0)
        #expect(try await offPool { try pgsecure(["audit", "good", "expiring"], environment: environment) }.status == 1)
        #expect(try await offPool { try pgsecure(["audit", "good", "expiring", "--warn-days", "5"], environment: environment) }.status == 0)
        #expect(try await offPool { try pgsecure(["audit", "good", "weak"], environment: environment) }.status == 1)
        #expect(try await offPool { try pgsecure(["audit", "good", "weak", "--require", "require"], environment: environment) }.status == 0)
        let list = home.appendingPathComponent("targets.txt")
        try "# production\ngood\n\n  expiring  \n".write(to: list, atomically: true, encoding: .utf8)
        let fromFile = try await offPool { try pgsecure(["audit", "--file", list.path, "--warn-days", "5"], environment: environment) }
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        #expect(fromFile.stdout.contains("2 of 2 meet the policy"), "\(fromFile.stdout)")
    }

    /// One entry of the service file libpq would refuse does not stop `--all`: it is a failed row (bad-input, with
    /// libpq's reason) and the others are tested; exit 1, as for any target that falls short.
    @Test func aBrokenEntryIsAFailedRowAndTheOthersAreAudited() async throws {
        let lab = try TLSLab.load()
        let home = try makeTemporaryDirectory("pgsecure-audit")
        defer { try? FileManager.default.removeItem(at: home) }
        let good = "host=localhost\nport=\(lab.port("good"))\nuser=\(lab.user)\ndbname=postgres\nsslmode=verify-full\nsslrootcert=\(lab.rootCertificate)\n"
        try "[good]\n\(good)[broken]\nhost = spaced\n[nested]\nservice=good\n"
            .write(to: home.appendingPathComponent(".pg_service.conf"), atomically: true, encoding: .utf8)
        let environment = ["HOME": home.path, "PGPASSWORD": lab.password]
        let result = try await offPool { try pgsecure(["audit", "--all", "--json"], environment: environment) }
        #expect(result.status == 1, "\(result.stderr)")
        let rows = try Self.rows(result)
        #expect(Set(rows.keys) == ["good", "broken", "nested"])
        #expect(rows["good"]?["verdict"] as? String == "verified-full")
        #expect(rows["good"]?["meets_policy"] as? Bool == true)
        for (name, reason) in [("broken", "syntax error in service file"), ("nested", "nested service specifications")] {
            #expect(rows[name]?["verdict"] as? String == "failed", "\(name)")
            #expect(rows[name]?["code"] as? String == "bad-input", "\(name)")
            #expect(rows[name]?["meets_policy"] as? Bool == false, "\(name)")
            #expect((rows[name]?["summary"] as? String)?.contains(reason) == true, "\(name): \(String(describing: rows[name]))")
        }
        let table = try await offPool { try pgsecure(["audit", "--all"], environment: environment) }
        #expect(table.status == 1)
        #expect(table.stdout.contains("1 of 3 meet the policy"), "\(table.stdout)")
        #expect(table.stdout.split(separator: "\n").contains { $0.contains("broken") && $0.contains("bad-input") }, "\(table.stdout)")
        // Named on the command line, the same entry is still bad input: exit 2.
        #expect(try await offPool { try pgsecure(["audit", "broken"], environment: environment) }.status == 2)
    }

    @Test func badInputExitsTwoBeforeTestingAnything() async throws {
        let lab = try TLSLab.load()
        let home = try Self.home(lab)
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["HOME": home.path]
        let unknown = try await offPool { try pgsecure(["audit", "good", "nosuch"], environment: environment) }
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("definition of service \"nosuch\" not found"))
        let withPassword = try await offPool { try pgsecure(["audit", "host=localhost password=hunter2"], environment: environment) }
        #expect(withPassword.status == 2)
        #expect(withPassword.stderr.contains("~/.pgpass") && !withPassword.stderr.contains("hunter2"), "\(withPassword.stderr)")
        #expect(try await offPool { try pgsecure(["audit"], environment: environment) }.status == 2)
    }
}
