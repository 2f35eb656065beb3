#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import PGSecureModel
import PGSecureWizard

/// How the wizard ended: what to print on stdout once the terminal is restored, and the exit status.
public struct WizardExit: Sendable, Equatable {
    public var output: String?
    public var status: Int32
}

/// Runs the wizard on the terminal: keys in, `Wizard.update`, effects off the UI thread, `Wizard.render` out.
public enum WizardApp {
    public typealias Tester = @Sendable (ConnectionSettings) async -> Report

    public static func run(
        _ initial: WizardState, environment: [String: String], tester: @escaping Tester
    ) throws(TerminalError) -> WizardExit {
        let timings = BenchTimings(environment: environment)
        SignalFlag.install()
        defer { SignalFlag.uninstall() }
        let terminal = try Terminal(environment: environment)
        defer { terminal.restore() }
        let inbox = EventInbox()
        let runner = EffectRunner(environment: environment, tester: tester, inbox: inbox)

        var state = initial
        var size = terminal.size
        var painted: Screen?
        var keyArrival: UInt64?

        func paint() {
            let frame = Wizard.render(state, size)
            if frame != painted {
                terminal.draw(frame)
                painted = frame
            }
            if painted != nil, let arrival = keyArrival {
                timings.repaint(since: arrival)
                keyArrival = nil
            }
        }

        /// Applies one event; returns the exit when an effect asks to end.
        func apply(_ event: WizardEvent) -> WizardExit? {
            let (next, effects) = Wizard.update(state, event)
            state = next
            for effect in effects {
                switch effect {
                case .exit(let output, let status): return WizardExit(output: output, status: status)
                case .copy(let text, _):
                    // OSC 52 goes to the terminal from this thread, between frames; helper programs run off it.
                    terminal.writeControlSequence(Clipboard.osc52(text))
                    runner.perform(effect)
                default: runner.perform(effect)
                }
            }
            return nil
        }

        paint()
        timings.firstFrame()
        while true {
            if SignalFlag.received != 0 { return WizardExit(output: nil, status: 128 + SignalFlag.received) }
            for event in inbox.drain() {
                if let exit = apply(event) { return exit }
            }
            paint()
            // Poll briefly while effects are out, so their results show at once; otherwise wake for signals only.
            guard let input = terminal.readKey(timeout: runner.isBusy ? 30 : 250) else { continue }
            keyArrival = keyArrival ?? BenchTimings.now()
            var pending: [TerminalInput] = [input]
            // Take everything already typed or pasted before drawing again.
            while pending.count < 4096, let more = terminal.readKey(timeout: 0) { pending.append(more) }
            for item in pending {
                switch item {
                case .resize:
                    size = terminal.size
                    if let exit = apply(.resized(size)) { return exit }
                case .key(let key):
                    if let exit = apply(.key(key)) { return exit }
                }
            }
        }
    }
}

/// Events coming back from effect threads, taken by the UI loop.
final class EventInbox: @unchecked Sendable {
    private var events: [WizardEvent] = []
    private var lock = pthread_mutex_t()

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    func post(_ event: WizardEvent) {
        pthread_mutex_lock(&lock)
        events.append(event)
        pthread_mutex_unlock(&lock)
    }

    func drain() -> [WizardEvent] {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let taken = events
        events.removeAll()
        return taken
    }
}

/// Runs effects off the UI thread and posts their results to the inbox.
final class EffectRunner: @unchecked Sendable {
    private let environment: [String: String]
    private let tester: WizardApp.Tester
    private let inbox: EventInbox
    private var running = 0
    private var lock = pthread_mutex_t()

    init(environment: [String: String], tester: @escaping WizardApp.Tester, inbox: EventInbox) {
        self.environment = environment
        self.tester = tester
        self.inbox = inbox
        pthread_mutex_init(&lock, nil)
    }

    var isBusy: Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return running > 0
    }

    private func adjust(_ delta: Int) {
        pthread_mutex_lock(&lock)
        running += delta
        pthread_mutex_unlock(&lock)
    }

    func perform(_ effect: Effect) {
        switch effect {
        case .exit: return
        case .runTest(let id, let settings):
            adjust(1)
            let tester = tester
            Task.detached { [self] in
                let report = await tester(settings)
                inbox.post(.testFinished(id: id, report))
                adjust(-1)
            }
        case .copy(let text, let label):
            adjust(1)
            let environment = environment
            DispatchQueue.global().async { [self] in
                let methods = ["OSC 52"] + Clipboard.copyWithHelpers(text, environment: environment)
                inbox.post(.copyFinished(.copied(label: label, methods: methods)))
                adjust(-1)
            }
        case .writeFile(let path, let contents, let permissions, let overwrite):
            adjust(1)
            DispatchQueue.global().async { [self] in
                inbox.post(.fileWritten(FileWriter.write(contents, to: path, permissions: permissions, overwrite: overwrite)))
                adjust(-1)
            }
        }
    }
}
