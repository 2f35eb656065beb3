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
