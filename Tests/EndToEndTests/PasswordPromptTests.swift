import Foundation
import Testing

/// `--password-stdin` on a terminal: a prompt on the tty, nothing echoed, and the terminal as it was afterwards.
@Suite("--password-stdin on a terminal")
struct PasswordPromptTests {
    static let script = packageRoot.appendingPathComponent("Tests/EndToEndTests/Support/pty-password.py").path
    /// Every character that would show is one the URI percent-encodes, so the raw form appears only if echoed.
    static let password = "Ty ped@S3cret"

    struct Outcome: Decodable {
        let status: Int
        let screen: String
        let prompted: Bool
        let echo_during_prompt: Bool
        let echo: Bool
    }

    static func prompt(_ mode: String, _ arguments: [String]) throws -> Outcome {
        let result = try run(
            "/usr/bin/python3", [script, mode, pgsecureBinary] + arguments,
            environment: [
                "PATH": "/usr/bin:/bin", "HOME": emptyHome.path, "LANG": "C.UTF-8", "TERM": "xterm", "PTY_PASSWORD": password,
            ])
        return try JSONDecoder().decode(Outcome.self, from: result.stdoutBytes)
    }

    @Test func thePasswordIsReadWithoutEchoAndUsed() throws {
        let outcome = try Self.prompt("enter", ["url", "--host", "h", "--password-stdin", "--include-password", "-q"])
        #expect(outcome.status == 0, "\(outcome.screen)")
        #expect(!outcome.echo_during_prompt)
        #expect(outcome.echo, "echo was left off")
        // The typed password never shows; the output carries it percent-encoded, as asked.
        #expect(!outcome.screen.contains(Self.password), "\(outcome.screen)")
        #expect(outcome.screen.contains("Password: "))
        #expect(outcome.screen.contains("postgresql://:Ty%20ped%40S3cret@h/?sslmode=verify-full"), "\(outcome.screen)")
    }

    @Test func aSignalAtThePromptGivesTheTerminalBack() throws {
        let outcome = try Self.prompt("term", ["url", "--host", "h", "--password-stdin"])
        // The signal must hit the prompt with echo off: otherwise "echo is on afterwards" would prove nothing.
        #expect(outcome.prompted && !outcome.echo_during_prompt, "\(outcome.screen)")
        #expect(outcome.status == -15)
        #expect(outcome.echo, "echo was left off after SIGTERM")
    }
}
