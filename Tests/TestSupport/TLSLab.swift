import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The TLS lab started by `Tests/lab/with-lab` (what `make test` runs): ports, PKI paths, user and password.
public struct TLSLab: Sendable {
    public let values: [String: String]

    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// Fails (never skips) when the lab is not running, saying how to run it.
    public static func load() throws -> TLSLab {
        guard let directory = ProcessInfo.processInfo.environment["PGSECURE_LAB"], !directory.isEmpty else {
            throw Missing(description: "PGSECURE_LAB is not set: these tests need the TLS lab; run `make test` (or Tests/lab/with-lab swift test)")
        }
        guard let text = try? String(contentsOfFile: directory + "/lab.env", encoding: .utf8) else {
            throw Missing(description: "\(directory)/lab.env is missing: the lab did not start; run `make test`")
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...])
            if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            values[String(line[..<equals])] = value
        }
        return TLSLab(values: values)
    }

    public func port(_ server: String) -> Int { Int(values["LAB_PORT_\(server.uppercased())"]!)! }
    public var user: String { values["LAB_USER"]! }
    public var password: String { values["LAB_PASSWORD"]! }
    public var rootCertificate: String { values["LAB_ROOT_CERT"]! }
    /// The lab's PKI directory: every certificate, key, root file and CRL the lab made (see Tests/lab/lab).
    public var pki: String { values["LAB_PKI"]! }

    /// A role with a hostile password, owning a database whose name is full of special characters (on every server).
    public var hostileUser: String { hexDecoded("LAB_HOSTILE_USER_HEX") }
    public var hostilePassword: String { hexDecoded("LAB_HOSTILE_PASSWORD_HEX") }
    public var hostileDatabase: String { hexDecoded("LAB_HOSTILE_DATABASE_HEX") }

    /// `--host localhost --port P --user HOSTILE --dbname HOSTILE`: what a snippet must carry byte for byte.
    public func hostileFields(_ server: String) -> [String] {
        ["--host", "localhost", "--port", String(port(server)), "--user", hostileUser, "--dbname", hostileDatabase]
    }

    private func hexDecoded(_ key: String) -> String {
        let hex = Array(values[key]!.utf8)
        let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `--host localhost --port P --user U --dbname postgres`, the fields every lab connection shares.
    public func fields(_ server: String) -> [String] {
        ["--host", "localhost", "--port", String(port(server)), "--user", user, "--dbname", "postgres"]
    }

    /// A loopback port where a connection is refused, for as long as the test process runs: a socket bound to it
    /// and never listening holds it, so no other test (or lab server) can take it meanwhile.
    public static let closedPort: Int = {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(descriptor >= 0, "socket: \(errno)")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        precondition(bound, "bind: \(errno)")
        return Int(UInt16(bigEndian: address.sin_port))  // the descriptor stays open on purpose
    }()
}
