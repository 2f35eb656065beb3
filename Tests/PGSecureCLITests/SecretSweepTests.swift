import PGSecureCLI
import PGSecureModel
import Testing

/// No error path repeats a password: every subcommand, given misplaced, extra or invalid arguments that carry one.
@Suite("Canary passwords never appear in any output")
struct SecretSweepTests {
    static let canary = "Cn4ry-S3cret"
    static let carriers = [
        "postgresql://alex:\(canary)@db.example.com/app",
        "postgresql://alex:\(canary.replacing("-", with: "%2D"))@db.example.com/app?sslmode=require",
        "host=h password=\(canary) dbname=d",
        "host=h password='\(canary) x' dbname=d",
        "host=h sslpassword = \(canary)",
        "postgresql://h/app?password=\(canary)&sslmode=require",
    ]
    static let commands = ["url", "conninfo", "env", "snippet", "test", "certs", "wizard"]

    /// Each way of getting an argument wrong, with the carrier put where it does not belong.
    static func misuses(_ command: String, _ carrier: String) -> [[String]] {
        var runs: [[String]] = [
            [command, carrier, carrier],  // an extra positional argument
            [command, "--no-such-option", carrier],
            [command, carrier, "--no-such-option"],
            [command, "--sslmode", carrier, "--host", "h"],
            [command, "--port", carrier, "--host", "h"],
            [command, "--shell", carrier],
            [command, "--timeout", carrier],
            [command, "--emit", carrier],
            [command, "--host", "h", "--sslrootcert", carrier],
        ]
        if command == "snippet" { runs.append(["snippet", carrier]) }
        return runs
    }

    static let cases: [(String, String)] = commands.flatMap { command in carriers.map { (command, $0) } }

    @Test(arguments: cases)
    func misplacedConnectionStringsKeepTheirSecret(command: String, carrier: String) async {
        for arguments in Self.misuses(command, carrier) {
            let result = await pgsecure(arguments, input: "")
            #expect(result.status != 0, "\(arguments) succeeded")
            for secret in [Self.canary, "Cn4ry%2DS3cret"] {
                #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(arguments): \(result.stderr)")
            }
        }
    }

    @Test func theMaskKeepsTheRestOfTheArgumentReadable() {
        let message = "Unexpected argument 'postgresql://alex:\(Self.canary)@db.example.com/app'"
        #expect(SecretRedaction.redact(message, arguments: ["certs", "postgresql://alex:\(Self.canary)@db.example.com/app"])
            == "Unexpected argument 'postgresql://alex:…@db.example.com/app'")
    }

    @Test(arguments: [
        ("postgresql://u:p%40ss@h/d", ["p%40ss", "p@ss"]),
        ("host=h password='a\\'b c' x=y", ["a\\'b c", "a'b c"]),
        ("host=h password=abc", ["abc"]),
        ("postgresql://u@h/d", []),
        ("plain", []),
    ])
    func secretsAreFoundInEachForm(argument: String, expected: [String]) {
        #expect(Set(SecretRedaction.secrets(in: argument)) == Set(expected))
    }
}

/// Bytes libpq cannot carry, or that would not come back as given: refused with exit 2, naming the field, never the value.
@Suite("Bytes that cannot round-trip")
struct UnrepresentableInputTests {
    @Test func aNulInAPasswordFromStandardInputIsRefused() async {
        let result = await pgsecure(["url", "--host", "h", "--password-stdin"], inputBytes: Array("ab\0cd\n".utf8))
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "pgsecure: password: holds a NUL byte, which libpq cannot carry — remove it from the value\n")
    }

    @Test func latin1OnStandardInputIsRefused() async {
        let result = await pgsecure(["url", "--host", "h", "--password-stdin"], inputBytes: [0x70, 0xE9, 0x0A])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("pgsecure: password-stdin: is not valid UTF-8 text"))
    }

    @Test func percentEncodedLatin1IsRefused() async {
        let result = await pgsecure(["url", "postgresql://u:p%E9ss@h/d"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("pgsecure: password: is not valid UTF-8 text once percent-decoded"))
        #expect(!result.stderr.contains("p%E9ss"))
    }

    @Test(arguments: [
        ([Array("url".utf8), Array("--host".utf8), [0x68, 0xE9]], "the value of --host"),
        ([Array("url".utf8), [0x68, 0xE9]], "argument 2"),
    ])
    func latin1InArgumentsIsRefusedWithItsPlace(raw: [[UInt8]], field: String) async {
        let decoded = PGSecureCommand.decodeArguments(raw)
        guard case .failure(let error) = decoded else {
            Issue.record("decoded \(decoded)")
            return
        }
        #expect(error.field == field)
        #expect(error.problem == "is not valid UTF-8 text")
    }
}
