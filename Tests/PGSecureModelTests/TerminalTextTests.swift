import Foundation
import TestSupport
import Testing
@testable import PGSecureModel

/// What may reach a terminal: no character a terminal acts on, and no two texts that look alike.
@Suite("TerminalText escapes what a terminal would act on")
struct TerminalTextTests {
    @Test(arguments: [
        ("\u{1B}", "\\x1b"), ("\u{07}", "\\x07"), ("\u{00}", "\\x00"), ("\n", "\\x0a"), ("\r", "\\x0d"), ("\t", "\\x09"),
        ("\u{7F}", "\\x7f"), ("\u{80}", "\\x80"), ("\u{85}", "\\x85"), ("\u{9B}", "\\x9b"), ("\u{9F}", "\\x9f"),
        ("\u{202A}", "\\u202a"), ("\u{202E}", "\\u202e"), ("\u{2066}", "\\u2066"), ("\u{2069}", "\\u2069"),
        ("\u{200E}", "\\u200e"), ("\u{200F}", "\\u200f"), ("\u{061C}", "\\u061c"), ("\u{2028}", "\\u2028"),
        ("\u{2029}", "\\u2029"),
    ])
    func eachUnsafeCharacterIsEscaped(character: String, escape: String) {
        #expect(TerminalText.escaped("a" + character + "b") == "a" + escape + "b")
    }

    @Test(arguments: [
        "", "plain text", "CN=db.example.com,O=Acme\\, Inc.", "C:\\data\\new", "trailing \\", "\\", "é日😀ß", "e\u{301}",
        "‘curly’ “quotes”", "\u{A0}non-breaking", "x\\y", "\\xg1", "\\u12", "\\x1", "€ ¥ ©",
    ])
    func safeTextIsUnchanged(text: String) {
        #expect(TerminalText.escaped(text) == text)
    }

    @Test(arguments: [
        ("\\x1b", "\\\\x1b"), ("\\u202e", "\\\\u202e"), ("\\\\x1b", "\\\\\\\\x1b"), ("\\\u{1B}", "\\\\\\x1b"),
        ("\\\\\u{1B}", "\\\\\\\\\\x1b"), ("\\X1B", "\\X1B"), ("\\xAB", "\\\\xAB"),
    ])
    func textThatLooksEscapedStaysDistinct(text: String, shown: String) {
        #expect(TerminalText.escaped(text) == shown)
    }

    /// The OSC 52 clipboard write from issue 8, as a SAN.
    @Test func clipboardWriteIsInert() {
        let san = "DNS:x\u{1B}[5mblink\u{1B}]52;c;ZXZpbA==\u{07}y"
        #expect(TerminalText.escaped(san) == "DNS:x\\x1b[5mblink\\x1b]52;c;ZXZpbA==\\x07y")
    }

    /// Every output is free of unsafe characters and reads back to exactly its input: escaping loses nothing and
    /// never makes two texts look the same.
    @Test func escapingIsSafeAndReversible() {
        let alphabet = Array("ax1bu202e\\\u{1B}\u{7}\n\u{9B}\u{202E}\u{2066}é😀 ")
        let generator = Gen<Character?>.element(of: alphabet).map { $0! }.string(of: 0...12)
        forEachFixedCase(5000, seed: 8, of: generator) { text in
            let shown = TerminalText.escaped(text)
            #expect(!shown.unicodeScalars.contains(where: TerminalText.isUnsafe), "\(text.debugDescription)")
            #expect(Self.unescaped(shown) == text, "\(text.debugDescription) → \(shown.debugDescription)")
        }
        forEachFixedCase(2000, seed: 9, of: hostileString) { text in
            #expect(Self.unescaped(TerminalText.escaped(text)) == text, "\(text.debugDescription)")
        }
    }

    /// The pieces a terminal layout measures and cuts: one per character, and joined exactly `escaped`.
    @Test func piecesAreTheEscapedTextCharacterByCharacter() {
        let alphabet = Array("ax1bu202e\\\u{1B}\u{7}\n\r\u{9B}\u{202E}\u{2066}é😀 e\u{301}")
        let generator = Gen<Character?>.element(of: alphabet).map { $0! }.array(of: 0...12)
        forEachFixedCase(3000, seed: 10, of: generator) { characters in
            let pieces = TerminalText.escapedPieces(characters)
            #expect(pieces.count == characters.count)
            #expect(pieces.joined() == TerminalText.escaped(String(characters)), "\(String(characters).debugDescription)")
        }
        #expect(TerminalText.escapedPieces("a\u{1B}\\x41") == ["a", "\\x1b", "\\\\", "x", "4", "1"])
    }

    @Test func jsonKeepsTheTextAndLosesTheDanger() throws {
        let value = "a\u{1B}]52;c;ZXZpbA==\u{7}\u{9B}\u{202E}\u{7F}\\x1b\"é"
        let encoded = String(decoding: try JSONEncoder().encode([value]), as: UTF8.self)
        let json = TerminalText.escapingInvisibleInJSON(encoded)
        #expect(!json.unicodeScalars.contains(where: TerminalText.isUnsafe))
        #expect(try JSONDecoder().decode([String].self, from: Data(json.utf8)) == [value])
    }

    /// The reading the doc comment promises: a run of backslashes before `xHH`/`uHHHH` is doubled, plus one when
    /// the run ends in a real escape; any other backslash is itself.
    static func unescaped(_ shown: String) -> String {
        let scalars = Array(shown.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "\\" else {
                result.append(scalars[index])
                index += 1
                continue
            }
            var runEnd = index
            while runEnd < scalars.count, scalars[runEnd] == "\\" { runEnd += 1 }
            let run = runEnd - index
            let tail = scalars[runEnd...]
            let digits = tail.first == "x" ? 2 : tail.first == "u" ? 4 : 0
            let hex = String(String.UnicodeScalarView(tail.dropFirst().prefix(digits)))
            guard digits > 0, hex.count == digits, let value = UInt32(hex, radix: 16) else {
                result.append(contentsOf: String(repeating: "\\", count: run).unicodeScalars)
                index = runEnd
                continue
            }
            result.append(contentsOf: String(repeating: "\\", count: run / 2).unicodeScalars)
            if run % 2 == 1 {
                result.append(Unicode.Scalar(value)!)
                index = runEnd + 1 + digits
            } else {
                index = runEnd
            }
        }
        return String(result)
    }
}
