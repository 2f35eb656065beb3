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

    /// What is at a service file's path.
    enum Found {
        case text(String)
        /// A Unix socket: stat finds it, fopen fails (ENXIO), even for root.
        case socket
        case directory
        case missing
    }

    static func place(_ found: Found, at path: String) throws {
        switch found {
        case .text(let text): try text.write(toFile: path, atomically: false, encoding: .utf8)
        case .socket: try makeSocket(at: path)
        case .directory: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        case .missing: break
        }
    }

    /// A socket file at `path`, left behind once its descriptor is closed.
    static func makeSocket(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        try #require(bytes.count < MemoryLayout.size(ofValue: address.sun_path))
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0, "bind \(path): \(String(cString: strerror(errno)))")
    }

    /// libpq skips a service file only when its stat fails: one that exists but cannot be opened is its error
    /// (`service file "…" not found`), a directory opens and reads as nothing, and a later file is opened only when
    /// the earlier one lacks the service. pgsecure must agree on each, for `lookUp` and for `services`.
    @Test func serviceFilesThatExistButCannotBeOpened() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-svc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let system = Found.text("[x]\nhost=127.0.0.2\n")
        let layouts: [(user: Found, system: Found, named: Bool)] = [
            (.socket, system, false), (.directory, system, false), (.missing, system, false),
            (.text("[x]\nhost=127.0.0.1\n"), .socket, false), (.text("[y]\nhost=127.0.0.1\n"), .socket, false),
            (.socket, system, true), (.directory, system, true), (.missing, system, true),
        ]
        var cases: [Case] = []
        for (index, layout) in layouts.enumerated() {
            let root = directory.appendingPathComponent("\(index)").path
            for folder in ["home", "etc"] { try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true) }
            let user = layout.named ? root + "/named.conf" : root + "/home/.pg_service.conf"
            try Self.place(layout.user, at: user)
            try Self.place(layout.system, at: root + "/etc/pg_service.conf")
            var env = ["HOME": root + "/home", "PGSYSCONFDIR": root + "/etc"]
            if layout.named { env["PGSERVICEFILE"] = user }
            cases.append(Case(conninfo: "service=x", env: env))
        }
        let answers = try Self.askLibpq(cases)
        var refused = 0
        for (testCase, answer) in zip(cases, answers) {
            let request = ConnectionRequest(connectionString: testCase.conninfo, keepsSecrets: true, requiresHost: false)
            let ours = Result { () throws(InputError) in try ConnectionResolver.libpqOptions(request, in: Self.context(environment: testCase.env)) }
            let files = LocalFiles.onDisk(environment: testCase.env)
            let listed = Result { () throws(InputError) in
                try ServiceListing.all(environment: testCase.env, files: files, knownKeywords: LibPQ.knownKeywords)
            }
            switch ours {
            case .failure(let error):
                let libpq = answer.error.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(!libpq.isEmpty && error.problem.hasPrefix(libpq), "pgsecure: \(error); libpq: \(answer.error); \(testCase)")
                if case .failure(let listing) = listed { #expect(listing.problem == error.problem, "\(testCase)") } else {
                    Issue.record("services listed what libpq cannot read: \(testCase)")
                }
                refused += 1
            case .success(let resolved):
                #expect(answer.error.isEmpty, "libpq refused (\(answer.error)) what pgsecure took: \(testCase)")
                #expect(resolved.options["host"] == answer.options["host"], "\(testCase)")
            }
        }
        #expect(refused == 4, "the socket layouts, but where the user file holds the service")
    }

    /// libpq reads a service file that is not UTF-8 and passes its bytes on; pgsecure cannot hold them, so it
    /// refuses with the file and line, never skipping to the system file (whose entry libpq never reads here).
    @Test func aServiceFileNotInUTF8IsRefusedNotSkipped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-latin1-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: directory.path + "/etc", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let user = directory.path + "/.pg_service.conf"
        // "café" in Latin-1, as an old editor saves it.
        try Data(Array("# caf".utf8) + [0xE9] + Array("\n[x]\nhost=127.0.0.1\n".utf8)).write(to: URL(fileURLWithPath: user))
        try "[x]\nhost=127.0.0.2\n".write(toFile: directory.path + "/etc/pg_service.conf", atomically: false, encoding: .utf8)
        let env = ["HOME": directory.path, "PGSYSCONFDIR": directory.path + "/etc"]
        let answer = try #require(try Self.askLibpq([Case(conninfo: "service=x", env: env)]).first)
        #expect(answer.error.isEmpty && answer.options["host"] == "127.0.0.1", "libpq reads the bytes: \(answer)")
        let request = ConnectionRequest(connectionString: "service=x", keepsSecrets: true, requiresHost: false)
        let ours = Result { () throws(InputError) in try ConnectionResolver.libpqOptions(request, in: Self.context(environment: env)) }
        guard case .failure(let error) = ours else {
            Issue.record("pgsecure took another file's entry: \(ours)")
            return
        }
        #expect(error.problem == "service file \"\(user)\" is not UTF-8 text (line 1), which pgsecure cannot read", "\(error)")
        #expect(throws: error) {
            try ServiceListing.all(environment: env, files: .onDisk(environment: env), knownKeywords: LibPQ.knownKeywords)
        }
    }

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
