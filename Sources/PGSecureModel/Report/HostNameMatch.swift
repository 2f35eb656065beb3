/// libpq 15's own host-name check for sslmode=verify-full (fe-secure-openssl.c
/// `pgtls_verify_peer_name_matches_certificate_guts`, fe-secure-common.c), as a pure function of the certificate's
/// names — not OpenSSL's X509_check_host, which differs:
/// - every dNSName and iPAddress SAN is tried, in order, whatever the host is: an IP host matches a dNSName holding
///   the same text, and a name host can match an iPAddress SAN written as an address;
/// - the CN is tried only when no SAN has the host's own type (iPAddress for an IP host, dNSName otherwise): an IP
///   host falls back to the CN even when dNSName SANs exist;
/// - names compare case-insensitively (ASCII); a wildcard is `*.` followed by the rest, and covers exactly one label
///   (`*.example.com` matches neither `example.com` nor `a.b.example.com`);
/// - addresses compare as bytes (`inet_aton` for IPv4, so `0xC0.0.2.2` is 192.0.2.2).
public enum HostNameMatch {
    public enum Outcome: Sendable, Equatable {
        case matches
        /// `names` are the ones libpq looked at, in order (what its error message quotes the first of).
        case mismatch(names: [String])
        /// No dNSName, no iPAddress SAN and no CN: "could not get server's host name from server certificate".
        case noNames
        /// A name with an embedded NUL: libpq refuses the certificate ("contains embedded null").
        case invalidName

        public var isMatch: Bool { self == .matches }
    }

    /// `san` as `CertificateFacts.san` writes it (`DNS:…`, `IP:…`; other types are ignored, as libpq does);
    /// `commonName` the subject's first CN.
    public static func check(host: String, san: [String], commonName: String?) -> Outcome {
        let hostIsAddress = IPAddress.isLiteral(host)
        var examined: [String] = []
        var checkCommonName = true
        for entry in san {
            let isDNS = entry.hasPrefix("DNS:"), isIP = entry.hasPrefix("IP:")
            guard isDNS || isIP else { continue }
            // A SAN of the host's own type rules the CN out.
            if isDNS != hostIsAddress { checkCommonName = false }
            let name = String(entry.dropFirst(isDNS ? 4 : 3))
            examined.append(name)
            if isDNS {
                guard !name.utf8.contains(0) else { return .invalidName }
                if nameMatches(name, host: host) { return .matches }
            } else if let address = IPAddress.bytes(name), addressMatches(address, host: host) {
                return .matches
            }
        }
        if checkCommonName, let commonName {
            examined.append(commonName)
            guard !commonName.utf8.contains(0) else { return .invalidName }
            if nameMatches(commonName, host: host) { return .matches }
        }
        return examined.isEmpty ? .noNames : .mismatch(names: examined)
    }

    /// pq_verify_peer_name_matches_certificate_name: exact (ASCII case-insensitive), or wildcard_certificate_match.
    static func nameMatches(_ name: String, host: String) -> Bool {
        let pattern = Array(name.utf8).map(asciiLowercased), string = Array(host.utf8).map(asciiLowercased)
        if pattern == string { return true }
        guard pattern.count >= 3, pattern[0] == UInt8(ascii: "*"), pattern[1] == UInt8(ascii: "."),
            pattern.count <= string.count
        else { return false }
        let suffixStart = string.count - pattern.count + 1
        guard Array(string[suffixStart...]) == Array(pattern.dropFirst()) else { return false }
        // No dot left of where the pattern's `.rest` starts: the wildcard stands for exactly one label.
        return !string[..<(suffixStart - 1)].contains(UInt8(ascii: "."))
    }

    /// pq_verify_peer_name_matches_certificate_ip: the host parsed as an address of the SAN's length.
    static func addressMatches(_ address: [UInt8], host: String) -> Bool {
        switch address.count {
        case 4: IPAddress.ipv4Bytes(host) == address
        case 16: IPAddress.ipv6Bytes(host) == address
        default: false
        }
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
