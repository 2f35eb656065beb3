/// libpq's idea of an IP address literal, without resolving anything: the one rule for the wizard, the outputs and
/// the tester's own host-name check (tested against glibc's inet_aton and inet_pton).
public enum IPAddress {
    /// libpq (fe-secure-openssl.c, is_ip_address) matches a host against iPAddress names when `inet_aton` or
    /// `inet_pton(AF_INET6)` accepts it: so `127.1` and `0x7f.0.0.1` are addresses too.
    public static func isLiteral(_ host: String) -> Bool { isIPv4(host) || isIPv6(host) }

    /// The address's bytes in network order, as libpq compares a host with an iPAddress SAN: 4 bytes as `inet_aton`
    /// reads the text, 16 as `inet_pton(AF_INET6)` does; nil when it is no address.
    public static func bytes(_ host: String) -> [UInt8]? { ipv4Bytes(host) ?? ipv6Bytes(host) }

    static func ipv4Bytes(_ text: String) -> [UInt8]? {
        ipv4Value(text).map { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    }

    /// libpq sends the host as SNI unless it is made only of digits and dots, or holds a colon.
    public static func isSentAsServerName(_ host: String) -> Bool {
        !host.isEmpty && !host.utf8.allSatisfy { $0 == UInt8(ascii: ".") || isDigit($0) } && !host.contains(":")
    }

    /// As above, with the connection's `sslsni`: libpq sends SNI only when it starts with "1" (unset or empty: its
    /// default, "1"; `sslsni=0` sends none).
    public static func isSentAsServerName(_ host: String, sslsni: String?) -> Bool {
        (sslsni.flatMap { $0.isEmpty ? nil : $0 } ?? "1").hasPrefix("1") && isSentAsServerName(host)
    }

    /// glibc's `inet_aton`: one to four parts, each decimal, octal (leading 0) or hex (0x); the last part fills the
    /// remaining bytes; anything after a white-space character is ignored.
    static func isIPv4(_ text: String) -> Bool { ipv4Value(text) != nil }

    static func ipv4Value(_ text: String) -> UInt32? {
        var bytes = Array(text.utf8)[...]
        var parts: [UInt64] = []
        while true {
            guard let first = bytes.first, isDigit(first) else { return nil }
            var base: UInt64 = 10
            if first == UInt8(ascii: "0") {
                bytes = bytes.dropFirst()
                if let next = bytes.first, next == UInt8(ascii: "x") || next == UInt8(ascii: "X") {
                    // strtoul reads "0x" without a hex digit as 0 followed by an "x": not an address.
                    guard let digit = bytes.dropFirst().first, digitValue(digit, base: 16) != nil else { return nil }
                    base = 16
                    bytes = bytes.dropFirst()
                } else {
                    base = 8
                }
            }
            var value: UInt64 = 0
            while let byte = bytes.first, let digit = digitValue(byte, base: base) {
                value = value * base + digit
                if value > UInt64(UInt32.max) { return nil }
                bytes = bytes.dropFirst()
            }
            if let byte = bytes.first, isDigit(byte) { return nil }  // 8 or 9 in an octal part
            parts.append(value)
            guard bytes.first == UInt8(ascii: ".") else { break }
            guard parts.count < 4, value <= 0xFF else { return nil }
            bytes = bytes.dropFirst()
        }
        if let trailing = bytes.first, !isSpace(trailing) { return nil }
        let limits: [UInt64] = [0xFFFF_FFFF, 0xFF_FFFF, 0xFFFF, 0xFF]
        guard parts.last! <= limits[parts.count - 1] else { return nil }
        // The leading parts are bytes; the last fills what remains.
        let leading = parts.dropLast().enumerated().reduce(UInt64(0)) { $0 | $1.element << (24 - 8 * UInt64($1.offset)) }
        return UInt32(leading | parts.last!)
    }

    /// glibc's `inet_pton(AF_INET6)`: eight groups of 1–4 hex digits, one `::` for a run of zeros, and an optional
    /// dotted IPv4 address (strict: four decimal parts, no leading zeros) in the last 32 bits.
    static func isIPv6(_ text: String) -> Bool { ipv6Bytes(text) != nil }

    static func ipv6Bytes(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        var index = 0
        // 16-bit groups before and after the `::` (all in `head` when there is none).
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        func append(_ group: UInt16) { if sawDoubleColon { tail.append(group) } else { head.append(group) } }
        if bytes.starts(with: Array("::".utf8)) {
            sawDoubleColon = true
            index = 2
            if index == bytes.count { return [UInt8](repeating: 0, count: 16) }
        } else if bytes.first == UInt8(ascii: ":") {
            return nil
        }
        while index < bytes.count {
            let start = index
            var value: UInt16 = 0
            while index < bytes.count, let digit = digitValue(bytes[index], base: 16) {
                value = value &* 16 &+ UInt16(digit)
                index += 1
            }
            let digits = index - start
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                // The embedded IPv4 address ends the text.
                guard isStrictIPv4(bytes[start...]), head.count + tail.count + 2 <= 8,
                    let v4 = ipv4Value(String(decoding: bytes[start...], as: UTF8.self))
                else { return nil }
                append(UInt16(v4 >> 16))
                append(UInt16(v4 & 0xFFFF))
                index = bytes.count
                break
            }
            guard digits >= 1, digits <= 4 else { return nil }
            append(value)
            if index == bytes.count { break }
            guard bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return nil }
                sawDoubleColon = true
                index += 1
                if index == bytes.count { break }
            } else if index == bytes.count {
                return nil  // a lone trailing colon
            }
            if head.count + tail.count > 8 { return nil }
        }
        let groups = head.count + tail.count
        guard sawDoubleColon ? groups <= 7 : groups == 8 else { return nil }
        let all = head + [UInt16](repeating: 0, count: 8 - groups) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// glibc's `inet_pton(AF_INET)`.
    static func isStrictIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(isDigit)
                && !(part.count > 1 && part.first == UInt8(ascii: "0"))
                && part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } <= 255
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// C's isspace in the C locale.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    static func digitValue(_ byte: UInt8, base: UInt64) -> UInt64? {
        let value: UInt64
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): value = UInt64(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
        return value < base ? value : nil
    }
}
