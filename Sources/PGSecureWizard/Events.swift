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
