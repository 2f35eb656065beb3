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
    public var description: String { Self.oneLine("\(field): \(problem) — \(fix)") }

    static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}":
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
