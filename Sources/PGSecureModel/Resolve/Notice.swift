/// Something pgsecure decided or noticed while resolving settings, as a value: the CLI words it on stderr, the wizard
/// shows it on the step it concerns. Never holds a secret.
public enum Notice: Hashable, Sendable {
    /// No sslmode was given: verify-full is used.
    case sslmodeDefaulted
    /// A mode that does not verify (or verify-ca) was upgraded to verify-full.
    case sslmodeUpgraded(from: SSLMode)
    /// The user chose a mode that does not check the server's identity fully, and keeps it.
    case weakSSLModeKept(SSLMode)
    /// A verifying mode had no root file: pgsecure chose this one.
    case rootCertificateChosen(DefaultRootCertificate)
    /// A verifying mode had no root file and none was found on this machine.
    case noRootCertificateFound
    /// `sslrootcert=system` with a libpq older than 16, which reads it as a file name.
    case systemRootsUnsupported(libpqVersion: String)
    /// The password (or sslpassword) was left out of the output.
    case secretsOmitted

    /// What the notice is about, so a front end can show it where it belongs.
    public enum Topic: Sendable { case sslmode, rootCertificate, secrets }

    public var topic: Topic {
        switch self {
        case .sslmodeDefaulted, .sslmodeUpgraded, .weakSSLModeKept: .sslmode
        case .rootCertificateChosen, .noRootCertificateFound, .systemRootsUnsupported: .rootCertificate
        case .secretsOmitted: .secrets
        }
    }

    /// Whether the result is less safe than pgsecure's default, or may not work.
    public var isWarning: Bool {
        switch self {
        case .weakSSLModeKept, .noRootCertificateFound, .systemRootsUnsupported: true
        case .sslmodeDefaulted, .sslmodeUpgraded, .rootCertificateChosen, .secretsOmitted: false
        }
    }

    /// The words, one line, without a "warning:" prefix (front ends mark warnings their own way).
    public var message: String {
        switch self {
        case .sslmodeDefaulted:
            "sslmode: none given, using verify-full (encrypted; certificate and host name checked)"
        case .sslmodeUpgraded(let mode):
            "sslmode: \(mode.rawValue) changed to verify-full (\(mode.rawValue): \(mode.knowledge.summary)) Pass --sslmode \(mode.rawValue) to keep it."
        case .weakSSLModeKept(.verifyCA):
            "sslmode=verify-ca: \(SSLMode.verifyCA.knowledge.summary) Use verify-full to check it."
        case .weakSSLModeKept(let mode):
            "sslmode=\(mode.rawValue): \(mode.knowledge.summary)"
        case .rootCertificateChosen(let root):
            "sslrootcert: using \(root.value) (\(root.origin))"
        case .noRootCertificateFound:
            "no root certificate bundle was found on this system, so verification will fail; install ca-certificates or pass --sslrootcert PATH"
        case .systemRootsUnsupported(let version):
            "sslrootcert=system needs libpq 16 or newer; this machine's libpq \(version) reads it as a file name"
        case .secretsOmitted:
            "password: left out of the output (libpq reads PGPASSWORD or ~/.pgpass); pass --include-password to write it"
        }
    }
}
