#if canImport(Glibc)
import Glibc
#endif
import PGSecureModel
import PGSecureDisk
import PGSecureWizard
import PGSecureWizardRuntime
import SystemPackage

/// Everything a command reads from or writes to the world, injected so tests run the commands in-process
/// (swiftly's context pattern). stdout carries only the requested output; everything said to the person goes to stderr.
public struct Console: Sendable {
    /// Runs the interactive wizard from a state to its end with these effects; throws (with a one-line description)
    /// when it cannot draw.
    public typealias WizardRunner = @Sendable (
        WizardState, _ environment: [String: String], _ tester: @escaping EffectRunner.Tester,
        _ inspectRootFile: @escaping EffectRunner.RootInspector
    ) throws -> WizardExit

    public var environment: [String: String]
    /// Writes requested output (stdout).
    public var output: @Sendable (String) -> Void
    /// Writes one line for the person (stderr); the newline is added.
    public var error: @Sendable (String) -> Void
    /// The first line of standard input, raw, without its line end (nil: none). On a terminal the prompt is shown
    /// and nothing typed is echoed.
    public var readSecretLine: @Sendable (_ prompt: String) -> [UInt8]?
    public var runWizard: WizardRunner
    /// Called before a secret is written to stdout: when stdout is a regular file of this user that others may read,
    /// narrows it to 0600 and says so (nil: nothing to do). Devices, pipes and other users' files are left alone.
    public var protectSecretOutput: @Sendable () -> String?

    public init(
        environment: [String: String], output: @escaping @Sendable (String) -> Void,
        error: @escaping @Sendable (String) -> Void, readSecretLine: @escaping @Sendable (String) -> [UInt8]?,
        runWizard: @escaping WizardRunner, protectSecretOutput: @escaping @Sendable () -> String? = { nil }
    ) {
        self.environment = environment
        self.output = output
        self.error = error
        self.readSecretLine = readSecretLine
        self.runWizard = runWizard
        self.protectSecretOutput = protectSecretOutput
    }

    /// Writes requested output; when it holds a secret, stdout is protected first and any change is said on stderr.
    public func write(_ text: String, holdingSecret: Bool) {
        if holdingSecret, let notice = protectSecretOutput() { error("pgsecure: " + notice) }
        output(text)
    }

    /// The console the running command uses; tests bind their own with `Console.$current.withValue`.
    @TaskLocal public static var current = Console.process(runWizard: { _, _, _, _ in throw NoTerminal() })

    struct NoTerminal: Error, CustomStringConvertible {
        var description: String { "the wizard is not available here; use pgsecure url|conninfo|env|snippet|test" }
    }

    /// This process's standard streams and environment.
    public static func process(runWizard: @escaping WizardRunner) -> Console {
        Console(
            environment: processEnvironment(),
            output: { write($0, to: .standardOutput) },
            error: { write($0 + "\n", to: .standardError) },
            readSecretLine: { PasswordInput.readFirstLine(prompt: $0) },
            runWizard: runWizard, protectSecretOutput: { narrowStandardOutput() })
    }

    static func narrowStandardOutput() -> String? {
        var status = stat()
        guard fstat(STDOUT_FILENO, &status) == 0 else { return nil }
        let facts = LocalFiles.Facts(status)
        guard facts.isRegularFile, facts.isOwnedByCurrentUser, facts.mode & 0o077 != 0 else { return nil }
        let narrowed = mode_t(facts.mode & 0o700)
        guard fchmod(STDOUT_FILENO, narrowed) == 0 else {
            return "warning: stdout is a file others can read, and its mode could not be narrowed; it holds the password"
        }
        return "stdout: a file others could read; narrowed it to mode \(String(narrowed, radix: 8)) because it holds the password"
    }

    /// Unbuffered and whole (SystemPackage retries on EINTR and short writes): nothing is left half-written in a
    /// buffer if the process exits. When stdout's reader has gone (`pgsecure url | true`: EPIPE, since SIGPIPE is
    /// ignored) the output cannot arrive: exit 1 without a word.
    static func write(_ text: String, to descriptor: FileDescriptor) {
        do {
            _ = try descriptor.writeAll(text.utf8)
        } catch {
            if descriptor == .standardOutput { Glibc._exit(1) }  // no atexit clean-up: see LaunchWarmUp
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
