#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PGSecureWizard

/// What the loop gets from the terminal besides keys.
public enum TerminalInput: Equatable, Sendable {
    case key(Key)
    case resize
    /// SIGTERM, SIGHUP, SIGINT or SIGQUIT arrived: end now (status 128 + signal), through the normal exit path.
    case signal(Int32)

    var isSignal: Bool { if case .signal = self { true } else { false } }
}

/// Where the wizard is drawn and its keys come from: ncurses on a real terminal, `TestBackend` in memory.
/// Used from the loop's thread only.
public protocol TerminalBackend: AnyObject {
    var size: Size { get }
    /// How this terminal shows non-ASCII; asked once, before the first frame.
    var glyphs: Glyphs { get }
    /// Shows a whole screen value.
    func draw(_ screen: Screen)
    /// Bytes for the terminal itself (OSC 52), written between frames.
    func writeControlSequence(_ bytes: [UInt8])
    /// The next input within `timeout` milliseconds (nil: no limit), or nil as soon as `wake` is signalled (an
    /// effect finished) or the time is up.
    func nextInput(timeout: Int32?, wake: WakePipe) -> TerminalInput?
}

/// A self-pipe: any thread (or a signal handler: `write` is async-signal-safe) makes it readable, and a `poll`
/// on `readDescriptor` beside the terminal's own descriptor wakes at once. No polling interval anywhere.
public final class WakePipe: Sendable {
    public let readDescriptor: Int32
    public let writeDescriptor: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        precondition(pipe(&ends) == 0, "pipe: \(errno)")
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = ends[0]
        writeDescriptor = ends[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    /// Makes the pipe readable (a full pipe is readable already, so a failed write loses nothing).
    public func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe, so the next wait sleeps until the next `signal`.
    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while buffer.withUnsafeMutableBytes({ read(readDescriptor, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Sleeps until signalled or `milliseconds` pass (-1: no limit); true when signalled.
    @discardableResult
    public func wait(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: readDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }
}
