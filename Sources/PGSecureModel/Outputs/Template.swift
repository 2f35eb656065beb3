/// A value a snippet template can show: text, a condition, or a list of rows.
public enum TemplateValue: Sendable {
    case text(String)
    case flag(Bool)
    case rows([[String: TemplateValue]])
}

/// The small, logic-less subset of Mustache the snippet templates use: `{{name}}` / `{{{name}}}` insert text as is
/// (values arrive already quoted for their language), `{{#name}}…{{/name}}` repeats for rows or shows when true,
/// `{{^name}}…{{/name}}` shows when false or empty. A line holding only a section tag leaves no blank line.
/// Written here rather than taken from swift-mustache, which links all of Foundation and ICU (about 40 MB) into
/// the static binary and doubled the start-up time of every command.
public struct Template: Sendable {
    private let source: String

    public init(_ source: String) {
        self.source = Self.removingStandaloneSectionLines(source)
    }

    public func render(_ context: [String: TemplateValue]) -> String {
        Self.render(Substring(source), context)
    }

    private static func render(_ template: Substring, _ context: [String: TemplateValue]) -> String {
        var output = ""
        var rest = template
        while let open = rest.firstRange(of: "{{") {
            output += rest[..<open.lowerBound]
            let triple = rest[open.upperBound...].hasPrefix("{")
            let nameStart = triple ? rest.index(after: open.upperBound) : open.upperBound
            guard let close = rest[nameStart...].firstRange(of: triple ? "}}}" : "}}") else { break }
            let tag = rest[nameStart..<close.lowerBound].trimmingSpaces
            rest = rest[close.upperBound...]
            guard let sigil = tag.first, sigil == "#" || sigil == "^" else {
                if case .text(let text)? = context[String(tag)] { output += text }
                continue
            }
            let name = String(tag.dropFirst())
            guard let end = rest.firstRange(of: "{{/\(name)}}") else { break }
            let body = rest[..<end.lowerBound]
            rest = rest[end.upperBound...]
            switch (sigil, context[name]) {
            case ("#", .flag(true)?), ("#", .text?): output += render(body, context)
            case ("#", .rows(let rows)?):
                for row in rows { output += render(body, row.merging(context) { inner, _ in inner }) }
            case ("^", nil), ("^", .flag(false)?): output += render(body, context)
            case ("^", .rows(let rows)?) where rows.isEmpty: output += render(body, context)
            default: break
            }
        }
        return output + rest
    }

    private static func removingStandaloneSectionLines(_ source: String) -> String {
        var result = ""
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingSpaces
            let isSectionTag = trimmed.hasPrefix("{{") && trimmed.hasSuffix("}}")
                && trimmed.dropFirst(2).first.map { "#^/".contains($0) } == true
                && trimmed.dropFirst(2).firstRange(of: "{{") == nil
            result += isSectionTag ? trimmed : line
            if !isSectionTag && index < lines.count - 1 { result += "\n" }
        }
        return result
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
