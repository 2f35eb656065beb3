#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `pgsecure save` against the lab, then real clients through the saved entry: psql service=, psycopg2
/// connect(service=), pgsecure test service= — each with verify-full and the password from ~/.pgpass only.
@Suite("save: a verified connection kept the libpq way")
struct SaveServiceTests {
    static let psql = "/usr/lib/postgresql/15/bin/psql"
    static let existingServices = "# my services\n[other]\r\n  host=elsewhere   \n\n# keep this\n[prod-é x]old\n"
    static let existingPasswords = "# passwords\n*:*:*:nobody:x\nother:1:d:u:p\n"

    static func mode(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_mode & 0o777) : -1
    }

    static func saveArguments(_ lab: TLSLab, name: String, extra: [String] = []) -> [String] {
        ["save", name] + lab.fields("good") + ["--sslrootcert", lab.rootCertificate] + extra
    }

    @Test func savedServiceConnectsWithPsqlPsycopg2AndPgsecure() async throws {
        let lab = try TLSLab.load()
        let home = try makeTemporaryDirectory("pgsecure-save")
        defer { try? FileManager.default.removeItem(at: home) }
        let services = home.appendingPathComponent(".pg_service.conf").path
        let passwords = home.appendingPathComponent(".pgpass").path
        try Self.existingServices.write(toFile: services, atomically: false, encoding: .utf8)
        chmod(services, 0o640)
        try Self.existingPasswords.write(toFile: passwords, atomically: false, encoding: .utf8)
        chmod(passwords, 0o600)
        let name = "lab é-1"
        let environment = ["HOME": home.path]

        let saved = try await offPool { try pgsecure(Self.saveArguments(lab, name: name, extra: ["--password-stdin"]), input: lab.password + "\n", environment: environment) }
        #expect(saved.status == 0, "\(saved.stderr)")
        let serviceText = try String(contentsOfFile: services, encoding: .utf8)
        #expect(serviceText.utf8.starts(with: Self.existingServices.utf8), "every earlier byte kept")
        #expect(serviceText.contains("[\(name)]\nhost=localhost\nport=\(lab.port("good"))\n"))
        #expect(serviceText.contains("sslmode=verify-full\n"))
        #expect(!serviceText.contains(lab.password), "never the password in the service file")
        #expect(Self.mode(services) == 0o640, "the service file keeps its mode")
        let passwordText = try String(contentsOfFile: passwords, encoding: .utf8)
        #expect(passwordText.utf8.starts(with: Self.existingPasswords.utf8))
        #expect(passwordText.hasSuffix("localhost:\(lab.port("good")):postgres:\(lab.user):\(lab.password)\n"))
        #expect(Self.mode(passwords) == 0o600)

        // No PGPASSWORD anywhere below: the password comes from ~/.pgpass.
        let clientEnvironment = ["PATH": "/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8"]
        let viaPsql = try await offPool { try run(
            Self.psql, ["-w", "-X", "-A", "-t", "-c", "select ssl from pg_stat_ssl where pid = pg_backend_pid()", "service='\(name)'"],
            environment: clientEnvironment) }
        #expect(viaPsql.status == 0, "\(viaPsql.stderr)")
        #expect(viaPsql.stdout == "t\n")
        let script = "import sys, psycopg2\nc = psycopg2.connect(service=sys.argv[1])\nprint(c.get_dsn_parameters()['sslmode'], c.info.ssl_in_use)\n"
        let viaPsycopg2 = try await offPool { try run("/usr/bin/python3", ["-c", script, name], environment: clientEnvironment) }
        #expect(viaPsycopg2.status == 0, "\(viaPsycopg2.stderr)")
        #expect(viaPsycopg2.stdout == "verify-full True\n")
        let viaPgsecure = try await offPool { try pgsecure(["test", "service='\(name)'", "--json"], environment: environment) }
        #expect(viaPgsecure.status == 0, "\(viaPgsecure.stderr)")
        #expect(viaPgsecure.stdout.contains("\"verdict\" : \"verified-full\"") || viaPgsecure.stdout.contains("\"verdict\": \"verified-full\""), "\(viaPgsecure.stdout)")

        // Saved again, the same: nothing changes.
        let again = try await offPool { try pgsecure(Self.saveArguments(lab, name: name), environment: environment) }
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("already holds these settings"))
        #expect(try String(contentsOfFile: services, encoding: .utf8) == serviceText)

        // Other values: shown as a diff and refused without --force; replaced with it.
        let weaker = Self.saveArguments(lab, name: name, extra: ["--sslmode", "verify-ca"])
        let refused = try await offPool { try pgsecure(weaker, environment: environment) }
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("- sslmode=verify-full") && refused.stderr.contains("+ sslmode=verify-ca"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: services, encoding: .utf8) == serviceText)
        let forced = try await offPool { try pgsecure(weaker + ["--force"], environment: environment) }
        #expect(forced.status == 0, "\(forced.stderr)")
        let replaced = try String(contentsOfFile: services, encoding: .utf8)
        #expect(replaced.contains("sslmode=verify-ca\n") && !replaced.contains("sslmode=verify-full"))
        #expect(replaced.utf8.starts(with: Self.existingServices.utf8))
    }

    @Test func newFilesAreCreated0600() async throws {
        let lab = try TLSLab.load()
        let home = try makeTemporaryDirectory("pgsecure-save-new")
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try await offPool { try pgsecure(Self.saveArguments(lab, name: "fresh", extra: ["--password-stdin"]), input: lab.password + "\n", environment: ["HOME": home.path]) }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.mode(home.appendingPathComponent(".pg_service.conf").path) == 0o600)
        #expect(Self.mode(home.appendingPathComponent(".pgpass").path) == 0o600)
    }

    @Test func aConnectionThatFailsIsNotSaved() async throws {
        let lab = try TLSLab.load()
        let home = try makeTemporaryDirectory("pgsecure-save-fail")
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try await offPool { try pgsecure(["save", "bad"] + lab.fields("expired") + ["--sslrootcert", lab.rootCertificate], environment: ["HOME": home.path]) }
        #expect(result.status == 1)
        #expect(result.stderr.contains("not saved"))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent(".pg_service.conf").path))
    }

    /// A write that fails half-way (the file-size limit: every write is refused with EFBIG) leaves the old file
    /// exactly as it was, and no temporary file behind.
    @Test func aFailedWriteLeavesTheOldFileIntact() async throws {
        let lab = try TLSLab.load()
        let home = try makeTemporaryDirectory("pgsecure-save-efbig")
        defer { try? FileManager.default.removeItem(at: home) }
        let services = home.appendingPathComponent(".pg_service.conf").path
        try Self.existingServices.write(toFile: services, atomically: false, encoding: .utf8)
        let command = "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\""
        let result = try await offPool { try run(
            "/bin/sh", ["-c", command, pgsecureBinary] + Self.saveArguments(lab, name: "new", extra: ["--skip-test"]),
            environment: ["PATH": "/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8"]) }
        #expect(result.status == 2)
        #expect(result.stderr.contains("could not write") && result.stderr.contains("the old file is unchanged"), "\(result.stderr)")
        #expect(try String(contentsOfFile: services, encoding: .utf8) == Self.existingServices)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path) == [".pg_service.conf"])
    }
}

/// A service file its reader may not open, as an unprivileged user (root opens anything): libpq stops with
/// `service file "…" not found` rather than skipping to the system file, and so must pgsecure, for a lookup and for
/// `services`.
@Suite("An unreadable service file is libpq's error")
struct UnreadableServiceFileTests {
    @Test func psqlAndPgsecureBothStopAtIt() throws {
        try #require(geteuid() == 0, "runs psql and pgsecure as nobody: needs root")
        let home = try makeTemporaryDirectory("pgsecure-unreadable")
        defer { try? FileManager.default.removeItem(at: home) }
        let services = home.appendingPathComponent(".pg_service.conf").path
        try "[x]\nhost=127.0.0.1\nport=1\n".write(toFile: services, atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(at: home.appendingPathComponent("etc"), withIntermediateDirectories: false)
        try "[x]\nhost=127.0.0.2\nport=1\n".write(toFile: home.path + "/etc/pg_service.conf", atomically: false, encoding: .utf8)
        for path in [home.path, home.path + "/etc", home.path + "/etc/pg_service.conf"] { chmod(path, 0o755) }
        chmod(services, 0o000)
        let environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": home.path, "PGSYSCONFDIR": home.path + "/etc"]
        func asNobody(_ program: String, _ arguments: [String]) throws -> ProcessResult {
            try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", program] + arguments, environment: environment)
        }
        let expected = "service file \"\(services)\" not found"
        let psql = try asNobody(SaveServiceTests.psql, ["service=x connect_timeout=1", "-c", "select 1"])
        #expect(psql.stderr.contains(expected), "libpq itself: \(psql.stderr)")
        let url = try asNobody(pgsecureBinary, ["url", "service=x"])
        #expect(url.status == 2 && url.stderr.contains(expected), "\(url.stderr)")
        let listed = try asNobody(pgsecureBinary, ["services"])
        #expect(listed.status == 2 && listed.stderr.contains(expected), "\(listed.stdout)\(listed.stderr)")
    }
}
