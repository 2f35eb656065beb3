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
}
