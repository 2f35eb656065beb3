import PGSecureModel
import Testing
@testable import PGSecureWizard

@Suite("Wizard outputs: previews, copy, files, --emit")
struct OutputsTests {
    func atOutputs(password: String = secret, emit: OutputKind? = nil) -> WizardState {
        var state = WizardState(context: makeContext(emit: emit))
        drive(&state, [
            .key(.enter), .text("db.example.com"), .key(.tab), .text("5432"), .key(.enter),
            .text("alex"), .key(.tab), .text(password), .key(.enter), .text("app"), .key(.enter), .key(.enter),
            .text(labRoot), .key(.enter),
        ])
        state = Wizard.update(state, .testFinished(id: state.lastTestID, verifiedReport())).0
        drive(&state, [.key(.enter)])
        return state
    }

    static let expectedSettings = ConnectionSettings(
        endpoints: [Endpoint(host: "db.example.com", port: 5432)], user: "alex", dbname: "app", sslmode: .verifyFull,
        sslrootcert: labRoot)

    @Test("Every output is listed and previewed exactly as the model (and so the CLI) writes it", arguments: OutputKind.allCases)
    func preview(kind: OutputKind) throws {
        var state = atOutputs()
        let index = try #require(OutputKind.allCases.firstIndex(of: kind))
        drive(&state, Array(repeating: .key(.down), count: index))
        #expect(state.selectedOutput == kind)
        let screen = Wizard.render(state, Size(width: 120, height: 80))
        #expect(screen.text.contains("▸ " + kind.title))
        let modelText = try kind.text(for: Self.expectedSettings).get().text
        // Compared without spaces: the screen shows tabs as spaces, and a chunk may end in one.
        #expect(screen.previewText.filter { $0 != " " } == modelText.filter { $0 != "\n" && $0 != " " && $0 != "\t" })
        #expect(!screen.joinedText.contains(secret))
    }

    @Test("At 80×24 and 60×16 the selected output is always in view, and its preview still shows", arguments: [standard, small])
    func selectionStaysInView(size: Size) {
        var state = atOutputs()
        for kind in OutputKind.allCases {
            let screen = Wizard.render(state, size)
            #expect(screen.text.contains("▸ " + kind.title), "\(kind.title) at \(size)")
            #expect(!screen.previewText.isEmpty, "\(kind.title) at \(size)")
            drive(&state, [.key(.down)])
        }
        #expect(Wizard.render(atOutputs(), standard).text.contains("Prisma"))
    }

    @Test("The URI is on screen at 80×24")
    func uriOnScreen() {
        let screen = Wizard.render(atOutputs(), standard)
        #expect(screen.previewText == Self.expectedSettings.uri)
        #expect(screen.text.contains("password left out"))
    }

    @Test("Copy sends the password-free form unless p was pressed; the confirmation is shown")
    func copy() {
        var state = atOutputs()
        let effects = drive(&state, [.key(.character("c"))])
        #expect(effects == [.copy(text: Self.expectedSettings.uri + "\n", label: "URI")])
        state = Wizard.update(state, .copyFinished(.copied(label: "URI", methods: ["OSC 52", "xclip"]))).0
        #expect(Wizard.render(state, standard).joinedText.contains("✓ Copied URI to the clipboard (OSC 52, xclip)"))

        let withPassword = drive(&state, [.key(.character("p")), .key(.character("c"))])
        var settings = Self.expectedSettings
        settings.password = secret
        #expect(withPassword == [.copy(text: settings.uri + "\n", label: "URI (with password)")])
        let screen = Wizard.render(state, standard)
        #expect(!screen.joinedText.contains(secret))
        #expect(screen.previewText.contains("alex:••••••@"))
    }

    @Test("Write: asks for a path, 0644 without the password, 0600 with it")
    func writeFile() {
        var state = atOutputs()
        drive(&state, Array(repeating: .key(.down), count: 2))
        drive(&state, [.key(.character("w"))])
        #expect(state.filePrompt == .path(TextInput("db.env")))
        #expect(Wizard.render(state, standard).text.contains("Write to: db.env"))
        let plain = drive(&state, [.key(.control("u")), .text("/tmp/db.env"), .key(.enter)])
        #expect(plain == [.writeFile(path: "/tmp/db.env", contents: Self.expectedSettings.exports(for: .sh).text, permissions: 0o644, overwrite: false)])
        state = Wizard.update(state, .fileWritten(.written(path: "/tmp/db.env", permissions: 0o644))).0
        #expect(Wizard.render(state, standard).text.contains("✓ Wrote /tmp/db.env (mode 644)"))

        drive(&state, [.key(.character("p")), .key(.character("w"))])
        guard case .writeFile(_, let contents, let permissions, _)? = drive(&state, [.key(.enter)]).first else {
            Issue.record("no write")
            return
        }
        #expect(permissions == 0o600)
        #expect(contents.contains("PGPASSWORD"))
    }

    @Test("A pasted sslpassword is a secret like the password: never shown, left out unless p, written 0600")
    func sslpasswordIsSecret() throws {
        let keyPassphrase = "k3yPassphrase"
        var state = WizardState(
            context: makeContext(),
            connectionString: "host=db.example.com port=5432 user=alex dbname=app sslpassword=\(keyPassphrase) sslrootcert=\(labRoot)")
        #expect(state.password.isEmpty)
        var effects = drive(&state, [.key(.enter), .key(.enter), .key(.enter), .key(.enter), .key(.enter)]) { screen in
            #expect(!screen.joinedText.contains(keyPassphrase))
        }
        // The test itself needs the passphrase.
        guard case .runTest(let id, let tested)? = effects.first else {
            Issue.record("no test started")
            return
        }
        #expect(tested.otherOptions["sslpassword"] == keyPassphrase)
        #expect((try? state.preview.get())?.contains(keyPassphrase) == false)
        state = Wizard.update(state, .testFinished(id: id, verifiedReport())).0
        drive(&state, [.key(.enter)])
        #expect(state.step == .outputs)
        #expect(Wizard.render(state, standard).text.contains("password left out (p includes it)"))
        for index in OutputKind.allCases.indices {
            state.outputSelection = index
            for size in [standard, small, Size(width: 120, height: 80)] {
                #expect(!Wizard.render(state, size).joinedText.contains(keyPassphrase), "\(state.selectedOutput)")
            }
            let text = try state.outputText().get().text
            #expect(!text.contains(keyPassphrase), "\(state.selectedOutput)")
        }
        state.outputSelection = 0
        effects = drive(&state, [.key(.character("c"))])
        #expect(effects == [.copy(text: Self.expectedSettings.uri + "\n", label: "URI")])
        effects = drive(&state, [.key(.character("w")), .key(.control("u")), .text("/tmp/u.txt"), .key(.enter)])
        #expect(effects == [.writeFile(path: "/tmp/u.txt", contents: Self.expectedSettings.uri + "\n", permissions: 0o644, overwrite: false)])

        // Asked for: the output holds it, the preview masks it, and a file holding it is 0600.
        state.filePrompt = nil
        drive(&state, [.key(.character("p"))])
        #expect(state.carriesSecret)
        let screen = Wizard.render(state, Size(width: 120, height: 80))
        #expect(!screen.joinedText.contains(keyPassphrase))
        #expect(screen.previewText.contains("sslpassword=••••••"))
        drive(&state, [.key(.character("w")), .key(.control("u")), .text("/tmp/s.txt")])
        #expect(Wizard.render(state, standard).joinedText.contains("holds the password: written with mode 0600"))
        effects = drive(&state, [.key(.enter)])
        guard case .writeFile(_, let contents, let permissions, _)? = effects.first else {
            Issue.record("no write")
            return
        }
        #expect(contents.contains("sslpassword=\(keyPassphrase)"))
        #expect(permissions == 0o600)
    }

    @Test("Write never overwrites without asking: y overwrites, n asks for another name, Esc cancels")
    func overwrite() {
        var state = atOutputs()
        drive(&state, [.key(.character("w")), .key(.control("u")), .text("/tmp/u.txt"), .key(.enter)])
        state = Wizard.update(state, .fileWritten(.exists(path: "/tmp/u.txt"))).0
        #expect(state.filePrompt == .confirmOverwrite(path: "/tmp/u.txt"))
        #expect(Wizard.render(state, standard).text.contains("exists. Overwrite it? y/n"))
        let yes = drive(&state, [.key(.character("y"))])
        #expect(yes == [.writeFile(path: "/tmp/u.txt", contents: Self.expectedSettings.uri + "\n", permissions: 0o644, overwrite: true)])
        state.filePrompt = .confirmOverwrite(path: "/tmp/u.txt")
        drive(&state, [.key(.character("n"))])
        #expect(state.filePrompt == .path(TextInput("/tmp/u.txt")))
        drive(&state, [.key(.escape)])
        #expect(state.filePrompt == nil)
        #expect(state.step == .outputs)
    }

    @Test("Enter finishes and hands the selected output to stdout; --emit preselects it", arguments: [OutputKind.exports(.sh), .conninfo, .snippet(.psql), .exports(.fish)])
    func emit(kind: OutputKind) throws {
        var state = atOutputs(emit: kind)
        #expect(state.selectedOutput == kind)
        let effects = drive(&state, [.key(.enter)])
        let text = try kind.text(for: Self.expectedSettings).get().text
        #expect(effects == [.exit(output: text, status: 0)])
    }

    @Test("--emit names round-trip", arguments: OutputKind.allCases)
    func emitNames(kind: OutputKind) {
        #expect(OutputKind(emitName: kind.emitName) == kind)
    }

    @Test("A weak mode chosen on purpose is kept, and the outputs step warns about it")
    func weakModeWarned() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("h"), .key(.enter), .key(.enter), .key(.enter), .key(.down), .key(.down), .key(.enter)])
        #expect(state.sslMode == .require)
        #expect(Wizard.render(state, standard).joinedText.contains("does not check the server's certificate"))
        drive(&state, [.key(.enter)])
        state = Wizard.update(state, .testFinished(id: state.lastTestID, verifiedReport())).0
        drive(&state, [.key(.enter)])
        let screen = Wizard.render(state, standard)
        #expect(screen.previewText.contains("sslmode=require"))
        #expect(!screen.previewText.contains("sslrootcert"))
        #expect(screen.joinedText.contains("warning: sslmode=require"))
    }
}

@Suite("Text fields and display width")
struct TextInputTests {
    @Test("Editing keys: insert, Backspace, Left/Right, Home/End, Delete, Ctrl-U")
    func editing() {
        var input = TextInput()
        for character in "hello world" { _ = input.handle(.character(character)) }
        _ = input.handle(.backspace)
        #expect(input.text == "hello worl")
        _ = input.handle(.home)
        _ = input.handle(.character(">"))
        #expect(input.text == ">hello worl")
        _ = input.handle(.end)
        _ = input.handle(.left)
        _ = input.handle(.left)
        _ = input.handle(.delete)
        #expect(input.text == ">hello wol")
        _ = input.handle(.right)
        _ = input.handle(.right)
        _ = input.handle(.control("u"))
        #expect(input.text == "")
        #expect(input.handle(.up) == false)
        #expect(input.handle(.enter) == false)
    }

    @Test("UTF-8 and double-width text: the cursor column counts display cells")
    func wideText() {
        var input = TextInput()
        for character in "数据é" { _ = input.handle(.character(character)) }
        #expect(input.visible(width: 20, masked: false) == ("数据é", 5))
        #expect(input.visible(width: 20, masked: true) == ("•••", 3))
        _ = input.handle(.left)
        #expect(input.visible(width: 20, masked: false).cursorColumn == 4)
    }

    @Test("A long field scrolls so the cursor stays visible")
    func scrolling() {
        let input = TextInput(String(repeating: "a", count: 30) + "XYZ")
        let (text, cursor) = input.visible(width: 10, masked: false)
        #expect(text.hasSuffix("XYZ"))
        #expect(cursor == 9)
    }

    @Test("Display widths as the terminal counts them", arguments: [("abc", 3), ("数据库", 6), ("e\u{301}", 1), ("🐘", 2), ("", 0)])
    func widths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test("The screen never splits a wide character and clips at the edge")
    func screenClipping() {
        var screen = Screen(size: Size(width: 5, height: 1))
        let used = screen.put("ab数据库", row: 0, column: 0)
        #expect(used == 4)
        #expect(screen.line(0) == "ab数")
        #expect(DisplayWidth.truncated("abcdefgh", to: 5) == "abcd…")
        #expect(DisplayWidth.wrapped("one two three", to: 7) == ["one two", "three"])
        #expect(DisplayWidth.chunked("abcdefg", to: 3) == ["abc", "def", "g"])
    }
}
