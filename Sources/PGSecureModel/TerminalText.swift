/// Text from a server, a file or a paste, made safe to show on a terminal. A certificate name, a server version or an
/// error message is attacker-controlled: raw, an ESC can move the cursor, blink, retitle the window or (OSC 52) write
/// the clipboard, and a bidi override can make `exe.txt` read as `txt.exe`. Every such string passes through
/// `escaped` on its way to a terminal; JSON keeps the exact text (`escapingInvisibleInJSON` only changes how it is
/// spelled).
///
/// The escapes, chosen so a person can read them and no two texts look alike:
/// - C0 controls (also newline and tab), DEL and C1 controls are written `\xHH`: ESC is `\x1b`.
/// - Bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph separators
///   (U+2028, U+2029) are written `\uHHHH`: `\u202e`.
/// - A backslash stays single unless what follows it would read as one of these escapes (another escape, or a
///   literal `x` + 2 hex digits or `u` + 4 hex digits): then every backslash of that run is doubled. So the text
///   `\x1b` shows as `\\x1b`, ESC as `\x1b`, while `C:\data` and RFC 2253's `O=Acme\, Inc.` stay as they are.
public enum TerminalText {
    public static func escaped(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        forEachShown(Array(text.unicodeScalars)) { result.append(contentsOf: $0.unicodeScalars) }
        return String(result)
    }

    /// `escaped`, one piece per character: the character itself, or what it is shown as (an escape, or a doubled
    /// backslash), decided in the context of the whole text. Joined, the pieces are `escaped(String(characters))`.
    /// What measures or cuts text for a terminal works on these, so it counts the cells an escape takes (`\x1b` is 4)
    /// and never splits one.
    public static func escapedPieces(_ characters: some Collection<Character>) -> [String] {
        let scalars = characters.flatMap(\.unicodeScalars)
        var shown: [String] = []
        shown.reserveCapacity(scalars.count)
        forEachShown(scalars) { shown.append($0) }
        var pieces: [String] = []
        pieces.reserveCapacity(characters.count)
        var offset = 0
        for character in characters {
            let count = character.unicodeScalars.count
            pieces.append(shown[offset..<offset + count].joined())
            offset += count
        }
        return pieces
    }

    /// Calls `emit` with what each scalar is shown as, in order.
    private static func forEachShown(_ scalars: [Unicode.Scalar], _ emit: (String) -> Void) {
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                var runEnd = index
                while runEnd < scalars.count, scalars[runEnd] == "\\" { runEnd += 1 }
                let doubled = readsAsEscape(scalars[runEnd...])
                for _ in index..<runEnd { emit(doubled ? "\\\\" : "\\") }
                index = runEnd
                continue
            }
            emit(escape(scalar) ?? String(scalar))
            index += 1
        }
    }

    /// JSON as `JSONEncoder` wrote it, with the characters `escaped` would change spelled `\uXXXX`: a decoder reads
    /// exactly the same strings, and a terminal shows harmless text. Those below U+0020 are left alone: inside
    /// strings the encoder has escaped them already, outside they are the layout's newlines. The others can only
    /// occur inside strings, where `\uXXXX` is always valid.
    public static func escapingInvisibleInJSON(_ json: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if scalar.value >= 0x20, isUnsafe(scalar) {
                result.append(contentsOf: ("\\u" + hex(scalar.value, digits: 4)).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether a terminal would act on the character instead of showing it (or show it misleadingly).
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String? {
        guard isUnsafe(scalar) else { return nil }
        return scalar.value <= 0xFF ? "\\x" + hex(scalar.value, digits: 2) : "\\u" + hex(scalar.value, digits: 4)
    }

    /// Whether the output for `rest` starts with something a reader would take for an escape.
    private static func readsAsEscape(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = rest.first else { return false }
        if escape(first) != nil { return true }
        let digits: Int
        switch first {
        case "x": digits = 2
        case "u": digits = 4
        default: return false
        }
        let following = rest.dropFirst().prefix(digits)
        return following.count == digits && following.allSatisfy { $0.properties.isASCIIHexDigit }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
