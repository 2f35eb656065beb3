import PGSecureModel

/// A terminal size in cells.
public struct Size: Hashable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// What a span of text means; the backend maps roles to colours, or to plain attributes on a monochrome terminal.
public enum ColorRole: Hashable, Sendable, CaseIterable {
    case normal, accent, good, warning, danger, muted
}

public struct Style: Hashable, Sendable {
    public var role: ColorRole
    public var isBold: Bool
    public var isDim: Bool
    public var isReverse: Bool
    public var isUnderlined: Bool

    public init(
        _ role: ColorRole = .normal, bold: Bool = false, dim: Bool = false, reverse: Bool = false,
        underline: Bool = false
    ) {
        self.role = role
        isBold = bold
        isDim = dim
        isReverse = reverse
        isUnderlined = underline
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let muted = Style(.muted, dim: true)
    public static let accent = Style(.accent)
    public static let good = Style(.good)
    public static let warning = Style(.warning)
    public static let danger = Style(.danger, bold: true)
    public static let selected = Style(.accent, bold: true, reverse: true)
}

/// One screen cell: a grapheme and its style. The right half of a double-width grapheme holds "".
public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: Style

    public static let blank = Cell(text: " ", style: .plain)
}

public struct Position: Hashable, Sendable {
    public var row: Int
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// What the wizard shows at one size: a grid of styled cells and where the text cursor is (nil: hidden).
/// Built by `render`; painted by the terminal backend; read by tests as plain text.
public struct Screen: Hashable, Sendable {
    public let size: Size
    public private(set) var rows: [[Cell]]
    public var cursor: Position?

    public init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        rows = Array(repeating: Array(repeating: .blank, count: self.size.width), count: self.size.height)
    }

    /// Row `index` as plain text, trailing blanks removed.
    public func line(_ index: Int) -> String {
        var text = ""
        for cell in rows[index] { text += cell.text }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// The whole screen as plain text, one line per row.
    public var text: String { (0..<size.height).map(line).joined(separator: "\n") }

    /// Writes `text` at a position, escaped (`ShownText`), clipped to `width` columns (default: to the right edge);
    /// never splits a wide character or an escape. Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: Style = .plain, width: Int? = nil) -> Int {
        // Server text, file names and pastes reach the screen here: escape what a terminal would act on.
        put(ShownText(text), row: row, column: column, style: style, width: width)
    }

    /// Writes text escaped already (wrapped or cut by `DisplayWidth`, or a `TextInput`'s visible part).
    @discardableResult
    public mutating func put(_ text: ShownText, row: Int, column: Int, style: Style = .plain, width: Int? = nil) -> Int {
        guard row >= 0, row < size.height, column >= 0, column < size.width else { return 0 }
        let limit = min(size.width, column + (width ?? size.width))
        var x = column
        for piece in text.pieces {
            let pieceWidth = DisplayWidth.of(piece)
            if pieceWidth == 0 {
                // Combining marks and the like join the previous cell (controls never get here: they are escaped).
                if x > column {
                    var previous = x - 1
                    while previous > column, rows[row][previous].text.isEmpty { previous -= 1 }
                    rows[row][previous].text += piece
                }
                continue
            }
            // Whole or not at all: `\x1` would be a different escape, or none.
            guard x + pieceWidth <= limit else { break }
            for character in piece {
                let cellWidth = DisplayWidth.of(character)
                rows[row][x] = Cell(text: String(character), style: style)
                if cellWidth == 2 { rows[row][x + 1] = Cell(text: "", style: style) }
                x += cellWidth
            }
        }
        return x - column
    }

    /// Paints the style over a range of columns (e.g. a selection bar), keeping the text.
    public mutating func paint(row: Int, from start: Int, to end: Int, style: Style) {
        guard row >= 0, row < size.height else { return }
        for x in max(0, start)..<min(size.width, max(start, end)) { rows[row][x].style = style }
    }

    /// Replaces one cell's text, keeping its style (for transliterating a finished screen).
    public mutating func setText(_ text: String, row: Int, column: Int) {
        guard row >= 0, row < size.height, column >= 0, column < size.width else { return }
        rows[row][column].text = text
    }

    /// Copies `count` rows of `columns` from `source` (a taller canvas of the same width), starting at its row
    /// `sourceRow`, to this screen's row `row`: a scrolled window onto content taller than the body.
    public mutating func copyRows(_ count: Int, from source: Screen, at sourceRow: Int, to row: Int, columns: Range<Int>) {
        for offset in 0..<max(0, count) {
            let (from, to) = (sourceRow + offset, row + offset)
            guard from >= 0, from < source.size.height, to >= 0, to < size.height else { continue }
            for x in columns where x >= 0 && x < size.width && x < source.size.width { rows[to][x] = source.rows[from][x] }
        }
    }

    /// Blanks a rectangle (for overlays).
    public mutating func clear(row: Int, column: Int, width: Int, height: Int, style: Style = .plain) {
        for y in max(0, row)..<min(size.height, row + height) {
            for x in max(0, column)..<min(size.width, column + width) { rows[y][x] = Cell(text: " ", style: style) }
        }
    }
}

/// Text as the terminal shows it: escaped (`TerminalText.escaped`) before any width is counted, so a wrap or a cut
/// counts the cells an escape really takes (`\x1b` is 4, where the raw ESC counts 0) and never splits one. One piece
/// per character of the original: the character, or what it is shown as, whole.
public struct ShownText: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public private(set) var pieces: [String]

    public init(_ text: String) { pieces = TerminalText.escapedPieces(text) }
    public init(stringLiteral text: String) { self.init(text) }
    /// Pieces from a `ShownText` (or `TerminalText.escapedPieces`): escaped already.
    init(pieces: some Sequence<String>) { self.pieces = Array(pieces) }

    /// What the terminal shows.
    public var string: String { pieces.joined() }
    public var description: String { string }
    public var width: Int { DisplayWidth.of(pieces) }
}

/// Terminal column widths, as glibc's wcwidth counts them (which is what ncurses uses).
public enum DisplayWidth {
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        let category = first.properties.generalCategory
        if category == .control || category == .format || category == .nonspacingMark || category == .enclosingMark {
            return 0
        }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }  // emoji presentation selector
        return isWide(first.value) || first.properties.isEmojiPresentation ? 2 : 1
    }

    public static func of(_ text: some StringProtocol) -> Int { text.reduce(0) { $0 + of($1) } }

    static func of(_ pieces: some Sequence<String>) -> Int { pieces.reduce(0) { $0 + of($1) } }

    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            true
        default: false
        }
    }

    /// `text` escaped, then cut to `width` columns, ending in "…" when something was cut.
    public static func truncated(_ text: String, to width: Int) -> ShownText { truncated(ShownText(text), to: width) }

    public static func truncated(_ text: ShownText, to width: Int) -> ShownText {
        guard width > 0 else { return ShownText(pieces: []) }
        if text.width <= width { return text }
        var kept: [String] = []
        var used = 0
        for piece in text.pieces {
            let w = of(piece)
            if used + w > width - 1 { break }
            kept.append(piece)
            used += w
        }
        return ShownText(pieces: kept + ["…"])
    }

    /// Word-wraps `text`, escaped, to `width` columns; words longer than a line are split (between characters, never
    /// inside an escape). Newlines start new lines.
    public static func wrapped(_ text: String, to width: Int) -> [ShownText] {
        guard width > 0 else { return [] }
        var lines: [ShownText] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line: [String] = []
            var lineWidth = 0
            for word in ShownText(String(paragraph)).pieces.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Array(word)
                var wordWidth = of(word)
                if lineWidth > 0, lineWidth + 1 + wordWidth <= width {
                    line += [" "] + word
                    lineWidth += 1 + wordWidth
                    continue
                }
                if lineWidth > 0 {
                    lines.append(ShownText(pieces: line))
                    line = []
                    lineWidth = 0
                }
                while wordWidth > width {
                    let (head, rest) = split(word, at: width)
                    lines.append(ShownText(pieces: head))
                    word = rest
                    wordWidth = of(word)
                }
                line = word
                lineWidth = wordWidth
            }
            lines.append(ShownText(pieces: line))
        }
        return lines
    }

    /// Hard-wraps `text`, escaped, at exactly `width` columns (for strings that must stay whole, like a URI).
    public static func chunked(_ text: String, to width: Int) -> [ShownText] {
        guard width > 0 else { return [] }
        var lines: [ShownText] = []
        var rest = ShownText(text).pieces
        while of(rest) > width {
            let (head, tail) = split(rest, at: width)
            lines.append(ShownText(pieces: head))
            rest = tail
        }
        lines.append(ShownText(pieces: rest))
        return lines
    }

    /// The pieces that fit in `width` columns, and the rest; at least one piece, so a line always moves on.
    static func split(_ pieces: [String], at width: Int) -> ([String], [String]) {
        var used = 0
        var index = 0
        while index < pieces.count {
            let w = of(pieces[index])
            if used + w > width { break }
            used += w
            index += 1
        }
        if index == 0, !pieces.isEmpty { index = 1 }
        return (Array(pieces[..<index]), Array(pieces[index...]))
    }
}
