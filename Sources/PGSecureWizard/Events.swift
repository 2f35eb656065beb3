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
    case testFinished(id: Int, Report)
    case copyFinished(CopyResult)
    case fileWritten(FileWriteResult)
    case serviceSaved(ServiceSaveResult)
    /// What `.readFiles` found.
    case filesRead([LocalFiles.File])
    /// What `.inspectRoot` found; ignored when the path in the field has changed since.
    case rootInspected(RootCertificateCandidate)
}

/// Work the wizard asks the runtime to do off the UI loop; each comes back as an event.
public enum Effect: Sendable, Equatable {
    case runTest(id: Int, ConnectionSettings)
    /// The user stopped waiting for this test (went back, tested again, quit): stop it rather than let it run on.
    case cancelTest(id: Int)
    /// Look at a root file the user named (stat, PEM parse): I/O, so not in `update`; comes back as `.rootInspected`.
    case inspectRoot(path: String)
    case copy(text: String, label: String)
    /// Writes `contents` to `path` with `permissions` (0o600 when it holds a password); with `overwrite` false an
    /// existing file is left alone and reported as `.exists`.
    case writeFile(path: String, contents: String, permissions: Int, overwrite: Bool)
    /// Writes a checked service entry and password line (`pgsecure save`); comes back as `.serviceSaved`.
    case saveService(ServicePlan)
    /// Reads files the start-up snapshot did not take (a pasted passfile) before a save plans with them; comes back
    /// as `.filesRead`.
    case readFiles(paths: [String])
    /// Restore the terminal, then print `output` (if any) on stdout and exit with `status`.
    case exit(output: String?, status: Int32)

    public var isExit: Bool { if case .exit = self { true } else { false } }
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

/// Each case carries the save's files as they now are (`written`, `found`), so the wizard's snapshot follows its own
/// writes and learns of a change made meanwhile: its next save then plans from what is really there.
public enum ServiceSaveResult: Sendable, Equatable {
    /// `password`: where the password went and the mode that file really has, when it was written; `notices`: what
    /// to say once saved.
    case saved(name: String, servicePath: String, password: WrittenFile?, notices: [String], written: [LocalFiles.File])
    case unchanged(name: String, path: String)
    case failed(message: String, found: [LocalFiles.File])
}

/// A file as written: where, and the mode it really has (the writer's own `fstat`).
public struct WrittenFile: Sendable, Hashable {
    public let path: String
    public let permissions: Int

    public init(path: String, permissions: Int) {
        self.path = path
        self.permissions = permissions
    }
}
