#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every JSON pgsecure prints (test's report, audit, certs, services, snippet --list, bad input): one shape, so
/// scripts see the same conventions everywhere — pretty, keys sorted so the order is stable, snake_case keys.
public enum JSONText {
    public static func of(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Exact values, with what a terminal would act on (C1, bidi) spelled \uXXXX.
        return TerminalText.escapingInvisibleInJSON(String(decoding: try encoder.encode(value), as: UTF8.self)) + "\n"
    }
}
