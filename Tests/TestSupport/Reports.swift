import PGSecureModel

/// The root file the wizard tests name (it never exists: a fake inspector or tester answers for it).
public let labRoot = "/lab/root.crt"

/// Fixed "now" for reports, so certificate lifetimes read the same on every run.
public let now: Int64 = 1_790_000_000

public func verifiedReport() -> Report {
    Report(ConnectionEvidence(
        target: TestTarget(host: "db.example.com", port: 5432, user: "alex", dbname: "app", sslmode: .verifyFull, rootFile: labRoot),
        connected: true, sslInUse: true, tls: TLSFacts(protocol: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256),
        serverVersion: "15.18 (Debian 15.18-0+deb12u1)", reachedUser: "alex", reachedDatabase: "app",
        chainCheck: ChainCheck(
            presented: [CertificateFacts(subject: "CN=db.example.com", issuer: "CN=lab intermediate", san: ["DNS:db.example.com"], notBefore: now - 86_400, notAfter: now + 90 * 86_400, sha256: "AA:BB")],
            rootFile: labRoot, verifyError: 0, verifyErrorText: "ok", verifiedPath: [], hostName: "db.example.com", hostMatches: true),
        now: now))
}

public func failedReport(_ libpqMessage: String) -> Report {
    Report(ConnectionEvidence(
        target: TestTarget(host: "db.example.com", port: 5432, user: "alex", dbname: "app", sslmode: .verifyFull, rootFile: labRoot),
        connected: false, libpqMessage: libpqMessage, now: now))
}
