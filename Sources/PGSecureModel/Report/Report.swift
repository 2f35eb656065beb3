/// What a real connection proved about who answered.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    /// TLS, the chain leads to a trusted root, and the certificate names the host.
    case verifiedFull = "verified-full"
    /// TLS and a trusted chain, but the host name was not checked.
    case verifiedCA = "verified-ca"
    /// TLS, but nobody checked who answered.
    case encryptedUnverified = "encrypted-unverified"
    case unencrypted
    /// A Unix-domain socket: libpq ignores sslmode there, and no TLS is needed — the data never leaves the machine.
    case localSocket = "local-socket"
    case failed

    public var explanation: String {
        switch self {
        case .localSocket: "local socket; no TLS and none needed: the data never leaves this machine"
        case .verifiedFull: "encrypted; certificate chain and host name verified"
        case .verifiedCA: "encrypted; certificate chain verified, host name not checked"
        case .encryptedUnverified: "encrypted, but the server's identity was not checked"
        case .unencrypted: "connected without encryption"
        case .failed: "no connection"
        }
    }
}

/// Why a connection failed (or `ok`), as a stable code scripts can branch on.
public enum DiagnosisCode: String, Codable, Sendable, CaseIterable {
    case ok
    case rootCertMissing = "root-cert-missing"
    case certUntrusted = "cert-untrusted"
    case certExpired = "cert-expired"
    case certNotYetValid = "cert-not-yet-valid"
    case hostnameMismatch = "hostname-mismatch"
    case serverNoSSL = "server-no-ssl"
    case sslRequiredByServer = "ssl-required-by-server"
    /// pg_hba.conf has no line for this client (other than the plaintext case above).
    case accessDenied = "access-denied"
    case authFailed = "auth-failed"
    case noPassword = "no-password"
    case databaseMissing = "database-missing"
    case hostUnknown = "host-unknown"
    case connectionRefused = "connection-refused"
    case timeout
    case notPostgres = "not-postgres"
    case unsupportedOption = "unsupported-option"
    /// The client key (sslkey) is encrypted and no sslpassword, or a wrong one, was given.
    case clientKeyEncrypted = "client-key-encrypted"
    /// libpq refuses a client key that group or others may read (see `ClientKeyRule`).
    case clientKeyPermissions = "client-key-permissions"
    /// The client key file is missing, or does not belong to the client certificate.
    case clientKeyInvalid = "client-key-invalid"
    /// The server requires a client certificate and none was sent.
    case clientCertRequired = "client-cert-required"
    /// The server does not accept the client certificate (unknown CA, missing intermediate, expired).
    case clientCertRejected = "client-cert-rejected"
    /// The client certificate's CN is not the user name (`cert`, or clientcert=verify-full).
    case clientCertUserMismatch = "client-cert-user-mismatch"
    case clientCertRevoked = "client-cert-revoked"
    /// The server's certificate is revoked by a CRL in sslcrl / sslcrldir.
    case certRevoked = "cert-revoked"
    /// sslcrl / sslcrldir was given, and it holds no (valid) CRL from a CA in the chain: libpq then refuses the chain.
    case crlMissing = "crl-missing"
    /// Nothing was tried: the settings themselves were refused (a command line, or a service entry libpq would not read).
    case badInput = "bad-input"
    case unknown
}

extension DiagnosisCode {
    /// The code for input refused before any connection, wherever it is reported (`--json` on exit 2, an audit
    /// row): a root file that cannot be used is root-cert-missing, as when libpq fails for want of one; else bad-input.
    public init(refusing error: InputError) { self = error.field == "sslrootcert" ? .rootCertMissing : .badInput }
}

/// A code, one line saying what happened, and something concrete to do about it.
public struct Diagnosis: Codable, Sendable, Equatable {
    public let code: DiagnosisCode
    public let summary: String
    public let fix: String

    public init(code: DiagnosisCode, summary: String, fix: String) {
        self.code = code
        self.summary = summary
        self.fix = fix
    }
}

/// One X.509 certificate, as a person would want to read it.
public struct CertificateFacts: Codable, Sendable, Equatable {
    public let subject: String
    public let issuer: String
    /// Subject alternative names, `DNS:name` or `IP:address`.
    public let san: [String]
    /// Seconds since 1970, UTC.
    public let notBefore: Int64
    public let notAfter: Int64
    /// `AA:BB:...`, as `openssl x509 -fingerprint -sha256` prints it.
    public let sha256: String
    /// The subject's first CN, as libpq reads it for host names and the server for `cert` authentication.
    public let commonName: String?

    public init(
        subject: String, issuer: String, san: [String], notBefore: Int64, notAfter: Int64, sha256: String,
        commonName: String? = nil
    ) {
        self.subject = subject
        self.issuer = issuer
        self.san = san
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.sha256 = sha256
        self.commonName = commonName
    }

    public var isSelfIssued: Bool { subject == issuer }

    /// `expired 3 days ago`, `12 days left`.
    public func validityLeft(now: Int64) -> String {
        let days = daysLeft(now: now)
        return days >= 0 ? "\(days) day\(days == 1 ? "" : "s") left" : "expired \(-days) day\(days == -1 ? "" : "s") ago"
    }

    /// Whole days until `notAfter`; negative once expired.
    public func daysLeft(now: Int64) -> Int {
        let seconds = notAfter - now
        return Int(seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400))
    }
}

/// pgsecure's own check of the server's chain: what libpq cannot say after "certificate verify failed".
public struct ChainCheck: Codable, Sendable, Equatable {
    /// As the server sent it, leaf first.
    public let presented: [CertificateFacts]
    /// The root file the chain was checked against (nil: none was used).
    public let rootFile: String?
    /// OpenSSL's X509_V_* code (0: the chain leads to a root in `rootFile`).
    public let verifyError: Int32
    public let verifyErrorText: String
    /// Subjects from leaf to the trusted root, when verification succeeded.
    public let verifiedPath: [String]
    /// The host name checked against the certificate, and whether it matched (nil: not checked).
    public let hostName: String?
    public let hostMatches: Bool?
    /// The certificate OpenSSL's verify error is about (it may come from the root file, not from the server).
    public let failing: CertificateFacts?
    /// Whether CRLs (sslcrl / sslcrldir) were loaded, so revocation was checked for the whole chain, as libpq does.
    public let crlChecked: Bool

    public init(
        presented: [CertificateFacts], rootFile: String?, verifyError: Int32, verifyErrorText: String,
        verifiedPath: [String], hostName: String?, hostMatches: Bool?, failing: CertificateFacts? = nil,
        crlChecked: Bool = false
    ) {
        self.presented = presented
        self.rootFile = rootFile
        self.verifyError = verifyError
        self.verifyErrorText = verifyErrorText
        self.verifiedPath = verifiedPath
        self.hostName = hostName
        self.hostMatches = hostMatches
        self.failing = failing
        self.crlChecked = crlChecked
    }

    /// Whether `certificate` came from the server (otherwise from the root file).
    public func wasPresented(_ certificate: CertificateFacts) -> Bool { presented.contains { $0.sha256 == certificate.sha256 } }

    public var leaf: CertificateFacts? { presented.first }
    /// The chain leads to a root in the root file.
    public var isTrusted: Bool { rootFile != nil && verifyError == OpenSSLVerifyError.ok }
}

/// OpenSSL's verify codes that name a cause (x509_vfy.h).
public enum OpenSSLVerifyError {
    public static let ok: Int32 = 0
    public static let unableToGetIssuer: Int32 = 2
    public static let unableToGetCRL: Int32 = 3
    public static let crlNotYetValid: Int32 = 11
    public static let crlExpired: Int32 = 12
    public static let notYetValid: Int32 = 9
    public static let expired: Int32 = 10
    public static let selfSigned: Int32 = 18
    public static let selfSignedInChain: Int32 = 19
    public static let unableToGetLocalIssuer: Int32 = 20
    public static let unableToVerifyLeaf: Int32 = 21
    public static let revoked: Int32 = 23
}

/// The client certificate libpq sends (sslcert, else ~/.postgresql/postgresql.crt when it exists) and its key,
/// read before connecting.
public struct ClientCertificateFacts: Codable, Sendable, Equatable {
    public let certificateFile: String
    public let keyFile: String
    /// As in the file, leaf first (empty when it could not be read).
    public let certificates: [CertificateFacts]
    /// The key file's permission bits and whether root owns it (nil: no such file).
    public let keyMode: UInt32?
    public let keyOwnedByRoot: Bool
    /// The key file is a PEM key under a pass phrase (OpenSSL's words for failing to load one vary).
    public let keyIsEncrypted: Bool

    public init(
        certificateFile: String, keyFile: String, certificates: [CertificateFacts], keyMode: UInt32?,
        keyOwnedByRoot: Bool, keyIsEncrypted: Bool = false
    ) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.certificates = certificates
        self.keyMode = keyMode
        self.keyOwnedByRoot = keyOwnedByRoot
        self.keyIsEncrypted = keyIsEncrypted
    }

    public var leaf: CertificateFacts? { certificates.first }
    /// libpq refuses to load this key (checked before connecting, with libpq's rule).
    public var keyRefused: Bool { keyMode.map { ClientKeyRule.refuses(mode: $0, ownedByRoot: keyOwnedByRoot) } ?? false }
    /// The file holds a leaf whose issuer it does not hold: the server sees no intermediate.
    public var lacksIntermediate: Bool {
        guard let leaf, !leaf.isSelfIssued else { return false }
        return !certificates.dropFirst().contains { $0.subject == leaf.issuer }
    }
}

/// libpq 15's rule for the client key file (fe-secure-openssl.c, initialize_SSL): "file must have permissions u=rw
/// (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root".
public enum ClientKeyRule {
    public static func refuses(mode: UInt32, ownedByRoot: Bool) -> Bool {
        // Root-owned: no group write/execute, nothing for others. Otherwise: nothing for group or others.
        mode & (ownedByRoot ? 0o037 : 0o077) != 0
    }
}

/// One host of a multi-host connection string, tested on its own.
public struct HostOutcome: Codable, Sendable, Equatable {
    public let host: String
    public let port: Int
    /// The host that answered the real (multi-host) attempt.
    public let answered: Bool
    public let verdict: Verdict
    public let code: DiagnosisCode
    public let summary: String

    public init(host: String, port: Int, answered: Bool, verdict: Verdict, code: DiagnosisCode, summary: String) {
        self.host = host
        self.port = port
        self.answered = answered
        self.verdict = verdict
        self.code = code
        self.summary = summary
    }

    public var hostAndPort: String { TestTarget.hostAndPort(host, port) }
}

public struct TLSFacts: Codable, Sendable, Equatable {
    public let `protocol`: String?
    public let cipher: String?
    public let bits: Int?

    public init(protocol: String?, cipher: String?, bits: Int?) {
        self.protocol = `protocol`
        self.cipher = cipher
        self.bits = bits
    }
}

/// Milliseconds spent in each phase of connecting. pgsecure's own chain check, made while the server authenticates,
/// counts in neither `auth` nor `total` as far as it held the connection up.
public struct PhaseTimings: Codable, Sendable, Equatable {
    public var dns: Double
    public var tcp: Double
    public var tls: Double
    public var auth: Double
    public var total: Double

    public init(dns: Double = 0, tcp: Double = 0, tls: Double = 0, auth: Double = 0, total: Double = 0) {
        self.dns = dns
        self.tcp = tcp
        self.tls = tls
        self.auth = auth
        self.total = total
    }
}

/// What was tested: the settings that matter for explaining a result (never the password).
public struct TestTarget: Codable, Sendable, Equatable {
    public let host: String
    public let port: Int
    public let hostaddr: String?
    public let user: String?
    public let dbname: String?
    public let sslmode: SSLMode
    /// The root file libpq was told to use (sslrootcert, or ~/.postgresql/root.crt when that is what libpq reads).
    public let rootFile: String?

    public init(
        host: String, port: Int, hostaddr: String? = nil, user: String?, dbname: String?, sslmode: SSLMode,
        rootFile: String?
    ) {
        self.host = host
        self.port = port
        self.hostaddr = hostaddr
        self.user = user
        self.dbname = dbname
        self.sslmode = sslmode
        self.rootFile = rootFile
    }

    public var hostAndPort: String { Self.hostAndPort(host, port) }

    /// The same target, for the host and port that answered (a multi-host string, or libpq's default socket).
    public func answered(host: String, port: Int) -> TestTarget {
        TestTarget(host: host, port: port, hostaddr: hostaddr, user: user, dbname: dbname, sslmode: sslmode, rootFile: rootFile)
    }

    /// `host:port`, an IPv6 address in brackets.
    static func hostAndPort(_ host: String, _ port: Int) -> String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}

/// Everything the tester observed, before any interpretation. `Report(evidence)` turns it into a verdict,
/// a diagnosis and warnings — pure, so every rule is unit-testable.
public struct ConnectionEvidence: Sendable, Equatable {
    public var target: TestTarget
    public var connected: Bool
    public var sslInUse: Bool
    public var tls: TLSFacts?
    public var serverVersion: String?
    public var reachedUser: String?
    public var reachedDatabase: String?
    /// libpq's error text, unchanged (nil on success).
    public var libpqMessage: String?
    public var chainCheck: ChainCheck?
    /// ~/.postgresql/root.crt when it exists and no sslrootcert was given: libpq reads it and verifies with it.
    public var homeRootCertificate: String?
    /// Whether libpq found `target.rootFile` and loads it (a readable file; or `system` on libpq >= 16). Only then does
    /// libpq verify the chain with sslmode require/prefer/allow: a root file that is missing is silently ignored there.
    public var rootFileLoaded: Bool
    public var timings: PhaseTimings
    public var timeoutSeconds: Double
    public var libpqVersion: String
    /// Seconds since 1970, for days-left arithmetic.
    public var now: Int64
    /// The client certificate and key libpq used (nil: none sent).
    public var clientCertificate: ClientCertificateFacts?
    /// An sslcert that was given but does not exist: libpq then sends no certificate, without a word.
    public var absentClientCertificateFile: String?
    /// sslcrl / sslcrldir as given to libpq (nil: none), to say when libpq silently checked no revocation.
    public var revocationGiven: String?
    /// Whether an sslpassword was given (the key's pass phrase; its value is never kept here).
    public var sslpasswordGiven = false
    /// The connection ran over a Unix-domain socket (seen on the connected socket itself).
    public var overUnixSocket = false
    /// Each host of a multi-host string, tested on its own (empty for a single host).
    public var hosts: [HostOutcome] = []

    public init(
        target: TestTarget, connected: Bool, sslInUse: Bool = false, tls: TLSFacts? = nil,
        serverVersion: String? = nil, reachedUser: String? = nil, reachedDatabase: String? = nil,
        libpqMessage: String? = nil, chainCheck: ChainCheck? = nil, homeRootCertificate: String? = nil,
        rootFileLoaded: Bool = false, timings: PhaseTimings = PhaseTimings(), timeoutSeconds: Double = 10, libpqVersion: String = "", now: Int64
    ) {
        self.target = target
        self.connected = connected
        self.sslInUse = sslInUse
        self.tls = tls
        self.serverVersion = serverVersion
        self.reachedUser = reachedUser
        self.reachedDatabase = reachedDatabase
        self.libpqMessage = libpqMessage
        self.chainCheck = chainCheck
        self.homeRootCertificate = homeRootCertificate
        self.rootFileLoaded = rootFileLoaded
        self.timings = timings
        self.timeoutSeconds = timeoutSeconds
        self.libpqVersion = libpqVersion
        self.now = now
    }
}

/// The outcome of `pgsecure test`: facts, a verdict, a diagnosis, warnings. Never holds the password.
public struct Report: Sendable, Equatable {
    public let target: TestTarget
    public let connected: Bool
    public let verdict: Verdict
    public let tls: TLSFacts?
    public let serverVersion: String?
    public let reachedUser: String?
    public let reachedDatabase: String?
    public let certificate: CertificateFacts?
    public let chainCheck: ChainCheck?
    public let diagnosis: Diagnosis
    public let warnings: [String]
    public let timings: PhaseTimings
    public let libpqMessage: String?
    public let now: Int64
    public let clientCertificate: ClientCertificateFacts?
    public let hosts: [HostOutcome]
    /// The managed provider the host belongs to (nil: none pgsecure knows).
    public let provider: ProviderFinding?
    /// keyword → where its value came from (the pipeline's words: "PGPORT", "service mydb in …"), set by the
    /// front end that resolved the settings; no values, so never a secret.
    public var sources: [String: String] = [:]

    public init(_ evidence: ConnectionEvidence) {
        target = evidence.target
        connected = evidence.connected
        verdict = Self.verdict(evidence)
        tls = evidence.sslInUse ? evidence.tls : nil
        serverVersion = evidence.serverVersion
        reachedUser = evidence.reachedUser
        reachedDatabase = evidence.reachedDatabase
        certificate = evidence.chainCheck?.leaf
        chainCheck = evidence.chainCheck
        provider = ProviderFinding(evidence)
        diagnosis = Diagnose.diagnosis(evidence, verdict: verdict, provider: provider)
        warnings = Self.warnings(evidence, verdict: verdict)
        timings = evidence.timings
        libpqMessage = evidence.libpqMessage
        now = evidence.now
        clientCertificate = evidence.clientCertificate
        // A single host is its own list: scripts read `hosts` the same way for one host or several.
        hosts = evidence.hosts.isEmpty
            ? [HostOutcome(
                host: target.host, port: target.port, answered: connected, verdict: verdict, code: diagnosis.code,
                summary: diagnosis.summary)]
            : evidence.hosts
    }

    static func verdict(_ evidence: ConnectionEvidence) -> Verdict {
        guard evidence.connected else { return .failed }
        if evidence.overUnixSocket { return .localSocket }
        guard evidence.sslInUse else { return .unencrypted }
        switch evidence.target.sslmode {
        case .verifyFull: return .verifiedFull
        case .verifyCA: return .verifiedCA
        // libpq verifies the chain in these modes too, but only when the root file exists (a missing one is skipped
        // without a word). Claim it only when both hold: libpq loaded the file, and pgsecure's own check of the chain
        // against that same file trusts it.
        default: return chainVerifiedWithoutVerifyMode(evidence) ? .verifiedCA : .encryptedUnverified
        }
    }

    static func chainVerifiedWithoutVerifyMode(_ evidence: ConnectionEvidence) -> Bool {
        guard let root = evidence.target.rootFile, evidence.rootFileLoaded, let check = evidence.chainCheck else {
            return false
        }
        return check.isTrusted && check.rootFile == root
    }

    static let expiryWarningDays = 30

    static func warnings(_ evidence: ConnectionEvidence, verdict: Verdict) -> [String] {
        // A socket: nothing crosses a network, and sslmode does not apply.
        guard evidence.connected, verdict != .localSocket else { return [] }
        var warnings: [String] = []
        let mode = evidence.target.sslmode
        // libpq loads CRLs only along with a root file, and skips ones it cannot load without a word.
        if let crl = evidence.revocationGiven, evidence.sslInUse, evidence.chainCheck?.crlChecked != true {
            let why = evidence.rootFileLoaded && evidence.chainCheck?.rootFile != nil
                ? "libpq could not load it (a missing or unreadable file, or no CRL in it)"
                : "libpq reads CRLs only along with a root file, and none was loaded"
            warnings.append("\(crl) was given, but no revocation was checked: \(why).")
        }
        if let home = evidence.homeRootCertificate, !mode.verifiesCertificate {
            warnings.append(
                "\(home) exists, so libpq checked the chain with sslmode=\(mode.rawValue) here; on a machine without that file the same setting checks nothing. Use sslmode=verify-full with sslrootcert to make it explicit.")
        }
        if let root = evidence.target.rootFile, evidence.sslInUse, !mode.verifiesCertificate, verdict == .encryptedUnverified {
            let why: String
            if !evidence.rootFileLoaded {
                why = root == systemRootCertificate
                    ? "libpq \(evidence.libpqVersion) reads sslrootcert=system as a file name (OpenSSL's trust store only from libpq 16), there is no such file, and sslmode=\(mode.rawValue) then skips the check without a word"
                    : "libpq found no readable file \"\(root)\", and sslmode=\(mode.rawValue) then skips the check without a word"
            } else if let check = evidence.chainCheck, check.rootFile == root, !check.isTrusted {
                why = "pgsecure's own check of the chain against it failed (\(check.verifyErrorText))"
            } else {
                why = "pgsecure could not confirm the chain against it"
            }
            warnings.append(
                "sslrootcert=\(root) was given, but the server's certificate was not verified with it: \(why). Use --sslmode verify-full with a root file that exists.")
        }
        switch verdict {
        case .encryptedUnverified:
            warnings.append(
                "sslmode=\(mode.rawValue) encrypted the connection but proved nothing about the server: anyone on the path could have answered. Use --sslmode verify-full with the server's root certificate.")
        case .unencrypted:
            warnings.append(
                "the connection is not encrypted: the password exchange and all data cross the network readable by anyone on the path. Use --sslmode verify-full.")
        case .verifiedCA:
            warnings.append(
                "the host name was not checked: any certificate from the same CA would have been accepted. Use --sslmode verify-full.")
        default:
            break
        }
        if mode.mayFallBackToPlaintext, mode != .disable, verdict == .unencrypted {
            warnings.append(
                "sslmode=\(mode.rawValue) connected in plaintext without telling you: the server did not agree to TLS. Fix the server's TLS, then use --sslmode verify-full.")
        } else if mode.mayFallBackToPlaintext, verdict != .unencrypted {
            warnings.append(
                "sslmode=\(mode.rawValue) silently falls back to plaintext when TLS fails; this time TLS worked, next time it may not. Use --sslmode verify-full.")
        }
        if let leaf = evidence.chainCheck?.leaf {
            let days = leaf.daysLeft(now: evidence.now)
            if days < expiryWarningDays {
                warnings.append(
                    "the server certificate expires in \(days) day\(days == 1 ? "" : "s") (\(UTCTime.date(leaf.notAfter))); renew it before clients start failing.")
            }
        }
        return warnings
    }
}

/// Formats epoch seconds as UTC, without Foundation's calendar machinery.
public enum UTCTime {
    /// `2026-11-29T11:33:24Z`
    public static func iso8601(_ seconds: Int64) -> String {
        let (date, secondOfDay) = split(seconds)
        return date + "T" + pad(secondOfDay / 3600) + ":" + pad(secondOfDay / 60 % 60) + ":" + pad(secondOfDay % 60) + "Z"
    }

    /// `2026-11-29`
    public static func date(_ seconds: Int64) -> String { split(seconds).date }

    private static func split(_ seconds: Int64) -> (date: String, secondOfDay: Int64) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return ("\(year)-\(pad(month))-\(pad(day))", secondOfDay)
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
