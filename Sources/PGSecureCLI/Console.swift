#if canImport(Glibc)
import Glibc
#endif
import PGSecureModel
import PGSecureWizard
import SystemPackage

/// How the wizard reached its end: what to print on stdout once the terminal is restored, and the exit status.
public struct WizardOutcome: Sendable, Equatable {
    public var output: String?
    public var status: Int32

    public init(output: String?, status: Int32) {
        self.output = output
        self.status = status
    }
}

/// Everything a command reads from or writes to the world, injected so tests run the commands in-process
/// (swiftly's context pattern). stdout carries only the requested output; everything said to the person goes to stderr.
public struct Console: Sendable {
    public typealias Tester = @Sendable (ConnectionSettings) async -> Report
    /// Runs the interactive wizard from a state to its end; throws (with a one-line description) when it cannot draw.
    public typealias WizardRunner = @Sendable (WizardState, _ environment: [String: String], _ tester: @escaping Tester) throws -> WizardOutcome

    public var environment: [String: String]
    /// Writes requested output (stdout).
    public var output: @Sendable (String) -> Void
    /// Writes one line for the person (stderr); the newline is added.
    public var error: @Sendable (String) -> Void
    /// The next line of standard input without its newline; nil at the end.
    public var readLine: @Sendable () -> String?
    public var runWizard: WizardRunner

    public init(
        environment: [String: String], output: @escaping @Sendable (String) -> Void,
        error: @escaping @Sendable (String) -> Void, readLine: @escaping @Sendable () -> String?,
        runWizard: @escaping WizardRunner
    ) {
        self.environment = environment
        self.output = output
        self.error = error
        self.readLine = readLine
        self.runWizard = runWizard
    }

    /// The console the running command uses; tests bind their own with `Console.$current.withValue`.
    @TaskLocal public static var current = Console.process(runWizard: { _, _, _ in throw NoTerminal() })

    struct NoTerminal: Error, CustomStringConvertible {
        var description: String { "the wizard is not available here; use pgsecure url|conninfo|env|snippet|test" }
    }

    /// This process's standard streams and environment.
    public static func process(runWizard: @escaping WizardRunner) -> Console {
        Console(
            environment: processEnvironment(),
            output: { write($0, to: .standardOutput) },
            error: { write($0 + "\n", to: .standardError) },
            readLine: { Swift.readLine(strippingNewline: true) },
            runWizard: runWizard)
    }

    /// Unbuffered and whole (SystemPackage retries on EINTR and short writes): nothing is left half-written in a
    /// buffer if the process exits. When stdout's reader has gone (`pgsecure url | true`: EPIPE, since SIGPIPE is
    /// ignored) the output cannot arrive: exit 1 without a word.
    static func write(_ text: String, to descriptor: FileDescriptor) {
        do {
            _ = try descriptor.writeAll(text.utf8)
        } catch {
            if descriptor == .standardOutput { Glibc.exit(1) }
        }
    }

    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }
}
