/// What `pgsecure audit` asks of every target: at least this strength of verification, and a certificate that
/// stays valid for at least this many days.
public struct AuditPolicy: Sendable, Equatable {
    public let required: SSLMode
    public let warnDays: Int

    public init(required: SSLMode = .verifyFull, warnDays: Int = 14) {
        self.required = required
        self.warnDays = warnDays
    }

    /// How strongly a verdict proved who answered, on the sslmode scale (nil: no connection).
    static func strength(_ verdict: Verdict) -> SSLMode? {
        switch verdict {
        // A socket never leaves the machine: nothing to verify, so it meets any policy.
        case .verifiedFull, .localSocket: .verifyFull
        case .verifiedCA: .verifyCA
        case .encryptedUnverified: .require
        case .unencrypted: .disable
        case .failed: nil
        }
    }

    /// Why this report falls short (nil: it meets the policy).
    public func shortfall(verdict: Verdict, daysLeft: Int?) -> String? {
        guard let strength = Self.strength(verdict) else { return "no connection (see the code)" }
        if strength < required { return "\(verdict.rawValue) is weaker than \(required.rawValue)" }
        if let daysLeft, daysLeft < warnDays {
            return daysLeft < 0 ? "the certificate has expired" : "the certificate expires in \(daysLeft) days (< \(warnDays))"
        }
        return nil
    }
}

/// One audited target: the facts a team scans for, and whether they meet the policy.
public struct AuditRow: Sendable, Equatable, Codable {
    public let target: String
    public let verdict: Verdict
    public let tlsVersion: String?
    public let certificateDaysLeft: Int?
    /// The managed provider, when pgsecure recognises it (from the host name or the certificate).
    public let provider: String?
    public let code: DiagnosisCode
    public let summary: String
    public let meetsPolicy: Bool
    public let shortfall: String?
    public let seconds: Double

    enum CodingKeys: String, CodingKey {
        case target, verdict, tlsVersion, certificateDaysLeft, provider, code, summary, meetsPolicy, shortfall, seconds
    }

    /// Every key always present (null when unknown), so CI can rely on the shape.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(target, forKey: .target)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(tlsVersion, forKey: .tlsVersion)
        try container.encode(certificateDaysLeft, forKey: .certificateDaysLeft)
        try container.encode(provider, forKey: .provider)
        try container.encode(code, forKey: .code)
        try container.encode(summary, forKey: .summary)
        try container.encode(meetsPolicy, forKey: .meetsPolicy)
        try container.encode(shortfall, forKey: .shortfall)
        try container.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
    }

    public init(target: String, report: Report, policy: AuditPolicy) {
        self.target = target
        verdict = report.verdict
        tlsVersion = report.tls?.protocol
        certificateDaysLeft = report.certificate?.daysLeft(now: report.now)
        provider = report.provider?.provider.name
        code = report.diagnosis.code
        summary = report.diagnosis.summary
        shortfall = policy.shortfall(verdict: report.verdict, daysLeft: certificateDaysLeft)
        meetsPolicy = shortfall == nil
        seconds = report.timings.total / 1000
    }

    /// The rows as a table for a person; every cell escaped for the terminal.
    public static func table(_ rows: [AuditRow], policy: AuditPolicy) -> String {
        let header = ["", "TARGET", "VERDICT", "TLS", "DAYS", "CODE", "SECONDS", "WHY"]
        let cells: [[String]] = rows.map { row in
            let days: String = row.certificateDaysLeft.map { String($0) } ?? "-"
            let seconds = String(Double(Int(row.seconds * 100)) / 100)
            let cells: [String] = [
                row.meetsPolicy ? "ok" : "!!", row.target, row.verdict.rawValue, row.tlsVersion ?? "-", days,
                row.code.rawValue, seconds, row.shortfall ?? "",
            ]
            return cells.map { TerminalText.escaped($0) }
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max()! }
        var lines = ([header] + cells).map { row in
            var line = row.indices.map { column in row[column] + String(repeating: " ", count: widths[column] - row[column].count) }
                .joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
        let short = rows.filter { !$0.meetsPolicy }.count
        lines.append("\(rows.count - short) of \(rows.count) meet the policy (\(policy.required.rawValue), certificates valid ≥ \(policy.warnDays) days)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rows for CI: a stable JSON document.
    public static func json(_ rows: [AuditRow], policy: AuditPolicy) -> String {
        struct Document: Encodable {
            let require: String
            let warnDays: Int
            let passed: Bool
            let targets: [AuditRow]
        }
        let document = Document(require: policy.required.rawValue, warnDays: policy.warnDays, passed: rows.allSatisfy(\.meetsPolicy), targets: rows)
        return (try? JSONText.of(document)) ?? "{}\n"
    }
}
