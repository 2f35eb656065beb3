import PGSecureModel

/// A key as the wizard understands it; the backend translates curses codes into these.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    /// Ctrl plus a letter, lower case: `.control("c")`.
    case control(Character)
    case function(Int)
}

/// Everything that can happen to the wizard: a key, a new terminal size, or an effect coming back.
public enum WizardEvent: Sendable {
    case key(Key)
    case resized(Size)
    /// `id` ties the result to the test that was started, so a stale result (the user went back) is ignored.
    case testFinished(id: Int, TestOutcome)
    case copyFinished(CopyResult)
    case fileWritten(FileWriteResult)
}

/// Work the wizard asks the runtime to do off the UI loop; each comes back as an event.
public enum Effect: Sendable, Equatable {
    case runTest(id: Int, ConnectionSettings)
    case copy(text: String, label: String)
    /// Writes `contents` to `path` with `permissions` (0o600 when it holds a password); with `overwrite` false an
    /// existing file is left alone and reported as `.exists`.
    case writeFile(path: String, contents: String, permissions: Int, overwrite: Bool)
    /// Restore the terminal, then print `output` (if any) on stdout and exit with `status`.
    case exit(output: String?, status: Int32)
}

/// What the wizard needs from a connection test: the tester's report, reduced to what is shown.
public struct TestOutcome: Sendable, Equatable {
    public enum Verdict: String, Sendable, Equatable {
        case verifiedFull = "verified-full"
        case verifiedCA = "verified-ca"
        case encryptedUnverified = "encrypted-unverified"
        case unencrypted
        case failed

        public var explanation: String {
            switch self {
            case .verifiedFull: "encrypted; certificate chain and host name verified"
            case .verifiedCA: "encrypted; chain verified, but any host name was accepted"
            case .encryptedUnverified: "encrypted, but nobody checked who answered"
            case .unencrypted: "connected WITHOUT encryption"
            case .failed: "could not connect"
            }
        }
    }

    public struct Fact: Sendable, Equatable {
        public var label: String
        public var value: String

        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public struct Diagnosis: Sendable, Equatable {
        public var code: String
        public var summary: String
        public var fix: String

        public init(code: String, summary: String, fix: String) {
            self.code = code
            self.summary = summary
            self.fix = fix
        }
    }

    public var verdict: Verdict
    /// Protocol, cipher, server version, user and database reached.
    public var facts: [Fact]
    /// Subject, issuer, SANs, validity, fingerprint.
    public var certificate: [Fact]
    public var diagnosis: Diagnosis?
    public var warnings: [String]

    public init(
        verdict: Verdict, facts: [Fact] = [], certificate: [Fact] = [], diagnosis: Diagnosis? = nil,
        warnings: [String] = []
    ) {
        self.verdict = verdict
        self.facts = facts
        self.certificate = certificate
        self.diagnosis = diagnosis
        self.warnings = warnings
    }

    public var isConnected: Bool { verdict != .failed }
}

public enum CopyResult: Sendable, Equatable {
    /// `methods` names what carried it: "OSC 52", "wl-copy", "xclip", "pbcopy".
    case copied(label: String, methods: [String])
    case failed(label: String, message: String)
}

public enum FileWriteResult: Sendable, Equatable {
    case written(path: String, permissions: Int)
    case exists(path: String)
    case failed(path: String, message: String)
}
