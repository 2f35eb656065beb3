import Foundation

/// The TLS lab started by `Tests/lab/with-lab` (what `make test` runs): ports, PKI paths, user and password.
struct Lab: Sendable {
    let values: [String: String]

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// Fails (never skips) when the lab is not running, saying how to run it.
    static func load() throws -> Lab {
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
        return Lab(values: values)
    }

    func port(_ server: String) -> Int { Int(values["LAB_PORT_\(server.uppercased())"]!)! }
    var user: String { values["LAB_USER"]! }
    var password: String { values["LAB_PASSWORD"]! }
    var rootCertificate: String { values["LAB_ROOT_CERT"]! }
}
