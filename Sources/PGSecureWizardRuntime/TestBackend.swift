#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PGSecureWizard

/// An in-memory terminal for running the real loop in tests (like ratatui's TestBackend): it records every frame
/// and control sequence and plays a script. A `waitFor` step holds the script until a drawn frame satisfies it,
/// sleeping on the loop's wake pipe meanwhile, so effects finish at their own pace and nothing waits on a clock.
/// Each frame is a whole `Screen` value, so a condition never sees half of a repaint.
public final class TestBackend: TerminalBackend {
    public enum Step {
        case key(Key)
        case text(String)
        case resize(Size)
        case signal(Int32)
        /// Holds the script until the last drawn frame satisfies the condition (or `timeout` seconds pass).
        case waitFor(String, timeout: Double = 10, (Screen) -> Bool)
    }

    public private(set) var size: Size
    public let glyphs: Glyphs
    public private(set) var frames: [Screen] = []
    public private(set) var controlSequences: [[UInt8]] = []
    /// Waits that timed out and a script that ran out before the wizard exited; empty when all went to plan.
    public private(set) var failures: [String] = []
    private var script: [Step]
    private var waitDeadline: UInt64?

    public init(size: Size = Size(width: 80, height: 24), glyphs: Glyphs = .unicode, script: [Step]) {
        self.size = size
        self.glyphs = glyphs
        self.script = script.flatMap { step -> [Step] in
            if case .text(let text) = step { return text.map { .key(.character($0)) } }
            return [step]
        }
    }

    public var lastFrame: Screen? { frames.last }

    public func draw(_ screen: Screen) { frames.append(screen) }

    public func writeControlSequence(_ bytes: [UInt8]) { controlSequences.append(bytes) }

    public func nextInput(timeout: Int32?, wake: WakePipe) -> TerminalInput? {
        while let step = script.first {
            switch step {
            case .key(let key):
                script.removeFirst()
                return .key(key)
            case .text:
                script.removeFirst()  // never here: `init` spells text out as keys
            case .resize(let newSize):
                script.removeFirst()
                size = newSize
                return .resize
            case .signal(let number):
                script.removeFirst()
                return .signal(number)
            case .waitFor(let description, let seconds, let condition):
                if let frame = frames.last, condition(frame) {
                    script.removeFirst()
                    waitDeadline = nil
                    continue
                }
                let now = BenchTimings.now()
                let deadline = waitDeadline ?? now + UInt64(seconds * 1e9)
                waitDeadline = deadline
                if now >= deadline {
                    failures.append("waited \(seconds) s for \(description); the last frame was:\n\(frames.last?.text ?? "(none)")")
                    script.removeAll()
                    return .signal(SIGALRM)
                }
                // Nothing to type until the loop draws what we wait for; only an effect finishing can change it.
                if timeout != 0 { wake.wait(milliseconds: Int32(min(1000, (deadline - now) / 1_000_000 + 1))) }
                return nil
            }
        }
        // Out of keys: only worth a failure when the loop is ready to wait (not while it takes in a batch).
        guard timeout != 0 else { return nil }
        failures.append("the script ended before the wizard exited")
        return .signal(SIGHUP)
    }
}
