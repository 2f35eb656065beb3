/// Turns libpq's words, plus pgsecure's own look at the certificate chain, into a named cause and a fix.
public enum Diagnose {
    public static func diagnosis(_ evidence: ConnectionEvidence, verdict: Verdict, provider: ProviderFinding?) -> Diagnosis {
        let general = diagnosis(evidence, verdict: verdict)
        guard let advice = provider?.fix(for: general.code, host: evidence.target.host) else { return general }
        return Diagnosis(code: general.code, summary: general.summary, fix: advice + " " + general.fix)
    }

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
        if lower.contains("invalid ssl protocol version range") {
            return Diagnosis(
                code: .unsupportedOption,
                summary: "ssl_min_protocol_version is above ssl_max_protocol_version: no TLS version is left to use.",
                fix: "Lower ssl_min_protocol_version or raise ssl_max_protocol_version (or drop both: libpq's default is TLSv1.2 and up).")
        }
        if let diagnosis = clientFailure(line: line, lower: lower, names: names, evidence: evidence, target: target) {
            return diagnosis
        }
        if lower.contains("invalid connection option") || (lower.hasPrefix("invalid ") && lower.contains(" value: ")) {
            let keyword = Self.rejectedKeyword(in: reason(from: line)) ?? "an option"
            return Diagnosis(
                code: .unsupportedOption,
                summary: "libpq \(evidence.libpqVersion) on this machine rejects \(keyword): \(reason(from: line))",
                fix: "Remove \(keyword) or use a value this libpq knows (sslnegotiation needs libpq 17, sslrootcert=system needs 16; `pgsecure certs` shows the version).")
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
            return hostnameFailure(evidence, target: target, libpqNames: names)
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
            if let mismatch = clientCertificateUserMismatch(
                evidence, user: target.user ?? names.first, libpqSaysPassword: lower.contains("password"))
            {
                return mismatch
            }
            if lower.contains("certificate authentication failed") {
                let user = target.user ?? names.first ?? "the user"
                return Diagnosis(
                    code: .clientCertRejected,
                    summary: "The server's certificate authentication (pg_hba.conf `cert`) refused user \"\(user)\"\(evidence.clientCertificate?.leaf.map { " with the certificate \"\($0.subject)\"" } ?? ""): the certificate's name is not one the server maps to this user.",
                    fix: "Use a client certificate whose CN is \(user), or ask the server's operator for a pg_ident.conf map; the server's log names both.")
            }
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
        // The certificate OpenSSL stopped at; it may be a copy from the root file rather than one the server sent.
        let failing = check.failing ?? leaf
        let fromRootFile = !check.wasPresented(failing)
        let which =
            failing.sha256 == leaf.sha256 ? "The server's certificate"
            : fromRootFile ? "Certificate \"\(failing.subject)\" in the root file \(root)"
            : "Certificate \"\(failing.subject)\" in the server's chain"
        switch check.verifyError {
        case OpenSSLVerifyError.expired:
            let days = -failing.daysLeft(now: evidence.now)
            return Diagnosis(
                code: .certExpired,
                summary: "\(which) expired on \(UTCTime.date(failing.notAfter)) (\(days) day\(days == 1 ? "" : "s") ago).",
                fix: fromRootFile
                    ? "Replace that expired copy in \(root) with the CA's current certificate (from your provider), or remove it and keep the root: libpq prefers the root file's copy over the one the server sends."
                    : "The server's operator must renew the certificate (ssl_cert_file) and reload: SELECT pg_reload_conf(); do not lower sslmode to get around it. \(inspect)")
        case OpenSSLVerifyError.notYetValid:
            return Diagnosis(
                code: .certNotYetValid,
                summary: "\(which) is valid only from \(UTCTime.iso8601(failing.notBefore)); it is now \(UTCTime.iso8601(evidence.now)).",
                fix: "Check this machine's clock (date -u; timedatectl) — if it is right, \(fromRootFile ? "replace that certificate in \(root)" : "the server's operator installed a certificate too early").")
        case OpenSSLVerifyError.revoked:
            return Diagnosis(
                code: .certRevoked,
                summary: "\(which) is revoked: a CRL from \"\(failing.issuer)\" in sslcrl/sslcrldir lists it.",
                fix: "The server's operator must replace the revoked certificate; do not drop sslcrl/sslcrldir to get around it. \(inspect)")
        case OpenSSLVerifyError.unableToGetCRL, OpenSSLVerifyError.crlExpired, OpenSSLVerifyError.crlNotYetValid:
            let problem = check.verifyError == OpenSSLVerifyError.unableToGetCRL ? "there is no CRL" : "the CRL is not valid now (\(check.verifyErrorText))"
            return Diagnosis(
                code: .crlMissing,
                summary: "With sslcrl/sslcrldir, libpq checks revocation of every certificate in the chain, and \(problem) for \"\(failing.subject)\" from \"\(failing.issuer)\", the CA that issued it.",
                fix: "Add the current CRL of \"\(failing.issuer)\" to sslcrl (PEM CRLs can be concatenated) or to sslcrldir (then run: openssl rehash DIR).")
        case OpenSSLVerifyError.ok:
            return Diagnosis(
                code: .certUntrusted,
                summary: "libpq rejected the certificate chain, though it leads to a root in \(root) when pgsecure checks it\(check.crlChecked ? " with the same CRLs" : "") (a policy libpq applies that pgsecure does not know).",
                fix: "Check the chain with the server's operator. \(inspect)")
        case OpenSSLVerifyError.unableToGetIssuer:
            // OpenSSL found this certificate in the root file (it is trusted), but not its issuer: no self-signed root.
            return Diagnosis(
                code: .certUntrusted,
                summary: "\(root) holds \"\(failing.subject)\", which leads to the server's certificate, but not the self-signed root \"\(failing.issuer)\" above it: libpq needs the chain to end at a root certificate in the file.",
                fix: "Add the root CA certificate \"\(failing.issuer)\" (from your provider) to \(root): cat root.crt >> \(shellWord(root)).")
        default:
            if check.presented.count == 1, !leaf.isSelfIssued {
                return Diagnosis(
                    code: .certUntrusted,
                    summary: "The server sent only its own certificate, issued by \"\(leaf.issuer)\", which is not in \(root). If \"\(leaf.issuer)\" is an intermediate CA, the server does not send its chain (OpenSSL: \(check.verifyErrorText)).",
                    fix: "The server should send its chain: its operator appends the intermediate certificate after the server certificate in ssl_cert_file and reloads. Until then, adding that intermediate to \(root) (with its root) lets libpq build the chain. If \"\(leaf.issuer)\" is a root CA, pass it with --sslrootcert instead. \(inspect)")
            }
            let top = check.presented.last?.issuer ?? leaf.issuer
            return Diagnosis(
                code: .certUntrusted,
                summary: "The server's certificate chain does not lead to a root in \(root): it was issued under \"\(top)\" (OpenSSL: \(check.verifyErrorText)).",
                fix: "Pass the root CA certificate that \"\(top)\" chains to, from your provider, with --sslrootcert PATH. \(inspect)")
        }
    }

    /// libpq's host-name check failed; libpq's own rule, applied to the certificate pgsecure fetched, says which names
    /// it looked at.
    static func hostnameFailure(_ evidence: ConnectionEvidence, target: TestTarget, libpqNames: [String]) -> Diagnosis {
        let leaf = evidence.chainCheck?.leaf
        let outcome = leaf.map { HostNameMatch.check(host: target.host, san: $0.san, commonName: $0.commonName) }
        if outcome == .noNames || (outcome == nil && libpqNames.isEmpty) {
            return Diagnosis(
                code: .hostnameMismatch,
                summary: "The server's certificate names no host at all (no DNS or IP subjectAltName, no CN), so verify-full cannot match it to \"\(target.host)\".",
                fix: "Ask the server's operator for a certificate whose subjectAltName includes \(target.host).")
        }
        let names: [String] = if case .mismatch(let examined) = outcome { examined } else { Array(libpqNames.prefix(1)) }
        let listed = names.map { "\"\($0)\"" }.joined(separator: ", ")
        return Diagnosis(
            code: .hostnameMismatch,
            summary: "The server's certificate is for \(listed), not \"\(target.host)\": verify-full refuses a certificate that does not name the host you asked for.",
            fix: "Connect with a name the certificate lists (--host NAME), or ask the server's operator for a certificate whose subjectAltName includes \(target.host).")
    }

    /// Failures of the client's own certificate and key: libpq's words (or the server's TLS alert), read against the
    /// certificate and key file pgsecure looked at before connecting.
    static func clientFailure(
        line: String, lower: String, names: [String], evidence: ConnectionEvidence, target: TestTarget
    ) -> Diagnosis? {
        let client = evidence.clientCertificate
        let keyFile = names.first ?? client?.keyFile ?? "the client key"
        if lower.contains("has group or world access") {
            return Diagnosis(
                code: .clientKeyPermissions,
                summary: "libpq refuses the client key \(keyFile): group or others may access it\(client?.keyMode.map { " (mode \(String($0 & 0o777, radix: 8)))" } ?? ""). \(client.map { $0.keyOwnedByRoot ? "Root owns it, so it may be 0640 at most." : "It must be 0600 or stricter (0640 is allowed only when root owns it)." } ?? "It must be 0600 or stricter, or 0640 or stricter when root owns it.")",
                fix: "chmod 600 \(shellWord(keyFile))")
        }
        // libpq 15 with OpenSSL 3: `could not load private key file "%s": bad decrypt` (wrong sslpassword),
        // `processing error` (none), and now and then `unsupported` (OpenSSL's decoders are tried in no fixed order):
        // the tester's pass-phrase hook never prompts, so an encrypted key file is the cause whatever the words.
        if lower.contains("could not load private key file"),
            client?.keyIsEncrypted == true
                || ["bad decrypt", "problem getting password", "bad password read", "processing error"].contains(where: lower.contains)
        {
            return Diagnosis(
                code: .clientKeyEncrypted,
                summary: evidence.sslpasswordGiven
                    ? "The client key \(keyFile) is encrypted, and the sslpassword given does not decrypt it."
                    : "The client key \(keyFile) is encrypted, and no sslpassword was given to decrypt it.",
                fix: "Give the key's pass phrase as sslpassword in the connection string (sslpassword=...); pgsecure never asks for it on the terminal.")
        }
        if lower.contains("certificate present, but not private key file") || lower.contains("key values mismatch") {
            let missing = lower.contains("certificate present")
            return Diagnosis(
                code: .clientKeyInvalid,
                summary: missing
                    ? "The client certificate \(client?.certificateFile ?? "") exists, but its key \(keyFile) does not."
                    : "The client key \(keyFile) does not belong to the client certificate \(client?.certificateFile ?? "").",
                fix: "Pass the key that was made with the certificate: sslkey=PATH (libpq's default is ~/.postgresql/postgresql.key).")
        }
        if lower.contains("connection requires a valid client certificate") {
            let why =
                if let client { "libpq sent none (\(client.certificateFile) holds no readable certificate)" }
                else if let absent = evidence.absentClientCertificateFile { "none was sent: sslcert \(absent) does not exist, and libpq then sends nothing without a word" }
                else { "none was sent: no sslcert was given and ~/.postgresql/postgresql.crt does not exist" }
            return Diagnosis(
                code: .clientCertRequired,
                summary: "The server requires a client certificate (pg_hba.conf `cert`, or clientcert=verify-ca/verify-full), and \(why).",
                fix: "Pass your client certificate and its key: sslcert=PATH sslkey=PATH in the connection string (or put them at ~/.postgresql/postgresql.crt and postgresql.key, mode 0600).")
        }
        if lower.contains("alert certificate revoked") {
            let subject = client?.leaf.map { " \"\($0.subject)\"" } ?? ""
            return Diagnosis(
                code: .clientCertRevoked,
                summary: "The server refused the client certificate\(subject): its CRL (ssl_crl_file) lists it as revoked.",
                fix: "Ask for a new client certificate from the CA that issued it, and pass it with sslcert/sslkey.")
        }
        if lower.contains("alert unknown ca") || lower.contains("alert certificate expired") || lower.contains("alert bad certificate")
            || lower.contains("alert unsupported certificate")
        {
            let subject = client?.leaf.map { " \"\($0.subject)\" (issued by \"\($0.issuer)\")" } ?? ""
            if let client, client.lacksIntermediate, lower.contains("unknown ca") {
                return Diagnosis(
                    code: .clientCertRejected,
                    summary: "The server does not trust the client certificate\(subject): \(client.certificateFile) holds only the certificate, without the intermediate \"\(client.leaf!.issuer)\" that issued it, and the server knows only the root.",
                    fix: "Send the chain: append the intermediate CA certificate to the client certificate file (cat intermediate.crt >> \(shellWord(client.certificateFile))).")
            }
            let reason = line.split(separator: ":").last.map { String($0).trimmingWhitespace } ?? line
            return Diagnosis(
                code: .clientCertRejected,
                summary: "The server refused the client certificate\(subject) during the TLS handshake (\(reason)).",
                fix: "Use a client certificate from a CA in the server's ssl_ca_file, valid now, with its intermediate appended to the sslcert file; the server's log says more.")
        }
        return nil
    }

    /// The server checks a client certificate's CN against the user name (`cert`; clientcert=verify-full, which it
    /// then reports as a failed password): name that cause when the certificate libpq sent has another CN.
    static func clientCertificateUserMismatch(
        _ evidence: ConnectionEvidence, user: String?, libpqSaysPassword: Bool
    ) -> Diagnosis? {
        guard let leaf = evidence.clientCertificate?.leaf, let user, leaf.commonName != user else { return nil }
        let commonName = leaf.commonName.map { "\"\($0)\"" } ?? "missing"
        // The server's pg_hba.conf is not visible from here: a failed password with such a certificate is most likely
        // clientcert=verify-full, but say what else it can be.
        let password = libpqSaysPassword
            ? " With clientcert=verify-full the server reports that as a failed password; if this server does not check client certificates, the password is wrong instead."
            : ""
        return Diagnosis(
            code: .clientCertUserMismatch,
            summary: "The client certificate's CN is \(commonName), and the user is \"\(user)\": the server accepts a certificate only for the user it names (unless pg_ident.conf maps it).\(password)",
            fix: "Connect as the user the certificate names, use a client certificate issued for CN=\(user), or ask the server's operator for a pg_ident.conf map (map=NAME on the pg_hba.conf line).")
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

    static func success(_ evidence: ConnectionEvidence, verdict: Verdict) -> Diagnosis {
        let version = evidence.serverVersion.map { "PostgreSQL \($0.split(separator: " ").first ?? "")" } ?? "the server"
        let summary = "Connected to \(version) at \(evidence.target.hostAndPort): \(verdict.explanation)."
        let fix: String =
            switch verdict {
            case .verifiedFull, .localSocket: "Nothing to fix."
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
