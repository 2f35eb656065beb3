/// The resolver's provider step: for a host of a known managed service, the root and mode that can really work there,
/// and the service's notes that change what works. Runs after the security policy, and only changes what the policy
/// chose (a mode or root file the person gave is kept, with a warning where it cannot work).
enum ProviderStep {
    static func apply(
        to settings: inout ConnectionSettings, _ sources: inout [String: ValueSource], request: ConnectionRequest,
        context: ResolutionContext, notices: inout [Notice]
    ) {
        guard let host = settings.endpoints.first(where: { !$0.isSocket })?.host, let provider = Provider.recognize(host)
        else { return }
        notices.append(.providerRecognized(provider))
        chooseMode(&settings, &sources, provider: provider, notices: &notices)
        chooseRoot(&settings, &sources, provider: provider, context: context, notices: &notices)
        notices += situationalNotes(settings, provider: provider)
    }

    /// Where verify-full cannot work, the strongest mode that does, unless the person chose verify-full themselves.
    static func chooseMode(
        _ settings: inout ConnectionSettings, _ sources: inout [String: ValueSource], provider: Provider,
        notices: inout [Notice]
    ) {
        guard provider.verifyFull == .no, settings.sslmode == .verifyFull, let strongest = provider.strongestMode else { return }
        guard sources["sslmode"] == .policy else {
            notices.append(.providerVerifyFullImpossible(provider, using: strongest, kept: true))
            return
        }
        notices.removeAll { $0 == .sslmodeDefaulted || $0.isSSLModeUpgrade }
        settings.sslmode = strongest
        notices.append(.providerVerifyFullImpossible(provider, using: strongest, kept: false))
        if !strongest.verifiesCertificate, sources["sslrootcert"] == .policy {
            // A root file would make require check the chain (and `system` is refused with require).
            settings.sslrootcert = nil
            sources["sslrootcert"] = nil
            notices.removeAll(where: \.isRootChoice)
        }
    }

    /// The provider's own root where the system bundle lacks it: found on this machine, or where to save it.
    static func chooseRoot(
        _ settings: inout ConnectionSettings, _ sources: inout [String: ValueSource], provider: Provider,
        context: ResolutionContext, notices: inout [Notice]
    ) {
        let files = context.files
        guard settings.sslmode?.verifiesCertificate == true, settings.sslrootcert == nil || sources["sslrootcert"] == .policy
        else { return }
        if provider.needsOwnRootFile, let system = context.targetSystem {
            // On another machine: libpq's default root file there, so the output needs no path of this machine's.
            (settings.sslrootcert, sources["sslrootcert"]) = (nil, nil)
            notices.removeAll { $0.isRootChoice || $0.isTargetSystemRoot }
            notices.append(.providerRootMissing(provider, path: system.libpqDefaultRootFile, isLibpqDefault: true))
        } else if provider.needsOwnRootFile {
            if let found = provider.rootFileFound(in: files) {
                (settings.sslrootcert, sources["sslrootcert"]) = (found, .policy)
                notices.removeAll(where: \.isRootChoice)
                notices.append(.providerRootChosen(provider, path: found))
            } else if settings.sslrootcert != files.homePostgresqlFile("root.crt"), let path = provider.suggestedRootPath(in: files) {
                // Pointed at where the fix puts the file, the output works once the person has saved it.
                (settings.sslrootcert, sources["sslrootcert"]) = (path, .policy)
                notices.removeAll(where: \.isRootChoice)
                notices.append(.providerRootMissing(provider, path: path, isLibpqDefault: false))
            }
        } else if provider.root.inSystemBundle == .unknown || provider.verifyFull == .unknown {
            notices.append(.providerUnconfirmed(provider))
        }
    }

    /// Notes that depend on the settings: Neon's SNI and channel binding, Supabase's pooler, tokens as passwords.
    static func situationalNotes(_ settings: ConnectionSettings, provider: Provider) -> [Notice] {
        let port = settings.endpoints.first?.port ?? 5432
        let host = settings.endpoints.first?.host.lowercased() ?? ""
        // Neon's endpoint ID is the host's first label, without the pooler's suffix.
        let endpointID = host.split(separator: ".").first.map { String($0).replacing("-pooler", with: "") } ?? "<endpoint-id>"
        var notes = provider.notes.map { Notice.providerNote(provider, $0.replacing("<endpoint-id>", with: endpointID), isWarning: false) }
        switch provider.id {
        case "neon":
            if !IPAddress.isSentAsServerName(host, sslsni: settings.otherOptions["sslsni"]) {
                notes.append(.providerNote(provider, "sslsni=0: Neon cannot route the connection without SNI; remove it, or add options=endpoint%3D\(endpointID)", isWarning: true))
            }
            if settings.otherOptions["channel_binding"] == "require" {
                notes.append(.providerNote(provider, "channel_binding=require kept: clients without channel binding (libpq older than 13, some drivers) cannot connect with it", isWarning: false))
            }
        case "supabase":
            if host.hasSuffix(".pooler.supabase.com"), let user = settings.user, !user.hasPrefix("postgres.") {
                notes.append(.providerNote(provider, "the shared pooler needs the user postgres.<project-ref>, not \(user)", isWarning: true))
            }
            if port == 6543 {
                notes.append(.providerNote(provider, "port 6543 is transaction-mode pooling: prepared statements do not work; turn them off in the client (psycopg: prepare_threshold=None; pgjdbc: prepareThreshold=0)", isWarning: true))
            }
        case "azure":
            if settings.user?.contains("@") == true {
                notes.append(.providerNote(provider, "a user name of the form user@server is Azure Single Server's, retired on 2025-03-28; Flexible Server takes the plain user name", isWarning: true))
            }
        default:
            break
        }
        if let password = settings.password, let token = ShortLivedToken(password) {
            let lifetime = switch token {
            case .awsIAM: "AWS IAM token, valid 15 minutes"
            case .googleOAuth: "Google Cloud OAuth token, valid about an hour"
            case .jsonWebToken: "Microsoft Entra ID token, valid 5 to 60 minutes"
            }
            notes.append(.providerNote(provider, "the password is a \(lifetime): pass it when connecting (PGPASSWORD), never save it in a file", isWarning: true))
        }
        return notes
    }
}

extension Notice {
    var isSSLModeUpgrade: Bool { if case .sslmodeUpgraded = self { true } else { false } }
    var isTargetSystemRoot: Bool { if case .targetSystemRoot = self { true } else { false } }
    var isRootChoice: Bool {
        switch self {
        case .rootCertificateChosen, .noRootCertificateFound: true
        default: false
        }
    }
}
