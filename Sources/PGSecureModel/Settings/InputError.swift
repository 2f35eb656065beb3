/// Bad input, reported as one line that names the field, what is wrong, and how to fix it.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let problem: String
    public let fix: String

    public init(field: String, problem: String, fix: String) {
        self.field = field
        self.problem = problem
        self.fix = fix
    }

    /// One line, always: control characters from the input (a newline in a value) are shown escaped.
    public var description: String { TerminalText.escaped("\(field): \(problem) — \(fix)") }
}
