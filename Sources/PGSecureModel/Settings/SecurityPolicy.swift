/// pgsecure's promise: outputs verify who answers unless the user explicitly chose otherwise, and every change is said.
public enum SecurityPolicy {
    public struct Result: Sendable, Equatable {
        public let settings: ConnectionSettings
        /// One line each, for stderr or the wizard's status line.
        public let notices: [String]
    }

    /// - Parameters:
    ///   - sslmodeIsExplicit: the user chose the mode themselves (`--sslmode`, the wizard): keep it, but warn.
    ///   - defaultRootCertificate: what `sslrootcert` becomes when a verifying mode has none (looked up only then).
    public static func hardened(
        _ settings: ConnectionSettings, sslmodeIsExplicit: Bool, defaultRootCertificate: @autoclosure () -> String?
    ) -> Result {
        var result = settings
        var notices: [String] = []
        switch settings.sslmode {
        case nil where !sslmodeIsExplicit:
            result.sslmode = .verifyFull
            notices.append("sslmode: none given, using verify-full (encrypted; certificate and host name checked)")
        case let mode? where !mode.verifiesCertificate && !sslmodeIsExplicit:
            result.sslmode = .verifyFull
            notices.append(
                "sslmode: \(mode.rawValue) changed to verify-full (\(mode.rawValue): \(mode.knowledge.summary)) Pass --sslmode \(mode.rawValue) to keep it.")
        case let mode? where !mode.verifiesCertificate:
            notices.append("warning: sslmode=\(mode.rawValue): \(mode.knowledge.summary)")
        case .verifyCA?:
            notices.append("warning: sslmode=verify-ca: \(SSLMode.verifyCA.knowledge.summary) Use verify-full to check it.")
        default:
            break
        }
        if result.sslmode?.verifiesCertificate == true, result.sslrootcert == nil {
            if let root = defaultRootCertificate() {
                result.sslrootcert = root
                let why = root == systemRootCertificate ? "OpenSSL's default trust store (libpq >= 16)" : "the system's root bundle; see `pgsecure certs`"
                notices.append("sslrootcert: using \(root) (\(why))")
            } else {
                notices.append("warning: no root certificate bundle was found on this system, so verification will fail; install ca-certificates or pass --sslrootcert PATH")
            }
        }
        return Result(settings: result, notices: notices)
    }
}
