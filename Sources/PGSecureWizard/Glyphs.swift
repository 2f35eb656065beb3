/// How the terminal can show the characters the wizard draws with. On a UTF-8 locale everything is drawn as is; on
/// any other (LANG=C, POSIX) curses cannot draw non-ASCII and leaves blanks, so a finished screen is transliterated
/// cell by cell through one table: boxes become `+-|`, the password mask `*`, markers `>`, progress `#` and `.`,
/// ✓ `v`, ✗ `x`, … `...`, · `-`; accented Latin letters lose their accent; anything else becomes `?`.
/// Chosen once, by the backend (`nl_langinfo(CODESET)` after `setlocale`).
public struct Glyphs: Hashable, Sendable {
    public let isUnicode: Bool

    public static let unicode = Glyphs(isUnicode: true)
    public static let ascii = Glyphs(isUnicode: false)

    /// Stand-ins that keep the layout: one cell for one cell.
    static let asciiTable: [Character: Character] = [
        "•": "*", "─": "-", "━": "-", "│": "|", "┃": "|", "┴": "+", "┬": "+", "┼": "+", "╭": "+", "╮": "+", "╰": "+",
        "╯": "+", "▸": ">", "▶": ">", "■": "#", "□": ".", "✓": "v", "✗": "x", "·": "-", "—": "-", "–": "-", "↑": "^",
        "↓": "v", "←": "<", "→": ">", "×": "x", "≥": ">", "≤": "<", "ⓘ": "i", "…": ".", "“": "\"", "”": "\"",
        "‘": "'", "’": "'", "«": "\"", "»": "\"", "ß": "s", "Ø": "O", "ø": "o", "Æ": "A", "æ": "a", "Œ": "O",
        "œ": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d",
    ]

    /// Latin-1 and Latin Extended-A letters without their accent (the stdlib has no Unicode decomposition).
    static let accented: [Character: Character] = {
        let pairs: [(String, Character)] = [
            ("ÀÁÂÃÄÅĀĂĄ", "A"), ("àáâãäåāăą", "a"), ("ÇĆĈĊČ", "C"), ("çćĉċč", "c"), ("ĎÐ", "D"), ("ď", "d"),
            ("ÈÉÊËĒĔĖĘĚ", "E"), ("èéêëēĕėęě", "e"), ("ĜĞĠĢ", "G"), ("ĝğġģ", "g"), ("ĤĦ", "H"), ("ĥħ", "h"),
            ("ÌÍÎÏĨĪĬĮİ", "I"), ("ìíîïĩīĭįı", "i"), ("Ĵ", "J"), ("ĵ", "j"), ("Ķ", "K"), ("ķ", "k"), ("ĹĻĽĿ", "L"),
            ("ĺļľŀ", "l"), ("ÑŃŅŇ", "N"), ("ñńņň", "n"), ("ÒÓÔÕÖŌŎŐ", "O"), ("òóôõöōŏő", "o"), ("ŔŖŘ", "R"),
            ("ŕŗř", "r"), ("ŚŜŞŠ", "S"), ("śŝşš", "s"), ("ŢŤŦ", "T"), ("ţťŧ", "t"), ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
            ("ùúûüũūŭůűų", "u"), ("Ŵ", "W"), ("ŵ", "w"), ("ÝŶŸ", "Y"), ("ýÿŷ", "y"), ("ŹŻŽ", "Z"), ("źżž", "z"),
        ]
        var table: [Character: Character] = [:]
        for (letters, plain) in pairs { for letter in letters { table[letter] = plain } }
        return table
    }()

    /// One cell's text as this terminal can show it, in one cell. "" (the right half of a wide character) stays "".
    public func shown(_ text: String) -> String {
        guard !isUnicode, let character = text.first, !text.unicodeScalars.allSatisfy(\.isASCII) else { return text }
        if let plain = Self.asciiTable[character] ?? Self.accented[character] { return String(plain) }
        // A letter plus combining marks (e + U+0301): the letter.
        if let first = character.unicodeScalars.first, first.isASCII { return String(first) }
        return "?"
    }

    /// Rewrites a finished screen for this terminal. A wide character becomes `??` (both of its cells), and "…"
    /// becomes "..." where the two cells after it are blank (the end of a line or a truncated label).
    public func transliterate(_ screen: inout Screen) {
        guard !isUnicode else { return }
        for row in 0..<screen.size.height {
            var column = 0
            while column < screen.size.width {
                let text = screen.rows[row][column].text
                if text.isEmpty {
                    screen.setText("?", row: row, column: column)
                } else if text == "…", column + 2 < screen.size.width,
                    screen.rows[row][column + 1].text == " ", screen.rows[row][column + 2].text == " "
                {
                    for offset in 0..<3 { screen.setText(".", row: row, column: column + offset) }
                    column += 2
                } else {
                    screen.setText(shown(text), row: row, column: column)
                }
                column += 1
            }
        }
    }
}
