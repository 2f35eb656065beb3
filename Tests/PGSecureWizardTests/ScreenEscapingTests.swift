import Testing
@testable import PGSecureWizard

/// Everything the wizard shows passes through `Screen.put`: server text there is escaped, never painted raw.
@Suite struct ScreenEscapingTests {
    @Test(arguments: [
        ("x\u{1B}]52;c;ZXZpbA==\u{07}y", "x\\x1b]52;c;ZXZpbA==\\x07y"),
        ("a\u{202E}txt.exe", "a\\u202etxt.exe"),
        ("v\u{9B}31m", "v\\x9b31m"),
        ("plain é", "plain é"),
    ])
    func serverTextIsShownEscaped(text: String, shown: String) {
        var screen = Screen(size: Size(width: 40, height: 1))
        screen.put(text, row: 0, column: 0)
        #expect(screen.line(0) == shown)
    }

    /// Escaping comes before any width is counted: ESC shows as the 4 cells `\x1b`, so a cut or a wrap must count 4,
    /// and never split the escape.
    @Test func anEscapeAtTheRightEdgeIsLeftOutWholeNotCut() {
        var screen = Screen(size: Size(width: 10, height: 2))
        let used = screen.put("abcdefg\u{1B}[31m", row: 0, column: 0)
        #expect(screen.line(0) == "abcdefg")
        #expect(used == 7)
        screen.put("xy\u{202E}z", row: 1, column: 4)  // \u202e needs 6 cells; 4 are left after "xy"
        #expect(screen.line(1) == "    xy")
    }

    @Test func wrappedServerTextKeepsEveryEscapeWholeAndWithinTheWidth() {
        let text = "aaaa \u{1B}bbb cc\u{07}"
        var screen = Screen(size: Size(width: 8, height: 4))
        for (row, line) in DisplayWidth.wrapped(text, to: 8).enumerated() { screen.put(line, row: row, column: 0) }
        #expect((0..<4).map(screen.line) == ["aaaa", "\\x1bbbb", "cc\\x07", ""])
    }

    @Test func truncatedServerTextFitsItsColumnsOnceEscaped() {
        var screen = Screen(size: Size(width: 20, height: 2))
        let used = screen.put(DisplayWidth.truncated("ab\u{1B}cd", to: 5), row: 0, column: 0)
        #expect(screen.line(0) == "ab…")
        #expect(used <= 5)
        // Short enough once escaped: shown whole.
        screen.put(DisplayWidth.truncated("a\u{1B}b", to: 6), row: 1, column: 0)
        #expect(screen.line(1) == "a\\x1bb")
    }

    /// A text field holding a bidi control (not a control character, so it can be typed or pasted): the field scrolls
    /// by what it shows, `\u202e`, and the cursor stays after the last character.
    @Test func aTextFieldCountsTheEscapesItShows() {
        let input = TextInput("ab\u{202E}cdefgh")
        let (text, cursorColumn) = input.visible(width: 8, masked: false)
        var screen = Screen(size: Size(width: 8, height: 1))
        screen.put(text, row: 0, column: 0, width: 8)
        #expect(screen.line(0) == "cdefgh")
        #expect(cursorColumn == 6)
        let (whole, end) = TextInput("a\u{202E}b").visible(width: 20, masked: false)
        screen = Screen(size: Size(width: 20, height: 1))
        screen.put(whole, row: 0, column: 0, width: 20)
        #expect(screen.line(0) == "a\\u202eb")
        #expect(end == 8)
    }
}
