#if canImport(Glibc)
import Glibc
#endif
import Testing
import PGSecureModel

/// The model's IP-literal rule must be libpq's: glibc's inet_aton for IPv4, inet_pton for IPv6.
@Suite("IP address literals against glibc")
struct IPAddressOracleTests {
    static func glibcAccepts(_ text: String) -> Bool { glibcBytes(text) != nil }

    /// The bytes libpq compares with an iPAddress SAN (inet_aton first, as libpq does for a 4-byte SAN).
    static func glibcBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_aton(text, &v4) != 0 { return withUnsafeBytes(of: &v4.s_addr) { Array($0) } }
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static let fixed = [
        "127.0.0.1", "127.1", "1.2.3", "0x7f.0.0.1", "0X7F.1", "017.0.0.1", "08.1.1.1", "0x", "0x.1", "1.", ".1", "1..2",
        "256.1.1.1", "1.256.1", "1.2.65535", "1.2.65536", "4294967295", "4294967296", "1.2.3.4.5", "1.2.3.4 junk",
        "1.2.3.4\tx", "1.2.3.4x", " 1.2.3.4", "", "::", "::1", "1::", ":1", "1:", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
        "1::2::3", "::ffff:1.2.3.4", "::ffff:01.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "12345::",
        "fe80::1%eth0", "2001:db8::1", "1:0:0:2::3", "::ffff:192.0.2.1", "0xC0.0.2.2", "3221225986", "[::1]", "db.example.com", "cafe", "cafe::", "::1.2.3", "1.2.3.4::", "0", "00", "09",
    ]

    @Test(arguments: fixed)
    func fixedCasesAgree(text: String) {
        #expect(IPAddress.isLiteral(text) == Self.glibcAccepts(text), "\(text.debugDescription)")
        #expect(IPAddress.bytes(text) == Self.glibcBytes(text), "\(text.debugDescription)")
    }

    /// Random strings over the characters that matter: 20,000 per run, seeded so a failure repeats.
    @Test func randomCasesAgree() {
        var generator = SplitMix(seed: 0x1b5)
        let alphabet = Array("0123456789abcdefxX.: \t%")
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 16)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            if IPAddress.isLiteral(text) != Self.glibcAccepts(text) || IPAddress.bytes(text) != Self.glibcBytes(text) {
                Issue.record("disagree on \(text.debugDescription): model \(IPAddress.isLiteral(text))")
                return
            }
        }
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
