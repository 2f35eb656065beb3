import Foundation
import PGSecureCLI
import PGSecureWizard
import PGSecureWizardRuntime
import Synchronization
import TestSupport
import Testing

/// Notices, the tester and the wizard command, in-process: what each says, and its exit status.
@Suite("Commands in-process: notices, test, wizard")
struct CommandFlowTests {
    @Test func noticesAreWordedOnStderrAndQuietSilencesThem() async {
        let said = await pgsecure(["url", "--host", "h", "--sslmode", "verify-ca"])
        #expect(said.status == 0)
        #expect(said.stderr == """
            pgsecure: warning: sslmode=verify-ca: Encrypted; the certificate must chain to your root file, but any host name is accepted. Use verify-full to check it.
            pgsecure: sslrootcert: using /etc/ssl/certs/ca-certificates.crt (the system's root bundle; see `pgsecure certs`)

            """)
        let quiet = await pgsecure(["url", "--host", "h", "--sslmode", "verify-ca", "-q"])
        #expect(quiet.stdout == said.stdout && quiet.stderr.isEmpty)
    }

    @Test func sslCertFileIsNamedAsTheSourceOfTheRoot() async {
        let result = await pgsecure(["url", "--host", "h"], environment: ["SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"])
        #expect(result.stderr.contains("(named by SSL_CERT_FILE; see `pgsecure certs`)"))
    }

    @Test func systemRootsOnThisLibpqAreWarnedAbout() async {
        let result = await pgsecure(["conninfo", "--host", "h", "--sslrootcert", "system"])
        #expect(result.status == 0)
        #expect(result.stdout == "host='h' sslmode='verify-full' sslrootcert='system'\n")
        #expect(result.stderr.contains("pgsecure: warning: sslrootcert=system needs libpq 16 or newer; this machine's libpq 15."))
    }

    @Test func testConnectsToTheLabAndExitsZero() async throws {
        let lab = try TLSLab.load()
        let result = await pgsecure(
            ["test", "--json"] + lab.fields("good") + ["--sslrootcert", lab.rootCertificate], environment: ["PGPASSWORD": lab.password])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(report["verdict"] as? String == "verified-full")
        #expect(!result.stdout.contains(lab.password) && !result.stderr.contains(lab.password))
    }

    @Test func aFailedTestExitsOneWithItsDiagnosis() async throws {
        let lab = try TLSLab.load()
        let result = await pgsecure(
            ["test"] + lab.fields("untrusted") + ["--sslrootcert", lab.rootCertificate], environment: ["PGPASSWORD": lab.password])
        #expect(result.status == 1)
        #expect(result.stdout.contains("cert-untrusted"))
    }

    @Test(arguments: [["test", "--host", "h", "--timeout", "0"], ["test", "--host", "h", "--timeout", "x"], ["wizard", "--emit", "nope"]])
    func badArgumentsExitTwo(arguments: [String]) async {
        let result = await pgsecure(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    /// The real loop in memory, the real tester against the lab: `--emit env` prints POSIX exports on stdout, whatever
    /// output is highlighted when the person presses Enter.
    @Test func wizardEmitPrintsTheKindItPromised() async throws {
        let lab = try TLSLab.load()
        let conninfo = "host=localhost port=\(lab.port("good")) user=\(lab.user) dbname=postgres sslrootcert=\(lab.rootCertificate)"
        let log = FrameLog()
        let script: [TestBackend.Step] = [
            .waitFor("Where is the server?"), .key(.enter), .waitFor("Who connects?"), .key(.enter),
            .waitFor("Which database?"), .key(.enter), .waitFor("How much should the connection prove?"), .key(.enter),
            .waitFor("Which roots should vouch"), .key(.enter), .waitFor("✓ verified-full"), .key(.enter),
            .waitFor("tested: ✓ verified-full"), .key(.down), .key(.down), .key(.down), .key(.enter),
        ]
        let result = await pgsecure(
            ["wizard", conninfo, "--emit", "env"], environment: ["PGPASSWORD": lab.password],
            wizard: inMemoryWizard(script, recording: log))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            export PGHOST='localhost'
            export PGPORT='\(lab.port("good"))'
            export PGUSER='\(lab.user)'
            export PGDATABASE='postgres'
            export PGSSLMODE='verify-full'
            export PGSSLROOTCERT='\(lab.rootCertificate)'

            """)
        let frames = log.frames.withLock { $0 }
        #expect(frames.count > 5)
        #expect(!frames.contains { $0.text.contains(lab.password) }, "the password was drawn")
    }

    @Test func anInterruptedWizardKeepsItsStatusAndPrintsNothing() async {
        let script: [TestBackend.Step] = [.waitFor("Paste a connection string"), .key(.control("c"))]
        let result = await pgsecure(["wizard"], wizard: inMemoryWizard(script))
        #expect(result.status == 130)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
    }

    @Test func noTerminalIsOneLineAndExitTwo() async {
        let result = await pgsecure([])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "pgsecure: \(NoTerminal().description)\n")
    }
}
