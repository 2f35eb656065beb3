import ArgumentParser
import PGSecureLibPQ
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
            TestCommand.self, CertsCommand.self, SaveCommand.self, ServicesCommand.self, AuditCommand.self,
        ],
        defaultSubcommand: WizardCommand.self
    )

    /// pgsecure's own version; `--version` adds this machine's libpq.
    public static let version = "0.4.0"

    public init() {}

    /// Parses `arguments` (without the program name), runs the command on `Console.current`, and returns the exit
    /// status: 0 done (help included, on stdout), 1 a failed `test`, 2 bad input with one line on stderr.
    public static func run(arguments: [String]) async -> Int32 {
        if arguments == ["--version"] || arguments == ["-V"] {
            Console.current.output("pgsecure \(version) (libpq \(LibPQ.versionText))\n")
            return 0
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as InputError {
            return fail("\(error)", code: DiagnosisCode(refusing: error), arguments: arguments)
        } catch let failure as CommandFailure {
            return fail(TerminalText.escaped(failure.line), arguments: arguments)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Console.current.output(fullMessage(for: error) + "\n")
                return 0
            }
            if error is ExitCode { return code.rawValue }
            let line = message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
            return fail(TerminalText.escaped(line) + " (see pgsecure --help)", arguments: arguments)
        }
    }

    /// Exit 2 with this line (already worded for the person).
    struct CommandFailure: Error {
        let line: String
    }

    /// One line on stderr, already escaped for the terminal. The argument parser quotes what it rejects, and a
    /// misplaced connection string carries its password: no secret from the command line is repeated.
    static func fail(_ line: String, code: DiagnosisCode = .badInput, arguments: [String]) -> Int32 {
        let redacted = SecretRedaction.redact(line, arguments: arguments)
        Console.current.error("pgsecure: " + redacted)
        // A script that asked for JSON gets JSON, even for bad input.
        if arguments.contains("--json") {
            Console.current.output(BadInputJSON.render(redacted, code: code, forTest: arguments.first == "test"))
        }
        return 2
    }
}

extension PGSecureCommand {
    /// The process's arguments as text. Bytes that are not UTF-8 (a Latin-1 password) are refused with the argument's
    /// place, never repeated and never silently replaced by U+FFFD.
    public static func decodeArguments(_ raw: [[UInt8]]) -> Result<[String], InputError> {
        var arguments: [String] = []
        for (index, bytes) in raw.enumerated() {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                let option = index > 0 ? String(validating: raw[index - 1], as: UTF8.self) : nil
                let field = option.flatMap { $0.hasPrefix("-") ? "the value of \($0)" : nil } ?? "argument \(index + 1)"
                return .failure(InputError(
                    field: field, problem: "is not valid UTF-8 text",
                    fix: "give it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`), or percent-encode those bytes in a URI"))
            }
            arguments.append(text)
        }
        return .success(arguments)
    }

    /// `run(arguments:)` for the raw bytes a process was started with.
    public static func run(rawArguments: [[UInt8]]) async -> Int32 {
        switch decodeArguments(rawArguments) {
        case .success(let arguments): await run(arguments: arguments)
        case .failure(let error): fail("\(error)", arguments: [])
        }
    }
}
