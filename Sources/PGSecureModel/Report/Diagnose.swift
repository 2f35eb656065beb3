/// Turns libpq's words, plus pgsecure's own look at the certificate chain, into a named cause and a fix.
public enum Diagnose {
    public static func diagnosis(_ evidence: ConnectionEvidence, verdict: Verdict) -> Diagnosis {
        if evidence.connected { return success(evidence, verdict: verdict) }
        let message = evidence.libpqMessage ?? ""
        let target = evidence.target
        // libpq writes one line per attempt (several hosts, prefer's plaintext retry): the first recognised line is
        // usually the cause, later ones are consequences.
        for line in message.split(whereSeparator: \.isNewline).map(String.init) {
            if let diagnosis = match(line: line, evidence: evidence, target: target) { return diagnosis }
        }
        let reason = reason(from: message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "")
        return Diagnosis(
            code: .unknown,
            summary: reason.isEmpty ? "The connection failed and libpq gave no reason." : "libpq: \(reason)",
            fix: "Read libpq's full message below; run `pgsecure test --json` for every detail.")
    }

    static func match(line: String, evidence: ConnectionEvidence, target: TestTarget) -> Diagnosis? {
        let lower = line.lowercased()
        let endpoint = target.hostAndPort
        // Quoted names after libpq's `connection to server at "host"` prefix.
        let names = LibpqMessage.quotedTokens(in: reason(from: line))
        if lower.contains("invalid connection option") || (lower.hasPrefix("invalid ") && lower.contains(" value: ")) {
            let keyword = Self.rejectedKeyword(in: reason(from: line)) ?? "an option"
            return Diagnosis(
                code: .unsupportedOption,
                summary: "libpq \(evidence.libpqVersion) on this machine rejects \(keyword): \(reason(from: line))",
                fix: "Remove \(keyword) or use a value this libpq knows (sslnegotiation needs libpq 17, sslrootcert=system needs 16; `pgsecure certs` shows the version).")
        }
        // libpq 15 with OpenSSL 3: `could not load private key file "%s": bad decrypt`, when the tester's
        // pass-phrase hook had no sslpassword (or a wrong one) to give.
        if lower.contains("could not load private key file"),
            ["bad decrypt", "problem getting password", "bad password read"].contains(where: lower.contains)
        {
            let key = names.first.map { " \"\($0)\"" } ?? ""
            return Diagnosis(
                code: .clientKeyEncrypted,
                summary: "The client key\(key) is encrypted, and no sslpassword was given to decrypt it (or the one given is wrong).",
                fix: "Give the key's pass phrase as sslpassword in the connection string (sslpassword=...); pgsecure never asks for it on the terminal.")
        }
        if lower.contains("timeout expired") {
            return Diagnosis(
                code: .timeout,
                summary: "No answer from \(endpoint) within \(seconds(evidence.timeoutSeconds)): something accepted or dropped the connection but never spoke.",
                fix: "Check that firewalls, security groups or the provider's IP allow-list admit this machine for \(endpoint); if the server is just slow, raise --timeout.")
        }
        if lower.contains("could not translate host name") {
            return Diagnosis(
                code: .hostUnknown,
                summary: "DNS has no address for \"\(target.host)\".",
                fix: "Check the spelling of the host name (copy it from your provider's console); test the lookup with: getent hosts \(shellWord(target.host))")
        }
        if lower.contains("connection refused") {
            return Diagnosis(
                code: .connectionRefused,
                summary: "Nothing accepts connections at \(endpoint): the machine answered, but no server listens on that port.",
                fix: "Check the port (--port; PostgreSQL's default is 5432) and that the server runs with listen_addresses covering this interface (pg_lsclusters, or `ss -ltn` on the server).")
        }
        if lower.contains("received invalid response to ssl negotiation")
            || lower.contains("expected authentication request from server, but received")
        {
            let sent = line.last.map { " (it answered \"\($0)\"\($0 == "H" ? ", likely HTTP" : ""))" } ?? ""
            return Diagnosis(
                code: .notPostgres,
                summary: "\(endpoint) answered, but not as PostgreSQL\(sent).",
                fix: "Check the port: PostgreSQL usually listens on 5432; \(target.port) belongs to another service. Your provider's console shows the right host and port.")
        }
        if lower.contains("root certificate file"), lower.contains("does not exist") {
            let file = names.first ?? target.rootFile ?? "root.crt"
            let issuer = evidence.chainCheck?.presented.last.map { " The server's chain ends at \"\($0.issuer)\"." } ?? ""
            if file == systemRootCertificate {
                return Diagnosis(
                    code: .rootCertMissing,
                    summary: "libpq \(evidence.libpqVersion) reads sslrootcert=system as a file name (\"system\" means OpenSSL's trust store only from libpq 16), and there is no such file.\(issuer)",
                    fix: "Pass the root file itself: --sslrootcert /etc/ssl/certs/ca-certificates.crt (or the path `pgsecure certs` chooses, or your provider's CA file).")
            }
            return Diagnosis(
                code: .rootCertMissing,
                summary: "The root certificate file \(file) does not exist, so libpq cannot verify the server.\(issuer)",
                fix: "Download your provider's root CA certificate and pass it with --sslrootcert PATH (or install ca-certificates and see `pgsecure certs` for the system bundle); do not lower sslmode.")
        }
        if lower.contains("certificate verify failed") {
            return chainFailure(evidence, target: target)
        }
        if lower.contains("does not match host name") || lower.contains("could not get server's host name from server certificate") {
            let sans = evidence.chainCheck?.leaf?.san ?? []
            let listed = sans.isEmpty ? names.first.map { "\"\($0)\"" } ?? "other names" : sans.joined(separator: ", ")
            return Diagnosis(
                code: .hostnameMismatch,
                summary: "The server's certificate is for \(listed), not \"\(target.host)\": verify-full refuses a certificate that does not name the host you asked for.",
                fix: "Connect with a name the certificate lists (--host NAME), or ask the server's operator for a certificate whose subjectAltName includes \(target.host).")
        }
        if lower.contains("server does not support ssl, but ssl was required") {
            return Diagnosis(
                code: .serverNoSSL,
                summary: "The server at \(endpoint) has TLS turned off, and sslmode=\(target.sslmode.rawValue) requires it.",
                fix: "Ask the server's operator to set ssl = on with a certificate in postgresql.conf and reload (SELECT pg_reload_conf()); do not fall back to sslmode=disable across a network.")
        }
        if lower.contains("no pg_hba.conf entry") {
            if lower.contains("no encryption") {
                return Diagnosis(
                    code: .sslRequiredByServer,
                    summary: "The server accepts only encrypted connections (hostssl in pg_hba.conf), and this one was plaintext (sslmode=\(target.sslmode.rawValue)).",
                    fix: "Use TLS: --sslmode verify-full --sslrootcert PATH (the server's root CA).")
            }
            return Diagnosis(
                code: .accessDenied,
                summary: "The server's pg_hba.conf has no line admitting \(target.user.map { "user \"\($0)\"" } ?? "this user") to \(target.dbname.map { "database \"\($0)\"" } ?? "this database") from this address.",
                fix: "Ask the server's operator to add a hostssl line for this user, database and your address to pg_hba.conf and reload.")
        }
        if lower.contains("password authentication failed") || lower.contains("authentication failed for user") {
            let user = target.user ?? names.first ?? "the user"
            return Diagnosis(
                code: .authFailed,
                summary: "The server rejected the password for user \"\(user)\" (or no such user exists).",
                fix: "Check the user name and password; PGPASSWORD or ~/.pgpass may hold an old one. An administrator can reset it: ALTER ROLE \(identifier(user)) PASSWORD '...';")
        }
        if lower.contains("no password supplied") {
            let passfileLine = [target.host, String(target.port), target.dbname ?? "*", target.user ?? "*", "PASSWORD"]
                .map { $0.replacing("\\", with: "\\\\").replacing(":", with: "\\:") }
                .joined(separator: ":")
            return Diagnosis(
                code: .noPassword,
                summary: "The server asked for a password and none was given.",
                fix: "Pipe it in with --password-stdin, set PGPASSWORD, or add this line to ~/.pgpass (chmod 600): \(passfileLine)")
        }
        if lower.contains("database"), lower.contains("does not exist") {
            let name = names.first ?? target.dbname ?? "the database"
            return Diagnosis(
                code: .databaseMissing,
                summary: "Database \"\(name)\" does not exist on this server; the server and your credentials are fine.",
                fix: "Pick an existing database with --dbname (list them: psql ... -l), or create it: createdb -h \(shellWord(target.host)) -p \(target.port)\(target.user.map { " -U " + shellWord($0) } ?? "") \(shellWord(name))")
        }
        return nil
    }

    /// libpq says "certificate verify failed" for every chain problem; pgsecure's own check of the chain names the cause.
    static func chainFailure(_ evidence: ConnectionEvidence, target: TestTarget) -> Diagnosis {
        let inspect = "Inspect the chain: openssl s_client -starttls postgres -connect \(shellWord(target.hostaddr ?? target.host)):\(target.port) -showcerts </dev/null"
        guard let check = evidence.chainCheck, let leaf = check.leaf else {
            return Diagnosis(
                code: .certUntrusted,
                summary: "The server's certificate chain failed verification (pgsecure could not fetch the chain to tell why).",
                fix: "Make sure --sslrootcert names the CA that issued the server's certificate. \(inspect)")
        }
        let root = target.rootFile ?? check.rootFile ?? "the root file"
        switch check.verifyError {
        case OpenSSLVerifyError.expired:
            let expiredCertificate = expiredOne(in: check.presented, now: evidence.now) ?? leaf
            let days = -expiredCertificate.daysLeft(now: evidence.now)
            let which = expiredCertificate == leaf ? "server's certificate" : "certificate \"\(expiredCertificate.subject)\" in the server's chain"
            return Diagnosis(
                code: .certExpired,
                summary: "The \(which) expired on \(UTCTime.date(expiredCertificate.notAfter)) (\(days) day\(days == 1 ? "" : "s") ago).",
                fix: "The server's operator must renew the certificate (ssl_cert_file) and reload: SELECT pg_reload_conf(); do not lower sslmode to get around it. \(inspect)")
        case OpenSSLVerifyError.notYetValid:
            return Diagnosis(
                code: .certNotYetValid,
                summary: "The server's certificate is valid only from \(UTCTime.iso8601(leaf.notBefore)); it is now \(UTCTime.iso8601(evidence.now)).",
                fix: "Check this machine's clock (date -u; timedatectl) — if it is right, the server's operator installed a certificate too early.")
        case OpenSSLVerifyError.ok:
            return Diagnosis(
                code: .certUntrusted,
                summary: "libpq rejected the certificate chain, though it leads to a root in \(root) when pgsecure checks it (revoked, or a CRL or policy libpq applies).",
                fix: "Check sslcrl/sslcrldir and the certificate's status with the server's operator. \(inspect)")
        default:
            let top = check.presented.last?.issuer ?? leaf.issuer
            return Diagnosis(
                code: .certUntrusted,
                summary: "The server's certificate chain does not lead to a root in \(root): it was issued under \"\(top)\" (OpenSSL: \(check.verifyErrorText)).",
                fix: "Pass the CA certificate that issued it, from your provider, with --sslrootcert PATH. \(inspect)")
        }
    }

    /// `invalid connection option "x"` names x; `invalid x value: "y"` names x.
    static func rejectedKeyword(in reason: String) -> String? {
        if let quotedName = LibpqMessage.quotedTokens(in: reason).first, reason.lowercased().contains("invalid connection option") {
            return quotedName
        }
        let words = reason.split(separator: " ")
        guard words.count >= 3, words[0].lowercased() == "invalid", words[2].hasPrefix("value") else { return nil }
        return String(words[1])
    }

    static func expiredOne(in chain: [CertificateFacts], now: Int64) -> CertificateFacts? {
        chain.first { $0.notAfter < now }
    }

    static func success(_ evidence: ConnectionEvidence, verdict: Verdict) -> Diagnosis {
        let version = evidence.serverVersion.map { "PostgreSQL \($0.split(separator: " ").first ?? "")" } ?? "the server"
        let summary = "Connected to \(version) at \(evidence.target.hostAndPort): \(verdict.explanation)."
        let fix: String =
            switch verdict {
            case .verifiedFull: "Nothing to fix."
            case .unencrypted, .encryptedUnverified, .verifiedCA:
                "Use --sslmode verify-full --sslrootcert PATH so the server's identity is checked."
            case .failed: ""
            }
        return Diagnosis(code: .ok, summary: summary, fix: fix)
    }

    /// The text after libpq's `connection to server at ... failed: ` prefix.
    static func reason(from line: String) -> String {
        guard let range = line.firstRange(of: " failed: ") else { return line.trimmingWhitespace }
        return String(line[range.upperBound...]).trimmingWhitespace
    }

    /// A word for a pasteable command: bare when it is plainly safe, single-quoted otherwise.
    static func shellWord(_ value: String) -> String {
        let safe = !value.isEmpty && value.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-._/:@%+,=".unicodeScalars.contains($0))
        }
        return safe ? value : Quoting.posixShell(value)
    }

    static func identifier(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }

    /// "10 s", "2.5 s".
    public static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
