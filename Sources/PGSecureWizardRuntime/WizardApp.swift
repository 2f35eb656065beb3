import PGSecureModel
import PGSecureWizard

/// How the wizard ended: what to print on stdout once the terminal is restored, and the exit status.
public struct WizardExit: Sendable, Equatable {
    public var output: String?
    public var status: Int32
    /// The output holds the password (or sslpassword): whoever writes it protects where it goes.
    public var holdsSecret: Bool

    public init(output: String?, status: Int32, holdsSecret: Bool = false) {
        self.output = output
        self.status = status
        self.holdsSecret = holdsSecret
    }
}

/// The wizard's loop: input from the backend → `Wizard.update` → effects to the runner → `Wizard.render` → the
/// backend. It sleeps in the backend until a key, a resize, a signal or a finished effect (the inbox's wake pipe):
/// no polling. The same loop runs on ncurses and in memory.
public enum WizardApp {
    public static func run(
        _ initial: WizardState, on backend: some TerminalBackend, effects runner: some EffectRunning,
        timings: BenchTimings = .off
    ) -> (exit: WizardExit, state: WizardState) {
        let inbox = EventInbox()
        var state = initial
        state.glyphs = backend.glyphs
        var size = backend.size
        var painted: Screen?
        var keyArrival: UInt64?
        var testArrival: UInt64?

        func paint() {
            let frame = Wizard.render(state, size)
            if frame != painted {
                backend.draw(frame)
                painted = frame
            }
            if let arrival = keyArrival {
                timings.record("repaint_ms", since: arrival)
                keyArrival = nil
            }
            if let arrival = testArrival {
                timings.record("test_shown_ms", since: arrival)
                testArrival = nil
            }
        }

        /// Hands effects to the runner; returns the exit when one asks to end.
        func perform(_ effects: [Effect]) -> WizardExit? {
            for effect in effects {
                switch effect {
                case .exit(let output, let status):
                    return WizardExit(output: output, status: status, holdsSecret: output != nil && state.carriesSecret)
                case .copy(let text, _):
                    // OSC 52 goes to the terminal from this thread, between frames; helper programs run off it.
                    backend.writeControlSequence(Clipboard.osc52(text))
                    runner.perform(effect, replyingTo: inbox)
                default: runner.perform(effect, replyingTo: inbox)
                }
            }
            return nil
        }

        func apply(_ event: WizardEvent) -> WizardExit? {
            let (next, effects) = Wizard.update(state, event)
            state = next
            return perform(effects)
        }

        let (started, firstEffects) = Wizard.start(state)
        state = started
        if let exit = perform(firstEffects) ?? apply(.resized(size)) { return (exit, state) }
        paint()
        timings.firstFrame()
        while true {
            for posted in inbox.drain() {
                let test = state.test
                if let exit = apply(posted.event) { return (exit, state) }
                // A result the state took (not a stale one) is shown by the next paint.
                if case .testFinished = posted.event, state.test != test { testArrival = testArrival ?? posted.postedAt }
            }
            paint()
            guard let input = backend.nextInput(timeout: nil, wake: inbox.wake) else { continue }
            keyArrival = keyArrival ?? BenchTimings.now()
            var pending: [TerminalInput] = [input]
            // Take everything already typed or pasted before drawing again, and apply it as one change.
            while pending.count < 4096, !(pending.last?.isSignal ?? false), let more = backend.nextInput(timeout: 0, wake: inbox.wake) {
                pending.append(more)
            }
            var events: [WizardEvent] = []
            for item in pending {
                switch item {
                case .signal(let number):
                    if case .running(let id) = state.test { runner.perform(.cancelTest(id: id), replyingTo: inbox) }
                    return (WizardExit(output: nil, status: 128 + number), state)
                case .resize:
                    size = backend.size
                    events.append(.resized(size))
                case .key(let key):
                    events.append(.key(key))
                }
            }
            let (next, effects) = Wizard.update(state, events)
            state = next
            if let exit = perform(effects) { return (exit, state) }
        }
    }
}
