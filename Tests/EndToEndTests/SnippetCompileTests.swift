import Foundation
import PGSecureModel
import TestSupport
import Testing

/// The languages themselves read pgsecure's literals back, and compile the snippets as printed.
/// One program at a time: each is a real interpreter or compiler, and two cores are shared.
@Suite("Snippets and literals in each real language", .serialized)
struct SnippetCompileTests {
    static let jdbcJar = "/usr/share/java/postgresql.jar"
    static var python: String { "/usr/bin/python3" }

    static func corpus() -> [String] {
        var values = ["", "\\u000a", "\\\\u0022", "\u{2028}", "\u{85}", "😀", "a\"b'c", "\r\n\t\u{1}\u{7F}"]
        forEachFixedCase(500, seed: 11, of: hostileString) { values.append($0) }
        return values
    }

    /// The program printed the values as UTF-8 separated by NUL: compare them byte for byte, one by one.
    static func expectSameValues(_ output: Data, _ values: [String]) {
        let decoded = output.split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
        #expect(decoded.count == values.count)
        for (read, written) in zip(decoded, values) where read != Array(written.utf8) {
            Issue.record("wrote \(written.debugDescription), read \(String(decoding: read, as: UTF8.self).debugDescription)")
        }
    }

    @Test func pythonReadsEveryLiteralBack() throws {
        let values = Self.corpus()
        let program = "import sys\nvalues = [\n" + values.map { "    " + Quoting.python($0) + ",\n" }.joined()
            + "]\nsys.stdout.buffer.write(b'\\0'.join(v.encode('utf-8') for v in values))\n"
        let result = try run(Self.python, ["-c", program])
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectSameValues(result.stdoutBytes, values)
    }

    @Test func javaReadsEveryLiteralBack() throws {
        let values = Self.corpus()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("Values.java")
        let program = """
            public class Values {
                public static void main(String[] args) throws Exception {
                    String[] values = {
            \(values.map { "            " + Quoting.java($0) + "," }.joined(separator: "\n"))
                    };
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    for (int i = 0; i < values.length; i++) {
                        if (i > 0) out.write(0);
                        out.write(values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    System.out.write(out.toByteArray());
                    System.out.flush();
                }
            }
            """
        // Written in ASCII: Java 17 reads source in the platform charset, which may not be UTF-8.
        try program.write(to: file, atomically: false, encoding: .ascii)
        let result = try run("/usr/bin/java", ["-Dfile.encoding=UTF-8", file.path], environment: ["LANG": "C"])
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectSameValues(result.stdoutBytes, values)
    }

    /// A program in each language that prints `values` (written with that language's quoting) as UTF-8, NUL-separated.
    enum LiteralLanguage: String, CaseIterable, Sendable {
        case javaScript, go, ruby, php

        func program(_ values: [String]) -> (file: String, source: String) {
            switch self {
            case .javaScript:
                ("values.js", "const values = [\n" + values.map { "  " + Quoting.javaScript($0) + ",\n" }.joined()
                    + "];\nprocess.stdout.write(Buffer.from(values.join('\\0'), 'utf8'));\n")
            case .go:
                ("values.go", "package main\n\nimport (\n\t\"os\"\n\t\"strings\"\n)\n\nfunc main() {\n\tvalues := []string{\n"
                    + values.map { "\t\t" + Quoting.go($0) + ",\n" }.joined()
                    + "\t}\n\tos.Stdout.WriteString(strings.Join(values, \"\\x00\"))\n}\n")
            case .ruby:
                ("values.rb", "values = [\n" + values.map { "  " + Quoting.ruby($0) + ",\n" }.joined()
                    + "]\n$stdout.binmode\n$stdout.write(values.join(\"\\0\"))\n")
            case .php:
                ("values.php", "<?php\n$values = [\n" + values.map { "    " + Quoting.php($0) + ",\n" }.joined()
                    + "];\necho implode(\"\\0\", $values);\n")
            }
        }

        var command: (executable: String, arguments: [String]) {
            switch self {
            case .javaScript: ("/usr/bin/node", [])
            case .go: ("/usr/bin/go", ["run"])
            case .ruby: ("/usr/bin/ruby", [])
            case .php: ("/usr/bin/php", [])
            }
        }
    }

    @Test(arguments: LiteralLanguage.allCases)
    func languageReadsEveryLiteralBack(_ language: LiteralLanguage) async throws {
        let values = Self.corpus()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (name, source) = language.program(values)
        let file = directory.appendingPathComponent(name)
        try source.write(to: file, atomically: false, encoding: .utf8)
        let (executable, arguments) = language.command
        let result = try await runDetached(
            executable, arguments + [file.path], environment: SnippetLiveTests.goEnvironment.merging(["HOME": directory.path, "PATH": "/usr/bin:/bin"]) { $1 },
            directory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectSameValues(result.stdoutBytes, values)
    }

    static let samples: [ConnectionSettings] = {
        var hostile: [String] = []
        forEachFixedCase(3, seed: 5, of: hostileString) { hostile.append($0) }
        return [
            ConnectionSettings(
                endpoints: [Endpoint(host: "db.example.com", port: 5432)], user: "alex", dbname: "app",
                sslmode: .verifyFull, sslrootcert: "/etc/ssl/certs/ca-certificates.crt"),
            ConnectionSettings(
                endpoints: [Endpoint(host: "a.example.com", port: 5432), Endpoint(host: "::1", port: 5433)],
                user: hostile[0], password: hostile[1], dbname: hostile[2], sslmode: .verifyFull,
                sslrootcert: "system", otherOptions: [LibpqOption("application_name", hostile[0])]),
        ]
    }()

    /// Each language's own syntax (and, for Go, type) check of a snippet as printed.
    static let syntaxChecks: [SnippetClient: [String]] = [
        .psycopg2: ["/usr/bin/python3", "-m", "py_compile"], .psycopg: ["/usr/bin/python3", "-m", "py_compile"],
        .asyncpg: ["/usr/bin/python3", "-m", "py_compile"], .sqlalchemy: ["/usr/bin/python3", "-m", "py_compile"],
        .django: ["/usr/bin/python3", "-m", "py_compile"], .nodePG: ["/usr/bin/node", "--check"],
        .pgx: ["/usr/bin/go", "vet"], .libPQ: ["/usr/bin/go", "vet"], .rubyPG: ["/usr/bin/ruby", "-c"],
        .phpPDO: ["/usr/bin/php", "-l"],
    ]

    @Test(arguments: samples.indices, syntaxChecks.keys.sorted { $0.rawValue < $1.rawValue })
    func snippetsCompile(sample: Int, client: SnippetClient) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(client.fileName).path
        try Self.samples[sample].snippet(for: client).text.write(toFile: file, atomically: false, encoding: .utf8)
        let check = Self.syntaxChecks[client]!
        let result = try await runDetached(
            check[0], Array(check.dropFirst()) + [file],
            environment: SnippetLiveTests.goEnvironment.merging(["HOME": directory.path, "PATH": "/usr/bin:/bin"]) { $1 },
            directory: directory)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test(arguments: samples.indices)
    func jdbcSnippetCompilesAgainstPgjdbc(sample: Int) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("Snippet.java").path
        try Self.samples[sample].snippet(for: .jdbc).text.write(toFile: file, atomically: false, encoding: .ascii)
        let result = try run("/usr/bin/javac", ["-cp", Self.jdbcJar, "-d", directory.path, file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("Snippet.class").path))
    }

    @Test func psqlSnippetIsOneShellWord() throws {
        let settings = Self.samples[1]
        let snippet = try settings.snippet(for: .psql).text
        // A real shell runs the snippet with psql as a function: the connection string (without the password) must
        // arrive as one argument, unchanged, and the password, unchanged, in PGPASSWORD.
        let result = try run("/bin/sh", ["-c", "psql() { printf '%s\\0%s' \"$1\" \"$PGPASSWORD\"; }\n" + snippet])
        let received = result.stdoutBytes.split(separator: 0, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(received == [settings.withoutSecrets.uri, settings.password!])
    }
}
