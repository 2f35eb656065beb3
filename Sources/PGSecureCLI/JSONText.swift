#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGSecureModel

/// Every command's `--json`: one shape of output (pretty, keys sorted so the order is stable, snake_case keys).
enum JSONText {
    static func of(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Exact values, with what a terminal would act on (C1, bidi) spelled \uXXXX, as the report's JSON does.
        return TerminalText.escapingInvisibleInJSON(String(decoding: try encoder.encode(value), as: UTF8.self)) + "\n"
    }
}
