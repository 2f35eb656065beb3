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

    // What was pasted, as it was meant.
    /// Surrounding white space or a newline was removed from this field.
    case trimmed(field: String)
    /// A URI's user:password held an unencoded `@` or `/`: read up to the last `@` and written encoded.
    case uriUserInfoEncoded
    /// Another kind of address was converted (a JDBC URL, a web address); what could not be carried is named.
    case converted(from: String, dropped: [String])
    case hostPortSplit(host: String, port: String)
    case madeAbsolute(keyword: String, path: String)

    // libpq's own files and defaults.
    /// The settings of a service (pg_service.conf) were written out in full.
    case serviceExpanded(name: String, file: String)
    /// A root file libpq skips in this mode (missing, unreadable), or that does not matter (disable).
    case rootFileIgnored(path: String, problem: String, mode: SSLMode)
    /// A mode that does not verify, but a root file is there: libpq checks the chain (like verify-ca), never the host.
    case chainCheckedWithoutHostName(mode: SSLMode, rootFile: String)
    /// libpq sends this client certificate by default (~/.postgresql/postgresql.crt).
    case clientCertificateDefault(path: String)
    /// The password will come from this line of the password file (never shown).
    case passwordFromFile(path: String, line: Int)
    /// libpq will not read the password file.
    case passwordFileIgnored(path: String, problem: String)
    /// Every host is a Unix socket: libpq uses no TLS there, and none is needed.
    case localSocket

    // Managed providers (Resources/providers.json).
    /// The host belongs to this provider: which root signs its certificates.
    case providerRecognized(Provider)
    /// The provider's root file was found on this machine and is used.
    case providerRootChosen(Provider, path: String)
    /// The provider's root is in no system bundle and not on this machine: how to get it, where to save it
    /// (`isLibpqDefault`: libpq's default root file on the target machine, so the output names no sslrootcert).
    case providerRootMissing(Provider, path: String, isLibpqDefault: Bool)
    /// The output is for another system (`--target-os`): its bundle (nil: Windows, which has no bundle file).
    case targetSystemRoot(TargetSystem, path: String?)
    /// verify-full cannot work with this provider: the strongest mode that does (used, or kept verify-full: warned).
    case providerVerifyFullImpossible(Provider, using: SSLMode, kept: Bool)
    /// The provider's signer or verify-full support is undocumented: pgsecure's choice is a guess.
    case providerUnconfirmed(Provider)
    /// One of the provider's notes that changes what works.
    case providerNote(Provider, String, isWarning: Bool)

    /// What the notice is about, so a front end can show it where it belongs.
    public enum Topic: Sendable { case input, sslmode, rootCertificate, secrets, libpqFiles }

    public var topic: Topic {
        switch self {
        case .sslmodeDefaulted, .sslmodeUpgraded, .weakSSLModeKept, .chainCheckedWithoutHostName, .localSocket,
            .providerVerifyFullImpossible, .providerNote:
            .sslmode
        case .rootCertificateChosen, .noRootCertificateFound, .systemRootsUnsupported, .rootFileIgnored, .providerRecognized,
            .providerRootChosen, .providerRootMissing, .providerUnconfirmed, .targetSystemRoot:
            .rootCertificate
        case .secretsOmitted, .passwordFromFile, .passwordFileIgnored: .secrets
        case .trimmed, .uriUserInfoEncoded, .converted, .hostPortSplit, .madeAbsolute: .input
        case .serviceExpanded, .clientCertificateDefault: .libpqFiles
        }
    }

    /// Whether the result is less safe than pgsecure's default, or may not work as the person thinks.
    public var isWarning: Bool {
        switch self {
        case .weakSSLModeKept, .noRootCertificateFound, .systemRootsUnsupported, .uriUserInfoEncoded, .rootFileIgnored,
            .chainCheckedWithoutHostName, .passwordFileIgnored, .providerRootMissing, .providerVerifyFullImpossible,
            .providerUnconfirmed:
            true
        case .providerNote(_, _, let isWarning):
            isWarning
        case .targetSystemRoot(_, let path):
            path == nil
        case .sslmodeDefaulted, .sslmodeUpgraded, .rootCertificateChosen, .secretsOmitted, .trimmed, .converted,
            .hostPortSplit, .madeAbsolute, .serviceExpanded, .clientCertificateDefault, .passwordFromFile, .localSocket,
            .providerRecognized, .providerRootChosen:
            false
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
        case .trimmed(let field):
            "\(field): removed the white space or line break around it"
        case .uriUserInfoEncoded:
            "connection string: the password held an unencoded @ or /, which libpq would have read as part of the host; read it up to the last @ and percent-encoded it (@ is %40, / is %2F)"
        case .converted(let from, let dropped):
            "connection string: converted \(from) to libpq's form" + (dropped.isEmpty ? "" : "; left out: " + dropped.joined(separator: ", "))
        case .hostPortSplit(let host, let port):
            "host: \(host):\(port) split into host \(host) and port \(port)"
        case .madeAbsolute(let keyword, let path):
            "\(keyword): a relative file name depends on where the program runs; using \(path)"
        case .serviceExpanded(let name, let file):
            "service \(name): its settings from \(file) are written out in full"
        case .rootFileIgnored(let path, let problem, let mode):
            mode == .disable
                ? "sslrootcert \(path) is not used with sslmode=disable (\(problem))"
                : "sslrootcert: \(problem); libpq skips a missing or unreadable root file with sslmode=\(mode.rawValue), so nothing is verified (\(path))"
        case .chainCheckedWithoutHostName(let mode, let rootFile):
            "sslmode=\(mode.rawValue) with a root file (\(rootFile)): libpq checks the certificate chain like verify-ca, but never the host name\(mode.mayFallBackToPlaintext ? ", and may still fall back to plain text" : ""); use verify-full"
        case .clientCertificateDefault(let path):
            "sslcert: libpq sends \(path) (its default client certificate) when the server asks for one"
        case .passwordFromFile(let path, let line):
            "password: from \(path), line \(line)"
        case .passwordFileIgnored(let path, let problem):
            "password file \(path) \(problem)"
        case .localSocket:
            "host is a Unix socket: libpq uses no TLS there (sslmode does not apply), and the data never leaves this machine"
        case .providerRecognized(let provider):
            "\(provider.name): root certificate: \(provider.rootDescription) (\(provider.root.inSystemBundle.bundleWords))"
        case .providerRootChosen(let provider, let path):
            "sslrootcert: using \(path), \(provider.name)'s root found on this machine"
        case .providerRootMissing(let provider, let path, let isLibpqDefault):
            "sslrootcert: \(provider.name)'s root (\(provider.rootDescription)) is in no system bundle"
                + (isLibpqDefault ? "" : " and is not on this machine") + ", so verification fails without it: "
                + (provider.rootInstructions.map { "get it (\($0)) and " } ?? "")
                + (isLibpqDefault
                    ? "save it on that machine as \(path), the root file libpq reads by default (so the output names none)"
                    : "save it as \(path); the output already names it (sslrootcert=\(path))")
                + ". Check it with `pgsecure certs --check FILE --host HOST`"
        case .targetSystemRoot(let system, let path?):
            "sslrootcert: \(path), \(system.name)'s root bundle (for --target-os \(system.rawValue)); with libpq 16 or newer there, sslrootcert=system works too"
        case .targetSystemRoot(_, nil):
            "sslrootcert: Windows keeps its roots in a certificate store, not a file: download curl's Mozilla bundle https://curl.se/ca/cacert.pem and save it as %APPDATA%\\postgresql\\root.crt, the root file libpq reads by default there (so the output names none); sslrootcert=system needs libpq 16 or newer, and is reported (by third parties) to find no roots with libpq bundled in Python wheels"
        case .providerVerifyFullImpossible(let provider, let mode, let kept):
            (kept
                ? "sslmode=verify-full cannot work with \(provider.name): \(provider.whyNot ?? "")"
                    + "; use --sslmode \(mode.rawValue)"
                : "sslmode: verify-full cannot work with \(provider.name) (\(provider.whyNot ?? "")); using \(mode.rawValue), the strongest mode that works")
                + (mode.verifiesCertificate
                    ? " (the chain is checked against \(provider.name)'s root, the host name is not)"
                    : ": encrypted, but the server's identity is NOT checked, so anyone on the network path can pose as it")
        case .providerUnconfirmed(let provider):
            "\(provider.name) does not document "
                + (provider.root.inSystemBundle == .unknown ? "who signs its certificates" : "whether verify-full works")
                + " (pgsecure does not know either): trying verify-full with the system bundle; if `pgsecure test` reports an untrusted certificate or a host-name mismatch, ask \(provider.name) for its CA certificate (or pass --sslmode require: encrypted, identity unchecked)"
        case .providerNote(let provider, let text, _):
            "\(provider.name): \(text)"
        }
    }
}
