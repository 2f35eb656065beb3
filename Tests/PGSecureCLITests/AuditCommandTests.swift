import Foundation
import PGSecureCLI
import Testing

/// `audit` rows for targets refused before any connection: in-process, as nothing is tested.
@Suite("audit: refused targets, in-process")
struct AuditCommandTests {
    /// --all finds service names, never connection strings (`[a=b]` is a section); a refused row keeps the field
    /// its reason is about, and gets the code `test --json` gives for the same refusal.
    @Test func refusedRowsNameTheFieldAndUseTheSameCodes() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try "[bogus]\nhost=localhost\nsslmode=bogus\n[a=b]\nhost=localhost\nsslmode=verify-full\nsslrootcert=/nonexistent/root.crt\n"
            .write(toFile: home.path + "/.pg_service.conf", atomically: false, encoding: .utf8)
        let environment = ["HOME": home.path, "PGSYSCONFDIR": home.path + "/none"]
        let result = await pgsecure(["audit", "--all", "--json"], environment: environment)
        #expect(result.status == 1, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rows = Dictionary(
            (document?["targets"] as? [[String: Any]] ?? []).map { ($0["target"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["bogus"]?["code"] as? String == "bad-input")
        #expect(rows["bogus"]?["summary"] as? String == "sslmode: unknown value \"bogus\"", "\(String(describing: rows["bogus"]))")
        #expect(rows["a=b"]?["code"] as? String == "root-cert-missing", "\(String(describing: rows["a=b"]))")
        #expect(rows["a=b"]?["summary"] as? String == "sslrootcert: \"/nonexistent/root.crt\" does not exist")
        #expect(rows["a=b"]?["shortfall"] as? String == "sslrootcert: \"/nonexistent/root.crt\" does not exist")
        let single = await pgsecure(["test", "--json", "service=a=b"], environment: environment)
        let report = try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any]
        #expect((report?["diagnosis"] as? [String: Any])?["code"] as? String == "root-cert-missing", "\(single.stdout)")
    }

    /// Given on the command line, the same refusal is bad input (exit 2), still naming its field and the target.
    @Test func aRefusedTargetOnTheCommandLineNamesItsField() async throws {
        let result = await pgsecure(["audit", "--json", "host=localhost sslmode=verify-full sslrootcert=/nonexistent/r.crt"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("sslrootcert: \"/nonexistent/r.crt\" does not exist (target host=localhost"), "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((document?["error"] as? [String: Any])?["code"] as? String == "root-cert-missing", "\(result.stdout)")
    }
}
