import Foundation
import PGSecureCLI
import TestSupport
import Testing

/// `save` refusals (nothing written) and `services`, in-process; the real connections are in EndToEndTests.
@Suite("save and services, in-process")
struct SaveCommandTests {
    @Test(arguments: [
        (["save", "a]b", "--host", "db.example.com"], "\"]\""),
        (["save", "ok", "host=db.example.com application_name='trailing '"], "white space"),
        (["save", "ok", "host=db.example.com application_name='two\nlines'"], "line break"),
    ])
    func valuesAServiceFileCannotCarryAreRefused(arguments: [String], reason: String) async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = await pgsecure(arguments + ["--skip-test"], environment: ["HOME": home.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path).isEmpty, "nothing written")
    }

    @Test func anIAMTokenIsNotSavedAsAPassword() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let token = "db.example.com:5432/?Action=connect&DBUser=app&X-Amz-Date=20260101T000000Z&X-Amz-Signature=0123abcd"
        let result = await pgsecure(
            ["save", "rds", "--host", "db.example.com", "--user", "app", "--password-stdin", "--skip-test"],
            input: token + "\n", environment: ["HOME": home.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("AWS RDS IAM authentication token") && result.stderr.contains("PGPASSWORD"), "\(result.stderr)")
        #expect(!result.stderr.contains("0123abcd"), "the token is never repeated")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path).isEmpty)
    }

    /// A local socket service (no host): the password goes in as libpq looks it up then, host "localhost".
    @Test func withoutAHostThePasswordIsSavedForLocalhost() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = await pgsecure(
            ["save", "local", "user=alex dbname=app", "--password-stdin", "--skip-test"], input: "pw\n", environment: ["HOME": home.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: home.path + "/.pgpass", encoding: .utf8) == "localhost:5432:app:alex:pw\n")
        #expect(result.stdout.contains("saved the password in \(home.path)/.pgpass (mode 600)"), "\(result.stdout)")
        #expect(try String(contentsOfFile: home.path + "/.pg_service.conf", encoding: .utf8).hasPrefix("[local]\nuser=alex\ndbname=app\n"))
        #expect(result.stderr.contains("saved for host localhost"), "\(result.stderr)")
    }

    /// libpq ignores a password file others may read, and cannot open one its owner may not read: one that libpq
    /// reads keeps its mode (0400 too), any other is written exactly 0600 (and said why), even when it already holds
    /// the line. A mode that only drops bits (0444 → 0400, 0044 → 0000) would leave libpq without the password.
    @Test(arguments: [
        (0o400, "", 0o400, false), (0o600, "", 0o600, false), (0o644, "", 0o600, true), (0o640, "db:5432:app:alex:pw\n", 0o600, true),
        (0o444, "", 0o600, true), (0o066, "", 0o600, true), (0o044, "", 0o600, true), (0o000, "", 0o600, true), (0o200, "", 0o600, true),
    ])
    func aPasswordFileKeepsAStrictModeAndLosesALooseOne(before: Int, text: String, after: Int, narrowed: Bool) async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let pgpass = home.path + "/.pgpass"
        try (text.isEmpty ? "other:5432:x:y:z\n" : text).write(toFile: pgpass, atomically: false, encoding: .utf8)
        chmod(pgpass, mode_t(before))
        let result = await pgsecure(
            ["save", "prod", "--host", "db", "--user", "alex", "--dbname", "app", "--password-stdin", "--skip-test"], input: "pw\n",
            environment: ["HOME": home.path])
        #expect(result.status == 0, "\(result.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: pgpass)[.posixPermissions] as? Int
        #expect(mode == after)
        #expect(try String(contentsOfFile: pgpass, encoding: .utf8).hasSuffix("db:5432:app:alex:pw\n"))
        #expect(result.stdout.contains("saved the password in \(pgpass) (mode \(String(after, radix: 8)))"), "\(result.stdout)")
        #expect(result.stdout.contains("(mode \(String(mode ?? -1, radix: 8)))"), "the mode the file really has: \(result.stdout)")
        #expect(result.stderr.contains("had mode \(String(before, radix: 8))") == narrowed, "\(result.stderr)")
        let reason = before & 0o077 != 0 ? "group or world access" : "its owner may not read it"
        #expect(result.stderr.contains(reason) == narrowed, "\(result.stderr)")
        #expect(!narrowed || result.stderr.contains("written \(String(after, radix: 8)) now"), "\(result.stderr)")
        #expect(!result.stdout.contains("pw\n") && !result.stderr.contains(":pw"), "the password is never shown")
    }

    /// A password file that is not a regular file (libpq skips it) is refused before anything is written, with
    /// that reason, not a permission one.
    @Test func aPasswordFileThatIsNoRegularFileIsRefused() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(atPath: home.path + "/.pgpass", withIntermediateDirectories: false)
        let result = await pgsecure(
            ["save", "prod", "--host", "db", "--user", "alex", "--dbname", "app", "--password-stdin", "--skip-test"], input: "pw\n",
            environment: ["HOME": home.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("\(home.path)/.pgpass is not a regular file"), "\(result.stderr)")
        #expect(!result.stderr.contains("group or world"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: home.path + "/.pg_service.conf") == false, "nothing written")
    }

    /// A FIFO where the service file should be: refused at once (reading it would block), nothing written.
    @Test(.timeLimit(.minutes(1))) func aServiceFileThatIsAFIFOIsRefused() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        #expect(mkfifo(home.path + "/.pg_service.conf", 0o600) == 0)
        let result = await pgsecure(
            ["save", "prod", "--host", "db", "--user", "alex", "--dbname", "app", "--skip-test"], environment: ["HOME": home.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("\(home.path)/.pg_service.conf is not a regular file"), "\(result.stderr)")
    }

    @Test func servicesListsEntriesWithTheirStrength() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let file = home.appendingPathComponent("services.conf").path
        try "# mine\n[prod]\nhost=db\nsslmode=verify-full\n[old]\nhost=legacy\nsslmode=require\n[broken]\nhost = x\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["HOME": home.path, "PGSERVICEFILE": file, "PGSYSCONFDIR": home.path + "/none"]
        let table = await pgsecure(["services"], environment: environment)
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("prod ") && lines[1].contains("verify-full") && lines[1].contains("SECURE"), "\(table.stdout)")
        #expect(lines[2].hasPrefix("old ") && lines[2].contains("require"), "\(table.stdout)")
        #expect(lines[3].hasPrefix("broken ") && lines[3].contains("ERROR: syntax error"), "\(table.stdout)")
        let json = await pgsecure(["services", "--json"], environment: environment)
        let entries = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(entries?.map { $0["name"] as? String } == ["prod", "old", "broken"])
        #expect(entries?.first?["rating"] as? String == "secure")
    }
}
