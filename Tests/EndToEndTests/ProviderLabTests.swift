import Foundation
import Testing

/// Managed providers' chain shapes in the TLS lab, under their own names (hostaddr=127.0.0.1 with the provider's host
/// name): each gets the truthful verdict and the provider's own fix, and the mode pgsecure recommends really connects.
// Serialized: each test blocks its thread on child processes; run side by side they starve the other suites' tasks.
@Suite("Provider chain shapes in the TLS lab", .serialized)
struct ProviderLabTests {
    static let hosts = [
        "supabase": "db.pgsecurelab.supabase.co", "rds": "labdb.cdhmuqifdpib.us-east-1.rds.amazonaws.com",
        "heroku": "ec2-54-83-1-2.compute-1.amazonaws.com", "cloudsql": "pgsecurelab.lab.global.sql-psa.goog",
    ]

    func string(_ lab: TLSLab, _ shape: String, extra: String = "") -> String {
        "host=\(Self.hosts[shape]!) hostaddr=127.0.0.1 port=\(lab.port(shape)) user=\(lab.user) dbname=postgres \(extra)"
    }

    /// `pgsecure test --json`, with a fresh HOME holding `rootFiles` (lab PKI names) in ~/.postgresql.
    func test(_ arguments: [String], rootFiles: [String] = []) throws -> (report: [String: Any], stderr: String, status: Int32) {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let directory = home.appendingPathComponent(".postgresql")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in rootFiles {
            try FileManager.default.copyItem(atPath: lab.pki + "/" + file, toPath: directory.appendingPathComponent(file).path)
        }
        let result = try pgsecure(["test", "--json"] + arguments, environment: ["HOME": home.path, "PGPASSWORD": lab.password])
        let report = try #require(
            try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any], "stdout: \(result.stdout) stderr: \(result.stderr)")
        return (report, result.stderr, result.status)
    }

    func diagnosis(_ report: [String: Any]) -> (code: String?, fix: String) {
        let diagnosis = report["diagnosis"] as? [String: Any]
        return (diagnosis?["code"] as? String, diagnosis?["fix"] as? String ?? "")
    }

    @Test func supabaseAgainstTheSystemBundleNamesItsRootAndWhereToGetIt() throws {
        let lab = try TLSLab.load()
        let run = try test([string(lab, "supabase"), "--sslrootcert", "/etc/ssl/certs/ca-certificates.crt"])
        #expect(diagnosis(run.report).code == "cert-untrusted")
        #expect(diagnosis(run.report).fix.contains("Supabase Root 2021 CA"))
        #expect(diagnosis(run.report).fix.contains("Database Settings → SSL Configuration"))
        #expect((run.report["provider"] as? [String: Any])?["name"] as? String == "Supabase")
    }

    @Test func supabaseWithoutItsRootSaysWhereToSaveIt() throws {
        let lab = try TLSLab.load()
        let run = try test([string(lab, "supabase", extra: "sslmode=require")])
        #expect(diagnosis(run.report).code == "root-cert-missing")
        #expect(run.stderr.contains("save it as"))
        #expect(run.stderr.contains("supabase-prod-ca-2021.crt"))
    }

    @Test func supabaseWithItsRootInHomeIsVerifiedAndEndsAtTheDocumentedRoot() throws {
        let lab = try TLSLab.load()
        let run = try test([string(lab, "supabase", extra: "sslmode=require")], rootFiles: ["supabase-prod-ca-2021.crt"])
        #expect(run.status == 0)
        #expect(run.report["verdict"] as? String == "verified-full")
        let provider = try #require(run.report["provider"] as? [String: Any])
        #expect(provider["documented_root"] as? Bool == true)
        #expect((provider["chain_ends_at"] as? String)?.contains("CN=Supabase Root 2021 CA") == true)
    }

    @Test func rdsWithItsBundleIsVerified() throws {
        let lab = try TLSLab.load()
        let run = try test([string(lab, "rds")], rootFiles: ["rds-global-bundle.pem"])
        #expect(run.report["verdict"] as? String == "verified-full")
        #expect((run.report["provider"] as? [String: Any])?["documented_root"] as? Bool == true)
    }

    @Test func herokuClassicGetsRequireWithAWarningAndConnects() throws {
        let lab = try TLSLab.load()
        let run = try test([string(lab, "heroku", extra: "sslmode=require")])
        #expect(run.status == 0)
        #expect(run.report["verdict"] as? String == "encrypted-unverified")
        #expect(run.stderr.contains("verify-full cannot work with Heroku Postgres"))
        let strict = try test([string(lab, "heroku"), "--sslmode", "verify-full", "--sslrootcert", "/etc/ssl/certs/ca-certificates.crt"])
        #expect(diagnosis(strict.report).code == "cert-untrusted")
        #expect(diagnosis(strict.report).fix.contains("Use --sslmode require"))
    }

    @Test func cloudSQLGetsVerifyCAWithItsServerCAAndConnects() throws {
        let lab = try TLSLab.load()
        let run = try test([string(lab, "cloudsql")], rootFiles: ["cloudsql-server-ca.pem"])
        #expect(run.status == 0)
        #expect(run.report["verdict"] as? String == "verified-ca")
        #expect(run.stderr.contains("project:instance"))
        let strict = try test(
            [string(lab, "cloudsql"), "--sslmode", "verify-full", "--sslrootcert", lab.pki + "/cloudsql-server-ca.pem"])
        #expect(diagnosis(strict.report).code == "hostname-mismatch")
        #expect(diagnosis(strict.report).fix.contains("Use --sslmode verify-ca"))
    }
}

extension ProviderLabTests {
    /// Cloud SQL is usually reached by IP address, which names no provider: its certificate's shape does.
    @Test func cloudSQLByIPAddressIsRecognisedByItsCertificate() throws {
        let lab = try TLSLab.load()
        let root = lab.pki + "/cloudsql-server-ca.pem"
        let address = "host=127.0.0.1 port=\(lab.port("cloudsql")) user=\(lab.user) dbname=postgres"
        let strict = try test([address, "--sslrootcert", root])
        #expect(diagnosis(strict.report).code == "hostname-mismatch")
        #expect(diagnosis(strict.report).fix.contains("verify-full cannot work with Google Cloud SQL"))
        #expect((strict.report["provider"] as? [String: Any])?["id"] as? String == "cloudsql")
        let recommended = try test([address, "--sslmode", "verify-ca", "--sslrootcert", root])
        #expect(recommended.status == 0)
        #expect(recommended.report["verdict"] as? String == "verified-ca")
    }
}
