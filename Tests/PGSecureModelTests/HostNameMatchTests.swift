import Testing
import PGSecureModel

/// libpq 15's host-name rule, case by case from PostgreSQL's src/test/ssl/t/001_ssltests.pl (the live agreement with
/// psql is in EndToEndTests/FieldTests.swift).
@Suite struct HostNameMatchTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let san: [String]
        let commonName: String?
        let host: String
        let matches: Bool
        var testDescription: String { "\(host) against \(san) CN=\(commonName ?? "-")" }
    }

    static let domain = "pg-ssltest.test"
    static let multipleAltNames = ["DNS:dns1.alt-name.\(domain)", "DNS:dns2.alt-name.\(domain)", "DNS:*.wildcard.\(domain)"]
    static let ipAltNames = ["IP:192.0.2.1", "IP:2001:db8::1"]

    static let cases: [Case] = [
        // CN only.
        Case(san: [], commonName: "common-name.\(domain)", host: "common-name.\(domain)", matches: true),
        Case(san: [], commonName: "common-name.\(domain)", host: "COMMON-NAME.\(domain)", matches: true),
        Case(san: [], commonName: "common-name.\(domain)", host: "wronghost.\(domain)", matches: false),
        // Several DNS SANs: the CN is ignored; a wildcard is exactly one left-most label.
        Case(san: multipleAltNames, commonName: "common-name.\(domain)", host: "dns1.alt-name.\(domain)", matches: true),
        Case(san: multipleAltNames, commonName: "common-name.\(domain)", host: "dns2.alt-name.\(domain)", matches: true),
        Case(san: multipleAltNames, commonName: "common-name.\(domain)", host: "foo.wildcard.\(domain)", matches: true),
        Case(san: multipleAltNames, commonName: "common-name.\(domain)", host: "wildcard.\(domain)", matches: false),
        Case(san: multipleAltNames, commonName: "common-name.\(domain)", host: "deep.subdomain.wildcard.\(domain)", matches: false),
        Case(san: multipleAltNames, commonName: "common-name.\(domain)", host: "common-name.\(domain)", matches: false),
        Case(san: ["DNS:f*.example.com"], commonName: nil, host: "foo.example.com", matches: false),
        // iPAddress SANs: compared as addresses (inet_aton and inet_pton forms), never as CIDR.
        Case(san: ipAltNames, commonName: nil, host: "192.0.2.1", matches: true),
        Case(san: ipAltNames, commonName: nil, host: "192.000.002.001", matches: true),
        Case(san: ipAltNames, commonName: nil, host: "0xC0.0.2.1", matches: true),
        Case(san: ipAltNames, commonName: nil, host: "192.0.2.2", matches: false),
        Case(san: ipAltNames, commonName: nil, host: "192.0.2.1/32", matches: false),
        Case(san: ipAltNames, commonName: nil, host: "2001:DB8::1", matches: true),
        Case(san: ipAltNames, commonName: nil, host: "2001:db8:0:0:0:0:0:1", matches: true),
        Case(san: ipAltNames, commonName: nil, host: "2001:db8::0.0.0.1", matches: true),
        Case(san: ipAltNames, commonName: nil, host: "::1", matches: false),
        Case(san: ipAltNames, commonName: nil, host: "2001:DB8::1/128", matches: false),
        // A DNS CN with IP SANs: a name host still falls back to the CN (no SAN of its own type).
        Case(san: ipAltNames, commonName: "common-name.\(domain)", host: "common-name.\(domain)", matches: true),
        Case(san: ipAltNames, commonName: "common-name.\(domain)", host: "2001:db8::1", matches: true),
        // An IP CN with IP SANs: the CN is ignored.
        Case(san: ["IP:192.0.2.2", "IP:2001:db8::1"], commonName: "192.0.2.1", host: "192.0.2.2", matches: true),
        Case(san: ["IP:192.0.2.2", "IP:2001:db8::1"], commonName: "192.0.2.1", host: "192.0.2.1", matches: false),
        // An IP CN with DNS SANs: an IP host falls back to the CN (libpq breaks RFC 6125 here, on purpose).
        Case(san: ["DNS:dns1.alt-name.\(domain)"], commonName: "192.0.2.1", host: "192.0.2.1", matches: true),
        Case(san: ["DNS:dns1.alt-name.\(domain)"], commonName: "192.0.2.1", host: "dns1.alt-name.\(domain)", matches: true),
        // An IP address written in a dNSName matches as text, not as an address.
        Case(san: ["DNS:192.0.2.1"], commonName: nil, host: "192.0.2.1", matches: true),
        Case(san: ["DNS:192.0.2.1"], commonName: nil, host: "192.000.002.001", matches: false),
        // Other SAN types are not names for libpq.
        Case(san: ["email:db@example.com", "URI:https://db.example.com"], commonName: "db.example.com", host: "db.example.com", matches: true),
    ]

    @Test(arguments: cases)
    func libpqRule(_ testCase: Case) {
        let outcome = HostNameMatch.check(host: testCase.host, san: testCase.san, commonName: testCase.commonName)
        #expect(outcome.isMatch == testCase.matches, "\(outcome)")
    }

    @Test func mismatchListsTheNamesLibpqLookedAt() {
        #expect(HostNameMatch.check(host: "common-name.\(Self.domain)", san: Self.multipleAltNames, commonName: "common-name.\(Self.domain)")
            == .mismatch(names: Self.multipleAltNames.map { String($0.dropFirst(4)) }))
        #expect(HostNameMatch.check(host: "a.example", san: ["IP:192.0.2.1"], commonName: "b.example")
            == .mismatch(names: ["192.0.2.1", "b.example"]))
    }

    @Test func noNamesAndEmbeddedNul() {
        #expect(HostNameMatch.check(host: "localhost", san: [], commonName: nil) == .noNames)
        #expect(HostNameMatch.check(host: "localhost", san: ["email:a@b"], commonName: nil) == .noNames)
        #expect(HostNameMatch.check(host: "localhost", san: ["DNS:localhost\u{0}.evil.example"], commonName: nil) == .invalidName)
    }

    /// libpq 15 (fe-secure-openssl.c): 0600 or less for the user's own key, 0640 or less for a root-owned one.
    @Test(arguments: [
        (0o600, false, false), (0o400, false, false), (0o640, false, true), (0o604, false, true), (0o644, false, true),
        (0o700, false, false), (0o610, false, true),
        (0o600, true, false), (0o640, true, false), (0o644, true, true), (0o660, true, true), (0o650, true, true),
        (0o641, true, true),
    ] as [(UInt32, Bool, Bool)])
    func clientKeyRule(mode: UInt32, ownedByRoot: Bool, refused: Bool) {
        #expect(ClientKeyRule.refuses(mode: mode, ownedByRoot: ownedByRoot) == refused)
    }
}
