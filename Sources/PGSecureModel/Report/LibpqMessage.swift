/// libpq's messages put names and values "in double quotes": one reading of that for diagnosis and redaction.
public enum LibpqMessage {
    /// `message` split at its double quotes; `isQuoted` marks the pieces between a pair (an unclosed quote's tail is not).
    /// Joining the texts with `"` gives the message back.
    public static func pieces(_ message: String) -> [(text: Substring, isQuoted: Bool)] {
        let parts = message.split(separator: "\"", omittingEmptySubsequences: false)
        return parts.enumerated().map { index, part in (part, index % 2 == 1 && index < parts.count - 1) }
    }

    /// The quoted tokens, in order.
    public static func quotedTokens(in message: String) -> [String] {
        pieces(message).filter(\.isQuoted).map { String($0.text) }
    }
}
