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

/// One audited target: the facts a team scans for. Whether they meet the policy is judged from them, never stored.
public struct AuditRow: Sendable, Equatable {
    public let target: String
    public let verdict: Verdict
    public let tlsVersion: String?
    public let certificateDaysLeft: Int?
    /// The managed provider, when pgsecure recognises it (from the host name or the certificate).
    public let provider: String?
    public let code: DiagnosisCode
    public let summary: String
    public let seconds: Double
    /// Refused before any connection: nothing was tested.
    public let wasRefused: Bool

    public init(target: String, report: Report) {
        self.target = target
        verdict = report.verdict
        tlsVersion = report.tls?.protocol
        certificateDaysLeft = report.certificate?.daysLeft(now: report.now)
        provider = report.provider?.provider.name
        code = report.diagnosis.code
        summary = report.diagnosis.summary
        seconds = report.timings.total / 1000
        wasRefused = false
    }

    /// A target that could not be tested at all (a service entry libpq or pgsecure refuses): failed, with the code
    /// that refusal gets everywhere, and its field and problem (one line) as the summary.
    public init(target: String, refused error: InputError) {
        self.target = target
        verdict = .failed
        (tlsVersion, certificateDaysLeft, provider) = (nil, nil, nil)
        code = DiagnosisCode(refusing: error)
        summary = "\(error.field): \(error.problem)"
        seconds = 0
        wasRefused = true
    }

    /// Why this row falls short of `policy` (nil: it meets it).
    public func shortfall(under policy: AuditPolicy) -> String? {
        // Nothing was tested: the reason it could not be is the shortfall.
        if wasRefused { return summary }
        return policy.shortfall(verdict: verdict, daysLeft: certificateDaysLeft)
    }

    public func meets(_ policy: AuditPolicy) -> Bool { shortfall(under: policy) == nil }

    /// The rows as a table for a person; every cell escaped for the terminal.
    public static func table(_ rows: [AuditRow], policy: AuditPolicy) -> String {
        let header = ["", "TARGET", "VERDICT", "TLS", "DAYS", "CODE", "SECONDS", "WHY"]
        let cells: [[String]] = rows.map { row in
            let days: String = row.certificateDaysLeft.map { String($0) } ?? "-"
            let seconds = String(Double(Int(row.seconds * 100)) / 100)
            let cells: [String] = [
                row.meets(policy) ? "ok" : "!!", row.target, row.verdict.rawValue, row.tlsVersion ?? "-", days,
                row.code.rawValue, seconds, row.shortfall(under: policy) ?? "",
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
        let short = rows.filter { !$0.meets(policy) }.count
        lines.append("\(rows.count - short) of \(rows.count) meet the policy (\(policy.required.rawValue), certificates valid ≥ \(policy.warnDays) days)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rows for CI: a stable JSON document.
    public static func json(_ rows: [AuditRow], policy: AuditPolicy) -> String {
        struct Document: Encodable {
            let require: String
            let warnDays: Int
            let passed: Bool
            let targets: [Judged]
        }
        let document = Document(
            require: policy.required.rawValue, warnDays: policy.warnDays, passed: rows.allSatisfy { $0.meets(policy) },
            targets: rows.map { Judged(row: $0, policy: policy) })
        return (try? JSONText.of(document)) ?? "{}\n"
    }

    /// A row with the policy's judgement of it, as the JSON shows it.
    struct Judged: Encodable {
        let row: AuditRow
        let policy: AuditPolicy

        enum CodingKeys: String, CodingKey {
            case target, verdict, tlsVersion, certificateDaysLeft, provider, code, summary, meetsPolicy, shortfall, seconds
        }

        /// Every key always present (null when unknown), so CI can rely on the shape.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(row.target, forKey: .target)
            try container.encode(row.verdict, forKey: .verdict)
            try container.encode(row.tlsVersion, forKey: .tlsVersion)
            try container.encode(row.certificateDaysLeft, forKey: .certificateDaysLeft)
            try container.encode(row.provider, forKey: .provider)
            try container.encode(row.code, forKey: .code)
            try container.encode(row.summary, forKey: .summary)
            try container.encode(row.meets(policy), forKey: .meetsPolicy)
            try container.encode(row.shortfall(under: policy), forKey: .shortfall)
            try container.encode((row.seconds * 1000).rounded() / 1000, forKey: .seconds)
        }
    }
}
