import Foundation
import PGSecureDisk
import PGSecureLibPQ
import Testing
@testable import PGSecureModel

/// Service files and the password file, read by pgsecure and by libpq itself (PQconnectStart + PQconninfo / PQpass
/// through Tests/oracle/libpq-conninfo.py) for generated files and environments: they must agree on every case.
@Suite("libpq's own files: pgsecure agrees with libpq")
struct LibpqFilesOracleTests {
    static let oracle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("oracle/libpq-conninfo.py").path

    struct Case: Encodable {
        let conninfo: String
        let env: [String: String]
    }

    struct Answer: Decodable {
        let options: [String: String]
        let password: String?
        let error: String
    }

    static func askLibpq(_ cases: [Case]) throws -> [Answer] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [oracle]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONEncoder().encode(cases))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONDecoder().decode([Answer].self, from: data)
    }

    static func context(environment: [String: String]) -> ResolutionContext {
        ResolutionContext(
            environment: environment, libpqVersion: LibPQ.version, parse: { text throws(InputError) in try LibPQ.parse(text) },
            knownKeywords: LibPQ.knownKeywords, files: .onDisk(environment: environment), rootFileProblem: nil,
            defaultRootCertificate: { nil })
    }

    /// The keywords compared, and libpq's value for each when nothing sets it.
    static let compared: [(keyword: String, libpqDefault: String?)] = [
        ("host", nil), ("port", "5432"), ("sslmode", "prefer"), ("application_name", nil), ("connect_timeout", nil),
    ]

    @Test func generatedServiceFilesAndEnvironments() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SplitMix(seed: 0x5e41)
        var cases: [Case] = []
        for index in 0..<300 {
            let file = directory.appendingPathComponent("svc\(index).conf").path
            try Self.serviceFile(&generator).write(toFile: file, atomically: true, encoding: .utf8)
            var env = ["HOME": directory.path, "PGSYSCONFDIR": directory.appendingPathComponent("none").path]
            if generator.next() % 4 != 0 { env["PGSERVICEFILE"] = file } else { env["HOME"] = directory.appendingPathComponent("home\(index)").path }
            for (variable, values) in [("PGHOST", ["127.0.0.9", "127.0.0.10"]), ("PGPORT", ["6000", "6001"]), ("PGSSLMODE", ["disable", "verify-ca"]), ("PGAPPNAME", ["env app"])]
            where generator.next() % 3 == 0 {
                env[variable] = values[Int(generator.next() % UInt64(values.count))]
            }
            let name = Self.names[Int(generator.next() % UInt64(Self.names.count))]
            var conninfo = generator.next() % 3 == 0 ? "" : "service='\(name)'"
            if conninfo.isEmpty { env["PGSERVICE"] = name }
            if generator.next() % 3 == 0 { conninfo += " port=7000" }
            cases.append(Case(conninfo: conninfo, env: env))
        }
        let answers = try Self.askLibpq(cases)
        var agreed = 0
        var refusedByBoth = 0
        var fromService = 0
        for (testCase, answer) in zip(cases, answers) {
            let request = ConnectionRequest(connectionString: testCase.conninfo, keepsSecrets: true, requiresHost: false)
            let ours = Result { () throws(InputError) in try ConnectionResolver.libpqOptions(request, in: Self.context(environment: testCase.env)) }
            switch ours {
            case .failure(let error):
                #expect(!answer.error.isEmpty, "pgsecure refused (\(error)) what libpq took: \(testCase)")
                refusedByBoth += answer.error.isEmpty ? 0 : 1
            case .success(let resolved):
                guard answer.error.isEmpty else {
                    Issue.record("libpq refused (\(answer.error)) what pgsecure took: \(testCase)")
                    continue
                }
                if case .serviceFile = resolved.sources["host"] { fromService += 1 }
                for (keyword, fallback) in Self.compared {
                    #expect(resolved.options[keyword] ?? fallback == answer.options[keyword] ?? fallback, "\(keyword) in \(testCase)")
                }
            }
            agreed += 1
        }
        #expect(agreed == cases.count)
        // The generator must reach both kinds of case, or agreement proves little.
        #expect(refusedByBoth >= 10, "\(refusedByBoth) refused")
        #expect(fromService >= 20, "\(fromService) hosts from a service")
    }

    static let names = ["mydb", "prod", "a b", "x"]

    /// A service file in the shapes people write: comments, blank and indented lines, CRLF, repeated sections and
    /// keywords, values with spaces and `=`; sometimes a line libpq refuses.
    static func serviceFile(_ generator: inout SplitMix) -> String {
        var lines: [String] = ["# generated"]
        for _ in 0..<Int(1 + generator.next() % 4) {
            let name = names[Int(generator.next() % UInt64(names.count))]
            lines.append((generator.next() % 4 == 0 ? "  " : "") + "[\(name)]" + (generator.next() % 5 == 0 ? " trailing" : ""))
            for _ in 0..<Int(generator.next() % 5) {
                let choice = generator.next() % 12
                switch choice {
                case 0: lines.append("")
                case 1: lines.append("   # a comment")
                case 2: lines.append("host=127.0.0.\(1 + generator.next() % 5)")
                case 3: lines.append("port=\(5400 + generator.next() % 10)")
                case 4: lines.append("sslmode=" + ["require", "verify-full", "disable"][Int(generator.next() % 3)])
                case 5: lines.append("application_name=app =x \(generator.next() % 9)")
                case 6: lines.append("  connect_timeout=\(generator.next() % 20)   ")
                case 7: lines.append("host=127.0.0.7\r")
                case 8 where generator.next() % 4 == 0: lines.append("host = spaced")  // libpq: syntax error
                case 9 where generator.next() % 6 == 0: lines.append("service=other")  // libpq: nested service
                case 10 where generator.next() % 6 == 0: lines.append("no equals sign")
                default: lines.append("application_name=plain")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func passwordFileLookups() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("pgpass").path
        let text = """
            # comment:*:*:*:nope
            127.0.0.1:5432:app:alex:first\\:pw
            127.0.0.1:*:app:alex:second
            localhost:5432:*:bob:sock\\\\et:extra
            *:6000:*:*:any
            127.0.0.2:5432:app:carol:
            127.0.0.2:5432:app:carol:late
            \\*:5432:star:dave:literal-star

            """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        let hosts = ["127.0.0.1", "127.0.0.2", "/var/run/postgresql", "/tmp", "", "*"]
        let ports = ["5432", "6000", "5433", ""]
        let users = ["alex", "bob", "carol", "dave", "eve"]
        let databases = ["app", "star", ""]
        var cases: [Case] = []
        var expected: [String?] = []
        for host in hosts { for port in ports { for user in users { for database in databases {
            var conninfo = "passfile='\(file)' user=\(user) connect_timeout=1"
            if !host.isEmpty { conninfo += " host='\(host)'" }
            if !port.isEmpty { conninfo += " port=\(port)" }
            if !database.isEmpty { conninfo += " dbname=\(database)" }
            cases.append(Case(conninfo: conninfo, env: ["HOME": directory.path]))
            let match = PasswordFile.match(
                in: text, host: PasswordFile.lookupHost(host), port: port.isEmpty ? "5432" : port,
                database: database.isEmpty ? user : database, user: user)
            expected.append(match.flatMap { $0.password.isEmpty ? nil : $0.password })
        } } } }
        let answers = try Self.askLibpq(cases)
        for ((testCase, answer), ours) in zip(zip(cases, answers), expected) {
            let libpq = answer.password.flatMap { $0.isEmpty ? nil : $0 }
            #expect(ours == libpq, "\(testCase.conninfo)")
        }
        #expect(expected.compactMap { $0 }.count > 20, "the cases should find passwords")
    }
}
