import Foundation
import PGSecureModel
import TestSupport
import Testing

/// `pgsecure env` output evaluated by the real shells: every variable comes back byte for byte, and no command runs.
@Suite("Export lines in real shells")
struct ShellExportTests {
    enum RealShell: String, CaseIterable {
        case dash, bash, zsh, fish

        var dialect: Shell { self == .fish ? .fish : .sh }

        /// How a person loads the lines: `eval "$(pgsecure env)"`, or `pgsecure env --shell fish | source`.
        func load(_ file: String) -> String {
            self == .fish ? "cat '\(file)' | source" : "eval \"$(cat '\(file)')\""
        }
    }

    static let variables = ["PGHOST", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLROOTCERT", "PGAPPNAME"]

    /// Values that try to run `touch CANARY` in each shell's syntax, then a fixed corpus of hostile values.
    static func values(canary: String) -> [String] {
        let attacks = [
            "$(touch \(canary))", "`touch \(canary)`", "'; touch \(canary); '", "\\'; touch \(canary) #",
            "\"; touch \(canary); \"", "(touch \(canary))", "a'\\''b $(touch \(canary))", "\n touch \(canary)\n",
            "\\", "\\\\'", "'", "$HOME ${HOME} ~ *", "-n", "-e \\n",
        ]
        var corpus: [String] = []
        forEachFixedCase(400, seed: 7, of: hostileString) { corpus.append($0) }
        return attacks + corpus
    }

    @Test(arguments: RealShell.allCases)
    func variablesComeBackByteForByte(shell: RealShell) throws {
        let executable = try #require(which(shell.rawValue), "\(shell.rawValue) is not installed: run `make test`")
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let canary = directory.appendingPathComponent("CANARY").path
        let values = Self.values(canary: canary)

        var script = ""
        for (index, value) in values.enumerated() {
            let settings = ConnectionSettings(
                endpoints: [Endpoint(host: value)], user: value, password: value, dbname: value, sslrootcert: value,
                otherOptions: [LibpqOption("application_name", value)])
            let file = directory.appendingPathComponent("exports-\(index)").path
            try settings.exports(for: shell.dialect).text.write(toFile: file, atomically: false, encoding: .utf8)
            script += shell.load(file) + "\n"
            for variable in Self.variables {
                script += "printf '%s' \"$\(variable)\" > '\(directory.path)/\(index).\(variable)'\n"
            }
        }
        let scriptFile = directory.appendingPathComponent("script").path
        try script.write(toFile: scriptFile, atomically: false, encoding: .utf8)
        let result = try run(executable, [scriptFile], environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: canary), "a value ran a command in \(shell)")
        var mismatches = 0
        for (index, value) in values.enumerated() {
            for variable in Self.variables {
                let data = FileManager.default.contents(atPath: "\(directory.path)/\(index).\(variable)")
                if data != Data(value.utf8) {
                    mismatches += 1
                    Issue.record("\(shell) \(variable): wrote \(value.debugDescription), read \(String(decoding: data ?? Data(), as: UTF8.self).debugDescription)")
                }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func evalOfTheBinarysOutputSetsTheVariables() throws {
        let script = """
            eval "$('\(pgsecureBinary)' env --host 'db.example.com' --user "o'brien" --dbname 'a b' --sslmode verify-ca --sslrootcert /etc/ssl/certs/ca-certificates.crt -q)"
            printf '%s|%s|%s|%s|%s' "$PGHOST" "$PGUSER" "$PGDATABASE" "$PGSSLMODE" "$PGSSLROOTCERT"
            """
        let result = try run("/bin/bash", ["-c", script], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.stdout == "db.example.com|o'brien|a b|verify-ca|/etc/ssl/certs/ca-certificates.crt")
    }
}
