/// The shells whose export syntax pgsecure writes.
public enum Shell: String, CaseIterable, Sendable {
    case sh, fish, powershell

    func assignment(_ variable: String, _ value: String) -> String {
        switch self {
        case .sh: "export \(variable)=\(Quoting.posixShell(value))"
        case .fish: "set -gx \(variable) \(Quoting.fish(value))"
        case .powershell: "$env:\(variable) = \(Quoting.powerShell(value))"
        }
    }
}

/// Text meant for a person: the output itself, and what they should know about it (printed on stderr).
public struct RenderedOutput: Sendable, Equatable {
    public let text: String
    public let warnings: [String]

    public init(text: String, warnings: [String] = []) {
        self.text = text
        self.warnings = warnings
    }
}

extension ConnectionSettings {
    /// Lines that set libpq's environment variables (PGHOST...) in `shell`.
    public func exports(for shell: Shell) -> RenderedOutput {
        var lines: [String] = []
        var warnings: [String] = []
        for option in options {
            if let variable = LibpqEnvironment.variable(for: option.keyword) {
                lines.append(shell.assignment(variable, option.value))
            } else {
                warnings.append("\(option.keyword) has no environment variable in libpq, so the exports leave it out; use the URI or key=value string to keep it")
            }
        }
        return RenderedOutput(text: lines.map { $0 + "\n" }.joined(), warnings: warnings)
    }
}
