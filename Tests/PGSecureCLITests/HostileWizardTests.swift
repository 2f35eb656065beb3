import Foundation
import PGSecureCLI
import PGSecureWizard
import PGSecureWizardRuntime
import TestSupport
import Testing

/// The wizard against the lab's hostile servers (escape sequences in certificate names, version and error text),
/// through the real loop in memory: no frame holds a character a terminal would act on.
@Suite("The wizard shows hostile server text escaped")
struct HostileWizardTests {
    /// Written out here (not taken from TerminalText) so the test checks the rule.
    static func rawControls(_ screen: Screen) -> [Unicode.Scalar] {
        screen.text.unicodeScalars.filter { scalar in
            let value = scalar.value
            return (value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(value) || value == 0x061C
                || value == 0x200E || value == 0x200F || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value)
        }
    }

    @Test(arguments: [("hostile", "verify-full", "postgres"), ("hostile", "verify-ca", "fatal"), ("hostilerogue", "verify-full", "postgres")])
    func reviewFramesHoldNoControlCharacters(server: String, sslmode: String, dbname: String) async throws {
        let lab = try TLSLab.load()
        let conninfo = "host=localhost port=\(lab.port(server)) user=\(lab.user) dbname=\(dbname) sslmode=\(sslmode) sslrootcert=\(lab.rootCertificate)"
        let log = FrameLog()
        let script: [TestBackend.Step] = [
            .waitFor("Where is the server?"), .key(.enter), .waitFor("Who connects?"), .key(.enter),
            .waitFor("Which database?"), .key(.enter), .waitFor("How much should the connection prove?"), .key(.enter),
            .waitFor("Which roots should vouch"), .key(.enter),
            .waitFor("the test's verdict", timeout: 20) { screen in
                ["failed — no connection", "verified-full — ", "verified-ca — "].contains { screen.text.contains($0) }
            },
            .key(.pageDown), .key(.pageDown), .key(.control("c")),
        ]
        let result = await pgsecure(
            ["wizard", conninfo], environment: ["PGPASSWORD": lab.password], wizard: inMemoryWizard(script, recording: log))
        #expect(result.status == 130, "\(result.stderr)")
        let frames = log.frames.withLock { $0 }
        #expect(frames.contains { $0.text.contains("Review and test") })
        for frame in frames {
            let found = Self.rawControls(frame)
            #expect(found.isEmpty, "raw \(found.map { String($0.value, radix: 16) }) in:\n\(frame.text)")
        }
        // The hostile text was there, and shown escaped.
        #expect(frames.contains { $0.text.contains("\\x1b") }, "the hostile bytes never reached the screen")
    }
}
