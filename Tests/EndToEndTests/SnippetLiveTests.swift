import Foundation
import Testing

/// The snippets pgsecure prints, run for real against the TLS lab: each connects with verify-full and prints the
/// server's version, and each refuses a server whose certificate names another host.
@Suite("Snippets connect to the TLS lab")
struct SnippetLiveTests {
    static let postgresBin = "/usr/lib/postgresql/15/bin"

    enum Outcome: String, Sendable { case connects, refusesWrongHost }

    struct Run: Sendable, CustomTestStringConvertible {
        let client: String
        let outcome: Outcome
        var testDescription: String { "\(client) \(outcome.rawValue)" }
    }

    static let runs = ["psql", "psycopg2", "psycopg", "jdbc"].flatMap { client in
        [Run(client: client, outcome: .connects), Run(client: client, outcome: .refusesWrongHost)]
    }

    @Test(arguments: runs)
    func snippetRunsAsPrinted(_ run: Run) throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let server = run.outcome == .connects ? "good" : "wronghost"
        let generated = try pgsecure(
            ["snippet", run.client] + lab.fields(server) + ["--sslrootcert", lab.rootCertificate],
            environment: ["HOME": home.path])
        try #require(generated.status == 0, "\(generated.stderr)")
        #expect(!generated.stdout.contains(lab.password))

        let environment = [
            "PATH": "\(Self.postgresBin):/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8", "PGPASSWORD": lab.password,
        ]
        let result: ProcessResult
        switch run.client {
        case "psql":
            #expect(generated.stdout.contains("sslmode=verify-full"))
            result = try EndToEndTests.run("/bin/sh", ["-c", generated.stdout], environment: environment)
        case "psycopg2", "psycopg":
            let file = home.appendingPathComponent("connect.py")
            try generated.stdout.write(to: file, atomically: true, encoding: .utf8)
            // Debian's python3-psycopg2 / python3-psycopg (system libpq 15), not a pyenv python on PATH.
            result = try EndToEndTests.run("/usr/bin/python3", [file.path], environment: environment)
        default:
            let file = home.appendingPathComponent("Snippet.java")
            try generated.stdout.write(to: file, atomically: true, encoding: .utf8)
            result = try EndToEndTests.run(
                "/usr/bin/java", ["-cp", "/usr/share/java/postgresql.jar", file.path], environment: environment, directory: home)
        }

        switch run.outcome {
        case .connects:
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("PostgreSQL 15"), "\(result.stdout)\(result.stderr)")
        case .refusesWrongHost:
            #expect(result.status != 0)
            #expect(!result.stdout.contains("PostgreSQL 15"))
            // Each client's own words for "this certificate names another host".
            let refusal = run.client == "jdbc"
                ? "The hostname localhost could not be verified"
                : "server certificate for \"other.example\" does not match host name \"localhost\""
            #expect(result.stderr.contains(refusal), "\(result.stderr)")
        }
    }

    @Test(arguments: [Outcome.connects, .refusesWrongHost])
    func evalOfEnvThenPsql(_ outcome: Outcome) throws {
        let lab = try TLSLab.load()
        let home = try makeEmptyHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let server = outcome == .connects ? "good" : "wronghost"
        let fields = (lab.fields(server) + ["--sslrootcert", lab.rootCertificate]).map { "'\($0)'" }.joined(separator: " ")
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
        case .refusesWrongHost:
            #expect(result.status != 0)
            #expect(result.stderr.contains("does not match host name"), "\(result.stderr)")
        }
    }
}
