import Foundation
import PGSecureModel
import PGSecureWizard
import Testing
import TestSupport
@testable import PGSecureWizardRuntime

/// "Save as service…" on the real loop, with real files in a temporary HOME: the wizard's snapshot of libpq's files
/// follows what the wizard itself writes, so a session can save again, while a change made by anyone else since
/// the snapshot is still refused once (and the next try keeps it).
@Suite("Wizard loop: saving services in one session")
struct WizardSaveTests {
    static let size = Size(width: 160, height: 40)

    /// The wizard's start-up snapshot of this HOME, as `pgsecure wizard` takes it.
    static func snapshot(home: String) -> LocalFiles {
        let files = ServiceSaverTests.files(home: home)
        return files.snapshot(of: files.libpqPaths(environment: ["HOME": home]))
    }

    /// "v", a name, Enter, then waits for the status line that starts with `expected`.
    static func save(_ name: String, expecting expected: String) -> [TestBackend.Step] {
        [
            .key(.character("v")), .key(.control("u")), .text(name), .key(.enter),
            .waitFor("\(expected) (\(name))") { $0.joinedText.contains(expected) },
        ]
    }

    @Test func aSessionSavesAgainAndStillRefusesAnOutsideChangeOnce() async throws {
        let home = try TemporaryDirectory()
        let services = home.path + "/.pg_service.conf"
        try "# mine\n".write(toFile: services, atomically: false, encoding: .utf8)
        chmod(services, 0o640)
        let outsideEdit: TestBackend.Step = .waitFor("an edit by someone else") { _ in
            // Another program appends to the file between two saves.
            guard let handle = FileHandle(forWritingAtPath: services) else { return false }
            handle.seekToEndOfFile()
            handle.write(Data("\n[theirs]\nhost=elsewhere\n".utf8))
            handle.closeFile()
            return true
        }
        let script = WizardLoopTests.walkToOutputs()
            + Self.save("prod", expecting: "✓ Saved service prod")
            + Self.save("staging", expecting: "✓ Saved service staging")
            + Self.save("prod", expecting: "✓ Service prod in")
            + [outsideEdit]
            + Self.save("third", expecting: "changed since it was read")
            + Self.save("third", expecting: "✓ Saved service third")
            + [.key(.control("c"))]
        let backend = TestBackend(size: Self.size, script: script)
        _ = await Harness(files: Self.snapshot(home: home.path)).run(on: backend)
        #expect(backend.failures == [])
        let text = try home.contents(of: ".pg_service.conf")
        #expect(text.hasPrefix("# mine\n\n[prod]\nhost=db.example.com\n"), "\(text)")
        for section in ["[prod]", "[staging]", "[theirs]", "[third]"] {
            #expect(text.components(separatedBy: section).count == 2, "\(section) once in \(text)")
        }
        #expect(home.mode(of: ".pg_service.conf") == 0o640)
        // One line: the second save found the password already there.
        #expect(try home.contents(of: ".pgpass") == "db.example.com:5432:app:alex:\(WizardLoopTests.password)\n")
        #expect(home.mode(of: ".pgpass") == 0o600)
    }

    /// `a⏎b⏎` arriving in one batch: one save, so no section is lost to two saves racing from one snapshot.
    @Test func aPastedSecondEnterStartsNoSecondSave() async throws {
        let home = try TemporaryDirectory()
        let script = WizardLoopTests.walkToOutputs() + [
            .key(.character("v")), .text("a"), .key(.enter), .text("b"), .key(.enter),
            .waitFor("the save's result") { $0.joinedText.contains("✓ Saved") || $0.joinedText.contains("✗ Not saved") },
            .key(.control("c")),
        ]
        let backend = TestBackend(size: Self.size, script: script)
        let harness = Harness(files: Self.snapshot(home: home.path))
        _ = await harness.run(on: backend)
        #expect(backend.failures == [])
        let saves = harness.performed.withLock { $0.filter { if case .saveService = $0 { true } else { false } } }
        #expect(saves.count == 1, "\(saves)")
        let text = try home.contents(of: ".pg_service.conf")
        #expect(text.hasPrefix("[a]\nhost=db.example.com\n") && !text.contains("[ab]"), "\(text)")
    }

    /// A key=value parser good enough for these pastes (libpq's is not linked into these tests).
    @Sendable static func parse(_ text: String) -> Result<[LibpqOption], InputError> {
        .success(text.split(separator: " ").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return LibpqOption(parts[0], parts.count > 1 ? parts[1] : "")
        })
    }

    @Test func aPastedPassfileIsReadAndWrittenNotPgpass() async throws {
        let home = try TemporaryDirectory()
        let passfile = home.path + "/team.pgpass"
        try "# the team's\nother:5432:db:bob:pw\n".write(toFile: passfile, atomically: false, encoding: .utf8)
        chmod(passfile, 0o600)
        let password = WizardLoopTests.password
        let script: [TestBackend.Step] = [
            .waitFor("the start screen") { $0.text.contains("Paste a connection string") },
            .text("host=db.example.com port=5432 user=alex dbname=app passfile=\(passfile)"), .key(.enter),
            .key(.enter),
            .key(.tab), .text(password),
            .waitFor("the password as dots") { $0.text.contains(String(repeating: "•", count: password.count)) },
            .key(.enter), .key(.enter), .key(.enter),
            .text(labRoot),
            .waitFor("the root file inspected") { $0.text.contains("✓ 1 certificate") },
            .key(.enter),
            .waitFor("the test's verdict") { $0.text.contains("✓ verified-full") },
            .key(.enter),
            .waitFor("the outputs") { $0.text.contains("save as service") },
        ] + Self.save("prod", expecting: "✓ Saved service prod") + [.key(.control("c"))]
        let backend = TestBackend(size: Self.size, script: script)
        _ = await Harness(files: Self.snapshot(home: home.path), parse: Self.parse).run(on: backend)
        #expect(backend.failures == [])
        #expect(try home.contents(of: "team.pgpass") == "# the team's\nother:5432:db:bob:pw\ndb.example.com:5432:app:alex:\(password)\n")
        #expect(home.mode(of: "team.pgpass") == 0o600)
        #expect(home.mode(of: ".pgpass") == nil, "~/.pgpass is not the file this connection reads")
        #expect(try home.contents(of: ".pg_service.conf").contains("passfile=\(passfile)\n"))
    }
}
