import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import PGSecureModel

@main
struct PGSecure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgsecure",
        abstract: "Connect to PostgreSQL securely, first time: verified TLS settings, strings and snippets that are exactly right.",
        discussion: """
            With no command, pgsecure starts the interactive wizard. Every output is also a command, for scripts and CI.
            Outputs verify the server (sslmode=verify-full) unless you pass --sslmode; stdout holds only the output.
            """,
        subcommands: [
            WizardCommand.self, URLCommand.self, ConninfoCommand.self, EnvCommand.self, SnippetCommand.self,
            TestCommand.self, CertsCommand.self,
        ],
        defaultSubcommand: WizardCommand.self
    )

    /// Bad input exits 2 with one line on stderr; help exits 0 on stdout; a failed `test` exits 1 (ExitCode).
    static func main() async {
        // A closed pipe (`pgsecure url | head -c1`, a clipboard helper that exits early, a server that hangs up
        // mid-handshake) must be an error to handle, not a silent death that could leave the terminal raw.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as InputError {
            fail("\(error)")
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            if error is ExitCode { Glibc.exit(code.rawValue) }
            fail(message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ") + " (see pgsecure --help)")
        }
    }

    static func fail(_ line: String) -> Never {
        Console.error("pgsecure: \(line)")
        Glibc.exit(2)
    }
}
