@_exported import PropertyBased
import PGSecureModel

/// Characters that break naive connection strings, shells and literals: URI delimiters, quotes, backslashes,
/// shell expansions, white space, control characters and non-ASCII (accents, CJK, emoji, combining marks, curly quotes).
public let hostileCharacters: [Character] = Array(
    "aZ09-._~ '\"\\@:/?#&=%+$()`;|<>{}[]*!,^\n\t\r\u{0B}é日😀ß\u{2018}\u{2019}\u{201C}\u{200B}ü\u{7F}\u{1}")

/// A possibly empty string of hostile characters, sometimes led by `-` (it must never read as an option).
public let hostileString = Gen<Character?>.element(of: hostileCharacters).map { $0! }.string(of: 1...14)
    .map { $0.hasPrefix("-") || $0.count % 5 != 1 ? $0 : "-" + $0 }

/// Host names: anything libpq can carry except its list separator `,`, and never empty.
public let hostileHost = Gen<Character?>.element(of: hostileCharacters.filter { $0 != "," }).map { $0! }.string(of: 1...14)

/// Between one and three hosts, each with or without a port.
public let endpointList = zip(hostileHost, Gen<Int>.int(in: 1...65535).optional(valueRate: 0.6)).array(of: 1...3)
    .map { pairs in pairs.map { Endpoint(host: $0.0, port: $0.1) } }

/// Settings built from hostile values. Port lists are made expressible: libpq applies one port to every host,
/// so a list mixing "no port" and ports is not something any string can say.
public let hostileSettings = zip(
    endpointList, hostileString.optional(), hostileString.optional(), hostileString.optional(), hostileString
).map { endpoints, user, password, dbname, extra in
    let mixed = endpoints.contains { $0.port == nil } && endpoints.contains { $0.port != nil }
    return ConnectionSettings(
        endpoints: mixed ? endpoints.map { Endpoint(host: $0.host) } : endpoints, user: user, password: password,
        dbname: dbname, sslmode: .verifyFull, sslrootcert: "/tmp/" + extra,
        otherOptions: [LibpqOption("application_name", extra)])
}

/// The same `count` cases on every run: a deterministic corpus (the library's own fixed-seed trait replays one case).
public func forEachFixedCase<Value>(
    _ count: Int, seed: UInt64, of generator: Generator<Value, some Sequence>, _ body: (Value) -> Void
) {
    var rng = Xoshiro(seed: (seed, seed ^ 0x9E37_79B9_7F4A_7C15, 0xD1B5_4A32_D192_ED03, 42))
    for _ in 0..<count { body(generator.run(using: &rng)) }
}
