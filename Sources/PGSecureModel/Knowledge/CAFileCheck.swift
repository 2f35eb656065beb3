/// What a CA file holds, and whether it can verify a provider's servers: so a downloaded root is checked before use
/// (`pgsecure certs --check FILE [--host HOST]`). Pure: the certificates are read by the caller.
public struct CAFileCheck: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public let certificate: CertificateFacts
        public let isSelfSigned: Bool
        public let isExpired: Bool
        public let isNotYetValid: Bool
        /// This is the root the provider documents (nil: no provider, or it names no fixed root).
        public let isProviderRoot: Bool?
    }

    public let file: String
    public let entries: [Entry]
    public let provider: String?
    /// The file holds a valid certificate that is the provider's documented root (nil: cannot be told from names).
    public let holdsProviderRoot: Bool?
    /// Problems, one phrase each; empty when the file can be used.
    public let problems: [String]
    /// What cannot be confirmed (weak or missing facts).
    public let caveats: [String]

    public var isUsable: Bool { problems.isEmpty }

    public init(file: String, certificates: [CertificateFacts], provider: Provider?, now: Int64) {
        self.file = file
        self.provider = provider?.name
        entries = certificates.map { certificate in
            let byName = provider?.documentsRoot(commonName: certificate.commonName)
            let byFingerprint = provider?.documentsRoot(sha256: certificate.sha256)
            return Entry(
                certificate: certificate, isSelfSigned: certificate.subject == certificate.issuer,
                isExpired: certificate.notAfter < now, isNotYetValid: certificate.notBefore > now,
                isProviderRoot: byFingerprint == true ? true : byName)
        }
        var problems: [String] = []
        var caveats: [String] = []
        if entries.isEmpty { problems.append("holds no PEM certificate (a DER file needs `openssl x509 -inform DER -outform PEM`)") }
        let valid = entries.filter { !$0.isExpired && !$0.isNotYetValid }
        if !entries.isEmpty, valid.isEmpty { problems.append("every certificate in it has expired or is not yet valid") }

        if let provider {
            let named = entries.compactMap(\.isProviderRoot)
            if named.isEmpty, !entries.isEmpty {
                holdsProviderRoot = nil
                caveats.append(
                    "\(provider.name) does not document its root's name (\(provider.rootDescription)), so pgsecure cannot tell whether this is it; `pgsecure test` will")
            } else if valid.contains(where: { $0.isProviderRoot == true }) {
                holdsProviderRoot = true
                let fingerprintMatches = valid.contains { provider.documentsRoot(sha256: $0.certificate.sha256) == true }
                if provider.root.sha256 != nil {
                    let who = provider.root.sha256IsThirdParty == true ? "third parties publish (\(provider.name) publishes none)" : "\(provider.name) publishes"
                    caveats.append(
                        fingerprintMatches
                            ? "its SHA-256 fingerprint matches the one \(who)"
                            : "a certificate has the root's name, but not the SHA-256 fingerprint \(who): make sure it came from \(provider.name)")
                }
            } else {
                holdsProviderRoot = entries.isEmpty ? nil : false
                if !entries.isEmpty {
                    let expiredRoot = entries.contains { $0.isProviderRoot == true }
                    problems.append(
                        expiredRoot
                            ? "\(provider.name)'s root (\(provider.rootDescription)) is in it, but expired or not yet valid"
                            : "it does not hold \(provider.name)'s root (\(provider.rootDescription))"
                                + (provider.rootInstructions.map { "; get it: \($0)" } ?? ""))
                }
            }
        } else {
            holdsProviderRoot = nil
        }
        self.problems = problems
        self.caveats = caveats
    }

    /// The text for a terminal (server-free, but the file's names are still escaped by the caller).
    public var text: String {
        var lines = ["\(file): \(entries.count) certificate\(entries.count == 1 ? "" : "s")"]
        for (index, entry) in entries.enumerated() {
            let state = entry.isExpired ? "EXPIRED" : entry.isNotYetValid ? "NOT YET VALID" : "valid"
            lines.append("  \(index + 1). \(entry.certificate.subject)\(entry.isSelfSigned ? " (self-signed root)" : ", issued by \(entry.certificate.issuer)")")
            lines.append("     \(state) \(UTCTime.date(entry.certificate.notBefore)) to \(UTCTime.date(entry.certificate.notAfter)); SHA-256 \(entry.certificate.sha256)")
            if entry.isProviderRoot == true, let provider { lines.append("     the root \(provider) documents") }
        }
        if let provider {
            lines.append(
                holdsProviderRoot == true ? "ok: it holds \(provider)'s documented root"
                    : holdsProviderRoot == false ? "not usable for \(provider)" : "\(provider): not confirmed")
        }
        lines += problems.map { "problem: " + $0 }
        lines += caveats.map { "note: " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }
}
