import PGSecureModel
import Testing
import TestSupport
@testable import PGSecureWizard

@Suite("Wizard walk: every step through update and render")
struct WalkTests {
    @Test("The start screen asks for a connection string and shows the keys")
    func startScreen() {
        let screen = Wizard.render(WizardState(context: makeContext()), standard)
        #expect(screen.line(0).contains("pgsecure"))
        #expect(screen.line(0).contains("step 1 of 8"))
        #expect(screen.text.contains("Paste a connection string"))
        #expect(screen.text.contains("▸ Start"))
        #expect(screen.line(23).contains("Enter next"))
        #expect(screen.line(23).contains("Ctrl-C quit"))
        #expect(screen.cursor != nil)
    }

    @Test("PG* environment variables prefill the fields through the CLI's pipeline; PGPASSWORD is masked, never shown")
    func environmentPrefill() {
        let environment = ["PGHOST": "env.example.com", "PGPORT": "6543", "PGUSER": "eve", "PGDATABASE": "envdb", "PGPASSWORD": secret]
        var state = WizardState(context: makeContext(environment: environment))
        let start = Wizard.render(state, standard)
        #expect(start.joinedText.contains("Prefilled from your environment: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD."))
        #expect(start.joinedText.contains("The password comes from PGPASSWORD"))
        #expect(!start.text.contains(secret))
        drive(&state, [.key(.enter)])
        #expect(state.step == .host)
        #expect(state.host.text == "env.example.com")
        #expect(state.port.text == "6543")
        #expect(state.password.text == secret)
        let host = Wizard.render(state, standard)
        #expect(host.text.contains("postgresql://eve:••••••@env.example.com:6543/envdb?sslmode=verify-full"))
        #expect(!host.text.contains(secret))
        // Outputs leave it out until asked, exactly like `pgsecure url` without --include-password.
        #expect(state.outputText().map(\.text) == .success("postgresql://eve@env.example.com:6543/envdb?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fcerts%2Fca-certificates.crt\n"))
    }

    @Test("A parse error stays on the start step with libpq's message")
    func parseError() {
        var state = WizardState(context: makeContext())
        drive(&state, [.text("host=x bogus"), .key(.enter)])
        #expect(state.step == .start)
        let screen = Wizard.render(state, standard)
        #expect(screen.joinedText.contains("libpq: missing \"=\" after \"bogus\""))
        drive(&state, [.key(.backspace)])
        #expect(state.startError == nil)
    }

    @Test("A pasted string fills every field, is upgraded to verify-full, and says so")
    func pastedStringUpgraded() {
        var state = WizardState(context: makeContext())
        drive(&state, [.text("host=db.example.com port=6432 user=alex dbname=app sslmode=require application_name=web"), .key(.enter)])
        #expect(state.step == .host)
        #expect(state.host.text == "db.example.com")
        #expect(state.port.text == "6432")
        #expect(state.user.text == "alex")
        #expect(state.dbname.text == "app")
        #expect(state.sslMode == .verifyFull)
        #expect(state.otherOptions == [LibpqOption("application_name", "web")])
        drive(&state, [.key(.enter), .key(.enter), .key(.enter)])
        #expect(state.step == .sslMode)
        let screen = Wizard.render(state, standard)
        #expect(screen.joinedText.contains("require changed to verify-full"))
        #expect(screen.joinedText.contains("application_name=web"))
    }

    @Test("Host and port lists from a pasted string read as the model writes them", arguments: [
        ("host=a,b port=5432,5433", "a,b", "5432,5433"), ("host=a,b port=5432", "a,b", "5432"), ("host=a,b port=6432,6432", "a,b", "6432"),
        ("host=a", "a", ""),
    ])
    func pastedHostLists(text: String, hosts: String, ports: String) {
        let state = WizardState(context: makeContext(), connectionString: text)
        #expect(state.step == .host)
        #expect(state.host.text == hosts)
        #expect(state.port.text == ports)
    }

    @Test("The connection string given on the command line starts prefilled at the host step")
    func commandLineConnectionString() {
        let state = WizardState(context: makeContext(), connectionString: "postgresql://alex:\(secret)@db.example.com:5432/app")
        #expect(state.step == .host)
        #expect(state.password.text == secret)
        for size in [standard, small] {
            #expect(!Wizard.render(state, size).joinedText.contains(secret))
        }
    }

    @Test("A password inside a pasted connection string is masked while it is in the field")
    func pastedPasswordMasked() {
        for text in ["postgresql://alex:\(secret)@db.example.com/app", "host=db.example.com password='\(secret)' user=alex", "password=\(secret) host=h"] {
            var state = WizardState(context: makeContext())
            drive(&state, [.text(text)]) { screen in
                #expect(!screen.joinedText.contains(secret), "\(text)")
            }
            #expect(Wizard.render(state, standard).text.contains("••••"))
        }
    }

    @Test("Secrets in a URI query string and sslpassword are masked too, and nothing else is", arguments: [
        ("postgresql://alex@db.example.com/app?password=\(secret)", secret),
        ("postgresql://alex@db.example.com/app?sslmode=require&password=\(secret)&application_name=web", secret),
        ("postgres://db.example.com?sslpassword=\(secret)", secret),
        ("postgresql://alex@h/app?pass%77ord=\(secret)", secret),
        ("postgresql://alex@h:5432?password=\(secret)&sslmode=verify-full", secret),
        ("postgresql://alex:\(secret)?x@h/app?sslmode=require", secret + "?x"),
        ("host=h sslpassword=\(secret) user=alex", secret),
        ("host=h sslpassword='\(secret)' password=\(secret) user=alex", secret),
    ])
    func querySecretsMasked(text: String, hidden: String) {
        let masked = text.replacing(hidden, with: String(repeating: "•", count: hidden.count))
        #expect(TextInput(text).visible(width: 200, masking: TextInput(text).passwordIndices).text.string == masked)
        var state = WizardState(context: makeContext())
        drive(&state, [.text(text)]) { screen in
            #expect(!screen.joinedText.contains(secret), "\(text)")
        }
    }

    @Test("Host: empty is refused; Enter stays on the step with the reason")
    func emptyHost() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .key(.enter)])
        #expect(state.step == .host)
        #expect(Wizard.render(state, standard).text.contains("Host is empty"))
        drive(&state, [.text("h")])
        #expect(state.fieldError == nil)
    }

    @Test("Port: outside 1–65535 or not a number is refused, with the focus on the port", arguments: ["99999", "0", "54x", "-1"])
    func badPort(port: String) {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("db.example.com"), .key(.tab), .text(port), .key(.tab), .key(.enter)])
        #expect(state.step == .host)
        #expect(state.focus == 1)
        let screen = Wizard.render(state, standard)
        let isDigits = port.allSatisfy(\.isNumber)
        #expect(screen.joinedText.contains(isDigits ? "\"\(port)\" is not a port number" : "is not a number"))
        #expect(screen.joinedText.contains("1 to 65535"))
    }

    @Test("An IP address host warns that verify-full then needs the IP in the certificate", arguments: ["10.0.0.5", "2001:db8::1"])
    func ipHost(host: String) {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text(host)])
        #expect(Wizard.render(state, standard).joinedText.contains("This is an IP address"))
        var named = WizardState(context: makeContext())
        drive(&named, [.key(.enter), .text("db.example.com")])
        #expect(!Wizard.render(named, standard).joinedText.contains("This is an IP address"))
    }

    @Test("The password is masked on every screen of the walk, at every size, unless revealed")
    func passwordNeverShown() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("db.example.com"), .key(.enter), .text("alex"), .key(.tab), .text(secret)]) { screen in
            #expect(!screen.joinedText.contains(secret))
        }
        #expect(Wizard.render(state, standard).text.contains("•••••••••"))
        #expect(Wizard.render(state, standard).text.contains("postgresql://alex:••••••@db.example.com"))
        drive(&state, [.key(.control("r"))])
        #expect(Wizard.render(state, standard).text.contains(secret))
        drive(&state, [.key(.control("r"))])
        // The rest of the walk, the test, and every output preview.
        drive(&state, [.key(.enter), .text("app"), .key(.enter), .key(.enter), .text(labRoot), .key(.enter)]) { screen in
            #expect(!screen.joinedText.contains(secret))
        }
        var finished = Wizard.update(state, .testFinished(id: state.lastTestID, verifiedReport())).0
        for key in [Key.enter, .character("p")] + Array(repeating: Key.down, count: 8) {
            finished = Wizard.update(finished, .key(key)).0
            for size in [standard, small] {
                #expect(!Wizard.render(finished, size).joinedText.contains(secret))
            }
        }
    }

    @Test("Database: any name, or empty")
    func database() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("h"), .key(.enter), .key(.enter), .text("数据库")])
        #expect(state.step == .database)
        #expect(Wizard.render(state, standard).text.contains("数据库"))
        drive(&state, [.key(.enter)])
        #expect(state.step == .sslMode)
    }

    @Test("SSL mode: all six with their rating and meaning from the model; verify-full preselected; j/k and arrows move")
    func sslModes() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("h"), .key(.enter), .key(.enter), .key(.enter)])
        #expect(state.step == .sslMode)
        #expect(state.sslMode == .verifyFull)
        let screen = Wizard.render(state, standard)
        for mode in SSLMode.allCases {
            let row = (0..<24).map(screen.line).first { $0.contains(" " + mode.rawValue + " ") }
            #expect(row?.contains(mode.knowledge.rating.label) == true, "\(mode)")
        }
        #expect(screen.joinedText.contains(String(SSLMode.verifyFull.knowledge.detail.prefix(30))))
        drive(&state, [.key(.character("j"))])
        #expect(state.sslMode == .verifyCA)
        drive(&state, [.key(.down), .key(.down)])
        #expect(state.sslMode == .prefer)
        #expect(Wizard.render(state, standard).joinedText.contains("INSECURE"))
        drive(&state, [.key(.character("k")), .key(.up), .key(.up), .key(.up)])
        #expect(state.sslMode == .verifyFull)
    }

    @Test("Root certificate: bundles with counts and ISRG Root X1, `system` only from libpq 16", arguments: [(Int32(150_018), false), (Int32(160_004), true), (Int32(170_000), true)])
    func rootChoices(version: Int32, offersSystem: Bool) {
        var state = WizardState(context: makeContext(libpqVersion: version))
        drive(&state, [.key(.enter), .text("h"), .key(.enter), .key(.enter), .key(.enter), .key(.enter)])
        #expect(state.step == .rootCertificate)
        let screen = Wizard.render(state, standard)
        #expect(screen.text.contains("/etc/ssl/certs/ca-certificates.crt"))
        #expect(screen.text.contains("146 certificates"))
        #expect(screen.text.contains("ISRG Root X1 ✓"))
        #expect(screen.text.contains("is a directory"))
        #expect(screen.joinedText.contains("1 known bundle locations are not on this machine"))
        #expect(screen.joinedText.contains("PGSSLROOTCERT"))
        #expect(state.rootChoices.contains(.system) == offersSystem)
        let expectedRoot = offersSystem ? systemRootCertificate : debianBundle.path
        #expect(state.selectedRootCertificate == expectedRoot)
        #expect(screen.text.contains("▸ " + (offersSystem ? "system" : debianBundle.path)))
        let expectedURI = "postgresql://h/?sslmode=verify-full&sslrootcert=" + (offersSystem ? "system" : "%2Fetc%2Fssl%2Fcerts%2Fca-certificates.crt")
        #expect((try? state.preview.get()) == expectedURI)
    }

    @Test("PGSSLROOTCERT preselects its file over the default root; the preview and the test use it", arguments: [
        (labRoot, Int32(150_018), "%2Flab%2Froot.crt"), (labRoot, Int32(160_004), "%2Flab%2Froot.crt"),
        (debianBundle.path, Int32(160_004), "%2Fetc%2Fssl%2Fcerts%2Fca-certificates.crt"),
    ])
    func environmentRoot(root: String, version: Int32, encodedRoot: String) {
        var state = started(WizardState(context: makeContext(environment: ["PGSSLROOTCERT": root], libpqVersion: version)))
        #expect(state.prefilledFromEnvironment == ["PGSSLROOTCERT"])
        #expect(state.selectedRootCertificate == root)
        drive(&state, [.key(.enter), .text("h"), .key(.enter), .key(.enter), .key(.enter), .key(.enter)])
        #expect(state.step == .rootCertificate)
        #expect(state.selectedRootCertificate == root)
        let expected = ConnectionSettings(endpoints: [Endpoint(host: "h")], sslmode: .verifyFull, sslrootcert: root)
        #expect((try? state.preview.get()) == "postgresql://h/?sslmode=verify-full&sslrootcert=" + encodedRoot)
        let effects = drive(&state, [.key(.enter)])
        #expect(state.step == .review)
        #expect(effects == [.runTest(id: 1, expected)])
    }

    @Test("Root certificate: a custom path is checked on the spot", arguments: [
        ("/nowhere/root.crt", "does not exist"), ("/etc/ssl/certs", "is a directory"), ("/lab/empty.pem", "holds no PEM certificate"),
    ])
    func badCustomRoot(path: String, problem: String) {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("h"), .key(.enter), .key(.enter), .key(.enter), .key(.enter), .text(path)])
        #expect(state.selectedRootChoice == .custom)
        #expect(Wizard.render(state, standard).text.contains(problem))
        let before = state
        let effects = drive(&state, [.key(.enter)])
        #expect(effects.isEmpty)
        var refused = before
        refused.rootError = before.customRootCheck?.problem
        #expect(state == refused)
        #expect(state.rootError?.contains(problem) == true)
    }

    @Test("Root certificate: a directory bundle cannot be chosen")
    func directoryBundleRefused() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("h"), .key(.enter), .key(.enter), .key(.enter), .key(.enter), .key(.down), .key(.enter)])
        #expect(state.step == .rootCertificate)
        #expect(state.rootError?.contains("directory") == true)
    }

    @Test("A valid walk reaches the review and starts the real test with exactly the entered settings")
    func walkStartsTest() {
        let (state, effects) = walkToReview()
        #expect(state.step == .review)
        #expect(state.completed == [.start, .host, .user, .database, .sslMode, .rootCertificate])
        let expected = ConnectionSettings(
            endpoints: [Endpoint(host: "db.example.com", port: 5432)], user: "alex", password: secret, dbname: "app",
            sslmode: .verifyFull, sslrootcert: labRoot)
        #expect(effects == [.runTest(id: 1, expected)])
        let screen = Wizard.render(state, standard)
        #expect(screen.text.contains("testing the connection"))
        #expect(screen.text.contains("db.example.com:5432"))
        #expect(screen.text.contains("verify-full (SECURE)"))
    }

    @Test("Review: a verified result shows the verdict, TLS facts and certificate; Enter goes to the outputs")
    func verifiedResult() {
        var (state, _) = walkToReview()
        state = Wizard.update(state, .testFinished(id: 1, verifiedReport())).0
        let screen = Wizard.render(state, standard)
        #expect(screen.text.contains("✓ verified-full"))
        #expect(screen.text.contains("TLSv1.3"))
        #expect(screen.text.contains("PostgreSQL 15.18"))
        #expect(screen.text.contains("CN=db.example.com"))
        #expect(screen.text.contains("90 days left"))
        drive(&state, [.key(.enter)])
        #expect(state.step == .outputs)
        #expect(Wizard.render(state, standard).text.contains("tested: ✓ verified-full"))
    }

    @Test("Review: a failure shows the diagnosis and fix, and f jumps to the step that fixes it", arguments: [
        ("connection to server at \"db.example.com\" (10.0.0.1), port 5432 failed: root certificate file \"/x\" does not exist\n", DiagnosisCode.rootCertMissing, Step.rootCertificate),
        ("connection to server at \"db.example.com\" (10.0.0.1), port 5432 failed: Connection refused\n", .connectionRefused, .host),
        ("connection to server at \"db.example.com\" (10.0.0.1), port 5432 failed: FATAL:  database \"app\" does not exist\n", .databaseMissing, .database),
        ("connection to server at \"db.example.com\" (10.0.0.1), port 5432 failed: server does not support SSL, but SSL was required\n", .serverNoSSL, .sslMode),
    ])
    func failureJumps(message: String, code: DiagnosisCode, target: Step) {
        var (state, _) = walkToReview()
        state = Wizard.update(state, .testFinished(id: 1, failedReport(message))).0
        let report = failedReport(message)
        #expect(report.diagnosis.code == code)
        let screen = Wizard.render(state, standard)
        #expect(screen.text.contains("✗ failed"))
        #expect(screen.joinedText.contains(code.rawValue + ":"))
        #expect(screen.joinedText.contains("Fix:"))
        #expect(screen.line(23).contains("f fix"))
        drive(&state, [.key(.character("f"))])
        #expect(state.step == target)
    }

    @Test("Review: when the server wants a password and none was given, it is asked for here and the test runs again")
    func passwordAskedAtReview() {
        var (state, _) = walkToReview(password: "")
        state = Wizard.update(state, .testFinished(id: 1, failedReport("connection to server at \"db.example.com\" (10.0.0.1), port 5432 failed: fe_sendauth: no password supplied\n"))).0
        #expect(state.isAskingForPassword)
        #expect(Wizard.render(state, standard).text.contains("the server asks for one"))
        let effects = drive(&state, [.text(secret), .key(.enter)]) { screen in
            #expect(!screen.joinedText.contains(secret))
        }
        guard case .runTest(let id, let settings)? = effects.first else {
            Issue.record("no retest: \(effects)")
            return
        }
        #expect(id == 2)
        #expect(settings.password == secret)
    }

    @Test("A result for a test that was abandoned (the user went back) is ignored")
    func staleResultIgnored() {
        var (state, _) = walkToReview()
        drive(&state, [.key(.escape)])
        #expect(state.step == .rootCertificate)
        let left = state
        let (late, lateEffects) = Wizard.update(state, .testFinished(id: 1, verifiedReport()))
        #expect(late == left)
        #expect(lateEffects == [])
        state = late
        #expect(state.test == .notRun)
        let effects = drive(&state, [.key(.enter)])
        #expect(effects.count == 1)
        state = Wizard.update(state, .testFinished(id: 1, verifiedReport())).0
        #expect(state.test == .running(id: 2))
    }

    @Test("Esc goes back one step from every step, keeping what was entered")
    func escapeGoesBack() {
        var (state, _) = walkToReview()
        state = Wizard.update(state, .testFinished(id: 1, verifiedReport())).0
        drive(&state, [.key(.enter)])
        var visited: [Step] = [state.step]
        while state.step != .start {
            drive(&state, [.key(.escape)])
            visited.append(state.step)
        }
        #expect(visited == Step.allCases.reversed())
        #expect(state.host.text == "db.example.com")
        #expect(state.dbname.text == "app")
        drive(&state, [.key(.escape)])
        #expect(state.step == .start)
    }

    @Test("Ctrl-C quits from every step with status 130 and no output", arguments: Step.allCases)
    func controlCQuits(step: Step) {
        var state = WizardState(context: makeContext())
        state.step = step
        #expect(Wizard.update(state, .key(.control("c"))).1 == [.exit(output: nil, status: 130)])
    }

    @Test("? shows help outside text fields, F1 everywhere; in a text field ? is typed")
    func help() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.character("?"))])
        #expect(!state.isHelpVisible)
        #expect(state.connectionString.text == "?")
        drive(&state, [.key(.function(1))])
        #expect(state.isHelpVisible)
        #expect(Wizard.render(state, standard).text.contains("go back one step"))
        drive(&state, [.key(.enter)])
        #expect(!state.isHelpVisible)
        #expect(state.step == .start)
        state.step = .sslMode
        drive(&state, [.key(.character("?"))])
        #expect(state.isHelpVisible)
        #expect(Wizard.render(state, small).text.contains("Keys"))
    }

    @Test("A resize changes nothing in the state; every step renders at 80×24 and 60×16")
    func everyStepAtBothSizes() {
        var (state, _) = walkToReview()
        state = Wizard.update(state, .testFinished(id: 1, verifiedReport())).0
        let (resized, effects) = Wizard.update(state, .resized(small))
        #expect(effects.isEmpty)
        var expected = state
        expected.terminalSize = small
        #expect(resized == expected)
        for step in Step.allCases {
            state.step = step
            for size in [standard, small] {
                let screen = Wizard.render(state, size)
                #expect(screen.rows.count == size.height)
                #expect(screen.rows.allSatisfy { $0.count == size.width })
                #expect(screen.joinedText.contains(step.title), "\(step) at \(size)")
                #expect(screen.line(size.height - 1).contains("Ctrl-C") || screen.line(size.height - 1).contains("help"))
            }
            #expect(Wizard.render(state, standard).text.contains("▸ " + step.title))
        }
    }

    @Test("Below the minimum size the wizard asks for a bigger terminal", arguments: [Size(width: 40, height: 10), Size(width: 59, height: 30), Size(width: 100, height: 15)])
    func tooSmall(size: Size) {
        let screen = Wizard.render(WizardState(context: makeContext()), size)
        #expect(screen.joinedText.contains("make the terminal at least 60×16"))
    }
}

@Suite("Wizard: the optional client certificate on the root certificate step")
struct ClientCertificateStepTests {
    /// At the root step with the Debian bundle selected (the first row of three).
    static func atRootStep() -> WizardState {
        var state = WizardState(context: makeContext(environment: ["HOME": "/home/test"]))
        drive(&state, [.text("host=db.example.com user=alex"), .key(.enter)])
        while state.step != .rootCertificate { drive(&state, [.key(.enter)]) }
        return state
    }

    @Test("Down past the list reaches the certificate and key fields; they go into every output")
    func fieldsReachedAndUsed() {
        var state = Self.atRootStep()
        #expect(Wizard.render(state, standard).joinedText.contains("Client certificate: none (↓ past the list adds one)"))
        drive(&state, [.key(.down), .key(.down), .key(.down)])
        #expect(state.rootFocus == .clientCertificate)
        #expect(state.isTyping)
        drive(&state, [.text("/certs/alex.crt"), .key(.down), .text("~/keys/alex.key")])
        #expect(state.rootFocus == .clientKey)
        #expect(state.clientCertificate.text == "/certs/alex.crt")
        let screen = Wizard.render(state, standard).joinedText
        #expect(screen.contains("sslcert, a PEM file"))
        #expect(screen.contains("~/keys/alex.key"))
        #expect(state.outputText().map(\.text) == .success(
            "postgresql://alex@db.example.com/?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fcerts%2Fca-certificates.crt&sslcert=%2Fcerts%2Falex.crt&sslkey=%2Fhome%2Ftest%2Fkeys%2Falex.key\n"))
        // Up twice goes back to the list; `j` there is a list key again, not text.
        drive(&state, [.key(.up), .key(.up)])
        #expect(state.rootFocus == .list)
        #expect(!state.isTyping || state.selectedRootChoice == .custom)
    }

    @Test("A pasted sslcert/sslkey fills the fields (not kept twice), and a client-certificate failure points here")
    func pastedAndFixStep() {
        var state = WizardState(context: makeContext())
        drive(&state, [.text("host=h sslcert=/c.crt sslkey=/k.key"), .key(.enter)])
        #expect(state.clientCertificate.text == "/c.crt")
        #expect(state.clientKey.text == "/k.key")
        #expect(!state.otherOptions.contains { $0.keyword == "sslcert" || $0.keyword == "sslkey" })
        #expect(WizardState.stepFixing(.clientCertRequired) == .rootCertificate)
        #expect(WizardState.stepFixing(.clientKeyPermissions) == .rootCertificate)
    }
}

/// The root step for a managed provider's host: its CA first, with where to get it, and texts true per provider.
@Suite("Wizard: managed providers on the root step")
struct ProviderRootStepTests {
    @Test func supabaseLeadsWithItsRootAndPreselectsWhereToSaveIt() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("db.abcdefghijklmnopqrst.supabase.co"), .key(.enter), .key(.enter), .key(.enter), .key(.enter)])
        #expect(state.step == .rootCertificate)
        let screen = Wizard.render(state, Size(width: 100, height: 40)).joinedText
        #expect(screen.contains("Supabase: certificates signed by Supabase Root 2021 CA (not in any system bundle)"))
        #expect(screen.contains("Database Settings → SSL Configuration"))
        #expect(state.selectedRootChoice == .custom)
        #expect(state.selectedRootCertificate?.hasSuffix("supabase-prod-ca-2021.crt") == true)
        #expect(!screen.contains("Neon, Supabase"))
    }

    @Test func herokuSaysVerifyFullCannotWork() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("ec2-54-83-1-2.compute-1.amazonaws.com"), .key(.enter), .key(.enter), .key(.enter), .key(.enter)])
        let screen = Wizard.render(state, Size(width: 100, height: 40)).joinedText
        #expect(screen.contains("verify-full cannot work"))
        #expect(screen.contains("Choose require on the SSL mode step"))
    }

    @Test func neonKeepsTheSystemBundle() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("ep-cool-darkness-123456.us-east-2.aws.neon.tech"), .key(.enter), .key(.enter), .key(.enter), .key(.enter)])
        #expect(state.selectedRootCertificate == debianBundle.path)
        #expect(Wizard.render(state, Size(width: 100, height: 40)).joinedText.contains("Neon: certificates signed by ISRG Root X1 (in the system bundle)"))
    }
}
