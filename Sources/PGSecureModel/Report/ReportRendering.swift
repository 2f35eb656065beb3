extension Report {
    /// The report for a person: verdict first, then facts, diagnosis, warnings, timings. Every line is escaped for
    /// the terminal: certificate names, the server's version and libpq's words (which quote the server) are the
    /// server's to choose, and the target and file names are the user's paste.
    public var text: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) { lines.append(label.padded(13) + value) }
        let user = target.user.map { " as \($0)" } ?? ""
        let database = target.dbname.map { ", database \($0)" } ?? ""
        let via = target.hostaddr.map { " (address \($0))" } ?? ""
        // libpq ignores sslmode and the root file on a Unix socket: naming them there would claim a check that never ran.
        let security =
            verdict == .localSocket
            ? " (Unix socket: sslmode and the root file do not apply)"
            : ", sslmode=\(target.sslmode.rawValue)" + (target.rootFile.map { ", root file \($0)" } ?? "")
        row("Tested:", "\(target.hostAndPort)\(via)\(user)\(database)\(security)")
        row("Verdict:", "\(verdict.rawValue) — \(verdict.explanation)")
        if connected {
            var reached = "yes"
            if let serverVersion { reached += " — PostgreSQL \(serverVersion)" }
            if let reachedUser { reached += ", user \(reachedUser)" }
            if let reachedDatabase { reached += ", database \(reachedDatabase)" }
            row("Connected:", reached)
        } else {
            row("Connected:", "no")
        }
        if let tls {
            let parts = [tls.protocol, tls.cipher, tls.bits.map { "\($0)-bit" }].compactMap { $0 }
            row("TLS:", parts.joined(separator: ", "))
        } else if connected {
            row("TLS:", "not in use")
        }
        if let certificate {
            row("Certificate:", certificate.subject)
            row("  issuer:", certificate.issuer)
            if let chainCheck, chainCheck.presented.count > 1 || !chainCheck.verifiedPath.isEmpty {
                let path = chainCheck.verifiedPath.isEmpty ? chainCheck.presented.map(\.subject) : chainCheck.verifiedPath
                let ending: String =
                    if chainCheck.isTrusted { " (root found in \(chainCheck.rootFile!))" }
                    else if let root = chainCheck.rootFile { " (rejected with root file \(root): \(chainCheck.verifyErrorText))" }
                    else { "" }
                row("  chain:", path.joined(separator: " → ") + ending)
            }
            if !certificate.san.isEmpty { row("  names:", certificate.san.joined(separator: ", ")) }
            row("  valid:", "\(UTCTime.iso8601(certificate.notBefore)) to \(UTCTime.iso8601(certificate.notAfter)) (\(certificate.validityLeft(now: now)))")
            row("  sha256:", certificate.sha256)
            if let failing = chainCheck?.failing, failing.sha256 != certificate.sha256, let check = chainCheck {
                let source = check.wasPresented(failing) ? "sent by the server" : "from the root file"
                row("  failed at:", "\(failing.subject) (\(source)), valid \(UTCTime.iso8601(failing.notBefore)) to \(UTCTime.iso8601(failing.notAfter)) (\(failing.validityLeft(now: now)))")
            }
        }
        if let provider { row("Provider:", provider.text) }
        if let client = clientCertificate {
            let subject = client.leaf.map { " (\($0.subject))" } ?? ""
            let refused = client.keyRefused ? " (libpq refuses it: readable by group or others)" : ""
            row("Client cert:", client.certificateFile + subject + ", key " + client.keyFile + refused)
        }
        if hosts.count > 1 {
            lines.append("Hosts:")
            lines += hosts.map { host in
                "  \(host.hostAndPort)\(host.answered ? " (answered)" : "") — \(host.verdict.rawValue), \(host.code.rawValue): \(host.summary)"
            }
        }
        row("Diagnosis:", "\(diagnosis.code.rawValue) — \(diagnosis.summary)")
        if !diagnosis.fix.isEmpty { row("  fix:", diagnosis.fix) }
        if !warnings.isEmpty {
            lines.append("Warnings:")
            lines += warnings.map { "  - " + $0 }
        }
        row("Timings:", "dns \(Self.ms(timings.dns)), tcp \(Self.ms(timings.tcp)), tls \(Self.ms(timings.tls)), auth \(Self.ms(timings.auth)), total \(Self.ms(timings.total))")
        if let libpqMessage, !libpqMessage.isEmpty {
            lines.append("libpq said:")
            lines += libpqMessage.split(whereSeparator: \.isNewline).map { "  " + String($0).trimmingWhitespace }
        }
        return lines.map(TerminalText.escaped).joined(separator: "\n") + "\n"
    }

    static func ms(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return "\(tenths) ms"
    }

    /// The report for scripts: the keys issue 3 promises, always present (null when unknown), plus a few extras.
    /// Strings are exact; the few characters a terminal would act on are written as `\uXXXX` escapes.
    public var json: String {
        do {
            // ReportJSON spells its keys in snake_case already: JSONText's key conversion leaves them as they are.
            return try JSONText.of(ReportJSON(self))
        } catch {
            fatalError("a report failed to encode: \(error)")
        }
    }
}

/// The stable JSON shape. Encoded by hand only to write `null` for absent values instead of dropping keys.
struct ReportJSON: Encodable {
    let report: Report

    init(_ report: Report) { self.report = report }

    enum Keys: String, CodingKey {
        case connected, verdict, ssl, server, certificate, diagnosis, warnings, timings_ms, libpq_message, target, sources
        case client_certificate, hosts, file, key_file, key_mode, key_refused, common_name, answered
        case in_use, `protocol`, cipher, bits
        case version, user, database
        case subject, issuer, san, not_before, not_after, days_left, sha256, chain, root_file, root_found, host_matches
        case verify_error, failed_at, from_root_file
        case code, summary, fix
        case dns, tcp, tls, auth, total
        case host, port, hostaddr, dbname, sslmode, sslrootcert
        case provider, name, id, chain_ends_at, documented_root
    }

    func encode(to encoder: Encoder) throws {
        var top = encoder.container(keyedBy: Keys.self)
        try top.encode(report.connected, forKey: .connected)
        try top.encode(report.verdict.rawValue, forKey: .verdict)

        var ssl = top.nestedContainer(keyedBy: Keys.self, forKey: .ssl)
        try ssl.encode(report.tls != nil, forKey: .in_use)
        try ssl.encode(report.tls?.protocol, forKey: .protocol)
        try ssl.encode(report.tls?.cipher, forKey: .cipher)
        try ssl.encode(report.tls?.bits, forKey: .bits)

        var server = top.nestedContainer(keyedBy: Keys.self, forKey: .server)
        try server.encode(report.serverVersion, forKey: .version)
        try server.encode(report.reachedUser, forKey: .user)
        try server.encode(report.reachedDatabase, forKey: .database)

        if let finding = report.provider {
            var node = top.nestedContainer(keyedBy: Keys.self, forKey: .provider)
            try node.encode(finding.provider.id, forKey: .id)
            try node.encode(finding.provider.name, forKey: .name)
            try node.encode(finding.chainEndsAt, forKey: .chain_ends_at)
            try node.encode(finding.endsAtDocumentedRoot, forKey: .documented_root)
        } else {
            try top.encodeNil(forKey: .provider)
        }

        if let certificate = report.certificate {
            var node = top.nestedContainer(keyedBy: Keys.self, forKey: .certificate)
            try node.encode(certificate.subject, forKey: .subject)
            try node.encode(certificate.issuer, forKey: .issuer)
            try node.encode(certificate.san, forKey: .san)
            try node.encode(UTCTime.iso8601(certificate.notBefore), forKey: .not_before)
            try node.encode(UTCTime.iso8601(certificate.notAfter), forKey: .not_after)
            try node.encode(certificate.daysLeft(now: report.now), forKey: .days_left)
            try node.encode(certificate.sha256, forKey: .sha256)
            if let check = report.chainCheck {
                try node.encode(check.verifiedPath.isEmpty ? check.presented.map(\.subject) : check.verifiedPath, forKey: .chain)
                try node.encode(check.rootFile, forKey: .root_file)
                try node.encode(check.isTrusted, forKey: .root_found)
                try node.encode(check.hostMatches, forKey: .host_matches)
                try node.encode(check.verifyErrorText, forKey: .verify_error)
                // The certificate the verify error is about, which need not be the server's own.
                if let failing = check.failing {
                    var failed = node.nestedContainer(keyedBy: Keys.self, forKey: .failed_at)
                    try failed.encode(failing.subject, forKey: .subject)
                    try failed.encode(failing.issuer, forKey: .issuer)
                    try failed.encode(UTCTime.iso8601(failing.notBefore), forKey: .not_before)
                    try failed.encode(UTCTime.iso8601(failing.notAfter), forKey: .not_after)
                    try failed.encode(!check.wasPresented(failing), forKey: .from_root_file)
                } else {
                    try node.encodeNil(forKey: .failed_at)
                }
            }
        } else {
            try top.encodeNil(forKey: .certificate)
        }

        var diagnosis = top.nestedContainer(keyedBy: Keys.self, forKey: .diagnosis)
        try diagnosis.encode(report.diagnosis.code.rawValue, forKey: .code)
        try diagnosis.encode(report.diagnosis.summary, forKey: .summary)
        try diagnosis.encode(report.diagnosis.fix, forKey: .fix)

        try top.encode(report.warnings, forKey: .warnings)
        try top.encode(report.sources, forKey: .sources)

        var timings = top.nestedContainer(keyedBy: Keys.self, forKey: .timings_ms)
        let rounded = { (value: Double) in (value * 100).rounded() / 100 }
        try timings.encode(rounded(report.timings.dns), forKey: .dns)
        try timings.encode(rounded(report.timings.tcp), forKey: .tcp)
        try timings.encode(rounded(report.timings.tls), forKey: .tls)
        try timings.encode(rounded(report.timings.auth), forKey: .auth)
        try timings.encode(rounded(report.timings.total), forKey: .total)

        try top.encode(report.libpqMessage, forKey: .libpq_message)

        if let client = report.clientCertificate {
            var node = top.nestedContainer(keyedBy: Keys.self, forKey: .client_certificate)
            try node.encode(client.certificateFile, forKey: .file)
            try node.encode(client.keyFile, forKey: .key_file)
            try node.encode(client.keyMode.map { "0" + String($0 & 0o777, radix: 8) }, forKey: .key_mode)
            // libpq's own rule, checked before connecting: the key libpq will refuse to load.
            try node.encode(client.keyRefused, forKey: .key_refused)
            try node.encode(client.leaf?.subject, forKey: .subject)
            try node.encode(client.leaf?.commonName, forKey: .common_name)
            try node.encode(client.leaf?.issuer, forKey: .issuer)
        } else {
            try top.encodeNil(forKey: .client_certificate)
        }

        var hosts = top.nestedUnkeyedContainer(forKey: .hosts)
        for host in report.hosts {
            var node = hosts.nestedContainer(keyedBy: Keys.self)
            try node.encode(host.host, forKey: .host)
            try node.encode(host.port, forKey: .port)
            try node.encode(host.answered, forKey: .answered)
            try node.encode(host.verdict.rawValue, forKey: .verdict)
            try node.encode(host.code.rawValue, forKey: .code)
            try node.encode(host.summary, forKey: .summary)
        }

        var target = top.nestedContainer(keyedBy: Keys.self, forKey: .target)
        try target.encode(report.target.host, forKey: .host)
        try target.encode(report.target.port, forKey: .port)
        try target.encode(report.target.hostaddr, forKey: .hostaddr)
        try target.encode(report.target.user, forKey: .user)
        try target.encode(report.target.dbname, forKey: .dbname)
        try target.encode(report.target.sslmode.rawValue, forKey: .sslmode)
        try target.encode(report.target.rootFile, forKey: .sslrootcert)
    }
}

extension String {
    func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(1, width - count)) }
}
