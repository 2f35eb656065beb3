import Foundation
import Testing
@testable import PGSecureModel

@Suite("Client capability table")
struct CapabilityTableTests {
    /// One source of truth: the README's table is the model's, word for word.
    @Test func readmeShowsTheModelsTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        if !text.contains(SnippetClient.capabilityTable) {
            Issue.record("README.md does not hold the capability table; paste this:\n\(SnippetClient.capabilityTable)")
        }
    }

    /// Never a weaker reading of a mode than libpq's, except where the table itself says so (and the snippet warns).
    @Test(arguments: SnippetClient.allCases)
    func verifyFullAlwaysChecksTheChainAndTheHostName(client: SnippetClient) {
        #expect(client.capabilities.sslModes[.verifyFull] == .chainAndHost)
        #expect(client.capabilities.sslModes.count == SSLMode.allCases.count)
    }

    @Test func pgjdbcRequireIsFlaggedAsWeakerThanLibpqs() throws {
        let settings = ConnectionSettings(endpoints: [Endpoint(host: "h")], sslmode: .require, sslrootcert: "/r.crt")
        #expect(settings.capabilityWarnings(for: .jdbc).contains { $0.hasSuffix("use verify-full") })
        #expect(settings.capabilityWarnings(for: .psycopg2).isEmpty)
    }
}
