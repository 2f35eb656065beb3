import ArgumentParser
import PGSecureLibPQ
import PGSecureModel

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Connect for real and report what was verified, or why it failed.",
        discussion: """
            One connection through libpq with exactly these settings: the verdict (verified-full, verified-ca, \
            encrypted-unverified, unencrypted, local-socket, failed), TLS and certificate facts, a diagnosis with a fix, \
            and timings; with several hosts, which one answered and each host's own result. \
            Exit 0 when connected, 1 when not, 2 for bad input. The password never appears in the output.

            Limit: libpq looks up host names itself, synchronously, and neither --timeout nor cancelling can interrupt \
            that: a DNS lookup that hangs is bounded only by the resolver (resolv.conf timeout and attempts; about 10 s \
            per name server by default). To bound it, pass the address too: hostaddr=IP with host=NAME (libpq still \
            checks the certificate against NAME and sends it as SNI).
            """)
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print the report as JSON for scripts.") var json = false
    @Option(help: ArgumentHelp("Give up after this many seconds (default 10).", valueName: "seconds"))
    var timeout: Double = ConnectionTester.defaultTimeout

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout must be more than 0 and at most 3600 seconds")
        }
    }

    func run() async throws {
        let resolved = try connection.resolve(keepsSecrets: true)
        connection.announce(resolved)
        var report = await ConnectionTester.test(resolved.settingsToTest, timeout: timeout, environment: Console.current.environment)
        report.sources = resolved.sources.mapValues(\.description)
        Console.current.output(json ? report.json : report.text)
        if !report.connected { throw ExitCode(1) }
    }
}
