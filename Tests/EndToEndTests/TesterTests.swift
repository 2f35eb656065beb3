import Foundation
import Testing

/// `pgsecure test` against the TLS lab: every diagnosis code, verdict and warning, from a real connection.
@Suite("pgsecure test against the TLS lab")
struct TesterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let code: String
        let verdict: String
        var warning: String? = nil
        /// Arguments after `test --json`; the lab and an empty HOME in.
        let arguments: @Sendable (TLSLab, URL) throws -> [String]
        /// Changes to the child's environment (PGPASSWORD is the lab password unless removed with "").
        var environment: @Sendable (TLSLab, URL) -> [String: String] = { _, _ in [:] }
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "verify-full, good server", code: "ok", verdict: "verified-full") { lab, _ in
            lab.fields("good") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "verify-ca", code: "ok", verdict: "verified-ca", warning: "host name was not checked") { lab, _ in
            lab.fields("good") + ["--sslmode", "verify-ca", "--sslrootcert", lab.rootCertificate]
        },
        Case(name: "require without a root file", code: "ok", verdict: "encrypted-unverified", warning: "proved nothing") { lab, _ in
            lab.fields("good") + ["--sslmode", "require"]
        },
        Case(name: "require with ~/.postgresql/root.crt", code: "ok", verdict: "verified-ca", warning: ".postgresql/root.crt exists") { lab, home in
            let directory = home.appendingPathComponent(".postgresql")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: lab.rootCertificate, toPath: directory.appendingPathComponent("root.crt").path)
            return lab.fields("good") + ["--sslmode", "require"]
        },
        // libpq 15 reads "system" as a file name; require then skips the missing file and verifies nothing.
        Case(name: "require with sslrootcert=system on libpq 15, untrusted server", code: "ok", verdict: "encrypted-unverified",
             warning: "sslrootcert=system was given, but the server's certificate was not verified") { lab, _ in
            lab.fields("untrusted") + ["--sslmode", "require", "--sslrootcert", "system"]
        },
        Case(name: "disable on a server without TLS", code: "ok", verdict: "unencrypted", warning: "not encrypted") { lab, _ in
            lab.fields("nossl") + ["--sslmode", "disable"]
        },
        Case(name: "prefer falls back to plaintext", code: "ok", verdict: "unencrypted", warning: "plaintext without telling you") { lab, _ in
            lab.fields("nossl") + ["--sslmode", "prefer"]
        },
        Case(name: "prefer on a TLS server", code: "ok", verdict: "encrypted-unverified", warning: "silently falls back") { lab, _ in
            lab.fields("good") + ["--sslmode", "prefer"]
        },
        Case(name: "certificate expiring in 10 days", code: "ok", verdict: "verified-full", warning: "server certificate expires in") { lab, _ in
            lab.fields("expiring") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "sslrootcert=system on libpq 15", code: "root-cert-missing", verdict: "failed") { lab, _ in
            lab.fields("good") + ["--sslrootcert", "system"]
        },
        Case(name: "certificate from an untrusted CA", code: "cert-untrusted", verdict: "failed") { lab, _ in
            lab.fields("untrusted") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "right certificate, wrong root file", code: "cert-untrusted", verdict: "failed") { lab, _ in
            lab.fields("good") + ["--sslrootcert", lab.values["LAB_ROGUE_ROOT_CERT"]!]
        },
        Case(name: "expired certificate", code: "cert-expired", verdict: "failed") { lab, _ in
            lab.fields("expired") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "certificate not yet valid", code: "cert-not-yet-valid", verdict: "failed") { lab, _ in
            lab.fields("notyet") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "certificate for another host", code: "hostname-mismatch", verdict: "failed") { lab, _ in
            lab.fields("wronghost") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "hostaddr with another host name", code: "hostname-mismatch", verdict: "failed") { lab, _ in
            ["host=other.name hostaddr=127.0.0.1 port=\(lab.port("good")) user=\(lab.user) dbname=postgres", "--sslrootcert", lab.rootCertificate]
        },
        Case(name: "server without TLS", code: "server-no-ssl", verdict: "failed") { lab, _ in
            lab.fields("nossl") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "plaintext to a hostssl-only server", code: "ssl-required-by-server", verdict: "failed") { lab, _ in
            lab.fields("good") + ["--sslmode", "disable"]
        },
        Case(name: "wrong password", code: "auth-failed", verdict: "failed",
             arguments: { lab, _ in lab.fields("good") + ["--sslrootcert", lab.rootCertificate] },
             environment: { _, _ in ["PGPASSWORD": "not-the-password"] }),
        Case(name: "no password anywhere", code: "no-password", verdict: "failed",
             arguments: { lab, _ in lab.fields("good") + ["--sslrootcert", lab.rootCertificate] },
             environment: { _, home in ["PGPASSWORD": "", "PGPASSFILE": home.appendingPathComponent("pgpass").path] }),
        Case(name: "database missing", code: "database-missing", verdict: "failed") { lab, _ in
            ["--host", "localhost", "--port", String(lab.port("good")), "--user", lab.user, "--dbname", "no_such_db", "--sslrootcert", lab.rootCertificate]
        },
        Case(name: "host name that does not resolve", code: "host-unknown", verdict: "failed") { lab, _ in
            ["--host", "db.pgsecure-lab.invalid", "--port", "5432", "--user", lab.user, "--sslrootcert", lab.rootCertificate]
        },
        Case(name: "nothing listening", code: "connection-refused", verdict: "failed") { lab, _ in
            ["--host", "127.0.0.1", "--port", String(TLSLab.closedPort), "--user", lab.user, "--sslrootcert", lab.rootCertificate]
        },
        Case(name: "a socket that never answers", code: "timeout", verdict: "failed") { lab, _ in
            lab.fields("silent") + ["--sslrootcert", lab.rootCertificate, "--timeout", "1"]
        },
        Case(name: "an HTTP server", code: "not-postgres", verdict: "failed") { lab, _ in
            lab.fields("http400") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "PGSSLNEGOTIATION on libpq 15", code: "unsupported-option", verdict: "failed",
             arguments: { lab, _ in lab.fields("good") + ["--sslrootcert", lab.rootCertificate] },
             environment: { _, _ in ["PGSSLNEGOTIATION": "direct"] }),
        Case(name: "a value libpq does not know", code: "unsupported-option", verdict: "failed") { lab, _ in
            ["ssl_min_protocol_version=TLSv9"] + lab.fields("good") + ["--sslrootcert", lab.rootCertificate]
        },
        Case(name: "a server error pgsecure has no name for", code: "unknown", verdict: "failed") { lab, _ in
            ["options='-c bogus_setting=1'"] + lab.fields("good") + ["--sslrootcert", lab.rootCertificate]
        },
    ]

    @Test(arguments: cases)
    func realConnection(_ testCase: Case) throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ["HOME": home.path, "PGPASSWORD": lab.password]
        environment.merge(testCase.environment(lab, home)) { _, new in new }
        environment = environment.filter { !$0.value.isEmpty }

        let result = try pgsecure(["test", "--json"] + testCase.arguments(lab, home), environment: environment)
        let report = try #require(
            try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any], "stdout: \(result.stdout) stderr: \(result.stderr)")
        let diagnosis = report["diagnosis"] as? [String: Any]
        #expect(diagnosis?["code"] as? String == testCase.code, "\(result.stdout)")
        #expect(report["verdict"] as? String == testCase.verdict)
        #expect(report["connected"] as? Bool == (testCase.code == "ok"))
        #expect(result.status == (testCase.code == "ok" ? 0 : 1))
        let warnings = report["warnings"] as? [String] ?? []
        if let warning = testCase.warning {
            #expect(warnings.contains { $0.contains(warning) }, "\(warnings)")
        } else {
            #expect(warnings.isEmpty, "\(warnings)")
        }
        #expect(!result.stdout.contains(lab.password) && !result.stderr.contains(lab.password))
        let timings = try #require(report["timings_ms"] as? [String: Double])
        #expect(timings["total"]! > 0)
    }

    @Test func certificateFactsOnSuccess() throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try pgsecure(
            ["test", "--json"] + lab.fields("good") + ["--sslrootcert", lab.rootCertificate],
            environment: ["HOME": home.path, "PGPASSWORD": lab.password])
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        let ssl = try #require(report["ssl"] as? [String: Any])
        #expect(ssl["in_use"] as? Bool == true)
        #expect((ssl["protocol"] as? String)?.hasPrefix("TLSv1.") == true)
        #expect((ssl["bits"] as? Int ?? 0) >= 128)
        #expect(((report["server"] as? [String: Any])?["version"] as? String)?.hasPrefix("15.") == true)
        let certificate = try #require(report["certificate"] as? [String: Any])
        #expect((certificate["subject"] as? String)?.contains("CN=localhost") == true)
        #expect((certificate["issuer"] as? String)?.contains("intermediate CA") == true)
        #expect(certificate["san"] as? [String] == ["DNS:localhost", "IP:127.0.0.1"])
        #expect((certificate["days_left"] as? Int ?? 0) > 800)
        #expect((certificate["sha256"] as? String)?.count == 95)
        #expect(certificate["root_found"] as? Bool == true)
        #expect((certificate["chain"] as? [String])?.last?.contains("root CA") == true)
        #expect(report["libpq_message"] is NSNull)
    }

    @Test func expiredCertificateIsNamedWithItsDate() throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try pgsecure(
            ["test", "--json"] + lab.fields("expired") + ["--sslrootcert", lab.rootCertificate],
            environment: ["HOME": home.path, "PGPASSWORD": lab.password])
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        #expect((report["libpq_message"] as? String)?.contains("certificate verify failed") == true)
        let certificate = try #require(report["certificate"] as? [String: Any])
        #expect(certificate["not_after"] as? String == "2021-01-01T00:00:00Z")
        #expect((certificate["days_left"] as? Int ?? 0) < 0)
        #expect(((report["diagnosis"] as? [String: Any])?["summary"] as? String)?.contains("2021-01-01") == true)
    }

    @Test func textReportByDefault() throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try pgsecure(
            ["test"] + lab.fields("good") + ["--sslrootcert", lab.rootCertificate],
            environment: ["HOME": home.path, "PGPASSWORD": lab.password])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Verdict:     verified-full"))
        #expect(result.stdout.contains("Diagnosis:   ok"))
        #expect(result.stdout.contains("Timings:     dns"))
        #expect(result.stderr.contains("sslmode: none given, using verify-full"))
    }

    @Test func passwordFromStandardInputAndNeverInTheOutput() throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let piped = try pgsecure(
            ["test", "--password-stdin"] + lab.fields("good") + ["--sslrootcert", lab.rootCertificate],
            input: lab.password + "\n", environment: ["HOME": home.path])
        #expect(piped.status == 0, "\(piped.stdout)\(piped.stderr)")
        #expect(!piped.stdout.contains(lab.password) && !piped.stderr.contains(lab.password))

        let uri = "postgresql://\(lab.user):\(lab.password)@localhost:\(lab.port("expired"))/postgres"
        let inString = try pgsecure(["test", "--json", uri, "--sslrootcert", lab.rootCertificate], environment: ["HOME": home.path])
        #expect(inString.status == 1)
        #expect(!inString.stdout.contains(lab.password) && !inString.stderr.contains(lab.password))
    }

    /// Every way a connection string reaches the output (Tested line, diagnosis, libpq's message, parse errors)
    /// leaves the password out, and a failed connection's JSON still has every stable key.
    @Test func failedConnectionsKeepEveryKeyAndNeverThePassword() throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let secret = lab.password
        let failing = [
            "host=other.name hostaddr=127.0.0.1 port=\(lab.port("good")) user=\(lab.user) password=\(secret) dbname=postgres",
            "postgresql://\(lab.user):\(secret)@localhost:\(lab.port("expired"))/postgres?sslrootcert=\(lab.rootCertificate)",
            "postgresql://\(lab.user):\(secret)@localhost:\(lab.port("silent"))/postgres",
            "postgresql://\(lab.user):\(secret)@localhost:\(lab.port("good"))/no_such_db?sslrootcert=\(lab.rootCertificate)",
            "host=localhost port=\(lab.port("http400")) user=\(lab.user) password='\(secret)' sslmode=require",
        ]
        for connectionString in failing {
            for format in [["--json"], []] {
                let result = try pgsecure(
                    ["test"] + format + [connectionString, "--sslrootcert", lab.rootCertificate, "--timeout", "1"],
                    environment: ["HOME": home.path])
                #expect(result.status == 1, "\(connectionString): \(result.stderr)")
                #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(connectionString)")
                guard !format.isEmpty else { continue }
                let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
                #expect(Set(report.keys) == [
                    "connected", "verdict", "ssl", "server", "certificate", "diagnosis", "warnings", "timings_ms",
                    "libpq_message", "target", "client_certificate", "hosts", "provider", "sources",
                ])
                #expect(report["connected"] as? Bool == false && report["verdict"] as? String == "failed")
                #expect(Set((report["ssl"] as? [String: Any] ?? [:]).keys) == ["in_use", "protocol", "cipher", "bits"])
                #expect(Set((report["server"] as? [String: Any] ?? [:]).keys) == ["version", "user", "database"])
                #expect(Set((report["diagnosis"] as? [String: Any] ?? [:]).keys) == ["code", "summary", "fix"])
                #expect(Set((report["timings_ms"] as? [String: Any] ?? [:]).keys) == ["dns", "tcp", "tls", "auth", "total"])
                #expect(Set((report["target"] as? [String: Any] ?? [:]).keys) == [
                    "host", "port", "hostaddr", "user", "dbname", "sslmode", "sslrootcert",
                ])
                #expect(report["libpq_message"] is String)
                if let certificate = report["certificate"] as? [String: Any] {
                    #expect(Set(certificate.keys) == [
                        "subject", "issuer", "san", "not_before", "not_after", "days_left", "sha256", "chain", "root_file",
                        "root_found", "host_matches", "verify_error", "failed_at",
                    ])
                } else {
                    #expect(report["certificate"] is NSNull)
                }
            }
        }
        // A URI libpq cannot parse: its error quotes the offending token, which here holds the password.
        let broken = try pgsecure(
            ["test", "postgresql://\(lab.user):\(secret)%zz@localhost:\(lab.port("good"))/postgres"], environment: ["HOME": home.path])
        #expect(broken.status == 2)
        #expect(!broken.stdout.contains(secret) && !broken.stderr.contains(secret), "\(broken.stderr)")
    }

    @Test func helpNamesTheUnboundedDNSLookup() throws {
        let result = try pgsecure(["test", "--help"], environment: ["HOME": "/nonexistent"])
        #expect(result.status == 0)
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("DNS lookup that hangs"))
        #expect(text.contains("hostaddr=IP with host=NAME"))
    }

    @Test(arguments: [["--timeout", "0"], ["--timeout", "abc"], ["--port", "0", "--host", "localhost"], []])
    func badInputExitsTwo(_ arguments: [String]) throws {
        let result = try pgsecure(["test"] + arguments, environment: ["HOME": "/nonexistent"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
