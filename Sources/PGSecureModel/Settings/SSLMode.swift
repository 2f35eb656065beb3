/// libpq's six `sslmode` values, ordered from least to most secure.
public enum SSLMode: String, CaseIterable, Sendable, Comparable, Codable {
    case disable
    case allow
    case prefer
    case require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"

    /// The chain is checked against a root certificate file.
    public var verifiesCertificate: Bool { self == .verifyCA || self == .verifyFull }
    /// libpq may end up on a connection without TLS.
    public var mayFallBackToPlaintext: Bool { self <= .prefer }

    public static func < (lhs: SSLMode, rhs: SSLMode) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public static var valueList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
