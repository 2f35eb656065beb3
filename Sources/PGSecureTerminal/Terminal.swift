#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcurses
import CResizeWake
import PGSecureModel
import PGSecureWizard
import PGSecureWizardRuntime
import SystemPackage

/// Why the wizard cannot draw.
public enum TerminalError: Error, CustomStringConvertible {
    case noTerminal
    case unknownTerminal(String)
    case cannotMoveCursor(String)

    public var description: String {
        let hint = "use the non-interactive commands: pgsecure url|conninfo|env|snippet|test (see pgsecure --help)"
        return switch self {
        case .noTerminal: "the wizard needs a terminal, and there is none (no /dev/tty); " + hint
        case .unknownTerminal(let name): "cannot drive terminal type \"\(name)\" (check TERM); " + hint
        case .cannotMoveCursor(let name): "terminal type \"\(name)\" cannot move the cursor (check TERM); " + hint
        }
    }
}

extension WizardApp {
    /// The wizard on this process's terminal: the ncurses backend, the real effects, SIGTERM/SIGHUP/SIGINT/SIGQUIT
    /// ending the loop through its normal exit (so the terminal is always restored).
    public static func run(
        _ initial: WizardState, environment: [String: String], tester: @escaping EffectRunner.Tester,
        inspectRootFile: @escaping EffectRunner.RootInspector
    ) throws(TerminalError) -> WizardExit {
        SignalFlag.install()
        defer { SignalFlag.uninstall() }
        let terminal = try Terminal(environment: environment)
        defer { terminal.restore() }
        let runner = EffectRunner(environment: environment, tester: tester, inspectRootFile: inspectRootFile)
        return run(initial, on: terminal, effects: runner, timings: BenchTimings(environment: environment)).exit
    }
}

/// The ncurses backend, the only code that talks to curses. Draws on /dev/tty (stdout stays free for the answer),
/// reads keys, and always gives the terminal back as it found it. Use from one thread only.
final class Terminal: TerminalBackend {
    private let ttyDescriptor: Int32
    private let output: UnsafeMutablePointer<FILE>
    private let input: UnsafeMutablePointer<FILE>
    private let screen: OpaquePointer
    private let usesColor: Bool
    private var isOpen = true
    let glyphs: Glyphs

    init(environment: [String: String]) throws(TerminalError) {
        setlocale(LC_ALL, "")
        let descriptor = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw .noTerminal }
        CrashRestore.remember(terminal: descriptor)
        // F_DUPFD_CLOEXEC: a plain dup drops close-on-exec, and clipboard helpers would keep the terminal open.
        guard let output = fdopen(fcntl(descriptor, F_DUPFD_CLOEXEC, 0), "w"),
              let input = fdopen(fcntl(descriptor, F_DUPFD_CLOEXEC, 0), "r")
        else {
            close(descriptor)
            throw .noTerminal
        }
        guard let screen = newterm(nil, output, input) else {
            fclose(output)
            fclose(input)
            close(descriptor)
            throw .unknownTerminal(environment["TERM"] ?? "(TERM is not set)")
        }
        ttyDescriptor = descriptor
        self.output = output
        self.input = input
        self.screen = screen
        _ = set_term(screen)
        guard pgs_can_address_cursor() != 0 else {
            endwin()
            delscreen(screen)
            fclose(output)
            fclose(input)
            close(descriptor)
            throw .cannotMoveCursor(environment["TERM"] ?? "(TERM is not set)")
        }
        glyphs = pgs_locale_is_utf8() != 0 ? .unicode : .ascii
        raw()
        noecho()
        nonl()
        keypad(pgs_stdscr(), true)
        set_escdelay(25)
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        usesColor = !noColor && has_colors()
        if usesColor {
            start_color()
            use_default_colors()
            init_pair(1, Int16(COLOR_CYAN), -1)
            init_pair(2, Int16(COLOR_GREEN), -1)
            init_pair(3, Int16(COLOR_YELLOW), -1)
            init_pair(4, Int16(COLOR_RED), -1)
        }
        CrashRestore.install()
        ResizeWake.install()
    }

    var size: Size { Size(width: Int(pgs_columns()), height: Int(pgs_rows())) }

    /// Paints a whole screen value; curses sends only what changed, so nothing flickers.
    func draw(_ frame: Screen) {
        werase(pgs_stdscr())
        var text: [wchar_t] = []
        text.reserveCapacity(frame.size.width * 2)
        for (rowIndex, row) in frame.rows.enumerated() where rowIndex < frame.size.height {
            var column = 0
            while column < row.count {
                let style = row[column].style
                let start = column
                text.removeAll(keepingCapacity: true)
                while column < row.count, row[column].style == style {
                    for scalar in row[column].text.unicodeScalars { text.append(wchar_t(bitPattern: scalar.value)) }
                    column += 1
                }
                apply(style)
                _ = pgs_put_wide(Int32(rowIndex), Int32(start), text, Int32(text.count))
            }
        }
        apply(.plain)
        if let cursor = frame.cursor {
            curs_set(1)
            wmove(pgs_stdscr(), Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        wrefresh(pgs_stdscr())
    }

    private func apply(_ style: Style) {
        var bold = style.isBold
        var dim = style.isDim
        var pair: Int16 = 0
        if usesColor {
            switch style.role {
            case .normal, .muted: pair = 0
            case .accent: pair = 1
            case .good: pair = 2
            case .warning: pair = 3
            case .danger: pair = 4
            }
        } else {
            // Monochrome: meaning through weight alone.
            if style.role == .danger || style.role == .warning { bold = true }
            if style.role == .muted { dim = true }
        }
        if style.role == .muted { dim = true }
        _ = pgs_set_style(pgs_attributes(bold ? 1 : 0, dim ? 1 : 0, style.isReverse ? 1 : 0, style.isUnderlined ? 1 : 0), pair)
    }

    /// Sleeps in `poll` on the terminal, the loop's wake pipe and the signal pipe together: a key, a finished
    /// effect or a signal wakes it at once.
    func nextInput(timeout: Int32?, wake: WakePipe) -> TerminalInput? {
        if SignalFlag.received != 0 { return .signal(SignalFlag.received) }
        // Keys curses has already taken in (the rest of a paste or an escape sequence) and a pending resize first.
        if let input = readKey(timeout: 0) { return input }
        guard timeout != 0 else { return nil }
        var descriptors = [fileno(input), wake.readDescriptor, SignalFlag.pipe.readDescriptor].map {
            pollfd(fd: $0, events: Int16(POLLIN), revents: 0)
        }
        let ready = poll(&descriptors, nfds_t(descriptors.count), timeout ?? -1)
        if SignalFlag.received != 0 { return .signal(SignalFlag.received) }
        if descriptors[2].revents & Int16(POLLIN) != 0 {
            // Only a resize writes to the signal pipe without setting the flag: curses has KEY_RESIZE for us now.
            SignalFlag.pipe.drain()
            return readKey(timeout: 0)
        }
        // Interrupted (SIGWINCH): curses turns it into KEY_RESIZE.
        guard ready > 0 else { return ready < 0 ? readKey(timeout: 0) : nil }
        let terminalEvents = Int32(descriptors[0].revents)
        if terminalEvents & Int32(POLLIN) != 0 { return readKey(timeout: 50) }
        // The terminal is gone (hung up without a SIGHUP reaching us): end as if it had.
        if terminalEvents & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 { return .signal(SIGHUP) }
        return nil
    }

    /// The next key within `milliseconds` (0: only what is already there), a resize, or nil.
    private func readKey(timeout milliseconds: Int32) -> TerminalInput? {
        wtimeout(pgs_stdscr(), milliseconds)
        var code: wint_t = 0
        let result = pgs_read_key(&code)
        if result == KEY_CODE_YES {
            if Int32(code) == KEY_RESIZE { return .resize }
            return KeyDecoding.functionKey(Int32(code)).map(TerminalInput.key)
        }
        if result == OK { return KeyDecoding.character(UInt32(code)).map(TerminalInput.key) }
        return nil
    }

    /// Bytes for the terminal itself (OSC 52), written between frames.
    func writeControlSequence(_ bytes: [UInt8]) {
        fflush(output)
        _ = try? FileDescriptor(rawValue: ttyDescriptor).writeAll(bytes)
    }

    /// Gives the terminal back: cooked mode, echo, cursor, main screen. Safe to call twice.
    func restore() {
        guard isOpen else { return }
        isOpen = false
        ResizeWake.uninstall()
        curs_set(1)
        endwin()
        delscreen(screen)
        fclose(output)
        fclose(input)
        CrashRestore.uninstall()
        close(ttyDescriptor)
    }

    deinit { restore() }
}

enum KeyDecoding {
    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_ENTER: .enter
        case KEY_BTAB: .backTab
        case (KEY_F0 + 1)...(KEY_F0 + 24): .function(Int(code - KEY_F0))
        default: nil
        }
    }

    static func character(_ value: UInt32) -> Key? {
        switch value {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(value + 96)!))
        case 0..<32: return nil
        default: return Unicode.Scalar(value).map { .character(Character($0)) }
        }
    }
}

/// A crash (trap, abort, segfault) must not leave the terminal raw: restore it with async-signal-safe calls
/// (tcsetattr, write), then hand the signal back to whoever handled it before (Swift's backtracer).
/// SIGTERM, SIGHUP and SIGINT are handled by the loop (see `SignalFlag`).
enum CrashRestore {
    nonisolated(unsafe) static var descriptor: Int32 = -1
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var hasSaved = false
    /// Previous handlers, indexed by signal number; allocated once so the handler never allocates.
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    static func remember(terminal: Int32) {
        descriptor = terminal
        hasSaved = tcgetattr(terminal, &saved) == 0
    }

    static func install() {
        for signal in crashSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { number, info, _ in
                if CrashRestore.hasSaved { tcsetattr(CrashRestore.descriptor, TCSANOW, &CrashRestore.saved) }
                // Leave the alternate screen, show the cursor, reset colours.
                let reset: StaticString = "\u{1b}[?1049l\u{1b}[?25h\u{1b}[0m\r\n"
                _ = write(CrashRestore.descriptor, reset.utf8Start, reset.utf8CodeUnitCount)
                sigaction(number, CrashRestore.previous + Int(number), nil)
                // A real fault re-runs its instruction on return, now under the previous handler (which sees the
                // real fault); a signal sent by kill() or abort() must be sent again.
                if let info, info.pointee.si_code <= 0 {
                    raise(number)
                    // The previous handler may return too (the backtracer does): end with the default action.
                    Glibc.signal(number, SIG_DFL)
                    raise(number)
                }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_SIGINFO
            sigaction(signal, &action, previous + Int(signal))
        }
    }

    static func uninstall() {
        for signal in crashSignals { sigaction(signal, previous + Int(signal), nil) }
    }
}

/// A resize must not wait for the next key. curses' SIGWINCH handler only marks the resize, and curses reports it
/// (KEY_RESIZE) when it next reads: a SIGWINCH that lands while the loop draws, or on another thread, would leave the
/// wait asleep. The handler in CResizeWake runs curses' own, then writes to the signal pipe the wait watches.
enum ResizeWake {
    static func install() { pgs_install_resize_wake(SignalFlag.pipe.writeDescriptor) }
    static func uninstall() { pgs_uninstall_resize_wake() }
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT set a flag and write to a self-pipe (both async-signal-safe); the backend's
/// `poll` watches the pipe, so the loop ends at once through the same path as Ctrl-C and `endwin` always runs on the
/// curses thread.
enum SignalFlag {
    nonisolated(unsafe) static var received: Int32 = 0
    /// The pipe's write end, read by the handler (which must not touch lazily initialised globals).
    nonisolated(unsafe) static var wakeDescriptor: Int32 = -1
    static let pipe = WakePipe()
    static let handled: [Int32] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT]

    static func install() {
        received = 0
        pipe.drain()
        wakeDescriptor = pipe.writeDescriptor
        // A parent may have started us with these blocked (threads of Dispatch and Swift concurrency block most
        // signals, and children inherit the mask): unblock them, or SIGTERM and SIGHUP would never arrive.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in handled { sigaddset(&unblock, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for signal in handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                SignalFlag.received = number
                var byte: UInt8 = 1
                _ = write(SignalFlag.wakeDescriptor, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: a blocking read returns at once
            sigaction(signal, &action, nil)
        }
    }

    static func uninstall() {
        for signal in handled { Glibc.signal(signal, SIG_DFL) }
    }
}
