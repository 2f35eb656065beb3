import PGSecureModel
import Testing
import TestSupport
@testable import PGSecureWizard

/// The outputs step's "Save as service…" (v): a name, the change shown for confirmation when the entry holds other
/// values, then one `.saveService` effect carrying the checked plan.
@Suite("Wizard: save as service")
struct SaveServiceWizardTests {
    static let home = "/home/alex"

    /// A machine whose home holds these files (path → text), as the wizard's start-up snapshot would.
    static func files(_ texts: [String: String]) -> LocalFiles {
        LocalFiles(
            home: home, currentDirectory: home, userName: "alex", systemConfigurationDirectory: "/etc/postgresql-common",
            facts: { texts[$0] == nil ? nil : LocalFiles.Facts(isRegularFile: true, mode: 0o600) }, read: { texts[$0].map(LocalFiles.Contents.text) })
    }

    func atOutputs(files: LocalFiles) -> WizardState {
        var context = makeContext()
        context.files = files
        var state = WizardState(context: context)
        drive(&state, [
            .key(.enter), .text("db.example.com"), .key(.tab), .text("5432"), .key(.enter),
            .text("alex"), .key(.tab), .text(secret), .key(.enter), .text("app"), .key(.enter), .key(.enter),
            .text(labRoot), .key(.enter),
        ])
        state = Wizard.update(state, .testFinished(id: state.lastTestID, verifiedReport())).0
        drive(&state, [.key(.enter)])
        return state
    }

    @Test func aNewEntryIsSavedWithThePasswordInPgpass() throws {
        var state = atOutputs(files: Self.files(["\(Self.home)/.pg_service.conf": "# mine\n[other]\nhost=x\n"]))
        drive(&state, [.key(.character("v"))])
        #expect(Wizard.render(state, standard).text.contains("Save as service:"))
        let effects = drive(&state, [.text("prod"), .key(.enter)])
        guard case .saveService(let plan)? = effects.first else {
            Issue.record("no save: \(effects)")
            return
        }
        #expect(plan.service.text.hasPrefix("# mine\n[other]\nhost=x\n\n[prod]\nhost=db.example.com\nport=5432\nuser=alex\ndbname=app\nsslmode=verify-full\n"))
        #expect(!plan.service.text.contains(secret))
        #expect(plan.password?.text == "db.example.com:5432:app:alex:\(secret)\n")
        #expect(plan.passwordPath == "\(Self.home)/.pgpass")
        state = Wizard.update(state, .serviceSaved(.saved(
            name: "prod", servicePath: plan.servicePath, password: plan.passwordPath.map { WrittenFile(path: $0, permissions: 0o400) },
            notices: [], written: []))).0
        #expect(state.filePrompt == nil)
        #expect(Wizard.render(state, Size(width: 160, height: 40)).joinedText.contains("✓ Saved service prod in /home/alex/.pg_service.conf, the password in /home/alex/.pgpass (mode 400)"))
    }

    @Test func otherValuesAreShownAndConfirmedFirst() {
        var state = atOutputs(files: Self.files(["\(Self.home)/.pg_service.conf": "[prod]\nhost=old.example.com\n"]))
        let asked = drive(&state, [.key(.character("v")), .text("prod"), .key(.enter)])
        #expect(asked.isEmpty, "nothing written before the person agrees")
        guard case .confirmService = state.filePrompt else {
            Issue.record("no confirmation: \(String(describing: state.filePrompt))")
            return
        }
        let screen = Wizard.render(state, Size(width: 120, height: 40)).joinedText
        #expect(screen.contains("- host=old.example.com") && screen.contains("+ host=db.example.com"))
        #expect(screen.contains("Replace them? y/n"))
        let declined = drive(&state, [.key(.character("n"))])
        #expect(declined.isEmpty && state.filePrompt == .serviceName(TextInput("prod")))
        let agreed = drive(&state, [.key(.enter), .key(.character("y"))])
        guard case .saveService(let plan)? = agreed.first else {
            Issue.record("no save after y: \(agreed)")
            return
        }
        #expect(plan.service.text.hasPrefix("[prod]\nhost=db.example.com\n"))
    }

    /// A passfile pasted in the connection string is outside the start-up snapshot: update asks for it to be read
    /// (no I/O of its own), then plans with it; and what a save wrote is what the next save starts from.
    @Test func anUnreadPassfileIsReadFirstAndTheSnapshotFollowsTheWrites() throws {
        let passfile = "\(Self.home)/team.pgpass"
        var context = makeContext()
        context.files = Self.files([:]).snapshot(of: ["\(Self.home)/.pg_service.conf", "\(Self.home)/.pgpass"])
        var state = WizardState(context: context, connectionString: "host=db.example.com port=5432 user=alex dbname=app passfile=\(passfile)")
        drive(&state, [.key(.enter), .key(.tab), .text(secret), .key(.enter), .key(.enter), .key(.enter), .text(labRoot), .key(.enter)])
        state = Wizard.update(state, .testFinished(id: state.lastTestID, verifiedReport())).0
        drive(&state, [.key(.enter)])
        let asked = drive(&state, [.key(.character("v")), .text("prod"), .key(.enter)])
        #expect(asked == [.readFiles(paths: [passfile])])
        let team = LocalFiles.File(path: passfile, facts: LocalFiles.Facts(isRegularFile: true, mode: 0o600), text: "other:5432:db:bob:pw\n")
        let (afterRead, effects) = Wizard.update(state, .filesRead([team]))
        state = afterRead
        guard case .saveService(let plan)? = effects.first else {
            Issue.record("no save after reading: \(effects)")
            return
        }
        #expect(plan.passwordPath == passfile)
        #expect(plan.password?.text == "other:5432:db:bob:pw\ndb.example.com:5432:app:alex:\(secret)\n")
        let written = [
            LocalFiles.File(path: passfile, facts: team.facts, text: plan.password?.text),
            LocalFiles.File(path: plan.servicePath, facts: team.facts, text: plan.service.text),
        ]
        state = Wizard.update(state, .serviceSaved(.saved(
            name: "prod", servicePath: plan.servicePath, password: WrittenFile(path: passfile, permissions: 0o600), notices: [],
            written: written))).0
        let again = drive(&state, [.key(.character("v")), .text("staging"), .key(.enter)])
        guard case .saveService(let next)? = again.first else {
            Issue.record("no second save: \(again)")
            return
        }
        #expect(next.serviceOriginal == plan.service.text && next.passwordOriginal == plan.password?.text)
        #expect(next.password?.isUnchanged == true)
    }

    /// A second Enter (or `a⏎b⏎` pasted into the prompt) while a save runs would plan again from the same snapshot:
    /// both plans could pass the writer's unchanged-since-read check and the later rename would drop the other's
    /// section. No other save starts until the first one's result is in.
    @Test func noSecondSaveStartsWhileOneIsUnderWay() {
        var state = atOutputs(files: Self.files([:]))
        let effects = drive(&state, [.key(.character("v")), .text("a"), .key(.enter), .text("b"), .key(.enter), .key(.enter)])
        #expect(effects.count == 1, "\(effects)")
        guard case .saveService(let plan)? = effects.first else {
            Issue.record("no save: \(effects)")
            return
        }
        #expect(plan.name == "a")
        // Closed and opened again, or confirmed twice: still none.
        #expect(drive(&state, [.key(.escape), .key(.character("v")), .text("c"), .key(.enter)]).isEmpty)
        state = Wizard.update(state, .serviceSaved(.failed(message: "changed", found: []))).0
        let next = drive(&state, [.key(.character("v")), .text("c"), .key(.enter)])
        #expect(next.count == 1, "the result is in: saving works again (\(next))")
    }

    /// The same while the files a save needs are being read, and for a confirmed replacement.
    @Test func noSecondSaveStartsWhileFilesAreReadOrAfterAConfirmation() {
        var context = makeContext()
        context.files = Self.files(["\(Self.home)/.pg_service.conf": "[prod]\nhost=old.example.com\n"]).snapshot(of: [])
        var state = WizardState(context: context, connectionString: "host=db.example.com port=5432 user=alex dbname=app")
        drive(&state, [.key(.enter), .key(.tab), .text(secret), .key(.enter), .key(.enter), .key(.enter), .text(labRoot), .key(.enter)])
        state = Wizard.update(state, .testFinished(id: state.lastTestID, verifiedReport())).0
        drive(&state, [.key(.enter)])
        let asked = drive(&state, [.key(.character("v")), .text("prod"), .key(.enter), .key(.enter)])
        #expect(asked.count == 1, "one read: \(asked)")
        let found = Self.files(["\(Self.home)/.pg_service.conf": "[prod]\nhost=old.example.com\n"])
            .files(["\(Self.home)/.pg_service.conf", "\(Self.home)/.pgpass"])
        let (afterRead, planned) = Wizard.update(state, .filesRead(found))
        state = afterRead
        #expect(planned.isEmpty, "other values: shown for confirmation first")
        let confirmed = drive(&state, [.key(.character("y")), .key(.character("y"))])
        #expect(confirmed.count == 1, "\(confirmed)")
    }

    /// The snapshot changes during a run (reads, the wizard's own saves): a state that learnt of a file is not the
    /// state it was.
    @Test func statesWithDifferentSnapshotsDiffer() {
        let services = "\(Self.home)/.pg_service.conf"
        let state = atOutputs(files: Self.files([:]).snapshot(of: [services]))
        let read = LocalFiles.File(path: services, facts: LocalFiles.Facts(isRegularFile: true, mode: 0o600), text: "[a]\nhost=x\n")
        #expect(Wizard.update(state, .filesRead([read])).0 != state)
        #expect(Wizard.update(state, .filesRead([LocalFiles.File(path: services, facts: nil, text: nil)])).0 == state, "as it was")
    }

    @Test func aNameTheFileCannotHoldIsRefusedOnScreen() {
        var state = atOutputs(files: Self.files([:]))
        let effects = drive(&state, [.key(.character("v")), .text("a]b"), .key(.enter)])
        #expect(effects.isEmpty)
        #expect(Wizard.render(state, Size(width: 160, height: 40)).joinedText.contains("ends a section name"))
    }
}
