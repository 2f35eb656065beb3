import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The binary under test: the package's debug build, unless PGSECURE_WIZARD_BINARY names another build of it.
let wizardBinary = ProcessInfo.processInfo.environment["PGSECURE_WIZARD_BINARY"].flatMap { $0.isEmpty ? nil : $0 } ?? pgsecureBinary

/// The real wizard in a real terminal, for what only a terminal shows: signals restoring the tty, drawing on /dev/tty
/// while answering on stdout, UTF-8 and CJK input, NO_COLOR, resizing, LANG=C, TERM=dumb, no terminal at all. The
/// walk itself, copy and file writes are tested on the same loop in memory (PGSecureWizardRuntimeTests).
/// tmux runs `pgsecure` in a detached pane; tests type keys and read the pane. Every wait polls `capture-pane`
/// against a deadline (no fixed sleeps) and accepts only a settled screen (see `waitFor`).
@Suite("Wizard through tmux", .serialized)
struct WizardTmuxTests {
    @Test("Resizing mid-walk redraws at the new size, asks for room below the minimum, and keeps what was typed")
    func resize() throws {
        let session = try Self.atHostStep()
        defer { session.close() }
        session.type("db.example.com")
        try session.waitFor("db.example.com")
        session.tmux(["resize-window", "-t", session.target, "-x", "120", "-y", "40"])
        let wide = try session.waitFor { screen in screen.split(separator: "\n").first?.hasSuffix("step 2 of 8") == true && screen.split(separator: "\n", omittingEmptySubsequences: false).count >= 40 }
        #expect(wide.contains("db.example.com"))
        session.tmux(["resize-window", "-t", session.target, "-x", "50", "-y", "12"])
        try session.waitFor("make the terminal at least 60×16")
        session.tmux(["resize-window", "-t", session.target, "-x", "80", "-y", "24"])
        let back = try session.waitFor("Where is the server?")
        #expect(back.contains("db.example.com"))
        session.keys("C-c")
        try session.waitFor("EXITED 130")
    }

    @Test("Ctrl-C mid-walk quits with 130 and leaves the terminal sane (echo, icanon)")
    func controlC() throws {
        let session = try Self.atHostStep()
        defer { session.close() }
        session.type("half-typed")
        try session.waitFor("half-typed")
        session.keys("C-c")
        let after = try session.waitFor("STTY-DONE")
        #expect(after.contains("EXITED 130"))
        try WizardSession.expectSaneTerminal(after)
    }

    @Test("SIGTERM, SIGHUP and a crash (SIGSEGV, through Swift's backtracer) restore the terminal too", arguments: [
        ("TERM", 143), ("HUP", 129), ("SEGV", 139),
    ])
    func signals(signal: String, status: Int) throws {
        let session = try WizardSession(command: [wizardBinary], extraEnvironment: ["SWIFT_BACKTRACE=interactive=no,color=no"])
        defer { session.close() }
        try session.waitFor("Paste a connection string")
        let pid = try String(contentsOf: session.pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try run("/bin/kill", ["-\(signal)", pid])
        let after = try session.waitFor("STTY-DONE")
        #expect(after.contains("EXITED \(status)"))
        try WizardSession.expectSaneTerminal(after)
    }

    @Test("--emit env: the chosen output goes to stdout after the terminal is restored; the UI stays on the tty")
    func emitEnv() throws {
        let lab = try TLSLab.load()
        let conninfo = "host=localhost port=\(lab.port("good")) user=\(lab.user) dbname=postgres sslrootcert=\(lab.rootCertificate)"
        let session = try WizardSession(command: [wizardBinary, "wizard", conninfo, "--emit", "env"], stdoutFile: true)
        defer { session.close() }
        // The string prefilled every field: Enter through host, user, database, SSL mode and root certificate.
        try session.waitFor("Where is the server?")
        for question in ["Who connects?", "Which database?", "How much should the connection prove?", "Which roots should vouch"] {
            session.keys("Enter")
            try session.waitFor(question)
        }
        session.keys("Enter")
        // No password was given: the review asks for it and tests again.
        try session.waitFor("the server asks for one", timeout: 20)
        try session.typeSecret(lab.password)
        session.keys("Enter")
        try session.waitFor("verified-full", timeout: 20)
        session.keys("Enter")
        try session.waitFor("tested: ✓ verified-full")
        // Waits for the row it asserts on: ncurses paints a frame in several writes (ARCHITECTURE.md, pitfall 12).
        let outputs = try session.waitFor("▸ env: sh, bash, zsh")
        #expect(outputs.contains("tested: ✓ verified-full"))
        session.keys("Enter")
        try session.waitFor("EXITED 0")
        let written = try String(contentsOf: session.stdoutFile!, encoding: .utf8)
        let cli = try run(
            wizardBinary, ["env"] + lab.fields("good") + ["--sslrootcert", lab.rootCertificate, "--quiet"],
            environment: ["PATH": "/usr/bin:/bin", "HOME": session.home.path])
        #expect(written == cli.stdout)
        #expect(written.contains("export PGSSLMODE='verify-full'"))
        #expect(!written.contains("\u{1b}"), "terminal control sequences leaked into stdout")
        #expect(!session.captures.contains { $0.contains(lab.password) })
    }

    /// A bare `pgsecure`, past the Start step, waiting at "Where is the server?".
    static func atHostStep() throws -> WizardSession {
        let session = try WizardSession(command: [wizardBinary])
        do {
            try session.waitFor("Paste a connection string")
            session.keys("Enter")
            try session.waitFor("Where is the server?")
            return session
        } catch {
            session.close()
            throw error
        }
    }

    @Test("UTF-8 input and display: a CJK database name is typed, shown, and percent-encoded in the preview")
    func unicodeInput() throws {
        let session = try WizardSession(command: [wizardBinary, "host=db.example.com user=алиса"])
        defer { session.close() }
        try session.waitFor("Where is the server?")
        session.keys("Enter")
        let user = try session.waitFor("Who connects?")
        #expect(user.contains("алиса"))
        session.keys("Enter")
        try session.waitFor("Which database?")
        session.type("数据库")
        // The preview wraps at the pane's edge: rejoin its lines before looking for the encoded name.
        let typed = try session.waitFor(description: "the encoded name in the preview") {
            $0.replacingOccurrences(of: "\n ", with: "").contains("/%E6%95%B0%E6%8D%AE%E5%BA%93?sslmode=verify-full")
        }
        #expect(typed.contains("数据库"))
        session.keys("BSpace")
        try session.waitFor { !$0.contains("数据库") && $0.contains("数据") }
        session.keys("C-c")
        try session.waitFor("EXITED 130")
    }

    @Test("NO_COLOR: the same screens without colour; bold, reverse and underline still mark focus", arguments: [false, true])
    func noColor(disabled: Bool) throws {
        let session = try WizardSession(command: [wizardBinary], extraEnvironment: disabled ? ["NO_COLOR=1"] : [])
        defer { session.close() }
        try session.waitFor("Paste a connection string")
        let styled = try session.settledCapture(["-e"])
        #expect(WizardSession.usesForegroundColour(styled) == !disabled)
        #expect(WizardSession.usesReverseVideo(styled), "no SGR 7 (reverse) in: \(styled)")
        session.keys("C-c")
        try session.waitFor("EXITED 130")
    }

    @Test("Reverse video is found only as SGR parameter 7, not in colours like 37 or 38;5;7", arguments: [
        ("\u{1b}[7mx", true), ("\u{1b}[1;7mx", true), ("\u{1b}[7;1mx", true), ("\u{1b}[0;1;7;31mx", true),
        ("\u{1b}[37;40mx", false), ("\u{1b}[38;5;7mx", false), ("\u{1b}[48;5;7mx", false), ("\u{1b}[38;2;7;7;7mx", false),
        ("\u{1b}[27mx", false), ("\u{1b}[17;1Hx7;", false), ("plain 7; text ;7m", false),
    ])
    func reverseVideoDetection(screen: String, reversed: Bool) {
        #expect(WizardSession.usesReverseVideo(screen) == reversed)
    }

    @Test("A foreground colour is found in SGR 30–37, 90–97 and 38;…, never in a background's 48;5;N or 48;2;R;G;B", arguments: [
        ("\u{1b}[31mx", true), ("\u{1b}[1;94mx", true), ("\u{1b}[38;5;100mx", true), ("\u{1b}[38;2;1;2;3mx", true),
        ("\u{1b}[48;5;33mx", false), ("\u{1b}[48;5;31;1mx", false), ("\u{1b}[48;2;31;32;33mx", false),
        ("\u{1b}[58;5;34mx", false), ("\u{1b}[40;7mx", false), ("\u{1b}[39;49mx", false), ("\u{1b}[48;5;33;32mx", true),
        ("\u{1b}[5;31Hx", false), ("plain 31m text", false),
    ])
    func foregroundColourDetection(screen: String, coloured: Bool) {
        #expect(WizardSession.usesForegroundColour(screen) == coloured)
    }

    @Test("LANG=C: ASCII stand-ins instead of blanks (masked password, rules, separators), at 60×16")
    func asciiLocale() throws {
        let session = try WizardSession(command: [wizardBinary], width: 60, height: 16, extraEnvironment: ["LANG=C", "LC_ALL=C"])
        defer { session.close() }
        try session.waitFor("Paste a connection string")
        session.keys("Enter")
        try session.waitFor("Where is the server?")
        session.type("db.example.com")
        session.keys("Enter")
        try session.waitFor("Who connects?")
        session.keys("Tab")
        session.type("s3cr3t")
        let screen = try session.waitFor(description: "six stars for the password") { screen in
            screen.split(separator: "\n").contains { $0.hasSuffix("    ******") }
        }
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasSuffix("step 3 of 8 - User and password") == true, "\(screen)")
        #expect(lines.contains { $0.hasPrefix("-- connection string - password masked ---") }, "\(screen)")
        #expect(screen.contains("postgresql://:******@db.example.com/?sslmode=verify-full"))
        #expect(screen.unicodeScalars.allSatisfy { $0.isASCII })
        session.keys("C-c")
        try session.waitFor("EXITED 130")
    }

    @Test("TERM=dumb (no cursor addressing) exits 2 with the same hint as no terminal")
    func dumbTerminal() throws {
        let session = try WizardSession(command: [wizardBinary], extraEnvironment: ["TERM=dumb"])
        defer { session.close() }
        let screen = try session.waitFor("EXITED 2")
        let message = screen.replacingOccurrences(of: "\n", with: "")
        #expect(message.contains("pgsecure: terminal type \"dumb\" cannot move the cursor (check TERM); use the non-interactive commands: pgsecure url|conninfo|env|snippet|test (see pgsecure --help)"))
    }

    @Test("Without a terminal the wizard exits 2 and points to the non-interactive commands")
    func noTerminal() throws {
        let result = try run("/usr/bin/setsid", ["-w", wizardBinary], environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("pgsecure url|conninfo|env|snippet|test"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}

/// One tmux server (its own socket) running one pane with the wizard, killed on `close`.
final class WizardSession {
    let socket = "pgsecure-wizard-\(UUID().uuidString.prefix(8))"
    let target = "wizard"
    let home: URL
    let pidFile: URL
    let stdoutFile: URL?
    private(set) var captures: [String] = []

    /// Starts `command` in a clean environment (empty HOME, no PG* variables) inside an 80×24 pane.
    /// After it exits the pane prints `EXITED <status>`, then `stty -a` and `STTY-DONE`, and stays open.
    init(command: [String], width: Int = 80, height: Int = 24, stdoutFile: Bool = false, extraEnvironment: [String] = []) throws {
        home = try makeEmptyHome()
        pidFile = home.appendingPathComponent("pid")
        self.stdoutFile = stdoutFile ? home.appendingPathComponent("stdout") : nil
        let environment = ["PATH=/usr/bin:/bin", "HOME=\(home.path)", "TERM=screen", "LANG=C.UTF-8"] + extraEnvironment
        let redirect = self.stdoutFile.map { " > " + Self.quote($0.path) } ?? ""
        let script = "echo $$ > \(Self.quote(pidFile.path)); exec env -i \(environment.map(Self.quote).joined(separator: " ")) \(command.map(Self.quote).joined(separator: " "))\(redirect)"
        let shell = "sh -c \(Self.quote(script)); echo \"EXITED $?\"; stty -a; echo STTY-DONE; sleep 600"
        // Not through Foundation's Process: the tmux server daemonizes from this child (Process then never sees the
        // end), and a test thread's blocked signal mask would be inherited by the server and the wizard.
        let status = Self.spawnDetached(
            "/usr/bin/tmux", ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "wizard", "-x", String(width), "-y", String(height), shell],
            environment: Self.tmuxEnvironment)
        guard status == 0 else {
            throw WizardSessionError(description: "tmux new-session failed with status \(status)")
        }
        // tmux passes OSC 52 from the app to its own buffer only with set-clipboard on.
        tmux(["set-option", "-g", "set-clipboard", "on"])
    }

    /// posix_spawn with stdio on /dev/null, no inherited descriptors, default signal handling and an empty mask.
    static func spawnDetached(_ path: String, _ arguments: [String], environment: [String: String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, &attributes, argv, envp) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    static let tmuxEnvironment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "screen"]

    @discardableResult
    func tmux(_ arguments: [String]) -> ProcessResult? {
        try? run("/usr/bin/tmux", ["-L", socket] + arguments, environment: Self.tmuxEnvironment)
    }

    func tmuxOutput(_ arguments: [String]) -> String { tmux(arguments)?.stdout ?? "" }

    func keys(_ names: String...) { tmux(["send-keys", "-t", target] + names) }

    func type(_ text: String) { tmux(["send-keys", "-t", target, "-l", text]) }

    /// Types a secret without putting it in tmux's argv: loaded into a paste buffer from stdin, pasted, deleted.
    func typeSecret(_ text: String) throws {
        let loaded = try run(
            "/usr/bin/tmux", ["-L", socket, "load-buffer", "-b", "secret", "-"], input: text, environment: Self.tmuxEnvironment)
        try #require(loaded.status == 0, "tmux load-buffer: \(loaded.stderr)")
        tmux(["paste-buffer", "-d", "-b", "secret", "-t", target])
    }

    /// `capture-pane -p` with more flags (`-e` for the escape sequences), once two captures in a row agree.
    func settledCapture(_ flags: [String], timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var previous = ""
        while Date() < deadline {
            let screen = tmuxOutput(["capture-pane", "-p"] + flags + ["-t", target])
            if screen == previous, !screen.isEmpty { return screen }
            previous = screen
            usleep(20_000)  // poll interval
        }
        throw WizardSessionError(description: "the screen did not settle within \(timeout) s")
    }

    func capture() -> String {
        let screen = tmuxOutput(["capture-pane", "-p", "-t", target])
        captures.append(screen)
        return screen
    }

    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        try waitFor(timeout: timeout, description: text) { $0.contains(text) }
    }

    /// Polls until `condition` holds on a settled screen: two consecutive identical captures. ncurses sends one frame
    /// in many writes and tmux may answer `capture-pane` between them, so a single capture can show the new top rows
    /// over the old screen.
    @discardableResult
    func waitFor(timeout: Double = 10, description: String = "condition", _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        var previous: String?
        while Date() < deadline {
            screen = capture()
            if screen == previous, condition(screen) { return screen }
            previous = screen
            usleep(20_000)  // poll interval, not a wait for something to happen
        }
        throw WizardSessionError(description: "waited \(timeout) s for \"\(description)\"; the screen was:\n\(screen)")
    }

    func close() {
        tmux(["kill-server"])
        try? FileManager.default.removeItem(at: home)
    }

    /// `stty -a` (printed in the pane after the wizard exits) shows echo and icanon on: the tty was restored.
    static func expectSaneTerminal(_ screen: String) throws {
        let words = Set(screen.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(words.contains("echo"), "stty -a shows -echo: \(screen)")
        #expect(words.contains("icanon"), "stty -a shows -icanon: \(screen)")
        #expect(!words.contains("-echo"))
        #expect(!words.contains("-icanon"))
    }

    /// Whether `capture-pane -e` output sets a foreground colour: SGR 30–37, 90–97 or 38;5;N / 38;2;R;G;B, never a
    /// number inside a background (48;…) or underline (58;…) colour.
    static func usesForegroundColour(_ screen: String) -> Bool {
        sgrAttributes(screen).contains { (30...38).contains($0) || (90...97).contains($0) }
    }

    /// Whether `capture-pane -e` output turns on reverse video: SGR parameter 7 itself, not a 7 inside a colour
    /// (37, 38;5;7, 38;2;r;g;b) or a cursor move.
    static func usesReverseVideo(_ screen: String) -> Bool {
        sgrAttributes(screen).contains(7)
    }

    /// Every SGR (`ESC [ … m`) attribute in `screen`, in order: an extended colour (38/48/58 followed by 5;N or
    /// 2;R;G;B) counts as its first number alone, so its arguments are never read as attributes of their own.
    static func sgrAttributes(_ screen: String) -> [Int] {
        var attributes: [Int] = []
        var rest = Substring(screen)
        while let start = rest.firstIndex(of: "\u{1b}") {
            rest = rest[rest.index(after: start)...]
            guard rest.first == "[", let end = rest.firstIndex(where: { $0.isLetter }) else { continue }
            if rest[end] == "m" {
                let parameters = rest[rest.index(after: rest.startIndex)..<end].split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
                var index = 0
                while index < parameters.count {
                    let parameter = parameters[index]
                    attributes.append(parameter)
                    switch parameter {
                    case 38, 48, 58: index += parameters.dropFirst(index + 1).first == 2 ? 5 : 3
                    default: index += 1
                    }
                }
            }
            rest = rest[end...]
        }
        return attributes
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

struct WizardSessionError: Error, CustomStringConvertible {
    let description: String
}
