/// pgsecure's promise: outputs verify who answers unless the user explicitly chose otherwise, and every change is said.
public enum SecurityPolicy {
    public struct Result: Sendable, Equatable {
        public let settings: ConnectionSettings
        public let notices: [Notice]
    }

    /// - Parameters:
    ///   - sslmodeIsExplicit: the user chose the mode themselves (`--sslmode`, the wizard): keep it, but warn.
    ///   - defaultRootCertificate: what `sslrootcert` becomes when a verifying mode has none (looked up only then).
    public static func hardened(
        _ settings: ConnectionSettings, sslmodeIsExplicit: Bool,
        defaultRootCertificate: () -> DefaultRootCertificate?
    ) -> Result {
        var result = settings
        var notices: [Notice] = []
        switch settings.sslmode {
        case nil where !sslmodeIsExplicit:
            result.sslmode = .verifyFull
            notices.append(.sslmodeDefaulted)
        case let mode? where mode != .verifyFull && !mode.verifiesCertificate && !sslmodeIsExplicit:
            result.sslmode = .verifyFull
            notices.append(.sslmodeUpgraded(from: mode))
        case let mode? where mode != .verifyFull:
            notices.append(.weakSSLModeKept(mode))
        default:
            break
        }
        if result.sslmode?.verifiesCertificate == true, result.sslrootcert == nil {
            if let root = defaultRootCertificate() {
                result.sslrootcert = root.value
                notices.append(.rootCertificateChosen(root))
            } else {
                notices.append(.noRootCertificateFound)
            }
        }
        return Result(settings: result, notices: notices)
    }
}
