import ArgumentParser
import PGSecureModel

public struct PGSecureCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
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

    public init() {}

    /// Parses `arguments` (without the program name), runs the command on `Console.current`, and returns the exit
    /// status: 0 done (help included, on stdout), 1 a failed `test`, 2 bad input with one line on stderr.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as InputError {
            return fail("\(error)", arguments: arguments)
        } catch let failure as CommandFailure {
            return fail(failure.line, arguments: arguments)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Console.current.output(fullMessage(for: error) + "\n")
                return 0
            }
            if error is ExitCode { return code.rawValue }
            let line = message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
            return fail(line + " (see pgsecure --help)", arguments: arguments)
        }
    }

    /// Exit 2 with this line (already worded for the person).
    struct CommandFailure: Error {
        let line: String
    }

    /// One line on stderr. The argument parser quotes what it rejects, and a misplaced connection string carries its
    /// password: no secret from the command line is repeated.
    static func fail(_ line: String, arguments: [String]) -> Int32 {
        Console.current.error("pgsecure: " + SecretRedaction.redact(line, arguments: arguments))
        return 2
    }
}
