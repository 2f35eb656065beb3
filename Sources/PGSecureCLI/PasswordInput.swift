#if canImport(Glibc)
import Glibc
#endif
import PGSecureModel
import SystemPackage

/// `--password-stdin`: a pipe is read as it is; a terminal gets a prompt on /dev/tty with echo off, like psql's own,
/// and the terminal is restored on every way out (Enter, end of input, Ctrl-C, SIGTERM, SIGHUP).
enum PasswordInput {
    /// The first line of standard input, raw bytes without the line end; nil when there is none.
    static func readFirstLine(prompt: String) -> [UInt8]? {
        if isatty(STDIN_FILENO) == 1, let line = readFromTerminal(prompt: prompt) { return line }
        return readLine(from: .standardInput)
    }

    static func readLine(from descriptor: FileDescriptor) -> [UInt8]? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = (try? withUnsafeMutableBytes(of: &byte) { try descriptor.read(into: $0) }) ?? 0
            if count == 0 { return line.isEmpty ? nil : line }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
    }

    /// Nil when /dev/tty cannot be opened or set up (then standard input is read plainly).
    static func readFromTerminal(prompt: String) -> [UInt8]? {
        guard let terminal = try? FileDescriptor.open("/dev/tty", .readWrite, options: .closeOnExec) else { return nil }
        defer { try? terminal.close() }
        var saved = termios()
        guard tcgetattr(terminal.rawValue, &saved) == 0 else { return nil }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ECHONL)  // the Enter still moves to the next line
        EchoRestore.arm(descriptor: terminal.rawValue, saved: saved)
        defer { EchoRestore.disarm() }
        // Echo off before the prompt shows: what is typed once it is up must neither echo nor be flushed away.
        guard tcsetattr(terminal.rawValue, TCSAFLUSH, &quiet) == 0 else { return nil }
        _ = try? terminal.writeAll(prompt.utf8)
        return readLine(from: terminal) ?? []
    }
}

/// Restores the terminal's echo if a signal ends the process mid-prompt, then lets the signal do what it would have.
enum EchoRestore {
    nonisolated(unsafe) static var descriptor: Int32 = -1
    nonisolated(unsafe) static var saved = termios()
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    static func arm(descriptor terminal: Int32, saved settings: termios) {
        descriptor = terminal
        saved = settings
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                tcsetattr(EchoRestore.descriptor, TCSAFLUSH, &EchoRestore.saved)
                Glibc.signal(number, SIG_DFL)
                raise(number)
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    static func disarm() {
        if descriptor >= 0 { tcsetattr(descriptor, TCSAFLUSH, &saved) }
        for signal in signals { Glibc.signal(signal, SIG_DFL) }
        descriptor = -1
    }
}
