import Foundation
import PGSecureCLI
import PGSecureModel
import TestSupport
import Testing

/// The command-line contract, in-process: stdout holds only the output, notices on stderr, exit 2 on bad input.
@Suite("Commands in-process")
struct CommandTests {
    static let neon = "postgres://alex:AbC123dEf@ep-cool-darkness-123456.us-east-2.aws.neon.tech/dbname?sslmode=require"
    static let bundle = "/etc/ssl/certs/ca-certificates.crt"

    @Test func urlUpgradesRequireAndSaysSo() async throws {
        let result = await pgsecure(["url", Self.neon])
        #expect(result.status == 0)
        #expect(result.stdout == "postgresql://alex@ep-cool-darkness-123456.us-east-2.aws.neon.tech/dbname?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fcerts%2Fca-certificates.crt\n")
        #expect(result.stderr.contains("require changed to verify-full"))
        #expect(result.stderr.contains("password: left out"))
        #expect(!result.stderr.contains("AbC123dEf"))
    }

    @Test func anExplicitModeWinsButIsWarnedAbout() async throws {
        let result = await pgsecure(["conninfo", Self.neon, "--sslmode", "require", "--include-password"])
        #expect(result.status == 0)
        #expect(result.stdout == "host='ep-cool-darkness-123456.us-east-2.aws.neon.tech' user='alex' password='AbC123dEf' dbname='dbname' sslmode='require'\n")
        #expect(result.stderr.contains("warning: sslmode=require"))
    }

    @Test func fieldsOverrideTheStringAndEnvironmentFillsTheRest() async throws {
        let result = await pgsecure(
            ["conninfo", "host=a user=b", "--user", "c", "--port", "6543", "-q"],
            environment: ["PGDATABASE": "fromenv", "PGUSER": "ignored", "PGSSLROOTCERT": Self.bundle])
        #expect(result.stdout == "host='a' port='6543' user='c' dbname='fromenv' sslmode='verify-full' sslrootcert='\(Self.bundle)'\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func passwordFromStandardInput() async throws {
        let result = await pgsecure(
            ["url", "--host", "h", "--user", "u", "--password-stdin", "--include-password", "-q"], input: "p@ss w/rd\nnext\n")
        #expect(result.stdout.hasPrefix("postgresql://u:p%40ss%20w%2Frd@h/?"))
    }

    @Test func envPrintsEvaluableLinesForEachShell() async throws {
        let sh = await pgsecure(["env", "--host", "db.example.com", "--user", "alex", "--dbname", "app", "-q"])
        #expect(sh.stdout == """
            export PGHOST='db.example.com'
            export PGUSER='alex'
            export PGDATABASE='app'
            export PGSSLMODE='verify-full'
            export PGSSLROOTCERT='\(Self.bundle)'

            """)
        let fish = await pgsecure(["env", "--shell", "fish", "--host", "h", "-q"])
        #expect(fish.stdout.hasPrefix("set -gx PGHOST 'h'\n"))
        let powershell = await pgsecure(["env", "--shell", "powershell", "--host", "h", "-q"])
        #expect(powershell.stdout.hasPrefix("$env:PGHOST = 'h'\n"))
    }

    @Test func snippetListNamesEveryClient() async throws {
        let result = await pgsecure(["snippet", "--list"])
        #expect(result.status == 0)
        // Each client starts its own line (a bare contains("psycopg") would also match "psycopg2").
        let names = result.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(names == SnippetClient.allCases.map(\.rawValue))
    }

    /// The capability table, for scripts: every client, with what each sslmode verifies and what it lacks.
    @Test func snippetListAsJSONCarriesTheCapabilityTable() async throws {
        let result = await pgsecure(["snippet", "--list", "--json"])
        #expect(result.status == 0)
        let clients = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [[String: Any]]
        #expect(clients.map { $0["name"] as? String } == SnippetClient.allCases.map(\.rawValue))
        let jdbc = clients.first { $0["name"] as? String == "jdbc" }!["capabilities"] as! [String: Any]
        #expect((jdbc["ssl_modes"] as? [String: String])?["require"] == "encrypted")
        #expect((jdbc["keywords"] as? [String: String])?["target_session_attrs"] == "targetServerType")
        #expect(jdbc["channel_binding"] as? Bool == false)
        let prisma = clients.first { $0["name"] as? String == "prisma" }!["capabilities"] as! [String: Any]
        #expect(prisma["is_run_here"] as? Bool == false)
        #expect(await pgsecure(["snippet", "psql", "--json", "--host", "h"]).status == 2)
    }

    @Test(arguments: SnippetClient.allCases.map(\.rawValue))
    func snippetsAreWrittenForEachClient(client: String) async throws {
        let result = await pgsecure(["snippet", client, "--host", "db.example.com", "--user", "alex", "--dbname", "app"])
        #expect(result.status == 0)
        #expect(["verify-full", "VerifyFull", "sslaccept=strict"].contains { result.stdout.contains($0) })
        #expect(result.stdout.contains("db.example.com"))
    }

    @Test func certsListsTheChosenBundle() async throws {
        let text = await pgsecure(["certs"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("chosen: \(Self.bundle)"))
        #expect(text.stdout.contains("includes ISRG Root X1"))
        let json = await pgsecure(["certs", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["chosen"] as? String == Self.bundle)
        #expect(object["system_supported"] as? Bool == false)
        let candidates = object["candidates"] as! [[String: Any]]
        let debian = candidates.first { $0["path"] as? String == Self.bundle }!
        #expect((debian["certificate_count"] as! Int) > 50)
        #expect(debian["contains_isrg_root_x1"] as? Bool == true)
    }

    @Test func certsHonoursSSLCertFile() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let own = directory.appendingPathComponent("own.pem").path
        try FileManager.default.copyItem(atPath: Self.bundle, toPath: own)
        let result = await pgsecure(["url", "--host", "h"], environment: ["SSL_CERT_FILE": own])
        #expect(result.stdout.contains("sslrootcert=" + own.replacingOccurrences(of: "/", with: "%2F")))
    }

    /// Bad input: exit 2, one line on stderr naming the field and the fix, nothing on stdout.
    @Test(arguments: [
        (["url", "postgres://u@h:99999/db"], "port"),
        (["url", "--host", "h", "--port", "0"], "port"),
        (["conninfo", "--host", "h", "--sslmode", "strict"], "sslmode"),
        (["url", "postgresql://u:p%zz@h/db"], "connection string"),
        (["url", "host=h sslnegotiation=direct"], "connection string"),
        (["url", "host=h 'unterminated"], "connection string"),
        (["env", "--host", ""], "host"),
        (["url"], "host"),
        (["url", "--host", "h", "--sslrootcert", "/nonexistent/root.crt"], "sslrootcert"),
        (["url", "--host", "h", "--sslrootcert", "/etc"], "sslrootcert"),
        (["url", "--host", "h", "--sslrootcert", "/etc/hostname"], "sslrootcert"),
        (["env", "--host", "h", "--shell", "tcsh"], "shell"),
        (["snippet", "cobol", "--host", "h"], "cobol"),
        (["snippet", "--host", "h"], "client"),
        (["snippet", "jdbc", "--host", "/var/run/postgresql"], "host"),
        (["url", "--host", "h", "--password-stdin"], "password-stdin"),
        (["url", "--bogus-flag"], "bogus-flag"),
        (["url", "--host", "h", "--port", "1\n2"], "port"),
        (["conninfo", "host=h sslmode='x\ny'"], "sslmode"),
    ])
    func badInputExitsTwoWithOneLine(arguments: [String], mentions: String) async throws {
        let result = await pgsecure(arguments, input: "")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("pgsecure: ") == true)
        #expect(result.stderr.contains(mentions))
    }

    /// libpq quotes pieces of a malformed string in its error; a piece may be a password.
    @Test(arguments: [
        ("postgresql://u:s%zzecret@h/db", "s%zzecret"),
        ("host=h password=hunter2 b", "hunter2"),
        ("host=h password=a hunter2", "hunter2"),
    ])
    func parseErrorsNeverRepeatAPassword(connectionString: String, secret: String) async throws {
        let result = await pgsecure(["url", connectionString])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("pgsecure: connection string: ") || result.stderr.hasPrefix("pgsecure: port: "))
        #expect(!result.stderr.contains(secret), "\(result.stderr)")
    }

    @Test func parseErrorsStillNameAnUnknownKeyword() async throws {
        let result = await pgsecure(["url", "host=h sslnegotiation=direct"])
        #expect(result.stderr.contains("\"sslnegotiation\""))
    }

    @Test func theClientKeyPassphraseIsASecretToo() async throws {
        let left = await pgsecure(["url", "host=h sslpassword=topsecret"])
        #expect(left.status == 0)
        #expect(!left.stdout.contains("topsecret") && !left.stderr.contains("topsecret"))
        let included = await pgsecure(["conninfo", "host=h sslpassword=topsecret", "--include-password", "-q"])
        #expect(included.stdout.contains("sslpassword='topsecret'"))
    }

    @Test func helpGoesToStdoutAndExitsZero() async throws {
        let result = await pgsecure(["--help"])
        #expect(result.status == 0)
        for command in ["url", "conninfo", "env", "snippet", "test", "certs", "wizard"] {
            #expect(result.stdout.contains(command))
        }
    }
}
