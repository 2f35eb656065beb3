import PGSecureModel
import Testing
import TestSupport
@testable import PGSecureWizard

@Suite("Wizard effects that follow from a change: test cancellation, root-file inspection")
struct EffectTests {
    static let tested = ConnectionSettings(
        endpoints: [Endpoint(host: "db.example.com", port: 5432)], user: "alex", password: secret, dbname: "app",
        sslmode: .verifyFull, sslrootcert: labRoot)

    @Test("Going back from a running test cancels it; quitting cancels it before the exit; a finished test is not cancelled")
    func abandonedTestCancelled() {
        let (running, _) = walkToReview()
        let (back, backEffects) = Wizard.update(running, .key(.escape))
        #expect(backEffects == [.cancelTest(id: 1)])
        #expect(back.test == .notRun)
        #expect(Wizard.update(running, .key(.control("c"))).1 == [.cancelTest(id: 1), .exit(output: nil, status: 130)])
        let finished = Wizard.update(running, .testFinished(id: 1, verifiedReport())).0
        #expect(Wizard.update(finished, .key(.escape)).1 == [])
        #expect(Wizard.update(finished, .key(.character("r"))).1 == [.runTest(id: 2, Self.tested)])
    }

    @Test("A test started and left in one batch of keys is cancelled after it starts")
    func startedAndLeftInOneBatch() {
        var (state, _) = walkToReview()
        state = Wizard.update(state, .key(.escape)).0
        let (next, effects) = Wizard.update(state, [.key(.enter), .key(.escape)])
        #expect(effects == [.runTest(id: 2, Self.tested), .cancelTest(id: 2)])
        #expect(next.step == .rootCertificate)
    }

    @Test("A typed root path is inspected as an effect, once per batch; a stale answer is ignored; Enter waits for the answer")
    func rootInspection() {
        var state = WizardState(context: makeContext())
        drive(&state, [.key(.enter), .text("db.example.com"), .key(.tab), .text("5432"), .key(.enter), .text("alex"), .key(.tab), .text(secret), .key(.enter), .text("app"), .key(.enter), .key(.enter)])
        #expect(state.step == .rootCertificate)
        let (typed, effects) = Wizard.update(state, labRoot.map { WizardEvent.key(.character($0)) })
        #expect(effects == [.inspectRoot(path: labRoot)])
        #expect(typed.customRootCheck == nil)
        let (waiting, enterEffects) = Wizard.update(typed, .key(.enter))
        #expect(enterEffects == [])
        #expect(waiting.step == .rootCertificate)
        #expect(waiting.advancesWhenRootChecked)
        let (stale, staleEffects) = Wizard.update(waiting, .rootInspected(fakeInspect("/lab/root.cr")))
        #expect(staleEffects == [])
        #expect(stale == waiting)
        let (answered, answeredEffects) = Wizard.update(waiting, .rootInspected(fakeInspect(labRoot)))
        #expect(answered.step == .review)
        #expect(answeredEffects == [.runTest(id: 1, Self.tested)])
    }

    @Test("A root file named by PGSSLROOTCERT is inspected when the wizard starts")
    func environmentRootInspectedAtStart() {
        let state = WizardState(context: makeContext(environment: ["PGSSLROOTCERT": labRoot]))
        let (started, effects) = Wizard.start(state)
        #expect(effects == [.inspectRoot(path: labRoot)])
        #expect(started.requestedRootInspection == labRoot)
        let plain = WizardState(context: makeContext())
        #expect(Wizard.start(plain) == (plain, []))
    }
}
