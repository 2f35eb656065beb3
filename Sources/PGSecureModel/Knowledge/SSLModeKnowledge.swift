#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGSecureResources

/// How safe a mode is, in words a person can act on.
public enum SecurityRating: String, Codable, Sendable {
    case insecure, weak, fair, secure

    public var label: String {
        switch self {
        case .insecure: "INSECURE"
        case .weak: "WEAK"
        case .fair: "FAIR"
        case .secure: "SECURE"
        }
    }
}

/// What an sslmode really does, read from Resources/sslmodes.json: the one source for the CLI, the wizard and the docs.
public struct SSLModeKnowledge: Codable, Sendable {
    public let mode: SSLMode
    public let rating: SecurityRating
    /// One line, for lists and warnings.
    public let summary: String
    /// A few sentences, for the wizard's explanation pane.
    public let detail: String

    public static let all: [SSLModeKnowledge] = {
        do {
            return try JSONDecoder().decode([SSLModeKnowledge].self, from: Data(EmbeddedResources.sslModes))
        } catch {
            fatalError("Resources/sslmodes.json is malformed: \(error)")
        }
    }()
}

extension SSLMode {
    public var knowledge: SSLModeKnowledge { SSLModeKnowledge.all.first { $0.mode == self }! }
}
