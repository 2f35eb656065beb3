import PGSecureModel

extension Wizard {
    /// The smallest terminal the layout works in.
    public static let minimumSize = Size(width: 60, height: 16)

    /// Draws `state` at `size`. Pure: the same state and size always give the same screen.
    public static func render(_ state: WizardState, _ size: Size) -> Screen {
        var screen = drawn(state, size)
        state.glyphs.transliterate(&screen)
        return screen
    }

    /// How far the current panel can scroll and by how much a page moves, at the last reported size.
    static func paging(_ state: WizardState) -> (limit: Int, page: Int) {
        let size = state.terminalSize
        guard size.width >= minimumSize.width, size.height >= minimumSize.height else { return (0, 1) }
        return body(state, on: Screen(size: size)).paging
    }

    static func body(_ state: WizardState, on screen: Screen) -> BodyWriter {
        let layout = Layout(size: screen.size)
        var body = BodyWriter(screen: screen, top: 2, left: layout.bodyLeft, width: layout.bodyWidth, bottom: layout.bodyBottom)
        body.draw(state)
        return body
    }

    static func drawn(_ state: WizardState, _ size: Size) -> Screen {
        var screen = Screen(size: size)
        guard size.width >= minimumSize.width, size.height >= minimumSize.height else {
            let lines = DisplayWidth.wrapped(
                "make the terminal at least \(minimumSize.width)×\(minimumSize.height) (it is \(size.width)×\(size.height)) — Ctrl-C quits",
                to: max(1, size.width - 2))
            let top = max(0, (size.height - lines.count) / 2)
            for (offset, line) in lines.enumerated() {
                let left = max(0, (size.width - line.width) / 2)
                screen.put(line, row: top + offset, column: left, style: .warning)
            }
            return screen
        }
        let layout = Layout(size: size)
        layout.drawFrame(state, on: &screen)
        screen = body(state, on: screen).screen
        layout.drawPreview(state, on: &screen)
        if state.isHelpVisible { layout.drawHelp(state, on: &screen) }
        return screen
    }
}

/// Where things go at a given size.
struct Layout {
    let size: Size
    var hasSidebar: Bool { size.width >= 72 }
    var sidebarWidth: Int { hasSidebar ? 22 : 0 }
    var bodyLeft: Int { hasSidebar ? sidebarWidth + 2 : 2 }
    var bodyWidth: Int { size.width - bodyLeft - 1 }
    /// Last row of the body; below it: a rule, two preview rows, the key line.
    var bodyBottom: Int { size.height - 5 }

    init(size: Size) { self.size = size }

    func drawFrame(_ state: WizardState, on screen: inout Screen) {
        let titleStyle = Style(.accent, reverse: true)
        screen.paint(row: 0, from: 0, to: size.width, style: titleStyle)
        let position = "step \(state.step.rawValue + 1) of \(Step.allCases.count)" + (hasSidebar ? "" : " · \(state.step.title)") + " "
        let positionWidth = DisplayWidth.of(position)
        screen.put(" pgsecure ", row: 0, column: 0, style: Style(.accent, bold: true, reverse: true))
        let tagline = DisplayWidth.truncated("· connect to PostgreSQL, verified", to: max(0, size.width - positionWidth - 12))
        screen.put(tagline, row: 0, column: 10, style: titleStyle)
        screen.put(position, row: 0, column: size.width - positionWidth, style: titleStyle)

        if hasSidebar {
            for (index, step) in Step.allCases.enumerated() {
                let row = 2 + index
                if step == state.step {
                    screen.put(" ▸ " + step.title, row: row, column: 0, style: Style(.accent, bold: true), width: sidebarWidth)
                } else if state.completed.contains(step) {
                    screen.put(" ✓ ", row: row, column: 0, style: .good)
                    screen.put(step.title, row: row, column: 3, style: .plain, width: sidebarWidth - 3)
                } else {
                    screen.put("   " + step.title, row: row, column: 0, style: .muted, width: sidebarWidth)
                }
            }
            let done = state.completed.count
            let total = Step.allCases.count
            let bar = String(repeating: "■", count: done) + String(repeating: "□", count: total - done)
            screen.put(" " + bar, row: 3 + total, column: 0, style: .good)
            screen.put(" \(done)/\(total) done", row: 4 + total, column: 0, style: .muted)
            for row in 1...bodyBottom { screen.put("│", row: row, column: sidebarWidth, style: .muted) }
        }
    }

    func drawPreview(_ state: WizardState, on screen: inout Screen) {
        let rule = size.height - 4
        screen.put(String(repeating: "─", count: size.width), row: rule, column: 0, style: .muted)
        if hasSidebar { screen.put("┴", row: rule, column: sidebarWidth, style: .muted) }
        screen.put(" connection string · password masked ", row: rule, column: bodyLeft, style: .muted)
        switch state.preview {
        case .success(let uri):
            var lines = DisplayWidth.chunked(uri, to: size.width - 2)
            if lines.count > 2 {
                lines = [lines[0], DisplayWidth.truncated(ShownText(pieces: lines[1...].flatMap(\.pieces)), to: size.width - 2)]
            }
            for (offset, line) in lines.enumerated() {
                screen.put(line, row: rule + 1 + offset, column: 1, style: .accent)
            }
        case .failure(let error):
            screen.put(DisplayWidth.truncated("not valid yet — " + error.description, to: size.width - 2), row: rule + 1, column: 1, style: .warning)
        }
        var keys = keyHints(state)
        while DisplayWidth.of(keys.map(\.0).joined(separator: "  ")) + keys.reduce(0, { $0 + DisplayWidth.of($1.1) + 1 }) > size.width - 2, keys.count > 1 {
            keys.removeLast(keys.count > 2 ? 2 : 1)
            keys.append(state.isTyping ? ("F1", "help") : ("?", "help"))
        }
        var column = 1
        for (key, action) in keys {
            column += screen.put(key, row: size.height - 1, column: column, style: Style(.accent, bold: true))
            column += screen.put(" " + action + "  ", row: size.height - 1, column: column, style: .muted)
        }
    }

    func keyHints(_ state: WizardState) -> [(String, String)] {
        let help = state.isTyping ? ("F1", "help") : ("?", "help")
        let quit = ("Ctrl-C", "quit")
        let back = ("Esc", "back")
        if state.isHelpVisible { return [("any key", "close help"), quit] }
        switch state.step {
        case .start: return [("Enter", "next"), help, quit]
        case .host, .database: return [("Enter", "next"), ("Tab", "field"), back, help, quit]
        case .user: return [("Enter", "next"), ("Tab", "field"), ("Ctrl-R", state.isPasswordRevealed ? "hide" : "reveal"), back, help, quit]
        case .sslMode, .rootCertificate: return [("↑↓", "choose"), ("Enter", "next"), back, help, quit]
        case .review:
            if state.isAskingForPassword { return [("Enter", "test again"), ("Ctrl-R", "reveal"), back, help, quit] }
            var keys = [("Enter", "outputs"), ("r", "test again")]
            if state.fixStep != nil { keys.append(("f", "fix")) }
            return keys + [back, help, quit]
        case .outputs:
            switch state.filePrompt {
            case .path: return [("Enter", "write"), ("Esc", "cancel"), quit]
            case .confirmOverwrite: return [("y", "overwrite"), ("n", "other name"), ("Esc", "cancel")]
            case .serviceName: return [("Enter", "save"), ("Esc", "cancel"), quit]
            case .confirmService: return [("y", "replace"), ("n", "other name"), ("Esc", "cancel")]
            case nil: return [("↑↓", "choose"), ("c", "copy"), ("w", "write file"), ("v", "save as service"), ("p", "password"), ("Enter", "print & exit"), back, help, quit]
            }
        }
    }

    func drawHelp(_ state: WizardState, on screen: inout Screen) {
        let lines: [(String, String)] = [
            ("Enter", "accept this step and move on"),
            ("Esc", "go back one step"),
            ("Tab", "next field (Shift-Tab: previous)"),
            ("↑ ↓  j k", "move in lists"),
            ("Ctrl-R", "reveal or hide the password"),
            ("Ctrl-U", "clear the field before the cursor"),
            ("← → Home End", "move in a text field"),
            ("r  f", "review: test again, go to the fix"),
            ("c  w  p", "outputs: copy, write a file, password"),
            ("PgUp PgDn", "scroll a long panel"),
            ("? or F1", "this help"),
            ("Ctrl-C", "quit; the terminal is restored"),
        ]
        let width = min(size.width - 4, 56)
        let height = min(size.height - 1, lines.count + 4)
        let top = max(0, (size.height - height) / 2)
        let padding = height >= lines.count + 4 ? 2 : 1
        let left = max(0, (size.width - width) / 2)
        screen.clear(row: top, column: left, width: width, height: height)
        let border = Style(.accent)
        screen.put("╭" + String(repeating: "─", count: width - 2) + "╮", row: top, column: left, style: border)
        for row in (top + 1)..<(top + height - 1) {
            screen.put("│", row: row, column: left, style: border)
            screen.put("│", row: row, column: left + width - 1, style: border)
        }
        screen.put("╰" + String(repeating: "─", count: width - 2) + "╯", row: top + height - 1, column: left, style: border)
        screen.put(" Keys ", row: top, column: left + 2, style: Style(.accent, bold: true))
        for (offset, (key, action)) in lines.prefix(height - 2 * padding).enumerated() {
            screen.put(key, row: top + padding + offset, column: left + 2, style: Style(.accent, bold: true))
            screen.put(action, row: top + padding + offset, column: left + 17, style: .plain, width: width - 19)
        }
    }
}

/// Writes a step's content top-down in the body area, wrapping text and stopping at the bottom.
struct BodyWriter {
    var screen: Screen
    var row: Int
    let left: Int
    let width: Int
    let bottom: Int
    /// For a panel taller than the body: how many rows it can scroll, and how many a page is.
    var paging = (limit: 0, page: 1)

    init(screen: Screen, top: Int, left: Int, width: Int, bottom: Int) {
        self.screen = screen
        row = top
        self.left = left
        self.width = width
        self.bottom = bottom
    }

    var hasRoom: Bool { row <= bottom }

    mutating func line(_ text: String, style: Style = .plain, indent: Int = 0) {
        line(ShownText(text), style: style, indent: indent)
    }

    mutating func line(_ text: ShownText, style: Style = .plain, indent: Int = 0) {
        guard hasRoom else { return }
        screen.put(text, row: row, column: left + indent, style: style, width: width - indent)
        row += 1
    }

    mutating func paragraph(_ text: String, style: Style = .plain, indent: Int = 0) {
        for wrapped in DisplayWidth.wrapped(text, to: width - indent) { line(wrapped, style: style, indent: indent) }
    }

    mutating func blank() { if hasRoom { row += 1 } }

    /// A one-line prompt: the label, then the underlined value with the cursor in it.
    mutating func promptField(_ label: String, _ input: TextInput) {
        let used = screen.put(label, row: row, column: left, style: Style(.accent, bold: true))
        let fieldWidth = width - used - 1
        let (text, cursorColumn) = input.visible(width: fieldWidth, masked: false)
        screen.paint(row: row, from: left + used, to: left + used + fieldWidth, style: Style(underline: true))
        screen.put(text, row: row, column: left + used, style: Style(underline: true), width: fieldWidth)
        screen.cursor = Position(row: row, column: left + used + cursorColumn)
        row += 1
    }

    /// A labelled text field: label on one line, the value (underlined, cursor placed when focused) under it.
    mutating func field(_ label: String, _ input: TextInput, focused: Bool, masking: Set<Int> = [], note: String? = nil, fieldWidth: Int? = nil) {
        guard row + 1 <= bottom else { return }
        screen.put(focused ? "▸ " : "  ", row: row, column: left, style: Style(.accent, bold: true))
        let labelWidth = screen.put(label, row: row, column: left + 2, style: focused ? Style(.accent, bold: true) : .plain)
        if let note { screen.put("  " + note, row: row, column: left + 2 + labelWidth, style: .muted, width: width - 2 - labelWidth) }
        row += 1
        let boxWidth = min(width - 2, fieldWidth ?? width - 2)
        let (text, cursorColumn) = input.visible(width: boxWidth, masking: masking)
        let fieldStyle = focused ? Style(underline: true) : Style(.muted, dim: true, underline: true)
        screen.paint(row: row, from: left + 2, to: left + 2 + boxWidth, style: fieldStyle)
        screen.put(text, row: row, column: left + 2, style: fieldStyle, width: boxWidth)
        if focused { screen.cursor = Position(row: row, column: left + 2 + cursorColumn) }
        row += 1
    }

    mutating func error(_ message: String?) {
        guard let message else { return }
        paragraph("✗ " + message, style: .danger)
    }

    mutating func draw(_ state: WizardState) {
        line(state.step.title, style: Style(.accent, bold: true))
        switch state.step {
        case .start: drawStart(state)
        case .host: drawHost(state)
        case .user: drawUser(state)
        case .database: drawDatabase(state)
        case .sslMode: drawSSLMode(state)
        case .rootCertificate: drawRoot(state)
        case .review: drawScrolling(state) { $0.drawReview(state) }
        case .outputs: drawOutputs(state)
        }
    }

    /// Draws content that may be taller than the body (certificate details at 60×16) on a tall canvas, then shows
    /// the rows from `state.scroll` on, with a hint on the last row while more lies below.
    mutating func drawScrolling(_ state: WizardState, _ content: (inout BodyWriter) -> Void) {
        let visible = bottom - row + 1
        guard visible > 1 else { return }
        let canvasHeight = row + 120  // far more than any review needs
        var canvas = BodyWriter(
            screen: Screen(size: Size(width: screen.size.width, height: canvasHeight)), top: row, left: left, width: width,
            bottom: canvasHeight - 1)
        content(&canvas)
        let contentRows = canvas.row - row
        let fits = contentRows <= visible
        let window = fits ? visible : visible - 1
        let limit = fits ? 0 : contentRows - window
        let offset = min(state.scroll, limit)
        paging = (limit, max(1, window - 1))
        screen.copyRows(min(window, contentRows - offset), from: canvas.screen, at: row + offset, to: row, columns: left..<(left + width))
        if let cursor = canvas.screen.cursor, (row..<(row + window)).contains(cursor.row - offset) {
            screen.cursor = Position(row: cursor.row - offset, column: cursor.column)
        }
        if !fits {
            let hint = offset < limit ? "↓ more (PgDn)" + (offset > 0 ? " · ↑ PgUp" : "") : "↑ more above (PgUp)"
            screen.put(hint, row: bottom, column: left, style: .muted, width: width)
        }
        row = bottom + 1
    }

    mutating func drawStart(_ state: WizardState) {
        paragraph("Paste a connection string, or press Enter to fill in the fields one by one.", style: .bold)
        blank()
        field("Connection string", state.connectionString, focused: true, masking: state.connectionString.passwordIndices)
        error(state.startError.map { "libpq: " + $0 })
        blank()
        paragraph("A URI (postgresql://user@host:5432/db?sslmode=verify-full) or key=value pairs (host=… user=…). libpq itself reads what you paste, so it means here what it means to psql.", style: .muted)
        if !state.prefilledFromEnvironment.isEmpty {
            blank()
            paragraph("Prefilled from your environment: " + state.prefilledFromEnvironment.joined(separator: ", ") + ".")
        }
        if state.prefilledFromEnvironment.contains("PGPASSWORD") {
            paragraph("The password comes from PGPASSWORD: masked everywhere, and left out of outputs unless you ask.", style: .muted)
        }
    }

    mutating func drawNotices(_ state: WizardState) {
        for notice in state.notices { paragraph("ⓘ " + notice.message, style: .warning) }
    }

    mutating func drawHost(_ state: WizardState) {
        paragraph("Where is the server?", style: .bold)
        blank()
        field("Host", state.host, focused: state.focus == 0)
        field("Port", state.port, focused: state.focus == 1, note: "empty: 5432", fieldWidth: 12)
        if let error = state.fieldError { self.error(error.message) }
        blank()
        paragraph("The server's DNS name or IP address, exactly as your provider shows it: with verify-full the certificate must name this host.", style: .muted)
        let hosts = state.host.text.split(separator: ",").map(String.init)
        if hosts.contains(where: { Endpoint(host: $0).isIPAddress }) {
            blank()
            paragraph("ⓘ This is an IP address: verify-full then needs that IP in the certificate (an iPAddress subjectAltName). Most providers' certificates name only DNS names — prefer the host name.", style: .warning)
        }
    }

    mutating func drawUser(_ state: WizardState) {
        paragraph("Who connects?", style: .bold)
        blank()
        field("User", state.user, focused: state.focus == 0, note: "empty: your login name")
        field(
            "Password", state.password, focused: state.focus == 1,
            masking: state.isPasswordRevealed ? [] : Set(state.password.characters.indices),
            note: state.isPasswordRevealed ? "shown · Ctrl-R hides" : "hidden · Ctrl-R reveals")
        blank()
        paragraph("Leave the password empty to let libpq read PGPASSWORD or ~/.pgpass (which must be mode 0600). Outputs leave the password out unless you ask for it.", style: .muted)
    }

    mutating func drawDatabase(_ state: WizardState) {
        paragraph("Which database?", style: .bold)
        blank()
        field("Database", state.dbname, focused: true, note: "empty: same as the user name")
        blank()
        paragraph("Hosted services often create one database per project (Neon: neondb; Supabase: postgres).", style: .muted)
    }

    static func ratingStyle(_ rating: SecurityRating) -> Style {
        switch rating {
        case .secure: Style(.good, bold: true)
        case .fair: Style(.warning, bold: true)
        case .weak: Style(.warning, bold: true)
        case .insecure: Style(.danger, bold: true)
        }
    }

    mutating func drawSSLMode(_ state: WizardState) {
        paragraph("How much should the connection prove?", style: .bold)
        drawNotices(state)
        blank()
        for mode in SSLMode.allCases.reversed() {
            guard hasRoom else { break }
            let isSelected = mode == state.sslMode
            let knowledge = mode.knowledge
            screen.put(isSelected ? "▸ " : "  ", row: row, column: left, style: Style(.accent, bold: true))
            screen.put(mode.rawValue, row: row, column: left + 2, style: isSelected ? Style(.accent, bold: true, reverse: true) : .plain)
            screen.put(knowledge.rating.label, row: row, column: left + 15, style: Self.ratingStyle(knowledge.rating))
            screen.put(DisplayWidth.truncated(knowledge.summary, to: width - 25), row: row, column: left + 25, style: isSelected ? .plain : .muted)
            row += 1
        }
        blank()
        let knowledge = state.sslMode.knowledge
        paragraph(knowledge.summary, style: Self.ratingStyle(knowledge.rating))
        paragraph(knowledge.detail, style: .muted)
    }

    mutating func drawRoot(_ state: WizardState) {
        guard state.sslMode.verifiesCertificate else {
            paragraph("sslmode=\(state.sslMode.rawValue) does not check the server's certificate, so no root file is used.", style: .bold)
            blank()
            paragraph("Careful: libpq still verifies (like verify-ca) if ~/.postgresql/root.crt exists, even in require mode. Press Esc to choose verify-full, or Enter to go on.", style: .muted)
            if state.sslMode != .disable { drawClientCertificate(state) }
            return
        }
        paragraph("Which roots should vouch for the server's certificate?", style: .bold)
        blank()
        if let provider = state.provider {
            drawProviderRoot(provider, state)
            blank()
        }
        for (index, choice) in state.rootChoices.enumerated() {
            guard hasRoom else { break }
            let isSelected = index == state.rootSelection
            let marker = isSelected ? "▸ " : "  "
            screen.put(marker, row: row, column: left, style: Style(.accent, bold: true))
            let titleStyle = isSelected ? Style(.accent, bold: true, reverse: true) : .plain
            switch choice {
            case .bundle(let candidate):
                let used = screen.put(candidate.path, row: row, column: left + 2, style: titleStyle, width: width - 2)
                screen.put("  " + candidate.source, row: row, column: left + 2 + used, style: .muted, width: max(0, width - 2 - used))
                row += 1
                var facts: [(String, Style)] = []
                if let problem = candidate.problem {
                    facts.append(("✗ " + problem.replacing("\"\(candidate.path)\" ", with: ""), .danger))
                } else {
                    facts.append(("✓ \(candidate.certificateCount) certificate\(candidate.certificateCount == 1 ? "" : "s")", .good))
                    facts.append(candidate.containsISRGRootX1 ? ("ISRG Root X1 ✓", .good) : ("no ISRG Root X1", .muted))
                }
                detailLine(facts)
            case .system:
                screen.put("system", row: row, column: left + 2, style: titleStyle)
                row += 1
                detailLine([("OpenSSL's default store (libpq ≥ 16; forces verify-full)", .muted)])
            case .custom:
                screen.put("Custom file…", row: row, column: left + 2, style: titleStyle)
                row += 1
                if isSelected {
                    let (text, cursorColumn) = state.customRootPath.visible(width: width - 6, masked: false)
                    screen.paint(row: row, from: left + 4, to: left + width - 2, style: Style(underline: true))
                    screen.put(text, row: row, column: left + 4, style: Style(underline: true), width: width - 6)
                    screen.cursor = Position(row: row, column: left + 4 + cursorColumn)
                    row += 1
                    if let check = state.customRootCheck, state.rootError == nil {
                        if let problem = check.problem {
                            detailLine([("✗ " + problem, .danger)])
                        } else {
                            detailLine([("✓ \(check.certificateCount) certificate\(check.certificateCount == 1 ? "" : "s")", .good)] + (check.containsISRGRootX1 ? [("ISRG Root X1 ✓", .good)] : []))
                        }
                    } else if state.customRootCheck == nil {
                        detailLine([("the PEM file with your server's root CA, e.g. ~/.postgresql/root.crt", .muted)])
                    }
                }
            }
        }
        if state.missingBundleCount > 0 {
            paragraph("(\(state.missingBundleCount) known bundle locations are not on this machine)", style: .muted, indent: 2)
        }
        error(state.rootError)
        drawClientCertificate(state)
        blank()
        paragraph("libpq checks the server's certificate chain against this file (sslrootcert, or PGSSLROOTCERT; with neither, libpq reads ~/.postgresql/root.crt). \(Self.providerRootsInBrief) Your own server needs its own CA file.", style: .muted)
    }

    /// The optional client certificate (sslcert, sslkey), for servers that ask for one: below the list, ↓ reaches it.
    /// One line until it is used (most servers ask for none), the two fields once focused or filled.
    mutating func drawClientCertificate(_ state: WizardState) {
        let focused = state.rootFocus != .list
        guard focused || !state.clientCertificate.isEmpty || !state.clientKey.isEmpty else {
            line("Client certificate: none (↓ past the list adds one)", style: .muted)
            return
        }
        blank()
        line("Client certificate", style: focused ? Style(.accent, bold: true) : .plain)
        field("Certificate", state.clientCertificate, focused: state.rootFocus == .clientCertificate, note: "sslcert, a PEM file")
        field("Key", state.clientKey, focused: state.rootFocus == .clientKey, note: "sslkey, mode 0600")
    }

    /// The provider's root first: what signs its certificates, where to get it and where to save it.
    mutating func drawProviderRoot(_ provider: Provider, _ state: WizardState) {
        paragraph("\(provider.name): certificates signed by \(provider.rootDescription) (\(provider.root.inSystemBundle.bundleWords)).", style: .bold)
        if provider.verifyFull == .no, let why = provider.whyNot, let mode = provider.strongestMode {
            paragraph("verify-full cannot work: \(why). Choose \(mode.rawValue) on the SSL mode step.", style: .danger)
        }
        if provider.needsOwnRootFile, let path = provider.suggestedRootPath(in: state.context.files) {
            let present = provider.rootFileFound(in: state.context.files)
            if let present {
                paragraph("✓ found \(present) (chosen below).", style: .good)
            } else {
                paragraph("Get it: \(provider.rootInstructions ?? "from \(provider.name)"). Save it as \(path) (chosen below).", style: .plain)
            }
        } else if provider.root.inSystemBundle == .unknown {
            paragraph("\(provider.name) does not document who signs its certificates: the system bundle is a guess; `pgsecure test` will tell.", style: .muted)
        }
    }

    /// Which catalogued providers the system bundle verifies and which need their own CA file (Resources/providers.json).
    static let providerRootsInBrief: String = {
        func names(_ providers: [Provider]) -> String {
            providers.prefix(4).map(\.name).joined(separator: ", ") + (providers.count > 4 ? "…" : "")
        }
        return "The system bundle verifies services on public CAs (\(names(Provider.all.filter { $0.root.inSystemBundle == .yes })));"
            + " others sign with their own CA, which you download (\(names(Provider.all.filter(\.needsOwnRootFile))))."
    }()

    mutating func detailLine(_ parts: [(String, Style)]) {
        guard hasRoom else { return }
        var column = left + 4
        for (index, (text, style)) in parts.enumerated() {
            if index > 0 { column += screen.put(" · ", row: row, column: column, style: .muted, width: left + width - column) }
            column += screen.put(text, row: row, column: column, style: style, width: max(0, left + width - column))
        }
        row += 1
    }

    mutating func fact(_ label: String, _ value: String, style: Style = .plain) {
        guard hasRoom else { return }
        screen.put(label, row: row, column: left + 2, style: .muted)
        let lines = DisplayWidth.wrapped(value, to: width - 15)
        for (offset, text) in lines.enumerated() where hasRoom {
            if offset > 0 { row += 1 }
            guard hasRoom else { break }
            screen.put(text, row: row, column: left + 15, style: style, width: width - 15)
        }
        row += 1
    }

    mutating func drawReview(_ state: WizardState) {
        let endpoints = state.host.text + (state.port.isEmpty ? "" : ":" + state.port.text)
        fact("Host", endpoints)
        fact("User", (state.user.isEmpty ? "(your login name)" : state.user.text) + (state.password.isEmpty ? " · password from PGPASSWORD or ~/.pgpass" : " · password entered"))
        fact("Database", state.dbname.isEmpty ? "(same as the user)" : state.dbname.text)
        let knowledge = state.sslMode.knowledge
        fact("SSL mode", "\(state.sslMode.rawValue) (\(knowledge.rating.label))", style: Self.ratingStyle(knowledge.rating))
        if state.sslMode.verifiesCertificate { fact("Root", state.selectedRootCertificate ?? "(none)") }
        blank()
        switch state.test {
        case .notRun:
            paragraph("Press r to test the connection.")
        case .running:
            paragraph("… testing the connection for real (TLS handshake, certificate, login)", style: Style(.accent, bold: true))
        case .finished(let outcome):
            drawOutcome(outcome, state)
        }
    }

    static func verdictStyle(_ verdict: Verdict) -> Style {
        switch verdict {
        case .verifiedFull, .localSocket: Style(.good, bold: true)
        case .verifiedCA, .encryptedUnverified: Style(.warning, bold: true)
        case .unencrypted, .failed: Style(.danger, bold: true)
        }
    }

    static func verdictMark(_ verdict: Verdict) -> String {
        switch verdict {
        case .verifiedFull, .localSocket: "✓"
        case .failed: "✗"
        default: "!"
        }
    }

    mutating func drawOutcome(_ report: Report, _ state: WizardState) {
        paragraph(
            Self.verdictMark(report.verdict) + " " + report.verdict.rawValue + " — " + report.verdict.explanation,
            style: Self.verdictStyle(report.verdict))
        if report.connected {
            var tls: [String] = []
            if let facts = report.tls {
                tls += [facts.protocol, facts.cipher, facts.bits.map { "\($0)-bit" }].compactMap { $0 }
            }
            if let version = report.serverVersion { tls.append("PostgreSQL " + (version.split(separator: " ").first.map(String.init) ?? version)) }
            if !tls.isEmpty { paragraph(tls.joined(separator: " · "), indent: 2) }
            if let certificate = report.certificate {
                fact("Certificate", certificate.subject)
                fact("Issued by", certificate.issuer)
                if !certificate.san.isEmpty { fact("Names", certificate.san.joined(separator: ", ")) }
                let days = certificate.daysLeft(now: report.now)
                fact("Valid until", "\(UTCTime.date(certificate.notAfter)) (\(days) days left)", style: days < 30 ? .warning : .plain)
            }
            for warning in report.warnings { paragraph("! " + warning, style: .warning, indent: 2) }
            if hasRoom { paragraph("Press Enter for the outputs.", style: .muted, indent: 2) }
            return
        }
        paragraph(report.diagnosis.code.rawValue + ": " + report.diagnosis.summary, style: .bold, indent: 2)
        paragraph("Fix: " + report.diagnosis.fix, indent: 2)
        if state.isAskingForPassword {
            blank()
            field(
                "Password", state.password, focused: true,
                masking: state.isPasswordRevealed ? [] : Set(state.password.characters.indices),
                note: "the server asks for one · Enter tests again")
        } else if let target = state.fixStep {
            paragraph("Press f to go to \(target.title), r to test again, Enter for the outputs anyway.", style: .muted, indent: 2)
        }
    }

    mutating func drawOutputs(_ state: WizardState) {
        if case .finished(let report) = state.test {
            screen.put(
                "tested: " + Self.verdictMark(report.verdict) + " " + report.verdict.rawValue, row: row - 1,
                column: left + 12, style: Self.verdictStyle(report.verdict), width: width - 12)
        }
        let kinds = OutputKind.allCases
        let rows = (kinds.count + 1) / 2
        let columnWidth = width / 2
        // On a short screen the two columns scroll, a window of rows that keeps the selection in view, so the
        // password note, two usage lines, two preview lines and a three-line status (a long path) still fit below.
        let visibleRows = min(rows, max(3, bottom - row + 1 - 8))
        let firstRow = min(max(0, state.outputSelection % rows - visibleRows + 1), rows - visibleRows)
        for (index, kind) in kinds.enumerated() where (firstRow..<firstRow + visibleRows).contains(index % rows) {
            let y = row + index % rows - firstRow
            let x = left + (index / rows) * columnWidth
            let isSelected = index == state.outputSelection
            screen.put(isSelected ? "▸ " : "  ", row: y, column: x, style: Style(.accent, bold: true))
            screen.put(kind.title, row: y, column: x + 2, style: isSelected ? Style(.accent, bold: true, reverse: true) : .plain, width: columnWidth - 3)
        }
        if firstRow > 0 { screen.put("↑", row: row, column: left + width - 1, style: .muted) }
        if firstRow + visibleRows < rows { screen.put("↓", row: row + visibleRows - 1, column: left + width - 1, style: .muted) }
        row += visibleRows
        let passwordNote =
            !state.hasSecret ? "no password entered: PGPASSWORD or ~/.pgpass supply it"
            : state.includesPassword ? "password included (p leaves it out)" : "password left out (p includes it)"
        line(passwordNote, style: state.carriesSecret ? .warning : .muted)
        paragraph(state.selectedOutput.usage, style: .muted)

        // The preview takes every row the prompt or confirmation at the bottom leaves.
        let statusLines: Int =
            switch state.filePrompt {
            case .path, .serviceName: 2
            case .confirmOverwrite(let path): DisplayWidth.wrapped("\(path) exists. Overwrite it? y/n", to: width).count
            case .confirmService(let plan): plan.confirmationLines.reduce(0) { $0 + DisplayWidth.wrapped($1, to: width).count }
            case nil: state.status.map { DisplayWidth.wrapped($0.text, to: width).count } ?? 0
            }
        var warning: Notice?
        if case .success(let resolution) = state.resolution() { warning = resolution.notices.first(where: \.isWarning) }
        let previewTop = row
        let available = bottom - previewTop + 1 - statusLines - (warning == nil ? 0 : 1)
        switch state.maskedText(state.selectedOutput, includingPassword: state.includesPassword) {
        case .success(let text):
            var lines: [ShownText] = []
            // Tabs (Go's indentation) as spaces: a terminal cell holds one character.
            for textLine in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                lines += DisplayWidth.chunked(String(textLine).replacing("\t", with: "    "), to: width - 2)
            }
            // A snippet longer than the box scrolls with PgUp/PgDn; the hint below (the box's last row) says how much
            // is left.
            let window = max(1, lines.count > available ? available - 1 : available)
            let limit = max(0, lines.count - window)
            let offset = min(state.scroll, limit)
            paging = (limit, max(1, window - 1))
            let shown = lines.dropFirst(offset).prefix(window)
            for (index, text) in shown.enumerated() {
                screen.put("┃", row: previewTop + index, column: left, style: .accent)
                screen.put(text, row: previewTop + index, column: left + 2, style: .plain, width: width - 2)
            }
            row += shown.count
            let below = lines.count - offset - shown.count
            if below > 0 {
                line("  ↓ more (PgDn): \(below) lines · c copies all of it", style: .muted)
            } else if offset > 0 {
                line("  ↑ more above (PgUp) · c copies all of it", style: .muted)
            }
        case .failure(let error):
            paragraph("✗ " + error.description, style: .danger)
        }
        if let warning, row <= bottom - statusLines {
            line("warning: " + warning.message, style: .warning)
        }
        // Prompts and confirmations sit at the bottom of the body, where the eye ends up after acting.
        row = max(row, bottom - statusLines + 1)
        switch state.filePrompt {
        case .path(let input):
            guard row <= bottom else { return }
            promptField("Write to: ", input)
            line(state.carriesSecret ? "holds the password: written with mode 0600" : "written with mode 0644", style: .muted)
        case .confirmOverwrite(let path):
            paragraph("\(path) exists. Overwrite it? y/n", style: .warning)
        case .serviceName(let input):
            guard row <= bottom else { return }
            promptField("Save as service: ", input)
            // A refused name says why right under the field; otherwise, what saving writes.
            if let refusal = state.status, refusal.tone == .failure {
                line(refusal.text, style: .danger)
            } else {
                line(state.serviceSaveDestination, style: .muted)
            }
        case .confirmService(let plan):
            for text in plan.confirmationLines { paragraph(text, style: .warning) }
        case nil:
            if let status = state.status {
                let style: Style = switch status.tone {
                case .info: .accent
                case .success: Style(.good, bold: true)
                case .failure: .danger
                }
                paragraph(status.text, style: style)
            }
        }
    }
}

extension ServicePlan {
    /// The change a save would make to an entry holding other values, then the question.
    var confirmationLines: [String] {
        changeDescription.split(separator: "\n").map(String.init) + ["\(servicePath) holds other values for \(name). Replace them? y/n"]
    }
}
