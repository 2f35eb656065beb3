import Foundation
import PGSecureModel
import Testing

/// The snippets pgsecure prints, run for real against the TLS lab by each client itself: each connects with
/// verify-full as a role with a hostile password to a database whose name is full of special characters, and each
/// refuses a server whose certificate names another host, comes from an untrusted CA, or has expired.
/// One client at a time: each run is a real interpreter, JVM or Go build, and two cores are shared.
@Suite("Snippets connect to the TLS lab", .serialized)
struct SnippetLiveTests {
    static let postgresBin = "/usr/lib/postgresql/15/bin"
    /// Unpacked by `make test` from Debian's node-pg (which conflicts with a newer nodejs, but is plain JavaScript).
    static let nodeModules = packageRoot.appendingPathComponent(".build/test-clients/node-pg/usr/share/nodejs").path
    /// Go's build cache, kept between runs so pgx and lib/pq compile once.
    static let goCache = packageRoot.appendingPathComponent(".build/test-clients/go-cache").path

    enum Outcome: String, Sendable, CaseIterable {
        case connects, connectsWithPasswordInside, refusesWrongHost, refusesUntrusted, refusesExpired

        var server: String {
            switch self {
            case .connects, .connectsWithPasswordInside: "good"
            case .refusesWrongHost: "wronghost"
            case .refusesUntrusted: "untrusted"
            case .refusesExpired: "expired"
            }
        }
    }

    struct Run: Sendable, CustomTestStringConvertible {
        let client: SnippetClient
        let outcome: Outcome
        var testDescription: String { "\(client.rawValue) \(outcome.rawValue)" }
    }

    static let runs = SnippetClient.allCases.filter(\.capabilities.isRunHere).flatMap { client in
        Outcome.allCases.map { Run(client: client, outcome: $0) }
    }

    @Test(arguments: runs)
    func snippetRunsAsPrinted(_ run: Run) async throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let includesPassword = run.outcome == .connectsWithPasswordInside
        let generated = try pgsecure(
            ["snippet", run.client.rawValue] + lab.hostileFields(run.outcome.server) + ["--sslrootcert", lab.rootCertificate]
                + (includesPassword ? ["--password-stdin", "--include-password"] : []),
            input: includesPassword ? lab.hostilePassword + "\n" : nil, environment: ["HOME": home.path])
        try #require(generated.status == 0, "\(generated.stderr)")
        // "ss:w/rd" is a piece of the lab password that no language quotes: it shows only if the password is written.
        #expect(includesPassword || !generated.stdout.contains("ss:w/rd"))

        var environment = [
            "PATH": "\(Self.postgresBin):/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8",
        ]
        if !includesPassword { environment["PGPASSWORD"] = lab.hostilePassword }
        let result = try await Self.execute(run.client, generated.stdout, in: home, environment: environment)

        switch run.outcome {
        case .connects, .connectsWithPasswordInside:
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("PostgreSQL 15"), "\(result.stdout)\(result.stderr)")
        case .refusesWrongHost, .refusesUntrusted, .refusesExpired:
            #expect(result.status != 0)
            #expect(!result.stdout.contains("PostgreSQL 15"))
            // Every client names the certificate in its refusal; libpq and pgjdbc name the wrong host exactly, the
            // others one of the two names.
            #expect(result.stderr.lowercased().contains("certif"), "\(result.stderr)")
            if run.outcome == .refusesWrongHost {
                let refusal = run.client == .jdbc ? "The hostname localhost could not be verified"
                    : run.client.capabilities.driver.hasPrefix("libpq") ? "server certificate for \"other.example\" does not match host name \"localhost\""
                    : ""
                #expect(
                    refusal.isEmpty ? ["localhost", "other.example"].contains { result.stderr.contains($0) } : result.stderr.contains(refusal),
                    "\(result.stderr)")
            }
        }
    }

    /// Runs `program` as its client would: the interpreter or compiler from Debian's packages, nothing downloaded.
    static func execute(
        _ client: SnippetClient, _ program: String, in home: URL, environment: [String: String]
    ) async throws -> ProcessResult {
        let file = home.appendingPathComponent(client.fileName)
        try program.write(to: file, atomically: true, encoding: .utf8)
        var environment = environment
        switch client {
        case .psql:
            #expect(program.contains("sslmode=verify-full"))
            return try await runDetached("/bin/sh", ["-c", program], environment: environment)
        case .psycopg2, .psycopg, .asyncpg, .sqlalchemy, .django:
            // Debian's python3 packages (system libpq 15), not a pyenv python on PATH.
            return try await runDetached("/usr/bin/python3", [file.path], environment: environment)
        case .jdbc:
            return try await runDetached(
                "/usr/bin/java", ["-cp", "/usr/share/java/postgresql.jar", file.path], environment: environment, directory: home)
        case .nodePG:
            try #require(
                FileManager.default.fileExists(atPath: nodeModules + "/pg"),
                "node-postgres is not unpacked at \(nodeModules): run `make test`, which fetches it with apt-get download")
            environment["NODE_PATH"] = nodeModules
            return try await runDetached("/usr/bin/node", [file.path], environment: environment)
        case .pgx, .libPQ:
            environment.merge(goEnvironment) { _, go in go }
            return try await runDetached("/usr/bin/go", ["run", file.path], environment: environment, directory: home)
        case .rubyPG:
            return try await runDetached("/usr/bin/ruby", [file.path], environment: environment)
        case .phpPDO:
            return try await runDetached("/usr/bin/php", [file.path], environment: environment)
        case .npgsql, .prisma:
            Issue.record("\(client.rawValue) is not run here")
            return ProcessResult(status: -1, stdout: "", stderr: "", stdoutBytes: Data())
        }
    }

    /// Debian's Go packages in GOPATH mode: no module download, ever.
    static var goEnvironment: [String: String] {
        ["GOPATH": "/usr/share/gocode", "GO111MODULE": "off", "GOCACHE": goCache]
    }

    @Test(arguments: [Outcome.connects, .refusesWrongHost])
    func evalOfEnvThenPsql(_ outcome: Outcome) throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let fields = (lab.fields(outcome.server) + ["--sslrootcert", lab.rootCertificate]).map { "'\($0)'" }.joined(separator: " ")
        let script = "eval \"$(\"$PGSECURE\" env \(fields))\" && psql -w --no-align --tuples-only -c 'SELECT version()'"
        let result = try EndToEndTests.run(
            "/bin/sh", ["-c", script],
            environment: [
                "PATH": "\(Self.postgresBin):/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8",
                "PGPASSWORD": lab.password, "PGSECURE": pgsecureBinary,
            ])
        switch outcome {
        case .connects:
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("PostgreSQL 15"))
        default:
            #expect(result.status != 0)
            #expect(result.stderr.contains("does not match host name"), "\(result.stderr)")
        }
    }
}
