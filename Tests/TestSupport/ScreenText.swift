import PGSecureWizard

extension Screen {
    /// The screen's text with line breaks removed, for strings the layout may wrap.
    /// Body rows are taken right of the sidebar and joined with spaces, undoing the word wrap.
    public var joinedText: String {
        (0..<size.height).map { row -> String in
            let inBody = size.width > 22 && rows[row][22].text == "│"
            let cells = inBody ? rows[row][23...] : rows[row][...]
            return cells.map(\.text).joined().trimmingCharacters(in: " ")
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The lines of the outputs preview box (after "┃ "), joined: the output as the user sees it.
    public var previewText: String {
        (0..<size.height).compactMap { row -> String? in
            let text = line(row)
            guard let bar = text.firstIndex(of: "┃") else { return nil }
            return String(text[text.index(after: bar)...].dropFirst())
        }.joined()
    }
}

extension String {
    public func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
    }
}
