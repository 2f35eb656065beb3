import PGSecureLibPQ
import TestSupport
import Testing
@testable import PGSecureModel

/// Every string pgsecure builds must mean, to libpq itself, exactly the settings it was built from.
@Suite("Round trips through libpq's PQconninfoParse")
struct RoundTripTests {
    static func parsedBack(_ text: String) throws -> ConnectionSettings {
        try ConnectionSettings(options: LibPQ.parse(text))
    }

    static func expectRoundTrip(_ text: String, _ original: ConnectionSettings) {
        do {
            #expect(try parsedBack(text) == original, "\(text)")
        } catch {
            Issue.record("libpq rejected \(text): \(error)")
        }
    }

    enum Form: String, CaseIterable { case uri, conninfo }

    static func text(_ settings: ConnectionSettings, _ form: Form) -> String {
        form == .uri ? settings.uri : settings.conninfo
    }

    /// A fixed corpus of 3,000 hostile settings per form: the same cases on every run.
    @Test(arguments: Form.allCases)
    func fixedCorpusRoundTrips(form: Form) {
        forEachFixedCase(3000, seed: form == .uri ? 2 : 3, of: hostileSettings) { original in
            Self.expectRoundTrip(Self.text(original, form), original)
        }
    }

    /// Fresh random cases each run, shrunk to a minimal failing input, with the seed to replay it.
    @Test(arguments: Form.allCases)
    func randomRoundTrips(form: Form) async {
        await propertyCheck(count: 1000, input: hostileSettings) { original in
            Self.expectRoundTrip(Self.text(original, form), original)
        }
    }

    /// Strings people paste, as libpq reads them.
    @Test(arguments: [
        ("postgres://alex:AbC123dEf@ep-cool-darkness-123456.us-east-2.aws.neon.tech/dbname?sslmode=require",
         ConnectionSettings(
            endpoints: [Endpoint(host: "ep-cool-darkness-123456.us-east-2.aws.neon.tech")], user: "alex",
            password: "AbC123dEf", dbname: "dbname", sslmode: .require)),
        ("postgresql://[::1]:5433,db2:5434/app", ConnectionSettings(
            endpoints: [Endpoint(host: "::1", port: 5433), Endpoint(host: "db2", port: 5434)], dbname: "app")),
        ("host=a,b port=5432 user='o\\'brien' application_name=x", ConnectionSettings(
            endpoints: [Endpoint(host: "a", port: 5432), Endpoint(host: "b", port: 5432)], user: "o'brien",
            otherOptions: [LibpqOption("application_name", "x")])),
    ])
    func pastedStrings(text: String, expected: ConnectionSettings) throws {
        #expect(try Self.parsedBack(text) == expected)
        #expect(try Self.parsedBack(expected.uri) == expected)
        #expect(try Self.parsedBack(expected.conninfo) == expected)
    }

    @Test func uriEncodesEveryReservedByte() {
        let settings = ConnectionSettings(
            endpoints: [Endpoint(host: "db.example.com")], user: "u@x", password: "p@ss/w:rd+%", dbname: "a b")
        #expect(settings.uri == "postgresql://u%40x:p%40ss%2Fw%3Ard%2B%25@db.example.com/a%20b")
    }

    @Test func ipv6HostsGoInBrackets() {
        let settings = ConnectionSettings(endpoints: [Endpoint(host: "2001:db8::1", port: 5432)])
        #expect(settings.uri == "postgresql://[2001:db8::1]:5432/")
    }
}
