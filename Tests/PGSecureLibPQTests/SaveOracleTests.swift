import Foundation
import PGSecureDisk
import PGSecureLibPQ
import TestSupport
import Testing
@testable import PGSecureModel

/// `pgsecure save`'s edits, read back by libpq itself (Tests/oracle/libpq-conninfo.py): for hostile names and values
/// and existing files full of comments, other sections and odd white space, libpq must read exactly what was saved,
/// and every byte outside the edited section (or line) must be unchanged.
@Suite("save: libpq reads back what was written, and nothing else changed")
struct SaveOracleTests {
    typealias Oracle = LibpqFilesOracleTests

    /// Hostile characters, line breaks and "]" included: the edit must refuse what it cannot carry.
    static let characters: [Character] = Array("aZ09-._~ '\"\\@:/?#&=%+$()`;|<>{}[]*!^\t\u{0B}\u{0C}é日😀ß\u{2018}\u{200B}\u{7F}\u{1}\n\r")

    static func hostile(_ generator: inout SplitMix, length: ClosedRange<Int> = 1...12, excluding: Set<Character> = []) -> String {
        let pool = characters.filter { !excluding.contains($0) }
        let count = Int.random(in: length, using: &generator)
        return String((0..<count).map { _ in pool[Int(generator.next() % UInt64(pool.count))] })
    }

    /// An existing service file: comments, blank and indented lines, CRLF, other sections (some whose names start
    /// like ours), sometimes a section for our name with other values, duplicates and junk.
    static func existingServiceFile(_ generator: inout SplitMix, name: String) -> String {
        var lines: [String] = generator.next() % 5 == 0 ? [] : ["# services", "  # indented comment  "]
        for _ in 0..<Int(generator.next() % 4) {
            let other = [name + "x", "x" + name, "other", String(name.prefix(1)) + "]"][Int(generator.next() % 4)]
            lines.append((generator.next() % 3 == 0 ? "\t" : "") + "[\(other)]")
            lines += ["host=elsewhere", "", "application_name=keep me  ", "# \(other) comment"]
            if generator.next() % 3 == 0 { lines.append("port=6000\r") }
            if generator.next() % 2 == 0, generator.next() % 2 == 0 {
                lines.append("[\(name)]" + (generator.next() % 2 == 0 ? " trailing words" : ""))
                lines += ["  # inside our section", "sslmode=require", "host=old", "host=duplicate", "no equals", "", "connect_timeout=5 "]
            }
        }
        var text = lines.joined(separator: generator.next() % 6 == 0 ? "\r\n" : "\n")
        if generator.next() % 4 != 0 { text += "\n" }
        return text
    }

    @Test func serviceFileEditsReadBackThroughLibpq() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SplitMix(seed: 0x5A7E)
        var cases: [Oracle.Case] = []
        var saved: [[LibpqOption]] = []
        var refusedNames = 0, refusedValues = 0
        while cases.count < 250 {
            let name = Self.hostile(&generator)
            guard ServiceFileEdit.nameProblem(name) == nil else {
                refusedNames += 1
                continue
            }
            let options = [
                LibpqOption("host", Self.hostile(&generator, excluding: [","])),
                LibpqOption("port", String(1 + generator.next() % 65535)),
                LibpqOption("user", Self.hostile(&generator)),
                LibpqOption("dbname", Self.hostile(&generator)),
                LibpqOption("sslmode", ["verify-full", "verify-ca", "require"][Int(generator.next() % 3)]),
                LibpqOption("sslrootcert", "/" + Self.hostile(&generator)),
                LibpqOption("application_name", Self.hostile(&generator)),
            ]
            guard options.allSatisfy({ ServiceFileEdit.valueProblem($0.value) == nil }) else {
                refusedValues += 1
                continue
            }
            let original = Self.existingServiceFile(&generator, name: name)
            let change = ServiceFileEdit.setting(name, to: options, in: original)
            Self.expectOnlySectionChanged(original, change.text, name: name)
            let file = directory.appendingPathComponent("svc\(cases.count).conf").path
            try Data(change.text.utf8).write(to: URL(fileURLWithPath: file))
            // Saved twice: the second save finds exactly these values and changes nothing.
            #expect(ServiceFileEdit.setting(name, to: options, in: change.text).isUnchanged, "\(name)")
            cases.append(Oracle.Case(
                conninfo: "", env: ["PGSERVICEFILE": file, "PGSERVICE": name, "HOME": directory.path,
                                    "PGSYSCONFDIR": directory.appendingPathComponent("none").path]))
            saved.append(options)
        }
        let answers = try await offPool { [cases] in try Oracle.askLibpq(cases) }
        for ((testCase, answer), options) in zip(zip(cases, answers), saved) {
            #expect(answer.error.isEmpty, "libpq refused: \(answer.error) for \(testCase)")
            for option in options {
                #expect(answer.options[option.keyword] == option.value, "\(option.keyword) in \(testCase.env["PGSERVICE"]!.debugDescription)")
            }
        }
        // The generator must reach the refusals too, or the corpus is too tame.
        #expect(refusedNames > 5 && refusedValues > 5, "\(refusedNames) names, \(refusedValues) values refused")
    }

    /// Every line before the section's header and after its end is the same; a new section only appends.
    static func expectOnlySectionChanged(_ original: String, _ edited: String, name: String) {
        let before = ServiceFileEdit.byteLines(original)
        let after = ServiceFileEdit.byteLines(edited)
        guard let header = before.firstIndex(where: { ServiceFileEdit.opensSection(name, $0) }) else {
            #expect(edited.utf8.starts(with: original.utf8), "a new section must only be appended")
            return
        }
        let endBefore = before[(header + 1)...].firstIndex { ServiceFileEdit.trimmed($0).unicodeScalars.first == "[" } ?? before.count
        let endAfter = after[(header + 1)...].firstIndex { ServiceFileEdit.trimmed($0).unicodeScalars.first == "[" } ?? after.count
        #expect(Array(before[...header]) == Array(after[...header]))
        #expect(Array(before[endBefore...]) == Array(after[endAfter...]))
        // Comments inside the section are kept too.
        let comments = { (lines: ArraySlice<String>) in lines.filter { ServiceFileEdit.trimmed($0).unicodeScalars.first == "#" } }
        #expect(comments(before[header..<endBefore]) == comments(after[header..<endAfter]))
    }

    @Test func refusedValuesAreOnesLibpqWouldReadDifferently() {
        for value in ["a\nb", "a\rb", "trailing ", "tab\t", ""] { #expect(ServiceFileEdit.valueProblem(value) != nil, "\(value.debugDescription)") }
        for value in [" leading", "a=b", "#x", "[x]", "'q' \\"] { #expect(ServiceFileEdit.valueProblem(value) == nil, "\(value.debugDescription)") }
        for name in ["a]b", "a\nb", ""] { #expect(ServiceFileEdit.nameProblem(name) != nil) }
    }

    @Test func shortLivedTokensAreNotSaved() {
        let rds = "db.example.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc"
        #expect(PasswordFileEdit.passwordProblem(rds)?.contains("AWS RDS IAM") == true)
        #expect(PasswordFileEdit.passwordProblem("ya29.a0AfH6SMBx")?.contains("Google") == true)
        #expect(PasswordFileEdit.passwordProblem("eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl")?.contains("JSON Web Token") == true)
        #expect(PasswordFileEdit.passwordProblem("correct horse battery staple") == nil)
    }

    /// An existing password file: comments, wide `*` lines (before or after), other entries, CRLF, blank lines, and
    /// sometimes a line for exactly this connection with another password.
    static func existingPasswordFile(_ generator: inout SplitMix, key: PasswordFileEdit.Key) -> String {
        var lines = ["# passwords", "other:5432:db:user:pw\\:x", ""]
        if generator.next() % 3 == 0 { lines.append("*:*:*:*:wildcard-first") }
        if generator.next() % 3 == 0 {
            lines.append(PasswordFile.line(host: key.host, port: key.port, database: key.database, user: key.user, password: "old"))
        }
        if generator.next() % 3 == 0 { lines.append("*:\(key.port):*:*:port-wide\r") }
        lines += ["  spaced:1:2:3:4  ", "#*:*:*:*:commented"]
        if generator.next() % 2 == 0 { lines.append("*:*:*:*:wildcard-last") }
        var text = lines.joined(separator: "\n")
        if generator.next() % 4 != 0 { text += "\n" }
        return generator.next() % 8 == 0 ? "" : text
    }

    @Test func passwordFileEditsReadBackThroughLibpq() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-savepw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SplitMix(seed: 0x9A55)
        var cases: [Oracle.Case] = []
        var passwords: [String] = []
        let quoted = { (value: String) in "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'" }
        while cases.count < 250 {
            let noBreaks: Set<Character> = ["\n", "\r"]
            var host = Self.hostile(&generator, excluding: noBreaks.union([","]))
            if host.hasPrefix("/") || host.hasPrefix("@") { host = "h" + host }  // a socket path: no host field
            let key = PasswordFileEdit.Key(
                host: generator.next() % 6 == 0 ? "*" : host, port: String(1 + generator.next() % 65535),
                database: Self.hostile(&generator, excluding: noBreaks), user: generator.next() % 6 == 0 ? "*" : Self.hostile(&generator, excluding: noBreaks))
            let password = Self.hostile(&generator, length: 1...20)
            guard PasswordFileEdit.passwordProblem(password) == nil else { continue }
            let original = Self.existingPasswordFile(&generator, key: key)
            let change = PasswordFileEdit.setting(password: password, for: key, in: original)
            Self.expectOneLineChanged(original, change.text, entry: PasswordFile.line(
                host: key.host, port: key.port, database: key.database, user: key.user, password: password))
            let file = directory.appendingPathComponent("pgpass\(cases.count)").path
            try Data(change.text.utf8).write(to: URL(fileURLWithPath: file))
            chmod(file, 0o600)
            cases.append(Oracle.Case(
                conninfo: "host=\(quoted(key.host)) hostaddr=127.0.0.1 port=\(key.port) dbname=\(quoted(key.database)) "
                    + "user=\(quoted(key.user)) passfile=\(quoted(file)) connect_timeout=1",
                env: ["HOME": directory.path]))
            passwords.append(password)
        }
        let answers = try await offPool { [cases] in try Oracle.askLibpq(cases) }
        for ((testCase, answer), password) in zip(zip(cases, answers), passwords) {
            #expect(answer.password == password, "\(testCase.conninfo)")
        }
    }

    /// Without a host libpq looks the password up as "localhost" (the default socket directory), under another socket
    /// directory as that path, and with only hostaddr as the address: the saved line must be the one libpq reads.
    @Test(arguments: [
        (ConnectionSettings(user: "alex", dbname: "app"), "user=alex dbname=app"),
        (ConnectionSettings(endpoints: [Endpoint(host: PasswordFile.defaultSocketDirectory)], user: "alex"), "host=/var/run/postgresql user=alex"),
        (ConnectionSettings(endpoints: [Endpoint(host: "/tmp/sock:et", port: 6000)], user: "alex", dbname: "app"), "host='/tmp/sock:et' port=6000 user=alex dbname=app"),
        (ConnectionSettings(user: "alex", dbname: "app", otherOptions: [LibpqOption("hostaddr", "127.0.0.1")]), "hostaddr=127.0.0.1 user=alex dbname=app"),
    ])
    func socketAndAddressLinesAreTheOnesLibpqReads(settings: ConnectionSettings, conninfo: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-savesock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let passfile = directory.appendingPathComponent("pgpass").path
        let environment = ["HOME": directory.path, "PGPASSFILE": passfile]
        var settings = settings
        settings.password = "p:w\\d"
        let plan = try ServicePlan(name: "local", settings: settings, environment: environment, files: .onDisk(environment: environment))
        let text = try #require(plan.password?.text)
        try Data(text.utf8).write(to: URL(fileURLWithPath: passfile))
        chmod(passfile, 0o600)
        let answers = try await offPool { try Oracle.askLibpq([Oracle.Case(conninfo: conninfo + " connect_timeout=1", env: environment)]) }
        #expect(answers.first?.password == "p:w\\d", "\(text.debugDescription) for \(conninfo)")
    }

    /// The new file is the old one with the entry added, or with one line replaced by it; nothing else moved.
    static func expectOneLineChanged(_ original: String, _ edited: String, entry: String) {
        var before = ServiceFileEdit.byteLines(original)
        var after = ServiceFileEdit.byteLines(edited)
        if before.last == "" { before.removeLast() }
        if after.last == "" { after.removeLast() }
        guard let index = after.firstIndex(where: { $0 == entry || $0 == entry + "\r" }) else {
            Issue.record("the entry is not in the file")
            return
        }
        after.remove(at: index)
        if after.count < before.count { before.remove(at: index) }
        #expect(after == before)
    }
}
