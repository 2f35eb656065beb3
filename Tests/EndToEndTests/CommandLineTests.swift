import Foundation
import Testing

/// What only a real process shows: its exit on a closed pipe, file permissions as another user, the wiring.
@Suite("pgsecure as a process")
struct CommandLineTests {
    static let neon = "postgres://alex:AbC123dEf@ep-cool-darkness-123456.us-east-2.aws.neon.tech/dbname?sslmode=require"
    static let bundle = "/etc/ssl/certs/ca-certificates.crt"

    /// The executable wires the process's streams, environment and exit status to the commands.
    @Test func theBinaryRunsTheCommands() throws {
        let result = try pgsecure(["url", Self.neon])
        #expect(result.status == 0)
        #expect(result.stdout == "postgresql://alex@ep-cool-darkness-123456.us-east-2.aws.neon.tech/dbname?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fcerts%2Fca-certificates.crt\n")
        #expect(result.stderr.contains("require changed to verify-full"))
        let bad = try pgsecure(["url", "--host", "h", "--port", "99999"])
        #expect(bad.status == 2)
        #expect(bad.stdout.isEmpty && bad.stderr.hasPrefix("pgsecure: port: "))
        let help = try pgsecure(["--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE"))
    }

    /// The reader is gone before pgsecure writes (`true` exits at once): a plain exit 1, not death by SIGPIPE (141).
    @Test func aClosedPipeIsAnErrorNotASignal() throws {
        let result = try run("/bin/bash", ["-c", "'\(pgsecureBinary)' snippet jdbc --host h -q | true; echo \"${PIPESTATUS[0]}\""])
        #expect(result.stdout == "1\n")
    }

    @Test func anUnreadableRootFileIsBadInput() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("root.crt").path
        try FileManager.default.copyItem(atPath: Self.bundle, toPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: path)
        // Root reads anything: drop to nobody so the permission bits count.
        let result = try run(
            "/usr/sbin/runuser", ["-u", "nobody", "--", pgsecureBinary, "url", "--host", "h", "--sslrootcert", path],
            environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("not readable") || result.stderr.contains("does not exist"))
        #expect(result.stdout.isEmpty)
    }
}

/// What only a process's own file descriptors and raw argv show.
@Suite("pgsecure's stdout and argv as a process")
struct ProcessEdgeTests {
    /// `> file` with the password: the user's own readable file is narrowed to 0600 before the secret lands.
    @Test(arguments: [true, false])
    func aSecretRedirectedToAReadableFileNarrowsIt(includePassword: Bool) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("db.env").path
        let flag = includePassword ? "--include-password" : ""
        let result = try run(
            "/bin/sh", ["-c", "umask 022; '\(pgsecureBinary)' env 'host=h password=pw' \(flag) > '\(file)'"],
            environment: ["PATH": "/usr/bin:/bin", "HOME": emptyHome.path])
        #expect(result.status == 0, "\(result.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == (includePassword ? 0o600 : 0o644))
        #expect(result.stderr.contains("narrowed it to mode 600") == includePassword)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("PGPASSWORD='pw'") == includePassword)
    }

    @Test func aPipeIsNeverTouched() throws {
        let result = try run(
            "/bin/sh", ["-c", "'\(pgsecureBinary)' env 'host=h password=pw' --include-password | cat"],
            environment: ["PATH": "/usr/bin:/bin", "HOME": emptyHome.path])
        #expect(result.status == 0)
        #expect(!result.stderr.contains("narrowed"))
    }

    /// Latin-1 in argv: refused with its place, not turned into U+FFFD.
    @Test func latin1InArgvIsRefused() throws {
        let result = try run("/bin/bash", ["-c", "'\(pgsecureBinary)' url --host h --user $'al\\xe9x'"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("pgsecure: the value of --user: is not valid UTF-8 text"), "\(result.stderr)")
    }
}

/// `run`'s timeout: a hung child (or a process it left holding its output) fails its test with a clear message
/// instead of hanging the whole run.
@Suite("Processes.run never hangs")
struct ProcessTimeoutTests {
    @Test func aHungChildIsKilledAndReported() throws {
        let started = Date()
        let error = try #require(throws: ProcessTimedOut.self) { try run("/bin/sleep", ["60"], timeout: 1) }
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(error.description.contains("/bin/sleep (or a process it started) did not finish within 1.0 s and was killed"), "\(error)")
    }

    @Test func aLeftoverHoldingTheOutputIsKilledToo() throws {
        let started = Date()
        let error = try #require(throws: ProcessTimedOut.self) {
            try run("/bin/sh", ["-c", "echo started >&2; sleep 60 & exit 0"], timeout: 1)
        }
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(error.stderr == "started\n")
    }

    @Test func theTimeoutNeverShowsAPasswordArgument() {
        let error = ProcessTimedOut(program: "/usr/bin/psql", command: "postgresql://u:secret@h/db", seconds: 1, stderr: "")
        #expect(!error.description.contains("secret"))
    }
}
