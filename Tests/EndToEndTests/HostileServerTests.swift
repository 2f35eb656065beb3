import Foundation
import Testing

/// The lab's hostile servers (Tests/lab/hostile-server.py) put ESC, OSC 52, BEL, a C1 CSI and bidi controls in their
/// certificate names, server_version, a NOTICE and a FATAL error. `pgsecure test` must show none of them raw, in
/// any sslmode, and `--json` must still carry them exactly.
@Suite("A hostile server cannot write to the terminal")
struct HostileServerTests {
    /// As in hostile-server.py: the dNSName SAN, and the marker in names and protocol text.
    static let osc52 = "x\u{1B}[5mblink\u{1B}]52;c;ZXZpbA==\u{07}y"
    static let marker = "hostile\u{1B}[31m\u{9B}31m\u{202E}txt.exe\u{2066}"

    struct Case: Sendable, CustomTestStringConvertible {
        let server: String
        let sslmode: String
        /// "fatal" makes the server answer with a FATAL error instead of a session.
        let dbname: String
        var testDescription: String { "\(server) \(sslmode) \(dbname)" }

        /// libpq accepts the hostile certificate (from the lab's intermediate, naming no host) only without the host
        /// name check; the rogue one never (require with a root file checks the chain).
        var certificateAccepted: Bool { server == "hostile" && (sslmode == "require" || sslmode == "verify-ca") }
        var connects: Bool { dbname == "postgres" && (sslmode == "disable" || certificateAccepted) }
        /// From the session, or fetched to explain a refusal; none when TLS worked and the server's FATAL error ended
        /// the attempt (nothing about the certificate to explain).
        var reportsCertificate: Bool { sslmode != "disable" && (connects || !certificateAccepted) }
    }

    static let cases: [Case] = ["hostile", "hostilerogue"].flatMap { server in
        ["disable", "require", "verify-ca", "verify-full"].flatMap { mode in
            ["postgres", "fatal"].map { Case(server: server, sslmode: mode, dbname: $0) }
        }
    }

    /// Characters a terminal acts on (written out here, not taken from TerminalText, so the test checks the rule).
    static func rawControls(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            let value = scalar.value
            return (value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(value) || value == 0x061C
                || value == 0x200E || value == 0x200F || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value)
        }
    }

    static func arguments(_ lab: TLSLab, _ run: Case) -> [String] {
        [
            "test", "--host", "localhost", "--port", String(lab.port(run.server)), "--user", lab.user, "--dbname",
            run.dbname, "--sslmode", run.sslmode, "--sslrootcert", lab.rootCertificate, "--timeout", "5",
        ]
    }

    @Test(arguments: cases)
    func humanOutputShowsTheServerTextEscaped(_ run: Case) throws {
        let lab = try TLSLab.load()
        let result = try pgsecure(Self.arguments(lab, run), environment: ["PGPASSWORD": lab.password])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        #expect(Self.rawControls(result.stdout).isEmpty, "\(result.stdout.debugDescription)")
        #expect(Self.rawControls(result.stderr).isEmpty, "\(result.stderr.debugDescription)")
        // The hostile text did arrive, escaped: the report is not silent about what the server said.
        #expect(result.stdout.contains("\\x1b]52;c;ZXZpbA==\\x07"), "\(result.stdout)")
    }

    @Test(arguments: cases)
    func jsonCarriesTheExactText(_ run: Case) throws {
        let lab = try TLSLab.load()
        let result = try pgsecure(Self.arguments(lab, run) + ["--json"], environment: ["PGPASSWORD": lab.password])
        #expect(Self.rawControls(result.stdout).isEmpty, "the JSON is terminal-safe too: \(result.stdout.debugDescription)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutBytes) as? [String: Any])
        let strings = Self.strings(in: report)
        #expect(strings.contains { $0.contains(Self.osc52) }, "\(strings)")
        #expect(report["connected"] as? Bool == run.connects, "\(report)")
        if run.reportsCertificate {
            let certificate = try #require(report["certificate"] as? [String: Any], "\(report)")
            #expect(certificate["san"] as? [String] == ["DNS:" + Self.osc52])
            #expect((certificate["subject"] as? String)?.contains("CN=" + Self.marker) == true)
            if run.server == "hostilerogue" {
                #expect((certificate["issuer"] as? String)?.contains("CN=rogue CA " + Self.marker) == true)
            }
        } else {
            #expect(!(report["certificate"] is [String: Any]), "\(report)")
        }
        if run.connects {
            let server = try #require(report["server"] as? [String: Any], "\(report)")
            #expect(server["version"] as? String == "15.0" + Self.osc52 + Self.marker)
        }
    }

    static func strings(in value: Any) -> [String] {
        switch value {
        case let text as String: [text]
        case let list as [Any]: list.flatMap(strings)
        case let object as [String: Any]: object.values.flatMap(strings)
        default: []
        }
    }
}
