import Foundation
import Testing

/// An encrypted client key and no sslpassword: OpenSSL's default would prompt "Enter PEM pass phrase:" on the
/// terminal and hang. pgsecure must fail at once with a diagnosis, with or without a terminal.
@Suite("An encrypted client key never makes OpenSSL prompt")
struct ClientKeyTests {
    enum Terminal: String, CaseIterable, Sendable { case pipe, pty }

    /// A throwaway key encrypted with pass phrase "x" and a self-signed certificate for it, 0600 as libpq wants.
    static func encryptedKeyPair(in directory: URL) throws -> (certificate: String, key: String) {
        let key = directory.appendingPathComponent("client.key").path
        let certificate = directory.appendingPathComponent("client.crt").path
        let made = try run(
            "/usr/bin/openssl",
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-aes256", "-pass", "stdin", "-out", key],
            input: "x\n")
        try #require(made.status == 0, "\(made.stderr)")
        let signed = try run(
            "/usr/bin/openssl",
            ["req", "-x509", "-new", "-key", key, "-passin", "stdin", "-subj", "/CN=pgsecure", "-days", "2", "-out", certificate],
            input: "x\n")
        try #require(signed.status == 0, "\(signed.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        return (certificate, key)
    }

    @Test(arguments: Terminal.allCases)
    func failsAtOnceWithADiagnosis(_ terminal: Terminal) throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let (certificate, key) = try Self.encryptedKeyPair(in: home)
        let arguments = [
            "test", "sslcert=\(certificate) sslkey=\(key)", "--sslrootcert", lab.rootCertificate, "--timeout", "3",
        ] + lab.fields("good")
        let environment = [
            "PATH": "/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8", "PGPASSWORD": lab.password, "TERM": "xterm",
        ]

        let started = Date()
        let result: ProcessResult
        switch terminal {
        case .pipe:
            result = try run(pgsecureBinary, arguments, environment: environment)
        case .pty:
            // script(1) gives pgsecure a pseudo-terminal as its controlling terminal, where OpenSSL would prompt;
            // timeout(1) ends a hang so the test fails instead of waiting.
            let command = ([pgsecureBinary] + arguments).map(Self.shellWord).joined(separator: " ")
            result = try run("/usr/bin/timeout", ["20", "/usr/bin/script", "-qec", command, "/dev/null"], environment: environment)
        }
        let elapsed = Date().timeIntervalSince(started)

        let said = result.stdout + result.stderr
        #expect(result.status == 1, "\(said)")
        #expect(elapsed < 3, "took \(elapsed) s")
        #expect(said.contains("client-key-encrypted"), "\(said)")
        #expect(!said.contains("Enter PEM pass phrase"), "\(said)")
    }

    static func shellWord(_ value: String) -> String { "'" + value.replacing("'", with: "'\\''") + "'" }
}

/// An explicit sslcert/sslkey needs no home directory: libpq reads them when neither HOME nor the password database
/// names one, so the report must still name the certificate and check the key's mode. pgsecure runs here as a user
/// with no passwd entry and no HOME (only the ~/.postgresql defaults are then missing).
@Suite("An explicit client certificate is reported without a home directory")
struct ClientCertificateWithoutHomeTests {
    @Test(arguments: [0o600, 0o644] as [Int])
    func explicitFilesAreReadWithoutHome(keyMode: Int) throws {
        let lab = try TLSLab.load()
        try #require(geteuid() == 0, "runs pgsecure as a user without a home directory: needs root (as the lab does)")
        let uid = try #require((54_321..<60_000).first { getpwuid(uid_t($0)) == nil })
        let directory = try makeTemporaryDirectory("pgsecure-no-home")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("client.crt").path
        let key = directory.appendingPathComponent("client.key").path
        try FileManager.default.copyItem(atPath: lab.pki + "/client.crt", toPath: certificate)
        try FileManager.default.copyItem(atPath: lab.pki + "/client.key", toPath: key)
        for path in [directory.path, certificate, key] { try #require(chown(path, uid_t(uid), gid_t(uid)) == 0) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try FileManager.default.setAttributes([.posixPermissions: keyMode], ofItemAtPath: key)

        // template1 on clientcert authenticates by the certificate alone: no password is involved.
        let result = try run(
            "/usr/bin/setpriv",
            ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", pgsecureBinary, "test", "--json",
             "sslcert=\(certificate) sslkey=\(key)", "--host", "localhost", "--port", String(lab.port("clientcert")),
             "--user", lab.user, "--dbname", "template1", "--sslmode", "verify-full", "--sslrootcert", lab.rootCertificate,
             "--timeout", "5"],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        let report = try #require(
            try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any], "\(result.stdout)\(result.stderr)")
        let client = try #require(report["client_certificate"] as? [String: Any], "\(result.stdout)")
        #expect(client["file"] as? String == certificate)
        #expect(client["key_file"] as? String == key)
        #expect(client["subject"] as? String == "CN=pgsecure")
        #expect(client["key_mode"] as? String == "0" + String(keyMode, radix: 8))
        let diagnosis = try #require(report["diagnosis"] as? [String: Any])
        if keyMode == 0o600 {
            #expect(report["connected"] as? Bool == true, "\(result.stdout)")
            #expect(client["key_refused"] as? Bool == false)
        } else {
            #expect(report["connected"] as? Bool == false)
            #expect(client["key_refused"] as? Bool == true)
            #expect(diagnosis["code"] as? String == "client-key-permissions")
            #expect((diagnosis["summary"] as? String)?.contains("(mode 644)") == true, "\(diagnosis)")
        }
    }
}
