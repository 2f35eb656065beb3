/// The managed provider a tested host belongs to, and whether the server's chain ended at the root it documents.
public struct ProviderFinding: Sendable, Equatable {
    public let provider: Provider
    /// The root the verified chain ended at, else the topmost issuer the server named (nil: no chain was seen).
    public let chainEndsAt: String?
    /// nil: the provider names no fixed root, or no chain was seen.
    public let endsAtDocumentedRoot: Bool?

    init?(_ evidence: ConnectionEvidence) {
        let leaf = evidence.chainCheck?.leaf
        guard let provider = Provider.recognize(evidence.target.host)
            ?? Provider.recognize(certificateCommonName: leaf?.commonName, san: leaf?.san ?? [])
        else { return nil }
        self.provider = provider
        let check = evidence.chainCheck
        chainEndsAt = check?.verifiedPath.last ?? check?.presented.last?.issuer
        endsAtDocumentedRoot = chainEndsAt.flatMap { provider.documentsRoot(commonName: Self.commonName(in: $0)) }
    }

    /// The CN of an RFC 2253 name (`CN=x,O=y`), as far as a plain split can tell.
    static func commonName(in name: String) -> String? {
        name.split(separator: ",").first { $0.hasPrefix("CN=") }.map { String($0.dropFirst(3)) }
    }

    /// One line for the report.
    public var text: String {
        guard let chainEndsAt else { return provider.name }
        let verdict: String =
            switch endsAtDocumentedRoot {
            case true?: "the root \(provider.name) documents"
            case false?: "NOT the root \(provider.name) documents (\(provider.rootDescription))"
            case nil: "\(provider.name) documents no fixed root name to compare with"
            }
        return "\(provider.name) — chain ends at \(chainEndsAt): \(verdict)"
    }

    /// The provider's own fix for a failure, said before the general one (nil: nothing provider-specific to add).
    func fix(for code: DiagnosisCode, host: String) -> String? {
        let strongest = provider.strongestMode.map { mode in
            "verify-full cannot work with \(provider.name): \(provider.whyNot ?? ""). Use --sslmode \(mode.rawValue)"
                + (mode.verifiesCertificate ? " with \(provider.name)'s CA as --sslrootcert." : " (encrypted, but the server's identity is not checked).")
        }
        switch code {
        case .hostnameMismatch where provider.verifyFull == .no:
            return strongest
        case .certUntrusted, .rootCertMissing:
            if provider.verifyFull == .no, provider.root.fileName == nil { return strongest }
            guard let instructions = provider.rootInstructions else {
                return "\(provider.name) does not document which CA signs its certificates: ask \(provider.name) for it."
            }
            let path = provider.root.fileName.map { "~/.postgresql/" + $0 } ?? "a file"
            return "This is \(provider.name): its certificates are signed by \(provider.rootDescription) (\(provider.root.inSystemBundle.bundleWords)). "
                + "Get it (\(instructions)), save it as \(path), check it with `pgsecure certs --check \(path) --host \(Diagnose.shellWord(host))` and pass --sslrootcert \(path)."
                + (strongest.map { " " + $0 } ?? "")
        default:
            return nil
        }
    }
}
