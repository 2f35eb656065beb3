import PGSecureModel

/// The wizard's pure functions: `update` turns an event into a new state and effects; `render` draws a state.
public enum Wizard {
    public static func update(_ state: WizardState, _ event: WizardEvent) -> (WizardState, [Effect]) {
        update(state, [event])
    }

    /// Events that arrived together (keys typed or pasted before the next frame) as one change: the follow-up
    /// effects are worked out once, so a pasted root path is inspected once, not once per character. Events after
    /// one that exits are not applied.
    public static func update(_ state: WizardState, _ events: [WizardEvent]) -> (WizardState, [Effect]) {
        var next = state
        var effects: [Effect] = []
        for event in events where !effects.contains(where: \.isExit) {
            effects += next.handle(event)
        }
        return next.addingFollowUps(to: effects, after: state)
    }

    /// The effects the first state asks for before any event (a root path from PGSSLROOTCERT or the command line
    /// is inspected).
    public static func start(_ state: WizardState) -> (WizardState, [Effect]) {
        state.addingFollowUps(to: [], after: state)
    }
}

extension WizardState {
    // MARK: Derived values

    /// The root certificate rows: bundles that exist (or that the environment names), `system` on libpq >= 16,
    /// and a custom path.
    public var rootChoices: [RootChoice] {
        let shown = context.rootCandidates.filter { $0.exists || $0.source.hasPrefix("SSL_CERT") }
        return shown.map(RootChoice.bundle) + (context.supportsSystemRoots ? [.system] : []) + [.custom]
    }

    /// Known bundle locations that are not on this machine (mentioned, not listed).
    public var missingBundleCount: Int {
        context.rootCandidates.filter { !($0.exists || $0.source.hasPrefix("SSL_CERT")) }.count
    }

    public var selectedRootChoice: RootChoice { rootChoices[min(rootSelection, rootChoices.count - 1)] }

    /// The `sslrootcert` value the selection stands for.
    public var selectedRootCertificate: String? {
        switch selectedRootChoice {
        case .bundle(let candidate): candidate.path
        case .system: systemRootCertificate
        case .custom: customRootPath.isEmpty ? nil : context.expandingHome(customRootPath.text)
        }
    }

    /// The settings as entered, through the same pipeline as the CLI (validation, policy warnings). The fields are
    /// the person's explicit choices, already prefilled from the environment, so it is not read again. Secrets (the
    /// password, a pasted sslpassword) are included only when asked: everything shown or written defaults to the
    /// secret-free form.
    public func resolution(includingPassword: Bool = true) -> Result<Resolution, InputError> {
        var fields: [LibpqOption] = []
        if !host.isEmpty { fields.append(LibpqOption("host", host.text)) }
        if !port.isEmpty { fields.append(LibpqOption("port", port.text)) }
        if !user.isEmpty { fields.append(LibpqOption("user", user.text)) }
        if !password.isEmpty { fields.append(LibpqOption("password", password.text)) }
        if !dbname.isEmpty { fields.append(LibpqOption("dbname", dbname.text)) }
        fields.append(LibpqOption("sslmode", sslMode.rawValue))
        if sslMode.verifiesCertificate, let root = selectedRootCertificate {
            fields.append(LibpqOption("sslrootcert", root))
        }
        if !clientCertificate.isEmpty { fields.append(LibpqOption("sslcert", context.expandingHome(clientCertificate.text))) }
        if !clientKey.isEmpty { fields.append(LibpqOption("sslkey", context.expandingHome(clientKey.text))) }
        let request = ConnectionRequest(
            fields: fields + otherOptions, sslmodeIsExplicit: true, keepsSecrets: includingPassword,
            readsEnvironment: false, requiresHost: false)
        return Result { () throws(InputError) in try ConnectionResolver.resolve(request, in: context.resolutionContext) }
    }

    public func settings(includingPassword: Bool = true) -> Result<ConnectionSettings, InputError> {
        resolution(includingPassword: includingPassword).map(\.settings)
    }

    /// Stands in for a secret in anything drawn on screen; letters only, so every quoting leaves it whole.
    static let passwordPlaceholder = "PGSECUREMASKEDPASSWORD"
    static let passwordMask = "••••••"

    /// Output text with every secret masked (or left out), for previews.
    func maskedText(_ kind: OutputKind, includingPassword: Bool) -> Result<String, InputError> {
        settings(includingPassword: includingPassword).flatMap { settings in
            var shown = settings
            if shown.password != nil { shown.password = Self.passwordPlaceholder }
            shown.otherOptions = shown.otherOptions.map { option in
                ConnectionSettings.secretKeywords.contains(option.keyword) ? LibpqOption(option.keyword, Self.passwordPlaceholder) : option
            }
            return kind.text(for: shown).map { $0.text.replacing(Self.passwordPlaceholder, with: Self.passwordMask) }
        }
    }

    /// The live preview under every step: the URI with the password masked.
    public var preview: Result<String, InputError> {
        maskedText(.uri, includingPassword: true).map { String($0.dropLast()) }
    }

    public var selectedOutput: OutputKind { OutputKind.allCases[outputSelection] }

    /// Whether the focused element takes typed characters (then `?`, `j`, `k` are text).
    public var isTyping: Bool {
        switch step {
        case .start, .host, .user, .database: true
        case .sslMode: false
        case .rootCertificate: rootFocus != .list || selectedRootChoice == .custom
        case .review: isAskingForPassword
        case .outputs:
            switch filePrompt {
            case .path, .serviceName: true
            default: false
            }
        }
    }

    /// The step whose answer a failed test points at.
    public static func stepFixing(_ code: DiagnosisCode) -> Step? {
        switch code {
        case .rootCertMissing, .certUntrusted, .crlMissing: .rootCertificate
        case .hostnameMismatch, .hostUnknown, .connectionRefused, .timeout, .notPostgres, .certExpired, .certNotYetValid:
            .host
        case .authFailed, .noPassword, .accessDenied: .user
        case .databaseMissing: .database
        case .serverNoSSL, .sslRequiredByServer: .sslMode
        case .unsupportedOption: .start
        case .clientKeyEncrypted, .clientKeyPermissions, .clientKeyInvalid, .clientCertRequired, .clientCertRejected,
            .clientCertRevoked: .rootCertificate
        case .clientCertUserMismatch: .user
        case .certRevoked: .host
        case .ok, .unknown, .badInput: nil
        }
    }

    public var fixStep: Step? {
        guard case .finished(let report) = test, !report.connected else { return nil }
        return Self.stepFixing(report.diagnosis.code)
    }

    // MARK: Setting up

    /// Fills every step from the pipeline's result: a pasted string, or (at start) libpq's PG* variables alone.
    mutating func load(_ resolution: Resolution) {
        let settings = resolution.settings
        // Host and port lists exactly as the model writes them (one port for all hosts, or one per host).
        let options = settings.options
        host = TextInput(options["host"] ?? "")
        port = TextInput(options["port"] ?? "")
        user = TextInput(settings.user ?? "")
        password = TextInput(settings.password ?? "")
        dbname = TextInput(settings.dbname ?? "")
        // The client certificate has fields of its own on the root certificate step.
        clientCertificate = TextInput(settings.otherOptions["sslcert"] ?? "")
        clientKey = TextInput(settings.otherOptions["sslkey"] ?? "")
        otherOptions = settings.otherOptions.filter { $0.keyword != "sslcert" && $0.keyword != "sslkey" }
        sslMode = settings.sslmode ?? .verifyFull
        // What changed the mode is worth saying on the SSL mode step; the default speaks for itself there.
        notices = resolution.notices.filter { $0.topic == .sslmode && $0 != .sslmodeDefaulted }
        prefilledFromEnvironment = LibpqEnvironment.variables.compactMap { keyword, variable in
            resolution.sources[keyword] == .environment(variable: variable) ? variable : nil
        }
        selectDefaultRoot(current: settings.sslrootcert)
    }

    /// What a request makes of this machine's environment, through the CLI's pipeline.
    func resolve(_ request: ConnectionRequest) -> Result<Resolution, InputError> {
        Result { () throws(InputError) in try ConnectionResolver.resolve(request, in: context.resolutionContext) }
    }

    /// Preselects the root row for `current` (a path or `system`), or the policy's default.
    mutating func selectDefaultRoot(current: String?) {
        let choices = rootChoices
        let wanted = current ?? RootCertificateChoice.preferred(libpqVersion: context.libpqVersion, candidates: context.rootCandidates)?.value
        if wanted == systemRootCertificate, let index = choices.firstIndex(of: .system) {
            rootSelection = index
        } else if let wanted, let index = choices.firstIndex(where: { if case .bundle(let c) = $0 { c.path == wanted } else { false } }) {
            rootSelection = index
        } else if let wanted {
            rootSelection = choices.count - 1
            customRootPath = TextInput(wanted)
            checkCustomRoot()
        } else {
            rootSelection = choices.firstIndex(where: { if case .bundle(let c) = $0 { c.isUsableAsRootFile } else { false } })
                ?? choices.count - 1
        }
    }

    /// Start step: what was pasted goes through the CLI's pipeline (libpq parses it; the environment fills the rest;
    /// the policy upgrades a weak mode and says so), and fills the fields.
    mutating func acceptConnectionString() {
        let text = connectionString.text.trimmingWhitespace
        guard !text.isEmpty else {
            startError = nil
            advance()
            return
        }
        switch resolve(ConnectionRequest(connectionString: text, keepsSecrets: true, requiresHost: false)) {
        case .failure(let error):
            startError = error.field == "connection string" ? error.problem : error.description
        case .success(let resolution):
            startError = nil
            load(resolution)
            advance()
        }
    }

    /// The custom path changed: what was known about the old one no longer holds. `update` then asks for the new
    /// path to be inspected (see `addingFollowUps`).
    mutating func checkCustomRoot() {
        customRootCheck = nil
        rootError = nil
        advancesWhenRootChecked = false
    }

    /// The custom root path as libpq will get it, while nothing is known about it yet.
    var customRootPathToInspect: String? {
        guard !customRootPath.isEmpty else { return nil }
        let path = context.expandingHome(customRootPath.text)
        return customRootCheck?.path == path ? nil : path
    }

    /// Effects that follow from how the state changed, whichever keys or events changed it: a test nobody waits for
    /// any more (the user went back, tested again, quit) is cancelled, and a root path nothing is known about is
    /// inspected. An exit stays last.
    func addingFollowUps(to effects: [Effect], after previous: WizardState) -> (WizardState, [Effect]) {
        var next = self
        let exit = effects.filter(\.isExit)
        var all = effects.filter { !$0.isExit }
        var stillWaitedFor: Int?
        if exit.isEmpty, case .running(let id) = test { stillWaitedFor = id }
        if case .running(let id) = previous.test, id != stillWaitedFor, !test.isFinished {
            all.insert(.cancelTest(id: id), at: 0)
        }
        for case .runTest(let id, _) in effects where id != stillWaitedFor { all.append(.cancelTest(id: id)) }
        if let path = next.customRootPathToInspect, path != next.requestedRootInspection {
            next.requestedRootInspection = path
            all.append(.inspectRoot(path: path))
        }
        return (next, all + exit)
    }

    // MARK: Moving

    mutating func advance() {
        completed.insert(step)
        if let next = step.next { go(to: next) }
    }

    mutating func go(to target: Step) {
        step = target
        isHelpVisible = false
        fieldError = nil
        rootError = nil
        filePrompt = nil
        status = nil
        isAskingForPassword = false
        focus = 0
        rootFocus = .list
        scroll = 0
        if target != .review, case .running = test { test = .notRun }
        if target == .rootCertificate { preselectProviderRoot() }
    }

    /// The managed provider the (first) host belongs to, if pgsecure knows it.
    public var provider: Provider? { host.text.split(separator: ",").first.flatMap { Provider.recognize(String($0)) } }

    /// A provider whose root is in no system bundle: its root file comes first (found here, or where to save it),
    /// once; a root the person chose stays.
    mutating func preselectProviderRoot() {
        guard customRootPath.isEmpty, selectedRootChoice != .custom, let provider, provider.needsOwnRootFile,
            let path = provider.rootFileFound(in: context.files) ?? provider.suggestedRootPath(in: context.files)
        else { return }
        rootSelection = rootChoices.count - 1
        customRootPath = TextInput(path)
        checkCustomRoot()
    }

    mutating func startTest() -> [Effect] {
        guard case .success(let settings) = settings(includingPassword: true) else { return [] }
        lastTestID += 1
        test = .running(id: lastTestID)
        isAskingForPassword = false
        return [.runTest(id: lastTestID, settings)]
    }

    // MARK: Events

    mutating func handle(_ event: WizardEvent) -> [Effect] {
        switch event {
        case .resized(let size):
            terminalSize = size
            return []
        case .rootInspected(let candidate):
            // A late answer about a path that has since been edited is stale.
            guard candidate.path == customRootPathToInspect else { return [] }
            customRootCheck = candidate
            guard advancesWhenRootChecked else { return [] }
            advancesWhenRootChecked = false
            return step == .rootCertificate && selectedRootChoice == .custom ? handleRoot(.enter) : []
        case .testFinished(let id, let report):
            guard case .running(let running) = test, running == id else { return [] }
            test = .finished(report)
            if !report.connected, password.isEmpty, [.noPassword, .authFailed].contains(report.diagnosis.code) {
                isAskingForPassword = true
            }
            return []
        case .copyFinished(let result):
            switch result {
            case .copied(let label, let methods):
                status = StatusMessage(text: "✓ Copied \(label) to the clipboard (\(methods.joined(separator: ", ")))", tone: .success)
            case .failed(let label, let message):
                status = StatusMessage(text: "✗ Could not copy \(label): \(message)", tone: .failure)
            }
            return []
        case .serviceSaved(let result):
            filePrompt = nil
            saveInFlight = nil
            switch result {
            case .saved(let name, let servicePath, let passwordFile, let notices, let written):
                // The next save plans from what was just written, not from the files as they were at start.
                context.files = context.files.updating(written)
                let password = passwordFile.map { ", the password in \($0.path) (mode \(String($0.permissions, radix: 8)))" }
                status = StatusMessage(
                    text: "✓ Saved service \(name) in \(servicePath)" + (password ?? "")
                        + ": psql service=\(name)" + notices.map { ". " + $0 }.joined(), tone: .success)
            case .unchanged(let name, let path):
                status = StatusMessage(text: "✓ Service \(name) in \(path) already holds these settings", tone: .success)
            case .failed(let message, let found):
                // Refused once, the change made meanwhile is known now: trying again keeps it (or shows it to confirm).
                context.files = context.files.updating(found)
                status = StatusMessage(text: "✗ Not saved: \(message)", tone: .failure)
            }
            return []
        case .filesRead(let files):
            context.files = context.files.updating(files)
            guard case .readingFiles(let name) = saveInFlight else { return [] }
            saveInFlight = nil
            guard case .serviceName = filePrompt else { return [] }
            return saveServiceEffect(name: name)
        case .fileWritten(let result):
            switch result {
            case .written(let path, let permissions):
                filePrompt = nil
                status = StatusMessage(text: "✓ Wrote \(path) (mode \(String(permissions, radix: 8)))", tone: .success)
            case .exists(let path):
                filePrompt = .confirmOverwrite(path: path)
            case .failed(let path, let message):
                filePrompt = nil
                status = StatusMessage(text: "✗ Could not write \(path): \(message)", tone: .failure)
            }
            return []
        case .key(let key):
            return handle(key)
        }
    }

    mutating func handle(_ key: Key) -> [Effect] {
        if key == .control("c") { return [.exit(output: nil, status: 130)] }
        if isHelpVisible {
            isHelpVisible = false
            return []
        }
        if key == .function(1) || (key == .character("?") && !isTyping) {
            isHelpVisible = true
            return []
        }
        if key == .escape {
            if filePrompt != nil {
                filePrompt = nil
                return []
            }
            if let previous = step.previous { go(to: previous) }
            return []
        }
        switch step {
        case .start: return handleStart(key)
        case .host: return handleFields(key, [\.host, \.port], names: ["host", "port"])
        case .user: return handleFields(key, [\.user, \.password], names: ["user", "password"])
        case .database: return handleFields(key, [\.dbname], names: ["dbname"])
        case .sslMode: return handleSSLMode(key)
        case .rootCertificate: return handleRoot(key)
        case .review: return handleReview(key)
        case .outputs: return handleOutputs(key)
        }
    }

    mutating func handleStart(_ key: Key) -> [Effect] {
        if key == .enter {
            acceptConnectionString()
        } else if connectionString.handle(key) {
            startError = nil
        }
        return []
    }

    /// Steps made of text fields: Tab and Up/Down move between them, Enter validates and moves on.
    mutating func handleFields(_ key: Key, _ fields: [WritableKeyPath<WizardState, TextInput>], names: [String]) -> [Effect] {
        switch key {
        case .tab, .down: focus = (focus + 1) % fields.count
        case .backTab, .up: focus = (focus + fields.count - 1) % fields.count
        case .control("r") where step == .user: isPasswordRevealed.toggle()
        case .enter:
            if step == .host {
                if host.text.trimmingWhitespace.isEmpty {
                    fieldError = FieldError(field: "host", message: "Host is empty: give the server's name or IP address.")
                    focus = 0
                    return []
                }
                if case .failure(let error) = settings() {
                    fieldError = FieldError(field: error.field, message: error.description)
                    focus = error.field == "port" ? 1 : 0
                    return []
                }
            }
            advance()
        default:
            if self[keyPath: fields[focus]].handle(key) { fieldError = nil }
        }
        return []
    }

    mutating func handleSSLMode(_ key: Key) -> [Effect] {
        let modes = SSLMode.allCases.reversed() as [SSLMode]
        let index = modes.firstIndex(of: sslMode)!
        switch key {
        case .up, .character("k"), .backTab: sslMode = modes[max(0, index - 1)]
        case .down, .character("j"), .tab: sslMode = modes[min(modes.count - 1, index + 1)]
        case .home: sslMode = modes[0]
        case .end: sslMode = modes[modes.count - 1]
        case .enter: advance()
        default: break
        }
        return []
    }

    mutating func handleRoot(_ key: Key) -> [Effect] {
        let count = rootChoices.count
        if rootFocus != .list, key != .enter { return handleClientCertificate(key) }
        switch key {
        case .up, .backTab: rootSelection = max(0, rootSelection - 1)
        case .down where (rootSelection == count - 1 || !sslMode.verifiesCertificate) && sslMode != .disable:
            rootFocus = .clientCertificate
        case .down: rootSelection = min(count - 1, rootSelection + 1)
        case .tab: rootSelection = (rootSelection + 1) % count
        case .character("k") where !isTyping: rootSelection = max(0, rootSelection - 1)
        case .character("j") where !isTyping: rootSelection = min(count - 1, rootSelection + 1)
        case .enter:
            guard sslMode.verifiesCertificate else {
                completed.insert(step)
                go(to: .review)
                return startTest()
            }
            switch selectedRootChoice {
            case .bundle(let candidate):
                if let problem = candidate.problem {
                    rootError = problem
                    return []
                }
            case .system: break
            case .custom:
                guard !customRootPath.isEmpty else {
                    rootError = "Type the path of a PEM file with your server's root CA."
                    return []
                }
                guard let check = customRootCheck else {
                    // The inspection is on its way (it takes a moment on a slow disk): go on when it comes back.
                    advancesWhenRootChecked = true
                    return []
                }
                if let problem = check.problem {
                    rootError = problem
                    return []
                }
            }
            completed.insert(step)
            go(to: .review)
            return startTest()
        default:
            // Typing a path anywhere in the list means "a custom file".
            if selectedRootChoice != .custom, case .character = key { rootSelection = count - 1 }
            if selectedRootChoice == .custom, customRootPath.handle(key) { checkCustomRoot() }
        }
        return []
    }

    /// The client certificate fields under the root list: Up/Down (and Tab) move between them and back to the list.
    mutating func handleClientCertificate(_ key: Key) -> [Effect] {
        switch (rootFocus, key) {
        case (.clientCertificate, .up), (.clientCertificate, .backTab): rootFocus = .list
        case (.clientCertificate, .down), (.clientCertificate, .tab): rootFocus = .clientKey
        case (.clientKey, .up), (.clientKey, .backTab): rootFocus = .clientCertificate
        case (.clientKey, .down), (.clientKey, .tab): break
        case (.clientCertificate, _): _ = clientCertificate.handle(key)
        case (.clientKey, _): _ = clientKey.handle(key)
        case (.list, _): break
        }
        return []
    }

    /// PgUp/PgDn page through a panel taller than the terminal; `render` says how far there is to go.
    mutating func handleScroll(_ key: Key) -> Bool {
        guard key == .pageDown || key == .pageUp else { return false }
        let paging = Wizard.paging(self)
        switch key {
        case .pageDown: scroll = min(paging.limit, scroll + paging.page)
        case .pageUp: scroll = max(0, min(paging.limit, scroll) - paging.page)
        default: return false
        }
        return true
    }

    mutating func handleReview(_ key: Key) -> [Effect] {
        if handleScroll(key) { return [] }
        if isAskingForPassword {
            switch key {
            case .enter:
                guard !password.isEmpty else { return [] }
                return startTest()
            case .control("r"): isPasswordRevealed.toggle()
            default: _ = password.handle(key)
            }
            return []
        }
        switch key {
        case .enter:
            if case .finished = test { advance() }
        case .character("r"):
            if case .running = test { return [] }
            return startTest()
        case .character("f"):
            if let target = fixStep { go(to: target) }
        default: break
        }
        return []
    }

    mutating func handleOutputs(_ key: Key) -> [Effect] {
        if handleScroll(key) { return [] }
        switch filePrompt {
        case .path(var input):
            if key == .enter {
                let path = context.expandingHome(input.text.trimmingWhitespace)
                guard !path.isEmpty else { return [] }
                return writeEffect(path: path, overwrite: false)
            }
            _ = input.handle(key)
            filePrompt = .path(input)
            return []
        case .serviceName(var input):
            if key == .enter { return saveServiceEffect(name: input.text.trimmingWhitespace) }
            if input.handle(key) { status = nil }
            filePrompt = .serviceName(input)
            return []
        case .confirmService(let plan):
            switch key {
            case .character("y"), .character("Y"):
                guard saveInFlight == nil else { return [] }
                saveInFlight = .writing
                status = StatusMessage(text: "Saving service \(plan.name)…", tone: .info)
                return [.saveService(plan)]
            case .character("n"), .character("N"), .enter:
                filePrompt = .serviceName(TextInput(plan.name))
            default: break
            }
            return []
        case .confirmOverwrite(let path):
            switch key {
            case .character("y"), .character("Y"):
                return writeEffect(path: path, overwrite: true)
            case .character("n"), .character("N"), .enter:
                filePrompt = .path(TextInput(path))
            default: break
            }
            return []
        case nil:
            break
        }
        let count = OutputKind.allCases.count
        let selectedBefore = outputSelection
        defer { if outputSelection != selectedBefore { scroll = 0 } }
        switch key {
        case .up, .character("k"), .backTab: outputSelection = max(0, outputSelection - 1)
        case .down, .character("j"), .tab: outputSelection = min(count - 1, outputSelection + 1)
        case .home: outputSelection = 0
        case .end: outputSelection = count - 1
        case .character("p"):
            includesPassword.toggle()
            status = StatusMessage(
                text: includesPassword
                    ? (hasSecret ? "Outputs now include the password (files are written 0600)." : "No password was entered; outputs rely on PGPASSWORD or ~/.pgpass.")
                    : "Outputs leave the password out (PGPASSWORD or ~/.pgpass supply it).",
                tone: .info)
        case .character("c"), .character("y"):
            guard case .success(let output) = outputText() else { return [] }
            status = StatusMessage(text: "Copying…", tone: .info)
            return [.copy(text: output.text, label: selectedOutput.title + (carriesSecret ? " (with password)" : ""))]
        case .character("w"), .character("s"):
            filePrompt = .path(TextInput(selectedOutput.suggestedFileName))
            status = nil
        case .character("v"):
            filePrompt = .serviceName(TextInput(""))
            status = nil
        case .enter:
            // `--emit KIND` promised KIND on stdout (`eval "$(pgsecure wizard --emit env)"`), whatever is highlighted.
            let kind = context.emit ?? selectedOutput
            guard case .success(let output) = settings(includingPassword: includesPassword).flatMap(kind.text(for:)) else {
                return []
            }
            return [.exit(output: output.text, status: 0)]
        default: break
        }
        return []
    }

    /// Whether the settings hold a secret (a password, a pasted sslpassword) that outputs could include.
    public var hasSecret: Bool {
        guard case .success(let settings) = settings(includingPassword: true) else { return !password.isEmpty }
        return settings.carriesSecret
    }

    /// Whether the outputs hold a secret now: the model's judgement of exactly what is written or copied.
    public var carriesSecret: Bool {
        guard case .success(let settings) = settings(includingPassword: includesPassword) else { return false }
        return settings.carriesSecret
    }

    /// The selected output's real text (with secrets only when asked).
    public func outputText() -> Result<RenderedOutput, InputError> {
        settings(includingPassword: includesPassword).flatMap { selectedOutput.text(for: $0) }
    }

    /// "Save as service…": the plan is made and checked here, from the wizard's snapshot of the files (no I/O); a
    /// file the snapshot does not hold (a pasted passfile) is read first. An entry holding other values is shown for
    /// confirmation first, and the writer refuses if a file changed since the snapshot.
    mutating func saveServiceEffect(name: String) -> [Effect] {
        guard saveInFlight == nil, case .success(let settings) = settings(includingPassword: true) else { return [] }
        let plan: ServicePlan
        do {
            let paths = try ServicePlan.paths(settings: settings, environment: context.environment, files: context.files)
            let unread = [paths.service, paths.password].compactMap { $0 }.filter { !context.files.knows($0) }
            if !unread.isEmpty {
                saveInFlight = .readingFiles(name: name)
                status = StatusMessage(text: "Reading \(unread.joined(separator: ", "))…", tone: .info)
                return [.readFiles(paths: unread)]
            }
            plan = try ServicePlan(name: name, settings: settings, environment: context.environment, files: context.files)
        } catch {
            status = StatusMessage(text: "✗ " + error.description, tone: .failure)
            return []
        }
        if plan.replacesOtherValues {
            filePrompt = .confirmService(plan)
            return []
        }
        saveInFlight = .writing
        status = StatusMessage(text: "Saving service \(name)…", tone: .info)
        return [.saveService(plan)]
    }

    /// Where "Save as service…" writes (the files libpq reads for these settings), for the line under its prompt.
    var serviceSaveDestination: String {
        guard case .success(let settings) = settings(includingPassword: true),
            let paths = try? ServicePlan.paths(settings: settings, environment: context.environment, files: context.files)
        else { return "writes [name] in the service file libpq reads" }
        return "writes [name] in \(paths.service)" + (paths.password.map { ", the password in \($0)" } ?? "")
    }

    mutating func writeEffect(path: String, overwrite: Bool) -> [Effect] {
        guard case .success(let settings) = settings(includingPassword: includesPassword),
            case .success(let output) = selectedOutput.text(for: settings)
        else { return [] }
        status = StatusMessage(text: "Writing \(path)…", tone: .info)
        return [.writeFile(path: path, contents: output.text, permissions: settings.carriesSecret ? 0o600 : 0o644, overwrite: overwrite)]
    }
}

extension WizardContext {
    /// The pipeline's view of this machine, from what the wizard was handed at start (no I/O here).
    var resolutionContext: ResolutionContext {
        let parse = parseConnectionString
        let candidates = rootCandidates
        let version = libpqVersion
        return ResolutionContext(
            environment: environment, libpqVersion: libpqVersion,
            parse: { text throws(InputError) in try parse(text).get() }, knownKeywords: knownKeywords, files: files,
            // The root certificate step checks a chosen file itself, before it lets the person on.
            rootFileProblem: nil,
            defaultRootCertificate: { RootCertificateChoice.preferred(libpqVersion: version, candidates: candidates) })
    }
}
