import Foundation
import Testing
import TestSupport

/// Managed providers through the commands: the fix on stderr, the provider's root chosen when present, and
/// `certs --check` on good, wrong and expired CA files.
@Suite("Provider commands")
struct ProviderCommandTests {
    static let supabase = "postgresql://postgres@db.abcdefghijklmnopqrst.supabase.co:5432/postgres?sslmode=require"

    @Test func urlForSupabaseSaysWhereToGetItsRootAndNamesTheFile() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let result = await pgsecure(["url", Self.supabase], environment: ["HOME": home.path])
        let path = home.path + "/.postgresql/supabase-prod-ca-2021.crt"
        #expect(result.status == 0)
        #expect(result.stdout.contains("sslrootcert=" + path.replacingOccurrences(of: "/", with: "%2F")))
        #expect(result.stderr.contains("warning: sslrootcert: Supabase's root (Supabase Root 2021 CA) is in no system bundle"))
        #expect(result.stderr.contains("save it as \(path)"))
        #expect(!result.stderr.contains("the system's root bundle"))
    }

    @Test func aProviderRootInHomeIsChosenAndListed() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let path = home.path + "/.postgresql/supabase-prod-ca-2021.crt"
        try FileManager.default.createDirectory(atPath: home.path + "/.postgresql", withIntermediateDirectories: true)
        try writeSelfSignedCA(to: path, commonName: "Supabase Root 2021 CA")
        let result = await pgsecure(["conninfo", Self.supabase], environment: ["HOME": home.path])
        #expect(result.stdout.contains("sslrootcert='\(path)'"))
        #expect(result.stderr.contains("using \(path), Supabase's root found on this machine"))
        let certs = await pgsecure(["certs"], environment: ["HOME": home.path])
        #expect(certs.stdout.contains("provider root: \(path)  [Supabase; chosen for its hosts]"))
    }

    @Test func herokuGetsRequireAndAnHonestWarning() async throws {
        let result = await pgsecure(["env", "postgres://u@ec2-54-83-1-2.compute-1.amazonaws.com:5432/d?sslmode=require"])
        #expect(result.stdout.contains("PGSSLMODE='require'") || result.stdout.contains("PGSSLMODE=require"))
        #expect(!result.stdout.contains("PGSSLROOTCERT"))
        #expect(result.stderr.contains("warning: sslmode: verify-full cannot work with Heroku Postgres"))
    }

    /// `certs --check` on a fresh self-signed CA named `commonName` (and the same with --json).
    func check(_ commonName: String, fromDays: Int = -1, toDays: Int = 3650, host: String) async throws -> (CommandRun, [String: Any]) {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.path + "/ca.pem"
        try writeSelfSignedCA(to: file, commonName: commonName, fromDays: fromDays, toDays: toDays)
        let text = await pgsecure(["certs", "--check", file, "--host", host])
        let json = await pgsecure(["certs", "--check", file, "--host", host, "--json"])
        return (text, try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any])
    }

    @Test func checkAGoodProviderRoot() async throws {
        let (result, object) = try await check("Supabase Root 2021 CA", host: "aws-0-us-east-1.pooler.supabase.com")
        #expect(result.status == 0)
        #expect(result.stdout.contains("1 certificate"))
        #expect(result.stdout.contains("CN=Supabase Root 2021 CA (self-signed root)"))
        #expect(result.stdout.contains("ok: it holds Supabase's documented root"))
        // A look-alike: the name matches, the fingerprint third parties publish does not.
        #expect(result.stdout.contains("not the SHA-256 fingerprint third parties publish"))
        #expect(object["holds_provider_root"] as? Bool == true)
        #expect(object["provider"] as? String == "Supabase")
    }

    @Test func checkTheWrongRoot() async throws {
        let (result, object) = try await check("Some Other Root", host: "testpg.cdhmuqifdpib.us-east-1.rds.amazonaws.com")
        #expect(result.status == 1)
        #expect(result.stdout.contains("problem: it does not hold AWS RDS / Aurora's root"))
        #expect(result.stdout.contains("https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"))
        #expect(object["holds_provider_root"] as? Bool == false)
    }

    @Test func checkAnExpiredRoot() async throws {
        let (result, _) = try await check(
            "Amazon RDS us-east-1 Root CA RSA2048 G1", fromDays: -400, toDays: -30, host: "testpg.cdhmuqifdpib.us-east-1.rds.amazonaws.com")
        #expect(result.status == 1)
        #expect(result.stdout.contains("EXPIRED"))
        #expect(result.stdout.contains("is in it, but expired or not yet valid"))
    }

    @Test func checkAFileWithNoCertificate() async throws {
        let result = await pgsecure(["certs", "--check", "/etc/hostname"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("holds no PEM certificate"))
    }

    @Test func hostNeedsCheck() async {
        #expect(await pgsecure(["certs", "--host", "db.abc.supabase.co"]).status == 2)
    }

    // MARK: --target-os

    @Test(arguments: [
        ("debian", "/etc/ssl/certs/ca-certificates.crt"), ("rhel", "/etc/pki/tls/certs/ca-bundle.crt"),
        ("opensuse", "/etc/ssl/ca-bundle.pem"), ("alpine", "/etc/ssl/cert.pem"), ("macos", "/etc/ssl/cert.pem"),
    ])
    func targetOSWritesThatSystemsBundle(_ system: String, _ bundle: String) async {
        let result = await pgsecure(["conninfo", "--host", "db.example.com", "--target-os", system])
        #expect(result.stdout == "host='db.example.com' sslmode='verify-full' sslrootcert='\(bundle)'\n")
        #expect(result.stderr.contains("for --target-os \(system)); with libpq 16 or newer there, sslrootcert=system works too"))
    }

    @Test func windowsHasNoBundleFile() async {
        let result = await pgsecure(["url", "--host", "db.example.com", "--for", "windows"])
        #expect(result.stdout == "postgresql://db.example.com/?sslmode=verify-full\n")
        #expect(result.stderr.contains("https://curl.se/ca/cacert.pem"))
        #expect(result.stderr.contains("%APPDATA%\\postgresql\\root.crt"))
    }

    @Test func aProviderRootOnAnotherMachineGoesToLibpqsDefaultFile() async throws {
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        // A root on this machine is not on the target: it is not named.
        try FileManager.default.createDirectory(atPath: home.path + "/.postgresql", withIntermediateDirectories: true)
        try writeSelfSignedCA(to: home.path + "/.postgresql/supabase-prod-ca-2021.crt", commonName: "Supabase Root 2021 CA")
        let result = await pgsecure(["conninfo", Self.supabase, "--target-os", "alpine"], environment: ["HOME": home.path])
        #expect(!result.stdout.contains("sslrootcert"))
        #expect(result.stderr.contains("save it on that machine as ~/.postgresql/root.crt"))
    }

    @Test func unknownTargetOS() async {
        let result = await pgsecure(["url", "--host", "h", "--target-os", "beos"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("use one of debian, rhel, opensuse, alpine, macos, windows"))
    }
}
