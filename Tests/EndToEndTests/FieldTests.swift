#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 9's field cases against the lab's src/test/ssl certificate shapes and client PKI: for each, psql (libpq
/// itself) is the oracle for whether the connection succeeds, and pgsecure must agree and name the true cause.
@Suite("pgsecure agrees with psql on every certificate shape")
struct FieldTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let code: String
        let verdict: String
        /// Expected `certificate.host_matches` (nil: not checked).
        var hostMatches: Bool? = nil
        /// Text the diagnosis summary must hold.
        var summary: String? = nil
        /// A warning the report must give (nil: none checked).
        var warning: String? = nil
        /// Expected `certificate.failed_at.from_root_file` (nil: not checked).
        var failedAtRootFile: Bool? = nil
        /// The connection string, given the lab and a scratch directory.
        let conninfo: @Sendable (TLSLab, URL) throws -> String
        var testDescription: String { name }
    }

    static func names(_ lab: TLSLab, _ server: String, host: String) -> String {
        "host=\(host) hostaddr=127.0.0.1 port=\(lab.port(server)) user=\(lab.user) dbname=postgres sslmode=verify-full sslrootcert=\(lab.rootCertificate)"
    }

    static func chain(_ lab: TLSLab, _ server: String, root: String, extra: String = "") -> String {
        "host=localhost port=\(lab.port(server)) user=\(lab.user) dbname=postgres sslmode=verify-full sslrootcert=\(lab.pki)/\(root) \(extra)"
    }

    static func client(_ lab: TLSLab, database: String = "postgres", _ extra: String) -> String {
        "host=localhost port=\(lab.port("clientcert")) user=\(lab.user) dbname=\(database) sslmode=verify-full sslrootcert=\(lab.rootCertificate) \(extra)"
    }

    /// A copy of the lab's client key with the given mode, in the test's scratch directory (owned by the test's user).
    static func keyCopy(_ lab: TLSLab, in directory: URL, mode: Int) throws -> String {
        let path = directory.appendingPathComponent("client-\(String(mode, radix: 8)).key").path
        try FileManager.default.copyItem(atPath: "\(lab.pki)/client.key", toPath: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    static let domain = "pg-ssltest.test"

    static let cases: [Case] = [
        // Host names, by libpq's rule.
        Case(name: "CN only, matching", code: "ok", verdict: "verified-full", hostMatches: true) { lab, _ in
            names(lab, "cnonly", host: "common-name.\(domain)")
        },
        Case(name: "CN only, another host", code: "hostname-mismatch", verdict: "failed", hostMatches: false,
             summary: "\"common-name.\(domain)\", not \"wronghost.\(domain)\"") { lab, _ in
            names(lab, "cnonly", host: "wronghost.\(domain)")
        },
        Case(name: "several SANs, the first", code: "ok", verdict: "verified-full", hostMatches: true) { lab, _ in
            names(lab, "multisan", host: "dns1.alt-name.\(domain)")
        },
        Case(name: "several SANs: the CN is ignored", code: "hostname-mismatch", verdict: "failed", hostMatches: false) { lab, _ in
            names(lab, "multisan", host: "common-name.\(domain)")
        },
        Case(name: "wildcard, one label", code: "ok", verdict: "verified-full", hostMatches: true) { lab, _ in
            names(lab, "multisan", host: "a.wild.\(domain)")
        },
        Case(name: "wildcard does not cover its own base", code: "hostname-mismatch", verdict: "failed", hostMatches: false) { lab, _ in
            names(lab, "multisan", host: "wild.\(domain)")
        },
        Case(name: "wildcard does not cover two labels", code: "hostname-mismatch", verdict: "failed", hostMatches: false) { lab, _ in
            names(lab, "multisan", host: "a.b.wild.\(domain)")
        },
        Case(name: "IP host in a DNS SAN", code: "ok", verdict: "verified-full", hostMatches: true) { lab, _ in
            names(lab, "ipnames", host: "127.0.0.1")
        },
        Case(name: "IP host in the CN beside DNS SANs", code: "ok", verdict: "verified-full", hostMatches: true) { lab, _ in
            names(lab, "ipnames", host: "192.0.2.1")
        },
        Case(name: "IP SAN", code: "ok", verdict: "verified-full", hostMatches: true) { lab, _ in
            names(lab, "ipsan", host: "192.0.2.2")
        },
        Case(name: "IP SAN, inet_aton form", code: "ok", verdict: "verified-full", hostMatches: true) { lab, _ in
            names(lab, "ipsan", host: "0xC0.0.2.2")
        },
        Case(name: "IPv6 SAN", code: "ok", verdict: "verified-full", hostMatches: true) { lab, _ in
            names(lab, "ipsan", host: "2001:db8::1")
        },
        Case(name: "IP SANs: the IP CN is ignored", code: "hostname-mismatch", verdict: "failed", hostMatches: false) { lab, _ in
            names(lab, "ipsan", host: "192.0.2.1")
        },
        Case(name: "a certificate with no names", code: "hostname-mismatch", verdict: "failed", hostMatches: false,
             summary: "names no host at all") { lab, _ in
            names(lab, "nonames", host: "localhost")
        },
        // The chain.
        Case(name: "intermediate not sent", code: "cert-untrusted", verdict: "failed", summary: "sent only its own certificate") { lab, _ in
            chain(lab, "leafonly", root: "root.crt")
        },
        Case(name: "intermediate not sent, but in the root file", code: "ok", verdict: "verified-full") { lab, _ in
            chain(lab, "leafonly", root: "root+intermediate.crt")
        },
        Case(name: "expired intermediate in the root file", code: "cert-expired", verdict: "failed",
             summary: "intermediate CA\" in the root file", failedAtRootFile: true) { lab, _ in
            chain(lab, "leafonly", root: "root+expired-intermediate.crt")
        },
        Case(name: "only the server's CA in the root file", code: "cert-untrusted", verdict: "failed",
             summary: "but not the self-signed root") { lab, _ in
            chain(lab, "good", root: "intermediate.crt")
        },
        // Revocation.
        Case(name: "complete CRLs, nothing revoked", code: "ok", verdict: "verified-full") { lab, _ in
            chain(lab, "good", root: "root.crt", extra: "sslcrl=\(lab.pki)/crl-complete.crl")
        },
        Case(name: "revoked, CRL file", code: "cert-revoked", verdict: "failed", summary: "is revoked") { lab, _ in
            chain(lab, "good", root: "root.crt", extra: "sslcrl=\(lab.pki)/crl-revoking.crl")
        },
        Case(name: "revoked, CRL directory", code: "cert-revoked", verdict: "failed", summary: "is revoked") { lab, _ in
            chain(lab, "good", root: "root.crt", extra: "sslcrldir=\(lab.pki)/crldir")
        },
        Case(name: "no CRL for the issuing CA", code: "crl-missing", verdict: "failed",
             summary: "no CRL for \"O=pgsecure lab,CN=localhost\" from \"O=pgsecure lab,CN=pgsecure lab intermediate CA\"") { lab, _ in
            chain(lab, "good", root: "root.crt", extra: "sslcrl=\(lab.pki)/crl-root-only.crl")
        },
        Case(name: "a CRL file that does not exist: libpq checks nothing", code: "ok", verdict: "verified-full",
             warning: "sslcrl=/nonexistent.crl was given, but no revocation was checked") { lab, _ in
            chain(lab, "good", root: "root.crt", extra: "sslcrl=/nonexistent.crl")
        },
        Case(name: "TLS version range that is empty", code: "unsupported-option", verdict: "failed") { lab, _ in
            chain(lab, "good", root: "root.crt", extra: "ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2")
        },
        // Client certificates: template1 is `cert`, postgres `scram-sha-256 clientcert=verify-full`.
        Case(name: "no client certificate", code: "client-cert-required", verdict: "failed") { lab, _ in
            client(lab, "")
        },
        Case(name: "sslcert that does not exist", code: "client-cert-required", verdict: "failed",
             summary: "does not exist, and libpq then sends nothing") { lab, scratch in
            client(lab, "sslcert=\(scratch.path)/missing.crt sslkey=\(lab.pki)/client.key")
        },
        Case(name: "client certificate, clientcert=verify-full", code: "ok", verdict: "verified-full") { lab, _ in
            client(lab, "sslcert=\(lab.pki)/client.crt sslkey=\(lab.pki)/client.key")
        },
        Case(name: "client certificate, cert authentication", code: "ok", verdict: "verified-full") { lab, _ in
            client(lab, database: "template1", "sslcert=\(lab.pki)/client.crt sslkey=\(lab.pki)/client.key")
        },
        Case(name: "client certificate without its intermediate", code: "client-cert-rejected", verdict: "failed",
             summary: "without the intermediate") { lab, _ in
            client(lab, "sslcert=\(lab.pki)/client.leaf.crt sslkey=\(lab.pki)/client.key")
        },
        Case(name: "another user's certificate, clientcert=verify-full", code: "client-cert-user-mismatch", verdict: "failed",
             summary: "CN is \"someone-else\"") { lab, _ in
            client(lab, "sslcert=\(lab.pki)/client-other.crt sslkey=\(lab.pki)/client-other.key")
        },
        Case(name: "another user's certificate, cert authentication", code: "client-cert-user-mismatch", verdict: "failed",
             summary: "CN is \"someone-else\"") { lab, _ in
            client(lab, database: "template1", "sslcert=\(lab.pki)/client-other.crt sslkey=\(lab.pki)/client-other.key")
        },
        Case(name: "revoked client certificate", code: "client-cert-revoked", verdict: "failed") { lab, _ in
            client(lab, database: "template1", "sslcert=\(lab.pki)/client-revoked.crt sslkey=\(lab.pki)/client-revoked.key")
        },
        Case(name: "encrypted key, no sslpassword", code: "client-key-encrypted", verdict: "failed", summary: "no sslpassword was given") { lab, _ in
            client(lab, database: "template1", "sslcert=\(lab.pki)/client.crt sslkey=\(lab.pki)/client-encrypted.key")
        },
        Case(name: "encrypted key, wrong sslpassword", code: "client-key-encrypted", verdict: "failed",
             summary: "the sslpassword given does not decrypt it") { lab, _ in
            client(lab, database: "template1", "sslcert=\(lab.pki)/client.crt sslkey=\(lab.pki)/client-encrypted.key sslpassword=wrong")
        },
        Case(name: "encrypted key, right sslpassword", code: "ok", verdict: "verified-full") { lab, _ in
            client(lab, database: "template1",
                   "sslcert=\(lab.pki)/client.crt sslkey=\(lab.pki)/client-encrypted.key sslpassword=\(lab.values["LAB_CLIENT_KEY_PASSPHRASE"]!)")
        },
        Case(name: "key readable by others (0644)", code: "client-key-permissions", verdict: "failed", summary: "(mode 644)") { lab, scratch in
            client(lab, database: "template1", "sslcert=\(lab.pki)/client.crt sslkey=\(try keyCopy(lab, in: scratch, mode: 0o644))")
        },
        // 0640 passes only for a root-owned key: the tests run as root (make test), otherwise libpq refuses it too.
        Case(name: "key 0640", code: getuid() == 0 ? "ok" : "client-key-permissions", verdict: getuid() == 0 ? "verified-full" : "failed") { lab, scratch in
            client(lab, database: "template1", "sslcert=\(lab.pki)/client.crt sslkey=\(try keyCopy(lab, in: scratch, mode: 0o640))")
        },
        // A Unix socket: sslmode is ignored there, and nothing crosses a network.
        Case(name: "Unix socket with sslmode=verify-full", code: "ok", verdict: "local-socket") { lab, _ in
            "host=\(lab.values["LAB_DIR"]!)/clusters/good port=\(lab.port("good")) user=\(lab.user) dbname=postgres sslmode=verify-full"
        },
    ]

    @Test(arguments: cases)
    func agreesWithPsql(_ testCase: Case) throws {
        let lab = try TLSLab.load()
        let scratch = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let conninfo = try testCase.conninfo(lab, scratch)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": scratch.path, "LANG": "C.UTF-8", "PGPASSWORD": lab.password]

        let libpqConnects = try psqlConnects(conninfo, environment: environment)
        let result = try pgsecure(["test", "--json", conninfo], environment: environment)
        let report = try #require(
            try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any], "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(report["connected"] as? Bool == libpqConnects, "psql and pgsecure disagree: \(result.stdout)")
        #expect(libpqConnects == (testCase.code == "ok"), "psql's outcome is not the expected one")
        let diagnosis = try #require(report["diagnosis"] as? [String: Any])
        #expect(diagnosis["code"] as? String == testCase.code, "\(result.stdout)")
        #expect(report["verdict"] as? String == testCase.verdict)
        if let summary = testCase.summary {
            #expect((diagnosis["summary"] as? String)?.contains(summary) == true, "\(diagnosis["summary"] ?? "")")
        }
        if let warning = testCase.warning {
            #expect((report["warnings"] as? [String] ?? []).contains { $0.contains(warning) }, "\(result.stdout)")
        }
        if let failedAtRootFile = testCase.failedAtRootFile {
            let failedAt = (report["certificate"] as? [String: Any])?["failed_at"] as? [String: Any]
            #expect(failedAt?["from_root_file"] as? Bool == failedAtRootFile, "\(result.stdout)")
            #expect(failedAt?["not_after"] as? String == "2021-01-01T00:00:00Z")
        }
        if let hostMatches = testCase.hostMatches {
            #expect((report["certificate"] as? [String: Any])?["host_matches"] as? Bool == hostMatches, "\(result.stdout)")
        }
        // Never a fix that sends the user back to what they just ran.
        #expect(!(diagnosis["fix"] as? String ?? "").contains("pgsecure test --json"))
        for secret in [lab.password, lab.values["LAB_CLIENT_KEY_PASSPHRASE"]!] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        }
        if testCase.verdict == "local-socket" {
            #expect((report["warnings"] as? [String])?.isEmpty == true)
            #expect(report["certificate"] is NSNull)
            let text = try pgsecure(["test", conninfo], environment: environment)
            #expect(text.stdout.contains("(Unix socket: sslmode and the root file do not apply)"), "\(text.stdout)")
            #expect(!text.stdout.contains("network") && !text.stdout.contains("--sslmode"))
        }
    }

    /// psql in a new session (no controlling terminal, so OpenSSL cannot prompt for a pass phrase), never prompting.
    /// A failure counts only as libpq's own refusal, never as psql misused or missing.
    func psqlConnects(_ conninfo: String, environment: [String: String]) throws -> Bool {
        let result = try run(
            "/usr/bin/setsid", ["-w", SnippetLiveTests.postgresBin + "/psql", "-w", "-X", "-At", "-c", "select 1", conninfo],
            environment: environment)
        if result.status == 0 {
            #expect(result.stdout == "1\n")
            return true
        }
        // psql's status for a connection that failed is 2 (1 would be psql itself misused).
        #expect(result.status == 2 && result.stderr.contains("psql: error: "), "\(result.stderr)")
        return false
    }

    @Test func clientCertificateIsReported() throws {
        let lab = try TLSLab.load()
        let result = try pgsecure(
            ["test", "--json", Self.client(lab, "sslcert=\(lab.pki)/client.crt sslkey=\(lab.pki)/client.key")],
            environment: ["PGPASSWORD": lab.password])
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        let client = try #require(report["client_certificate"] as? [String: Any], "\(result.stdout)")
        #expect(client["file"] as? String == "\(lab.pki)/client.crt")
        #expect(client["key_file"] as? String == "\(lab.pki)/client.key")
        #expect(client["common_name"] as? String == lab.user)
        let text = try pgsecure(["test", Self.client(lab, "sslcert=\(lab.pki)/client.crt sslkey=\(lab.pki)/client.key")],
                                environment: ["PGPASSWORD": lab.password])
        #expect(text.stdout.contains("Client cert: \(lab.pki)/client.crt (CN=\(lab.user)), key \(lab.pki)/client.key"))
    }

    /// The key's mode is read before connecting, with libpq's rule; the report says so beside libpq's refusal.
    @Test func keyModeIsCheckedBeforeConnecting() throws {
        let lab = try TLSLab.load()
        let scratch = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let key = try Self.keyCopy(lab, in: scratch, mode: 0o644)
        let conninfo = Self.client(lab, database: "template1", "sslcert=\(lab.pki)/client.crt sslkey=\(key)")
        let result = try pgsecure(["test", "--json", conninfo], environment: ["PGPASSWORD": lab.password])
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        let client = try #require(report["client_certificate"] as? [String: Any], "\(result.stdout)")
        #expect(client["key_mode"] as? String == "0644")
        #expect(client["key_refused"] as? Bool == true)
        #expect(((report["diagnosis"] as? [String: Any])?["fix"] as? String) == "chmod 600 \(key)")
    }

    /// libpq's defaults: ~/.postgresql/postgresql.crt and postgresql.key are sent when they exist, and named.
    @Test func homeClientCertificateIsUsedAndNamed() throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let directory = home.appendingPathComponent(".postgresql")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(lab.pki)/client.crt", toPath: directory.appendingPathComponent("postgresql.crt").path)
        let key = directory.appendingPathComponent("postgresql.key").path
        try FileManager.default.copyItem(atPath: "\(lab.pki)/client.key", toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let result = try pgsecure(["test", "--json", Self.client(lab, database: "template1", "")],
                                  environment: ["HOME": home.path, "PGPASSWORD": lab.password])
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        #expect(report["connected"] as? Bool == true, "\(result.stdout)")
        #expect((report["client_certificate"] as? [String: Any])?["key_file"] as? String == key)
    }

    /// Several hosts: libpq's real attempt says which one answered; each host is also tested on its own.
    @Test func everyHostOfAMultiHostStringIsReported() throws {
        let lab = try TLSLab.load()
        let conninfo = "host=127.0.0.1,localhost port=\(TLSLab.closedPort),\(lab.port("good")) user=\(lab.user) dbname=postgres sslmode=verify-full sslrootcert=\(lab.rootCertificate)"
        let environment = ["PATH": "/usr/bin:/bin", "HOME": emptyHome.path, "LANG": "C.UTF-8", "PGPASSWORD": lab.password]
        #expect(try psqlConnects(conninfo, environment: environment))
        let result = try pgsecure(["test", "--json", conninfo], environment: environment)
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        #expect(report["verdict"] as? String == "verified-full", "\(result.stdout)")
        #expect((report["target"] as? [String: Any])?["host"] as? String == "localhost")
        let hosts = try #require(report["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == ["127.0.0.1", "localhost"])
        #expect(hosts.map { $0["code"] as? String } == ["connection-refused", "ok"])
        #expect(hosts.map { $0["answered"] as? Bool } == [false, true])
        let text = try pgsecure(["test", conninfo], environment: environment)
        #expect(text.stdout.contains("Hosts:\n  127.0.0.1:\(TLSLab.closedPort) — failed, connection-refused"))
        #expect(text.stdout.contains("  localhost:\(lab.port("good")) (answered) — verified-full, ok"))
    }
}
