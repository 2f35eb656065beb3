import Foundation
import PGSecureCLI
import TestSupport
import Testing

/// libpq's whole input model through the commands: paste mistakes, service files, ~/.postgresql, the password file,
/// sockets, and scripts that ask for JSON.
@Suite("Field-correct resolution, in-process")
struct FieldCorrectTests {
    @Test func aPasswordWithAnUnencodedAtAndSlashIsReadAsMeant() async {
        let left = await pgsecure(["url", "postgresql://u:p@ss/word@db.example.com/d"])
        #expect(left.status == 0)
        #expect(left.stdout.hasPrefix("postgresql://u@db.example.com/d?sslmode=verify-full"))
        #expect(left.stderr.contains("pgsecure: warning: connection string: the password held an unencoded @ or /"))
        #expect(!left.stderr.contains("p@ss/word"))
        let kept = await pgsecure(["url", "postgresql://u:p@ss/word@db.example.com/d", "--include-password", "-q"])
        #expect(kept.stdout.hasPrefix("postgresql://u:p%40ss%2Fword@db.example.com/d?"))
    }

    @Test func aJDBCURLIsConverted() async {
        let result = await pgsecure([
            "conninfo", "jdbc:postgresql://db1:5433,db2/app?user=alex&ssl=true&targetServerType=primary&loggerLevel=DEBUG",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "host='db1,db2' port='5433,' user='alex' dbname='app' sslmode='verify-full' sslrootcert='/etc/ssl/certs/ca-certificates.crt' target_session_attrs='read-write'\n")
        #expect(result.stderr.contains("converted a jdbc:postgresql: URL to libpq's form; left out: loggerLevel"))
    }

    @Test func aWebAddressGivesItsHost() async {
        let result = await pgsecure(["url", "https://db.example.com:8443/console", "-q"])
        #expect(result.stdout.hasPrefix("postgresql://db.example.com/?sslmode=verify-full"))
    }

    @Test func whiteSpaceAndHostPortAreTidied() async {
        let result = await pgsecure(["conninfo", "--host", "db.example.com:6432 ", "--dbname", "app\n"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("host='db.example.com' port='6432' dbname='app' "))
        #expect(result.stderr.contains("host: db.example.com:6432 split into host db.example.com and port 6432"))
        #expect(result.stderr.contains("dbname: removed the white space or line break around it"))
        let clash = await pgsecure(["conninfo", "--host", "db:6432", "--port", "5432"])
        #expect(clash.status == 2)
        #expect(clash.stderr.contains("names port 6432, but port 5432 is given too"))
    }

    @Test func aRelativeRootFileIsMadeAbsolute() async throws {
        let directory = FileManager.default.currentDirectoryPath
        let result = await pgsecure(["conninfo", "--host", "h", "--sslrootcert", "no/such/root.pem", "--sslmode", "require"])
        #expect(result.stderr.contains("sslrootcert: a relative file name depends on where the program runs; using \(directory)/no/such/root.pem"))
    }

    @Test func requireWithAMissingRootFileIsWhatLibpqDoes() async {
        let result = await pgsecure(["conninfo", "--host", "h", "--sslmode", "require", "--sslrootcert", "/nonexistent/root.crt"])
        #expect(result.status == 0)
        #expect(result.stdout == "host='h' sslmode='require'\n")
        #expect(result.stderr.contains("libpq skips a missing or unreadable root file with sslmode=require, so nothing is verified"))
    }

    @Test func aStaleRootVariableDoesNotBreakDisable() async {
        let result = await pgsecure(["conninfo", "--host", "h", "--sslmode", "disable"], environment: ["PGSSLROOTCERT": "/gone/root.crt"])
        #expect(result.status == 0)
        #expect(result.stdout == "host='h' sslmode='disable'\n")
        #expect(result.stderr.contains("sslrootcert /gone/root.crt is not used with sslmode=disable"))
    }

    @Test func aUnixSocketMakesNoTLSClaims() async {
        let result = await pgsecure(["url", "host=/var/run/postgresql dbname=app"])
        #expect(result.status == 0)
        #expect(result.stdout == "postgresql://%2Fvar%2Frun%2Fpostgresql/app\n")
        #expect(result.stderr == "pgsecure: host is a Unix socket: libpq uses no TLS there (sslmode does not apply), and the data never leaves this machine\n")
    }

    /// A home with ~/.postgresql/root.crt (the lab's root) and a .pgpass, as providers tell people to set up.
    static func homeWithLibpqFiles(passwordFileMode: Int = 0o600) throws -> (home: URL, root: String) {
        let lab = try TLSLab.load()
        let home = try makeTemporaryDirectory()
        let directory = home.appendingPathComponent(".postgresql")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let root = directory.appendingPathComponent("root.crt").path
        try FileManager.default.copyItem(atPath: lab.rootCertificate, toPath: root)
        let pgpass = home.appendingPathComponent(".pgpass").path
        try "localhost:\(lab.port("good")):postgres:\(lab.user):\(lab.password)\n".write(toFile: pgpass, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: passwordFileMode], ofItemAtPath: pgpass)
        return (home, root)
    }

    @Test func libpqsOwnRootFileIsTheDefaultAndThePasswordFileIsNamed() async throws {
        let lab = try TLSLab.load()
        let (home, root) = try Self.homeWithLibpqFiles()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = await pgsecure(["conninfo"] + lab.fields("good") + ["--explain"], environment: ["HOME": home.path])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("sslmode='verify-full' sslrootcert='\(root)'\n"))
        #expect(result.stderr.contains("sslrootcert: using \(root) (libpq's own default, ~/.postgresql/root.crt)"))
        #expect(result.stderr.contains("password: from \(home.path)/.pgpass, line 1"))
        #expect(result.stderr.contains("explain: sslrootcert from pgsecure's choice"))
        #expect(result.stderr.contains("explain: password from \(home.path)/.pgpass, line 1"))
        #expect(!result.stderr.contains(lab.password))
        // And the test connects with exactly that: libpq reads the password file itself.
        let tested = await pgsecure(["test"] + lab.fields("good"), environment: ["HOME": home.path])
        #expect(tested.status == 0, "\(tested.stdout)")
        #expect(tested.stdout.contains("verified-full"))
    }

    @Test func requireWithLibpqsRootFileSaysTheChainIsChecked() async throws {
        let lab = try TLSLab.load()
        let (home, root) = try Self.homeWithLibpqFiles()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = await pgsecure(["url"] + lab.fields("good") + ["--sslmode", "require"], environment: ["HOME": home.path])
        #expect(result.stderr.contains("warning: sslmode=require with a root file (\(root)): libpq checks the certificate chain like verify-ca, but never the host name"))
        #expect(!result.stderr.contains("nobody checks who answers"))
    }

    @Test func aReadablePasswordFileIsSaidToBeIgnored() async throws {
        let lab = try TLSLab.load()
        let (home, _) = try Self.homeWithLibpqFiles(passwordFileMode: 0o644)
        defer { try? FileManager.default.removeItem(at: home) }
        let result = await pgsecure(["url"] + lab.fields("good"), environment: ["HOME": home.path])
        #expect(result.stderr.contains("warning: password file \(home.path)/.pgpass has mode 644 (group or world access, so libpq ignores it); chmod 600 it"))
    }

    @Test func aServiceIsExpandedAndTestedWhereLibpqGoes() async throws {
        let lab = try TLSLab.load()
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let file = home.appendingPathComponent("svc.conf").path
        try """
            # the lab's good server
            [mydb]
            host=localhost
            port=\(lab.port("good"))
            user=\(lab.user)
            dbname=postgres
            sslmode=verify-full
            sslrootcert=\(lab.rootCertificate)

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["PGSERVICEFILE": file, "PGPASSWORD": lab.password]
        let conninfo = await pgsecure(["conninfo", "service=mydb", "--dbname", "other"], environment: environment)
        #expect(conninfo.status == 0, "\(conninfo.stderr)")
        #expect(conninfo.stdout == "host='localhost' port='\(lab.port("good"))' user='\(lab.user)' dbname='other' sslmode='verify-full' sslrootcert='\(lab.rootCertificate)'\n")
        #expect(conninfo.stderr.contains("service mydb: its settings from \(file) are written out in full"))
        let tested = await pgsecure(["test", "service=mydb", "--json"], environment: environment)
        #expect(tested.status == 0, "\(tested.stdout)")
        let report = try JSONSerialization.jsonObject(with: Data(tested.stdout.utf8)) as! [String: Any]
        let target = report["target"] as! [String: Any]
        #expect(target["port"] as? Int == lab.port("good"))
        let sources = report["sources"] as! [String: String]
        #expect(sources["host"] == "service mydb in \(file)")
        #expect(sources["password"] == "PGPASSWORD")
        let missing = await pgsecure(["url", "service=nope"], environment: environment)
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("pgsecure: service: definition of service \"nope\" not found"))
    }

    @Test func scriptsGetJSONEvenForBadInput() async throws {
        let result = await pgsecure(["test", "--json", "--host", "h", "--sslrootcert", "/nonexistent/root.crt"])
        #expect(result.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(object["connected"] as? Bool == false)
        #expect(object["verdict"] as? String == "failed")
        #expect((object["diagnosis"] as? [String: Any])?["code"] as? String == "root-cert-missing")
        let parse = await pgsecure(["test", "--json", "--port", "99999", "--host", "h"])
        let parsed = try JSONSerialization.jsonObject(with: Data(parse.stdout.utf8)) as! [String: Any]
        #expect((parsed["diagnosis"] as? [String: Any])?["code"] as? String == "bad-input")
        let certs = await pgsecure(["certs", "--json", "--bogus"])
        #expect(certs.status == 2)
        #expect((try JSONSerialization.jsonObject(with: Data(certs.stdout.utf8)) as? [String: Any])?["error"] != nil)
    }

    @Test func certsJSONKeepsItsKeyOrder() async {
        let first = await pgsecure(["certs", "--json"])
        let second = await pgsecure(["certs", "--json"])
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.firstRange(of: "\"candidates\"")!.lowerBound < first.stdout.firstRange(of: "\"chosen\"")!.lowerBound)
    }

    @Test func versionNamesLibpq() async {
        let result = await pgsecure(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("pgsecure \(PGSecureCommand.version) (libpq 15."))
    }

    @Test func aZeroTimeoutSaysWhatIsAllowed() async {
        let result = await pgsecure(["test", "--host", "h", "--timeout", "0"])
        #expect(result.stderr.contains("--timeout must be more than 0 and at most 3600 seconds"))
    }
}

@Suite("libpq's default root file is listed and chosen")
struct HomeRootListingTests {
    @Test func certsListsAndChoosesTheHomeRootFile() async throws {
        let (home, root) = try FieldCorrectTests.homeWithLibpqFiles()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = await pgsecure(["certs"], environment: ["HOME": home.path])
        #expect(result.stdout.contains("* \(root)"))
        #expect(result.stdout.contains("[libpq's default]"))
        #expect(result.stdout.contains("chosen: \(root)"))
    }
}
