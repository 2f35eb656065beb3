import Foundation
import Testing
@testable import PGSecureModel

/// The pure mapping from libpq's verbatim messages (libpq 15, REFERENCE.md) and pgsecure's own chain check to a code.
@Suite struct DiagnosisTests {
    static let now: Int64 = 1_795_000_000  // 2026-11-18
    static let target = TestTarget(
        host: "db.example.com", port: 5432, user: "alex", dbname: "app", sslmode: .verifyFull, rootFile: "/etc/ssl/certs/ca-certificates.crt")
    static let prefix = "connection to server at \"db.example.com\" (192.0.2.10), port 5432 failed: "

    static func evidence(
        _ message: String?, connected: Bool = false, chain: ChainCheck? = nil, target: TestTarget = target
    ) -> ConnectionEvidence {
        ConnectionEvidence(
            target: target, connected: connected, sslInUse: connected, libpqMessage: message, chainCheck: chain,
            timeoutSeconds: 10, libpqVersion: "15.18", now: now)
    }

    static let messages: [(String, DiagnosisCode)] = [
        (prefix + "root certificate file \"/root/.postgresql/root.crt\" does not exist\nEither provide the file or change sslmode to disable server certificate verification.\n", .rootCertMissing),
        (prefix + "server certificate for \"other.example\" does not match host name \"db.example.com\"\n", .hostnameMismatch),
        (prefix + "server certificate for \"a.example\" (and 2 other names) does not match host name \"db.example.com\"\n", .hostnameMismatch),
        (prefix + "could not get server's host name from server certificate\n", .hostnameMismatch),
        (prefix + "server does not support SSL, but SSL was required\n", .serverNoSSL),
        (prefix + "received invalid response to SSL negotiation: H\n", .notPostgres),
        (prefix + "expected authentication request from server, but received H\n", .notPostgres),
        ("could not translate host name \"db.example.invalid\" to address: Name or service not known\n", .hostUnknown),
        ("connection to server at \"localhost\" (127.0.0.1), port 1 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n", .connectionRefused),
        (prefix + "timeout expired\n", .timeout),
        (prefix + "FATAL:  password authentication failed for user \"alex\"\n", .authFailed),
        (prefix + "fe_sendauth: no password supplied\n", .noPassword),
        (prefix + "FATAL:  no pg_hba.conf entry for host \"192.0.2.1\", user \"alex\", database \"app\", no encryption\n", .sslRequiredByServer),
        (prefix + "FATAL:  no pg_hba.conf entry for host \"192.0.2.1\", user \"alex\", database \"app\", SSL encryption\n", .accessDenied),
        (prefix + "FATAL:  database \"app\" does not exist\n", .databaseMissing),
        ("invalid connection option \"sslnegotiation\"\n", .unsupportedOption),
        ("invalid sslmode value: \"bogus\"\n", .unsupportedOption),
        ("invalid ssl_min_protocol_version value: \"TLSv9\"\n", .unsupportedOption),
        (prefix + "FATAL:  unrecognized configuration parameter \"bogus_setting\"\n", .unknown),
        (prefix + "SSL SYSCALL error: EOF detected\n", .unknown),
        // libpq 15 + OpenSSL 3 when the pass-phrase hook has no sslpassword to give (checked against the lab).
        (prefix + "could not load private key file \"/home/alex/client.key\": bad decrypt\n", .clientKeyEncrypted),
        ("", .unknown),
    ]

    @Test(arguments: messages)
    func libpqMessageNamesTheCause(message: String, code: DiagnosisCode) {
        let report = Report(Self.evidence(message))
        #expect(report.diagnosis.code == code, "\(message)")
        #expect(report.verdict == .failed)
        #expect(!report.diagnosis.summary.isEmpty && !report.diagnosis.fix.isEmpty)
    }

    @Test func firstRecognisedAttemptWins() {
        // prefer: TLS attempt rejected the password, then the plaintext retry hit hostssl.
        let message = Self.prefix + "FATAL:  password authentication failed for user \"alex\"\n" + Self.prefix
            + "FATAL:  no pg_hba.conf entry for host \"192.0.2.1\", user \"alex\", database \"app\", no encryption\n"
        #expect(Report(Self.evidence(message)).diagnosis.code == .authFailed)
    }

    static func chain(
        error: Int32, leaf: CertificateFacts = leaf, intermediate: CertificateFacts? = nil, rootFile: String = "/tmp/root.crt",
        failing: CertificateFacts? = nil
    ) -> ChainCheck {
        ChainCheck(
            presented: [leaf] + (intermediate.map { [$0] } ?? []), rootFile: rootFile, verifyError: error,
            verifyErrorText: "OpenSSL text \(error)", verifiedPath: [], hostName: "db.example.com", hostMatches: true,
            failing: failing)
    }

    static let leaf = CertificateFacts(
        subject: "CN=db.example.com", issuer: "CN=Example CA", san: ["DNS:db.example.com"], notBefore: now - 86_400 * 400,
        notAfter: now - 86_400 * 35, sha256: "AA")

    static let verifyFailures: [(Int32, DiagnosisCode)] = [
        (OpenSSLVerifyError.expired, .certExpired),
        (OpenSSLVerifyError.notYetValid, .certNotYetValid),
        (OpenSSLVerifyError.selfSigned, .certUntrusted),
        (OpenSSLVerifyError.selfSignedInChain, .certUntrusted),
        (OpenSSLVerifyError.unableToGetLocalIssuer, .certUntrusted),
        (OpenSSLVerifyError.unableToVerifyLeaf, .certUntrusted),
        (OpenSSLVerifyError.revoked, .certRevoked),
        (OpenSSLVerifyError.unableToGetCRL, .crlMissing),
        (OpenSSLVerifyError.crlExpired, .crlMissing),
        (OpenSSLVerifyError.unableToGetIssuer, .certUntrusted),
    ]

    @Test(arguments: verifyFailures)
    func certificateVerifyFailedIsNamedByOwnCheck(error: Int32, code: DiagnosisCode) {
        let evidence = Self.evidence(Self.prefix + "SSL error: certificate verify failed\n", chain: Self.chain(error: error))
        #expect(Report(evidence).diagnosis.code == code)
    }

    @Test func expiredSaysWhenAndWhichCertificate() {
        let expired = Report(Self.evidence(Self.prefix + "SSL error: certificate verify failed\n", chain: Self.chain(error: 10)))
        #expect(expired.diagnosis.summary.contains("35 days ago"))
        #expect(expired.diagnosis.summary.contains(UTCTime.date(Self.leaf.notAfter)))

        var fresh = Self.leaf
        fresh = CertificateFacts(subject: fresh.subject, issuer: fresh.issuer, san: fresh.san, notBefore: fresh.notBefore, notAfter: Self.now + 86_400 * 90, sha256: "AA")
        let intermediate = CertificateFacts(subject: "CN=Example CA", issuer: "CN=Root", san: [], notBefore: 0, notAfter: Self.now - 86_400, sha256: "BB")
        let chainExpired = Report(Self.evidence(
            Self.prefix + "SSL error: certificate verify failed\n",
            chain: Self.chain(error: 10, leaf: fresh, intermediate: intermediate, failing: intermediate)))
        #expect(chainExpired.diagnosis.summary.contains("\"CN=Example CA\" in the server's chain"))

        // An expired copy of the intermediate in the user's root file: that one is named, with its past date.
        let rootCopy = CertificateFacts(subject: "CN=Example CA", issuer: "CN=Root", san: [], notBefore: 0, notAfter: Self.now - 86_400 * 3, sha256: "CC")
        let inRootFile = Report(Self.evidence(
            Self.prefix + "SSL error: certificate verify failed\n", chain: Self.chain(error: 10, leaf: fresh, failing: rootCopy)))
        #expect(inRootFile.diagnosis.summary == "Certificate \"CN=Example CA\" in the root file /etc/ssl/certs/ca-certificates.crt expired on \(UTCTime.date(Self.now - 86_400 * 3)) (3 days ago).")
        #expect(inRootFile.diagnosis.fix.contains("Replace that expired copy"))
    }

    @Test func chainGapsAreNamed() {
        let failed = Self.prefix + "SSL error: certificate verify failed\n"
        let leaf = CertificateFacts(subject: "CN=db", issuer: "CN=Example CA", san: [], notBefore: 0, notAfter: Self.now + 86_400, sha256: "AA")
        let intermediate = CertificateFacts(subject: "CN=Example CA", issuer: "CN=Root", san: [], notBefore: 0, notAfter: Self.now + 86_400, sha256: "BB")
        // Only the intermediate in the root file: the self-signed root above it is what is missing.
        let onlyIntermediate = Report(Self.evidence(failed, chain: Self.chain(error: 2, leaf: leaf, intermediate: intermediate, failing: intermediate)))
        #expect(onlyIntermediate.diagnosis.summary.contains("but not the self-signed root \"CN=Root\""))
        #expect(!onlyIntermediate.diagnosis.fix.contains("CA certificate that issued it"))
        // The server sends only its leaf.
        let leafOnly = Report(Self.evidence(failed, chain: Self.chain(error: 20, leaf: leaf, failing: leaf)))
        #expect(leafOnly.diagnosis.summary.contains("sent only its own certificate"))
        #expect(leafOnly.diagnosis.fix.contains("The server should send its chain"))
        // Revocation.
        let revoked = Report(Self.evidence(failed, chain: Self.chain(error: 23, leaf: leaf, intermediate: intermediate, failing: leaf)))
        #expect(revoked.diagnosis.summary.contains("is revoked"))
        let noCRL = Report(Self.evidence(failed, chain: Self.chain(error: 3, leaf: leaf, intermediate: intermediate, failing: leaf)))
        #expect(noCRL.diagnosis.summary.contains("there is no CRL for \"CN=db\" from \"CN=Example CA\""))
    }

    @Test func hostnameMismatchNamesWhatLibpqLookedAt() {
        let message = Self.prefix + "could not get server's host name from server certificate\n"
        let noNames = CertificateFacts(subject: "O=x", issuer: "CN=CA", san: [], notBefore: 0, notAfter: Self.now + 86_400, sha256: "AA")
        let report = Report(Self.evidence(message, chain: Self.chain(error: 0, leaf: noNames)))
        #expect(report.diagnosis.summary.contains("names no host at all"))
        #expect(!report.diagnosis.summary.contains("other names"))
        let named = CertificateFacts(
            subject: "CN=a.example", issuer: "CN=CA", san: ["IP:192.0.2.2"], notBefore: 0, notAfter: Self.now + 86_400, sha256: "AA",
            commonName: "a.example")
        let mismatch = Report(Self.evidence(
            Self.prefix + "server certificate for \"192.0.2.2\" (and 1 other name) does not match host name \"db.example.com\"\n",
            chain: Self.chain(error: 0, leaf: named)))
        #expect(mismatch.diagnosis.summary.hasPrefix("The server's certificate is for \"192.0.2.2\", \"a.example\", not \"db.example.com\""))
    }

    // MARK: client certificates

    static func clientEvidence(
        _ message: String, commonName: String = "alex", chain: Bool = true, keyMode: UInt32 = 0o600, password: Bool = false
    ) -> ConnectionEvidence {
        var evidence = evidence(message)
        let leaf = CertificateFacts(
            subject: "CN=\(commonName)", issuer: "CN=Client CA", san: [], notBefore: 0, notAfter: now + 86_400, sha256: "AA",
            commonName: commonName)
        let intermediate = CertificateFacts(subject: "CN=Client CA", issuer: "CN=Client Root", san: [], notBefore: 0, notAfter: now + 86_400, sha256: "BB")
        evidence.clientCertificate = ClientCertificateFacts(
            certificateFile: "/home/alex/client.crt", keyFile: "/home/alex/client.key",
            certificates: chain ? [leaf, intermediate] : [leaf], keyMode: keyMode, keyOwnedByRoot: false)
        evidence.sslpasswordGiven = password
        return evidence
    }

    static let clientMessages: [(String, DiagnosisCode)] = [
        (prefix + "FATAL:  connection requires a valid client certificate\n", .clientCertRequired),
        (prefix + "SSL error: tlsv1 alert unknown ca\n", .clientCertRejected),
        (prefix + "SSL error: sslv3 alert certificate revoked\n", .clientCertRevoked),
        (prefix + "SSL error: sslv3 alert certificate expired\n", .clientCertRejected),
        (prefix + "private key file \"/home/alex/client.key\" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root\n", .clientKeyPermissions),
        (prefix + "could not load private key file \"/home/alex/client.key\": processing error\n", .clientKeyEncrypted),
        (prefix + "certificate present, but not private key file \"/home/alex/client.key\"\n", .clientKeyInvalid),
        (prefix + "could not load private key file \"/home/alex/client.key\": key values mismatch\n", .clientKeyInvalid),
        (prefix + "FATAL:  certificate authentication failed for user \"alex\"\n", .clientCertRejected),
        ("invalid SSL protocol version range\n", .unsupportedOption),
    ]

    @Test(arguments: clientMessages)
    func clientSideFailuresHaveTheirOwnCodes(message: String, code: DiagnosisCode) {
        let report = Report(Self.clientEvidence(message))
        #expect(report.diagnosis.code == code, "\(message)")
        #expect(!report.diagnosis.fix.contains("pgsecure test --json"))
        #expect(!report.diagnosis.fix.contains("ALTER ROLE"))
    }

    @Test func certificateForAnotherUserIsNotAPasswordProblem() {
        for message in ["FATAL:  certificate authentication failed for user \"alex\"\n", "FATAL:  password authentication failed for user \"alex\"\n"] {
            let report = Report(Self.clientEvidence(Self.prefix + message, commonName: "someone-else"))
            #expect(report.diagnosis.code == .clientCertUserMismatch)
            #expect(report.diagnosis.summary.contains("CN is \"someone-else\", and the user is \"alex\""))
            #expect(!report.diagnosis.fix.contains("ALTER ROLE"))
        }
    }

    @Test func clientCertificateDetailsShapeTheFix() {
        let leafOnly = Report(Self.clientEvidence(Self.prefix + "SSL error: tlsv1 alert unknown ca\n", chain: false))
        #expect(leafOnly.diagnosis.summary.contains("without the intermediate \"CN=Client CA\""))
        #expect(leafOnly.diagnosis.fix.contains(">> /home/alex/client.crt"))
        let permissions = Report(Self.clientEvidence(
            Self.prefix + "private key file \"/home/alex/client.key\" has group or world access; file must …\n", keyMode: 0o644))
        #expect(permissions.diagnosis.summary.contains("(mode 644)"))
        #expect(permissions.diagnosis.fix == "chmod 600 /home/alex/client.key")
        let wrongPassword = Report(Self.clientEvidence(
            Self.prefix + "could not load private key file \"/home/alex/client.key\": bad decrypt\n", password: true))
        #expect(wrongPassword.diagnosis.summary.contains("the sslpassword given does not decrypt it"))
        var none = Self.evidence(Self.prefix + "FATAL:  connection requires a valid client certificate\n")
        none.clientCertificate = nil
        #expect(Report(none).diagnosis.summary.contains("no sslcert was given"))
    }

    @Test func localSocketMakesNoNetworkClaims() {
        var evidence = Self.evidence(nil, connected: true, target: TestTarget(
            host: "/var/run/postgresql", port: 5432, user: "alex", dbname: "app", sslmode: .verifyFull, rootFile: nil))
        evidence.sslInUse = false
        evidence.overUnixSocket = true
        let report = Report(evidence)
        #expect(report.verdict == .localSocket)
        #expect(report.warnings.isEmpty)
        #expect(report.diagnosis.fix == "Nothing to fix.")
        #expect(!report.text.contains("network") && !report.text.contains("--sslmode"))
    }

    @Test func verifyFailedWithoutChainStillSaysUntrusted() {
        let report = Report(Self.evidence(Self.prefix + "SSL error: certificate verify failed\n"))
        #expect(report.diagnosis.code == .certUntrusted)
        #expect(report.diagnosis.summary.contains("could not fetch"))
    }

    @Test func unsupportedOptionNamesTheKeyword() {
        #expect(Report(Self.evidence("invalid connection option \"sslnegotiation\"\n")).diagnosis.summary.contains("rejects sslnegotiation"))
        #expect(Report(Self.evidence("invalid ssl_min_protocol_version value: \"TLSv9\"\n")).diagnosis.fix.contains("Remove ssl_min_protocol_version"))
    }

    @Test func rootCertMissingForSystemOnOldLibpq() {
        let report = Report(Self.evidence(Self.prefix + "root certificate file \"system\" does not exist\nEither provide the file or change sslmode to disable server certificate verification.\n"))
        #expect(report.diagnosis.code == .rootCertMissing)
        #expect(report.diagnosis.summary.contains("libpq 16"))
    }

    @Test func fixesArePasteable() {
        let missing = Report(Self.evidence(Self.prefix + "FATAL:  database \"my app\" does not exist\n"))
        #expect(missing.diagnosis.fix.hasSuffix("createdb -h db.example.com -p 5432 -U alex 'my app'"))
        let noPassword = Report(Self.evidence(Self.prefix + "fe_sendauth: no password supplied\n"))
        #expect(noPassword.diagnosis.fix.hasSuffix("db.example.com:5432:app:alex:PASSWORD"))
    }

    // MARK: verdicts and warnings

    /// `loaded`: libpq found the root file; `chainError`: pgsecure's own check of the chain against it.
    static func connected(
        _ mode: SSLMode, ssl: Bool = true, rootFile: String? = nil, home: String? = nil, daysLeft: Int = 400,
        loaded: Bool = true, chainError: Int32 = 0
    ) -> Report {
        let target = TestTarget(host: "db.example.com", port: 5432, user: "alex", dbname: "app", sslmode: mode, rootFile: rootFile)
        var evidence = evidence(nil, connected: true, target: target)
        evidence.sslInUse = ssl
        evidence.homeRootCertificate = home
        evidence.rootFileLoaded = rootFile != nil && loaded
        let leaf = CertificateFacts(subject: "CN=db", issuer: "CN=CA", san: [], notBefore: now - 86_400, notAfter: now + Int64(daysLeft) * 86_400 + 60, sha256: "AA")
        evidence.chainCheck = ssl ? chain(error: chainError, leaf: leaf, rootFile: rootFile ?? "/tmp/root.crt") : nil
        return Report(evidence)
    }

    /// require/prefer/allow verify only when libpq really loaded the root file: "system" on libpq 15 is a missing file.
    @Test func weakModeWithARootFileIsVerifiedOnlyWhenTheChainReallyWas() {
        for mode in [SSLMode.require, .prefer, .allow] {
            #expect(Self.connected(mode, rootFile: "/r").verdict == .verifiedCA)
            // libpq 15, sslrootcert=system: no such file, so libpq checked nothing (even if the system store would trust it).
            let system = Self.connected(mode, rootFile: "system", loaded: false)
            #expect(system.verdict == .encryptedUnverified, "\(mode)")
            #expect(system.warnings.contains { $0.contains("sslrootcert=system was given") && $0.contains("file name") })
            #expect(system.warnings.contains { $0.contains("proved nothing") })
            let missing = Self.connected(mode, rootFile: "/nonexistent.crt", loaded: false)
            #expect(missing.verdict == .encryptedUnverified)
            #expect(missing.warnings.contains { $0.contains("no readable file \"/nonexistent.crt\"") })
            // Loaded, but pgsecure's own check does not trust the chain: do not claim it.
            let untrusted = Self.connected(mode, rootFile: "/r", chainError: OpenSSLVerifyError.unableToGetLocalIssuer)
            #expect(untrusted.verdict == .encryptedUnverified)
            #expect(untrusted.warnings.contains { $0.contains("own check of the chain against it failed") })
        }
        // verify-ca/verify-full: libpq refuses to connect without the file, so a connection is proof enough.
        #expect(Self.connected(.verifyCA, rootFile: "/r", loaded: false).verdict == .verifiedCA)
        #expect(Self.connected(.verifyFull, rootFile: "/r").warnings.isEmpty)
    }

    @Test func verdicts() {
        #expect(Self.connected(.verifyFull, rootFile: "/r").verdict == .verifiedFull)
        #expect(Self.connected(.verifyCA, rootFile: "/r").verdict == .verifiedCA)
        #expect(Self.connected(.require).verdict == .encryptedUnverified)
        #expect(Self.connected(.require, rootFile: "/home/a/.postgresql/root.crt", home: "/home/a/.postgresql/root.crt").verdict == .verifiedCA)
        #expect(Self.connected(.prefer, ssl: false).verdict == .unencrypted)
        #expect(Self.connected(.disable, ssl: false).verdict == .unencrypted)
        #expect(Report(Self.evidence("x")).verdict == .failed)
        #expect(Self.connected(.verifyFull, rootFile: "/r").diagnosis.code == .ok)
    }

    @Test func warnings() {
        #expect(Self.connected(.verifyFull, rootFile: "/r").warnings.isEmpty)
        #expect(Self.connected(.require).warnings.contains { $0.contains("proved nothing") })
        #expect(Self.connected(.prefer).warnings.contains { $0.contains("silently falls back") })
        #expect(Self.connected(.prefer, ssl: false).warnings.contains { $0.contains("plaintext without telling you") })
        #expect(Self.connected(.verifyCA, rootFile: "/r").warnings.contains { $0.contains("host name was not checked") })
        let home = Self.connected(.require, rootFile: "/h/.postgresql/root.crt", home: "/h/.postgresql/root.crt")
        #expect(home.warnings.contains { $0.contains("/h/.postgresql/root.crt exists") })
        #expect(Self.connected(.verifyFull, rootFile: "/r", daysLeft: 10).warnings == [
            "the server certificate expires in 10 days (\(UTCTime.date(Self.now + 10 * 86_400 + 60))); renew it before clients start failing."
        ])
        #expect(Self.connected(.verifyFull, rootFile: "/r", daysLeft: 30).warnings.isEmpty)
    }

    // MARK: rendering

    @Test func jsonKeepsEveryPromisedKeyEvenWhenEmpty() throws {
        for report in [Report(Self.evidence("timeout expired")), Self.connected(.verifyFull, rootFile: "/r")] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
            for key in ["connected", "verdict", "ssl", "server", "certificate", "diagnosis", "warnings", "timings_ms", "libpq_message"] {
                #expect(object.keys.contains(key), "missing \(key)")
            }
            let ssl = try #require(object["ssl"] as? [String: Any])
            #expect(Set(ssl.keys).isSuperset(of: ["in_use", "protocol", "cipher", "bits"]))
            let timings = try #require(object["timings_ms"] as? [String: Any])
            #expect(Set(timings.keys) == ["dns", "tcp", "tls", "auth", "total"])
            let diagnosis = try #require(object["diagnosis"] as? [String: Any])
            #expect(Set(diagnosis.keys) == ["code", "summary", "fix"])
            #expect((object["server"] as? [String: Any])?.keys.contains("version") == true)
            if let certificate = object["certificate"] as? [String: Any] {
                #expect(Set(certificate.keys).isSuperset(of: ["subject", "issuer", "san", "not_before", "not_after", "days_left", "sha256"]))
            } else {
                #expect(object["certificate"] is NSNull)
            }
        }
    }

    @Test func textLeadsWithTheVerdict() {
        let text = Self.connected(.require).text
        #expect(text.contains("Verdict:     encrypted-unverified"))
        #expect(text.contains("Warnings:\n  - sslmode=require"))
        let failed = Report(Self.evidence(Self.prefix + "timeout expired\n")).text
        #expect(failed.contains("Diagnosis:   timeout"))
        #expect(failed.contains("libpq said:\n  connection to server at"))
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"), (1_609_459_199, "2020-12-31T23:59:59Z"),
        (-1, "1969-12-31T23:59:59Z"), (4_102_444_800, "2100-01-01T00:00:00Z"),
    ])
    func utcTime(seconds: Int64, text: String) {
        #expect(UTCTime.iso8601(seconds) == text)
    }

    @Test func daysLeft() {
        let facts = CertificateFacts(subject: "", issuer: "", san: [], notBefore: 0, notAfter: 10 * 86_400, sha256: "")
        #expect(facts.daysLeft(now: 0) == 10)
        #expect(facts.daysLeft(now: 10 * 86_400 - 1) == 0)
        #expect(facts.daysLeft(now: 10 * 86_400 + 1) == -1)
        #expect(facts.daysLeft(now: 12 * 86_400) == -2)
    }
}

/// OpenSSL 3 words a failed load of an encrypted key differently from run to run ("bad decrypt", "unsupported"):
/// the key file itself says it is encrypted.
@Suite("An encrypted client key, whatever OpenSSL calls the failure")
struct EncryptedKeyWordingTests {
    @Test(arguments: ["bad decrypt", "unsupported", "processing error"])
    func anEncryptedKeyFileNamesTheCause(words: String) {
        var evidence = ConnectionEvidence(
            target: TestTarget(host: "db.example.com", port: 5432, hostaddr: nil, user: "alex", dbname: "app", sslmode: .verifyFull, rootFile: "/root.crt"),
            connected: false, homeRootCertificate: nil, rootFileLoaded: true, timeoutSeconds: 10, libpqVersion: "15.18", now: 0)
        evidence.libpqMessage = "connection to server at \"db.example.com\" (192.0.2.10), port 5432 failed: could not load private key file \"/k.key\": \(words)\n"
        evidence.clientCertificate = ClientCertificateFacts(
            certificateFile: "/c.crt", keyFile: "/k.key", certificates: [], keyMode: 0o600, keyOwnedByRoot: false, keyIsEncrypted: true)
        #expect(Report(evidence).diagnosis.code == .clientKeyEncrypted)
    }
}
