import PGSecureModel
import Testing
import TestSupport
@testable import PGSecureWizard

@Suite("Terminals people have: ASCII-only locales, 60×16 with long panels")
struct TerminalFitTests {
    @Test("ASCII glyphs: every cell of every step is ASCII, at both sizes", arguments: Step.allCases)
    func everyStepIsASCII(step: Step) {
        var (state, _) = walkToReview()
        state = Wizard.update(state, .testFinished(id: 1, verifiedReport())).0
        state.glyphs = .ascii
        state.step = step
        for size in [standard, small] {
            let screen = Wizard.render(state, size)
            #expect(screen.text.unicodeScalars.allSatisfy { $0.isASCII }, "\(step) at \(size):\n\(screen.text)")
        }
    }

    @Test("ASCII glyphs: the password as stars, the header's separator, the sidebar's marks and progress")
    func asciiStandIns() {
        var state = WizardState(context: makeContext())
        state.glyphs = .ascii
        drive(&state, [.key(.enter), .text("db.example.com"), .key(.enter), .key(.tab), .text("s3cr3t")])
        let narrow = Wizard.render(state, small)
        #expect(narrow.line(0).hasSuffix("step 3 of 8 - User and password"))
        #expect(narrow.text.contains("\n    ******\n"))
        #expect(narrow.text.contains("postgresql://:******@db.example.com/"))
        let wide = Wizard.render(state, standard)
        #expect(wide.line(2) == " v Start              | User and password")
        #expect(wide.line(4) == " > User and password  |")
        #expect(wide.line(11).hasPrefix(" ##......             | "))
        #expect(wide.line(20).hasPrefix("----------------------+- connection string - password masked ---"))
    }

    @Test("ASCII stand-ins keep one cell per cell", arguments: [
        ("•", "*"), ("─", "-"), ("│", "|"), ("╭", "+"), ("▸", ">"), ("■", "#"), ("□", "."), ("✓", "v"), ("✗", "x"),
        ("·", "-"), ("é", "e"), ("Ø", "O"), ("e\u{301}", "e"), ("ж", "?"), ("数", "?"), ("", ""), ("a", "a"),
    ])
    func standIns(glyph: String, ascii: String) {
        #expect(Glyphs.ascii.shown(glyph) == ascii)
        #expect(Glyphs.unicode.shown(glyph) == glyph)
    }

    @Test("ASCII: user text is transliterated (a CJK name fills its cells with ?), and … at a line's end reads ...")
    func asciiUserText() {
        var state = WizardState(context: makeContext())
        state.glyphs = .ascii
        drive(&state, [.key(.enter), .text("h"), .key(.enter), .key(.enter), .text("数据é")])
        let screen = Wizard.render(state, standard)
        #expect(screen.text.contains("|   ????e\n"))
        var outputs = OutputsTests().atOutputs()
        outputs.glyphs = .ascii
        outputs = Wizard.update(outputs, .key(.character("c"))).0
        #expect(Wizard.render(outputs, standard).text.contains("| Copying...\n"))
    }

    @Test("At 60×16 the review's certificate details scroll with PgDn/PgUp; a step change scrolls back to the top")
    func reviewScrolls() {
        var (state, _) = walkToReview()
        state = Wizard.update(state, .resized(small)).0
        state = Wizard.update(state, .testFinished(id: 1, verifiedReport())).0
        let top = Wizard.render(state, small)
        #expect(top.joinedText.contains("↓ more (PgDn)"))
        #expect(!top.joinedText.contains("Valid until"))
        drive(&state, [.key(.pageDown)], size: small)
        #expect(state.scroll > 0)
        drive(&state, [.key(.pageDown), .key(.pageDown), .key(.pageDown)], size: small)
        let bottom = Wizard.render(state, small)
        #expect(bottom.joinedText.contains("Valid until"))
        #expect(bottom.joinedText.contains("Press Enter for the outputs."))
        #expect(bottom.joinedText.contains("↑ more above (PgUp)"))
        let limit = state.scroll
        drive(&state, [.key(.pageDown)], size: small)
        #expect(state.scroll == limit, "PgDn past the end kept scrolling")
        drive(&state, Array(repeating: .key(.pageUp), count: 5), size: small)
        #expect(state.scroll == 0)
        #expect(Wizard.render(state, small) == top)
        drive(&state, [.key(.pageDown), .key(.enter)], size: small)
        #expect(state.step == .outputs)
        #expect(state.scroll == 0)
    }

    @Test("At 60×16 a snippet longer than its box scrolls with PgDn to its last line; choosing another output starts at the top")
    func snippetScrolls() throws {
        var state = OutputsTests().atOutputs()
        state = Wizard.update(state, .resized(small)).0
        let index = try #require(OutputKind.allCases.firstIndex(of: .snippet(.psycopg)))
        drive(&state, Array(repeating: .key(.down), count: index), size: small)
        let top = Wizard.render(state, small)
        #expect(top.joinedText.contains("↓ more (PgDn)"))
        let lastLine = try #require(OutputsTests.cliOutputs["snippet:psycopg"]?.split(separator: "\n").last.map(String.init))
        #expect(!top.previewText.contains(lastLine))
        drive(&state, Array(repeating: .key(.pageDown), count: 80), size: small)
        let bottom = Wizard.render(state, small)
        // The box ends on the snippet's last line (or, when it is a single row, that line's last chunk).
        #expect(!bottom.previewText.isEmpty && (bottom.previewText.hasSuffix(lastLine) || lastLine.hasSuffix(bottom.previewText)))
        #expect(bottom.joinedText.contains("↑ more above (PgUp)"))
        drive(&state, [.key(.up)], size: small)
        #expect(state.scroll == 0)
    }
}
