import CLibPQ
import TestSupport
import Foundation
import Testing
@testable import PGSecureLibPQ
import PGSecureModel

/// The tester as a library (what the wizard calls): async, cancellable, explicit about ~/.postgresql.
@Suite struct TesterLibraryTests {
    func settings(_ lab: TLSLab, port: Int, mode: SSLMode = .verifyFull) -> ConnectionSettings {
        ConnectionSettings(
            endpoints: [Endpoint(host: "localhost", port: port)], user: lab.user, password: lab.password,
            dbname: "postgres", sslmode: mode, sslrootcert: lab.rootCertificate)
    }

    @Test func asyncTestConnectsAndTimesEachPhase() async throws {
        let lab = try TLSLab.load()
        let report = await ConnectionTester.test(settings(lab, port: lab.port("good")), timeout: 10, environment: [:])
        #expect(report.connected)
        #expect(report.verdict == .verifiedFull)
        #expect(report.timings.tls > 0 && report.timings.auth > 0)
        #expect(report.timings.total >= report.timings.dns + report.timings.tcp + report.timings.tls + report.timings.auth - 0.01)
        #expect(report.chainCheck?.isTrusted == true)
        #expect(report.chainCheck?.verifiedPath.count == 3)
    }

    /// The chain is checked while the server authenticates (overlapping it); that check must be the one a check after
    /// connecting would give, and it must not speak for another server or chain libpq moved on to.
    @Test func theChainCheckMadeDuringAuthenticationIsTheOneForTheServerThatAnswered() throws {
        let lab = try TLSLab.load()
        let report = ConnectionTester.test(settings(lab, port: lab.port("good")), timeout: 10, environment: [:])
        let afterwards = try #require(ChainInspector.probe(
            address: "localhost", port: lab.port("good"), serverName: "localhost", sendsServerName: true,
            rootFile: lab.rootCertificate, revocation: RevocationFiles(), timeout: 5, now: report.now))
        #expect(report.chainCheck == afterwards)

        let server = ReachedServer(host: "localhost", port: "5432", address: "127.0.0.1")
        let early = EarlyChainCheck(server: server, check: afterwards)
        let chain = afterwards.presented.map(\.sha256)
        #expect(chain.count == 2)
        #expect(early.applies(to: server, chainSHA256: chain))
        for other in [
            ReachedServer(host: "127.0.0.1", port: "5432", address: "127.0.0.1"),
            ReachedServer(host: "localhost", port: "5433", address: "127.0.0.1"),
            ReachedServer(host: "localhost", port: "5432", address: "127.0.0.2"),  // host=db,db hostaddr=A,B
        ] {
            #expect(!early.applies(to: other, chainSHA256: chain))
        }
        #expect(!early.applies(to: server, chainSHA256: [chain[0], "00:11"]))  // the same leaf, another intermediate
        #expect(!early.applies(to: server, chainSHA256: [chain[0]]))
    }

    /// The hook runs at the first authentication wait of every attempt, so the one that answers has its own early
    /// check: after startingup's 57P03 (libpq moves to the next host) and after sslmode=allow's plaintext try (good
    /// refuses it, libpq retries with TLS).
    @Test func theAuthenticationHookRunsInEachAttempt() throws {
        let lab = try TLSLab.load()
        func attempts(_ settings: ConnectionSettings) -> [String] {
            var seen: [String] = []
            let attempt = AsyncConnection.run(
                ConnectionPlan(settings, environment: ["HOME": "/nonexistent"]).options, timeout: 10, cancellation: nil
            ) { connection in
                seen.append("\(ReachedServer(connection).address ?? "?") tls=\(PQsslInUse(connection))")
            }
            #expect(attempt.connection.map { PQstatus($0) == CONNECTION_OK } == true)
            PQfinish(attempt.connection)
            return seen
        }
        let (server, startingUp) = try startingUpThenGood(lab)
        defer { withExtendedLifetime(server) {} }  // serving until the test ends
        #expect(attempts(startingUp) == ["127.0.0.1 tls=1", "127.0.0.1 tls=1"])
        #expect(attempts(settings(lab, port: lab.port("good"), mode: .allow)) == ["127.0.0.1 tls=0", "127.0.0.1 tls=1"])
    }

    /// The check overlaps the server's authentication. When the server answered while it ran, the wait was the
    /// check's, not the server's: left out of auth and total. When the server is slower, nothing is left out.
    @Test func theChainChecksOwnTimeIsNotTheServers() throws {
        let lab = try TLSLab.load()
        func run(_ settings: ConnectionSettings, timeout: Double, hookSleeps seconds: UInt32) -> PhaseTimings {
            let attempt = AsyncConnection.run(
                ConnectionPlan(settings, environment: ["HOME": "/nonexistent"]).options, timeout: timeout, cancellation: nil
            ) { _ in sleep(seconds) }
            PQfinish(attempt.connection)
            return attempt.timings
        }
        // good answers at once: the 2 s are all the hook's (loose bounds: a parallel run slows the server too).
        let quick = run(settings(lab, port: lab.port("good")), timeout: 10, hookSleeps: 2)
        #expect(quick.auth >= 0 && quick.auth < 1_500, "\(quick)")
        #expect(quick.total < 1_500, "\(quick)")
        #expect(quick.total >= quick.dns + quick.tcp + quick.tls + quick.auth - 0.01)
        // silent never answers: the whole 3 s timeout was the server's, the hook's second inside it.
        let slow = run(settings(lab, port: lab.port("silent"), mode: .disable), timeout: 3, hookSleeps: 1)
        #expect(slow.total >= 2_950, "\(slow)")
        #expect(slow.auth >= 2_500, "\(slow)")
    }

    /// A startingup server of the test's own (good's leaf with another intermediate, then 57P03; every later client is
    /// relayed to good), twice: host=localhost,localhost port=P,P. libpq's first attempt meets the fake, its second
    /// reaches good through the relay: the same host name, port and address, the same leaf, another intermediate.
    /// root+intermediate.crt verifies both chains, so libpq gets past TLS on both.
    func startingUpThenGood(_ lab: TLSLab) throws -> (server: PrivateFakeServer, settings: ConnectionSettings) {
        let server = try PrivateFakeServer(
            "startingup", [lab.pki + "/startingup.crt", lab.pki + "/good.key", String(lab.port("good"))])
        let settings = ConnectionSettings(
            endpoints: [Endpoint(host: "localhost", port: server.port), Endpoint(host: "localhost", port: server.port)],
            user: lab.user, password: lab.password, dbname: "postgres", sslmode: .verifyFull,
            sslrootcert: lab.pki + "/root+intermediate.crt")
        return (server, settings)
    }

    /// The startingup server completes TLS, then answers "the database system is starting up" (57P03), and libpq
    /// tries the next host: good, with the same host name, port, address and leaf, but another intermediate. The chain
    /// checked while the first server authenticated must not be reported for the second.
    @Test func aChainCheckedWhileAServerStartingUpAuthenticatedIsNotReportedForTheNextHost() throws {
        let lab = try TLSLab.load()
        let (server, settings) = try startingUpThenGood(lab)
        defer { withExtendedLifetime(server) {} }  // serving until the test ends
        let report = ConnectionTester.test(settings, timeout: 10, environment: ["HOME": "/nonexistent"])
        #expect(report.connected, "\(report.libpqMessage ?? "")")

        let good = try #require(ChainInspector.probe(
            address: "127.0.0.1", port: lab.port("good"), serverName: "localhost", sendsServerName: true,
            rootFile: settings.sslrootcert, revocation: RevocationFiles(), timeout: 5, now: report.now))
        let check = try #require(report.chainCheck)
        #expect(check.presented.map(\.sha256) == good.presented.map(\.sha256), "\(check.presented.map(\.notAfter))")
        #expect(check == good)
    }

    /// One host name twice, told apart by hostaddr (::1, where nothing listens, then 127.0.0.1): only the address that
    /// answered is marked answered in the per-host table.
    @Test func theAnsweredHostIsToldApartByItsAddress() throws {
        let lab = try TLSLab.load()
        var settings = ConnectionSettings(
            endpoints: [Endpoint(host: "localhost", port: lab.port("good")), Endpoint(host: "localhost", port: lab.port("good"))],
            user: lab.user, password: lab.password, dbname: "postgres", sslmode: .verifyFull, sslrootcert: lab.rootCertificate)
        settings.otherOptions.set("hostaddr", "::1,127.0.0.1")
        let report = ConnectionTester.test(settings, timeout: 10, environment: ["HOME": "/nonexistent"])
        #expect(report.connected, "\(report.libpqMessage ?? "")")
        #expect(report.hosts.map(\.answered) == [false, true], "\(report.hosts)")
    }

    /// Two hosts and one hostaddr: libpq refuses the whole string and tries no host, so no host gets a row of its own
    /// (tested alone with that one address, each would have connected).
    @Test func hostaddrCountsThatDoNotMatchGiveNoPerHostRows() throws {
        let lab = try TLSLab.load()
        var settings = ConnectionSettings(
            endpoints: [Endpoint(host: "localhost", port: lab.port("good")), Endpoint(host: "localhost", port: lab.port("good"))],
            user: lab.user, password: lab.password, dbname: "postgres", sslmode: .verifyFull, sslrootcert: lab.rootCertificate)
        settings.otherOptions.set("hostaddr", "127.0.0.1")
        let report = ConnectionTester.test(settings, timeout: 10, environment: ["HOME": "/nonexistent"])
        #expect(!report.connected)
        #expect(report.libpqMessage?.contains("could not match 2 host names to 1 hostaddr values") == true, "\(report.libpqMessage ?? "")")
        // The one row is the whole string's own result, as for a single host.
        #expect(report.hosts.count == 1 && report.hosts.first?.summary.contains("could not match") == true, "\(report.hosts)")
    }

    /// The lab's sniroute server shows good's certificate to a client that sends SNI and untrusted's to one that sends
    /// none. With sslsni=0 libpq sends none and refuses untrusted's chain: the chain fetched to explain that refusal
    /// must be the one libpq saw, not the one SNI would have picked.
    @Test func theChainProbeSendsNoServerNameWhenSSLSNIIsOff() throws {
        let lab = try TLSLab.load()
        var settings = settings(lab, port: lab.port("sniroute"))
        settings.otherOptions.set("sslsni", "0")
        let report = ConnectionTester.test(settings, timeout: 10, environment: ["HOME": "/nonexistent"])
        #expect(report.libpqMessage?.contains("certificate verify failed") == true, "\(report.libpqMessage ?? "")")
        let check = try #require(report.chainCheck)
        #expect(check.presented.first?.issuer.contains("untrusted rogue CA") == true, "\(check.presented)")
        #expect(!check.isTrusted)
    }

    /// The probe's SNI follows the plan: sslsni (libpq's default "1" when unset or empty) and the host's form.
    @Test func theProbeSendsServerNameAsLibpqDoes() throws {
        let lab = try TLSLab.load()
        // The server really routes on SNI: with it, the probe (like libpq by default) gets good's trusted chain.
        let named = try #require(ChainInspector.probe(
            address: "localhost", port: lab.port("sniroute"), serverName: "localhost", sendsServerName: true,
            rootFile: lab.rootCertificate, revocation: RevocationFiles(), timeout: 5, now: 0))
        #expect(named.presented.first?.issuer.contains("pgsecure lab intermediate CA") == true)

        var settings = settings(lab, port: lab.port("sniroute"))
        func sends() -> Bool { ConnectionPlan(settings, environment: ["HOME": "/nonexistent"]).sendsServerName }
        #expect(sends())
        settings.otherOptions.set("sslsni", "0")
        #expect(!sends())
        settings.otherOptions.set("sslsni", "1")
        #expect(sends())
        settings.otherOptions.set("sslsni", "")
        #expect(sends())
        settings.endpoints = [Endpoint(host: "127.0.0.1", port: lab.port("sniroute"))]  // never for an IP address
        #expect(!sends())
        // Nor with hostaddr alone: libpq takes SNI from host, which is empty then (the report still says localhost).
        settings.endpoints = []
        settings.otherOptions.set("hostaddr", "127.0.0.1")
        #expect(!sends())
    }

    @Test func cancellingTheTaskStopsAHangingConnectAtOnce() async throws {
        // A silent server of the test's own: once it has read libpq's SSLRequest, libpq is waiting for an answer
        // that never comes, so the cancel below hits a connect that really hangs (no guessed sleep).
        let server = try SilentServer()
        let settings = ConnectionSettings(endpoints: [Endpoint(host: "127.0.0.1", port: server.port)], sslmode: .require)
        let clock = ContinuousClock()
        // A 120 s timeout: the "cancelled" message and the elapsed time prove cancellation ended it, not the timeout.
        let task = Task { await ConnectionTester.test(settings, timeout: 120, environment: ["HOME": "/nonexistent"]) }
        // Generous: in a full parallel run, synchronous suites (tmux polling) can hold every cooperative thread for
        // a minute, and neither this wait nor the connect's task runs meanwhile. Still below the 120 s timeout.
        try await server.waitForSSLRequest(within: .seconds(100))
        let cancelledAt = clock.now
        task.cancel()
        let report = await task.value
        #expect(!report.connected)
        #expect(report.libpqMessage?.contains("cancelled") == true)
        // Loose bound (parallel tests may hold threads), still far below the timeout.
        #expect(clock.now - cancelledAt < .seconds(10))
    }

    @Test func ownTimeoutIsHonoured() async throws {
        let lab = try TLSLab.load()
        let report = await ConnectionTester.test(settings(lab, port: lab.port("silent")), timeout: 0.5, environment: [:])
        #expect(report.diagnosis.code == .timeout)
        #expect(report.timings.total >= 450 && report.timings.total < 5_000)
    }

    @Test func homeRootCertificateIsPassedExplicitlyAndReported() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".postgresql"), withIntermediateDirectories: true)
        let settings = ConnectionSettings(endpoints: [Endpoint(host: "db.example.com")], sslmode: .require)

        let without = ConnectionPlan(settings, environment: ["HOME": home.path])
        #expect(without.options["sslrootcert"] == nil && without.homeRootCertificate == nil)

        let root = home.appendingPathComponent(".postgresql/root.crt").path
        FileManager.default.createFile(atPath: root, contents: Data("x".utf8))
        let with = ConnectionPlan(settings, environment: ["HOME": home.path])
        #expect(with.options["sslrootcert"] == root)
        #expect(with.homeRootCertificate == root)
        #expect(with.target.rootFile == root)

        var explicit = settings
        explicit.sslrootcert = "/elsewhere.crt"
        #expect(ConnectionPlan(explicit, environment: ["HOME": home.path]).homeRootCertificate == nil)
    }

    /// libpq's other default files: ~/.postgresql/root.crl (only with a root file, and only when neither sslcrl nor
    /// sslcrldir is set), postgresql.crt and postgresql.key (when the certificate exists) are passed explicitly too.
    @Test func homeCRLAndClientCertificateArePassedExplicitly() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let directory = home.appendingPathComponent(".postgresql")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["root.crt", "root.crl", "postgresql.crt"] {
            FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data("x".utf8))
        }
        let settings = ConnectionSettings(endpoints: [Endpoint(host: "db.example.com")], sslmode: .verifyFull)
        let plan = ConnectionPlan(settings, environment: ["HOME": home.path])
        #expect(plan.options["sslcrl"] == directory.path + "/root.crl")
        #expect(plan.revocation.file == directory.path + "/root.crl")
        #expect(plan.options["sslcert"] == directory.path + "/postgresql.crt")
        #expect(plan.options["sslkey"] == directory.path + "/postgresql.key")
        #expect(plan.clientCertificate()?.keyMode == nil)  // no key file: libpq will say so

        var withDirectory = settings
        withDirectory.otherOptions.set("sslcrldir", "/crls")
        #expect(ConnectionPlan(withDirectory, environment: ["HOME": home.path]).options["sslcrl"] == nil)
        var explicit = settings
        explicit.otherOptions.set("sslcert", "/nowhere/client.crt")
        let missing = ConnectionPlan(explicit, environment: ["HOME": home.path])
        #expect(missing.clientCertificateFile == nil && missing.absentClientCertificateFile == "/nowhere/client.crt")
        #expect(ConnectionPlan(settings, environment: ["HOME": "/nonexistent"]).options["sslcert"] == nil)

        // libpq sends no client certificate over a socket: the report must not name one.
        #expect(!plan.onlySockets)
        var socket = settings
        socket.endpoints = [Endpoint(host: "/var/run/postgresql"), Endpoint(host: "@abstract")]
        #expect(ConnectionPlan(socket, environment: ["HOME": home.path]).onlySockets)
        socket.otherOptions.set("hostaddr", "127.0.0.1,127.0.0.1")
        #expect(!ConnectionPlan(socket, environment: ["HOME": home.path]).onlySockets)
    }

    /// Without a home directory only libpq's ~/.postgresql defaults are gone: an explicit sslcert and sslkey are
    /// still passed, named in the report and their key's mode checked.
    @Test func explicitClientFilesNeedNoHomeDirectory() throws {
        let lab = try TLSLab.load()
        var settings = settings(lab, port: lab.port("clientcert"))
        settings.otherOptions.set("sslcert", lab.pki + "/client.crt")
        settings.otherOptions.set("sslkey", lab.pki + "/client.key")
        let plan = ConnectionPlan(settings, home: nil)
        #expect(plan.options["sslcert"] == lab.pki + "/client.crt")
        #expect(plan.options["sslkey"] == lab.pki + "/client.key")
        let client = try #require(plan.clientCertificate())
        #expect(client.leaf?.subject == "CN=pgsecure")
        #expect(client.keyMode == 0o600)
        #expect(!client.keyRefused)

        // No sslkey and no home: libpq loads no key, so there is none to report (nor ~/.postgresql/postgresql.key).
        settings.otherOptions.set("sslkey", nil)
        let keyless = ConnectionPlan(settings, home: nil)
        #expect(keyless.clientCertificateFile == lab.pki + "/client.crt" && keyless.clientKeyFile == nil)
        #expect(keyless.options["sslkey"] == nil)
        settings.otherOptions.set("sslcert", "/nowhere/client.crt")
        #expect(ConnectionPlan(settings, home: nil).absentClientCertificateFile == "/nowhere/client.crt")
    }

    @Test func rootFileLoadedOnlyWhenLibpqWouldLoadIt() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgsecure-root-\(UUID().uuidString).crt").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(!ConnectionPlan.libpqLoads(rootFile: file, libpqVersion: 150_018))
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        #expect(ConnectionPlan.libpqLoads(rootFile: file, libpqVersion: 150_018))
        #expect(!ConnectionPlan.libpqLoads(rootFile: nil, libpqVersion: 150_018))
        #expect(!ConnectionPlan.libpqLoads(rootFile: FileManager.default.temporaryDirectory.path, libpqVersion: 150_018))
        // "system": a file name (relative to the working directory) before libpq 16, OpenSSL's store after.
        #expect(!ConnectionPlan.libpqLoads(rootFile: "system", libpqVersion: 150_018) || FileManager.default.fileExists(atPath: "system"))
        #expect(ConnectionPlan.libpqLoads(rootFile: "system", libpqVersion: 160_000))
    }

    /// Tests/lab/lab: lab.env (the password) and every private key are unreadable by other users; each server key is
    /// postgres's own 600 copy; no file other users can reach holds the password.
    @Test func labKeepsItsSecretsPrivate() throws {
        let lab = try TLSLab.load()
        let directory = try #require(lab.values["LAB_DIR"])
        func mode(_ path: String) -> (mode: mode_t, uid: uid_t)? {
            var status = stat()
            return lstat(path, &status) == 0 ? (status.st_mode, status.st_uid) : nil
        }
        #expect(mode(directory + "/lab.env").map { $0.mode & 0o777 } == 0o600)
        let postgres = try #require(getpwnam("postgres")).pointee.pw_uid
        var keys = 0
        // Walk what others can traverse (o+x directories) and check what they could read.
        func walk(_ path: String, othersReach: Bool) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: path) {
                let child = path + "/" + name
                guard let (bits, owner) = mode(child) else { continue }
                if (bits & S_IFMT) == S_IFDIR {
                    try walk(child, othersReach: othersReach && bits & 0o001 != 0)
                    continue
                }
                guard (bits & S_IFMT) == S_IFREG else { continue }
                if name.hasSuffix(".key") {
                    keys += 1
                    #expect(bits & 0o077 == 0, "\(child) is readable by others: \(String(bits & 0o777, radix: 8))")
                    if name == "server.key" { #expect(owner == postgres, "\(child)") }
                }
                if othersReach, bits & 0o004 != 0, let text = try? String(contentsOfFile: child, encoding: .utf8) {
                    #expect(!text.contains(lab.password), "\(child) holds the lab password and is world-readable")
                }
            }
        }
        try walk(directory, othersReach: mode(directory).map { $0.mode & 0o001 != 0 } ?? false)
        #expect(keys >= 10)
    }

    @Test func planAlwaysNamesAnSSLMode() {
        let plan = ConnectionPlan(ConnectionSettings(endpoints: [Endpoint(host: "h")]), environment: ["HOME": "/nonexistent"])
        #expect(plan.options["sslmode"] == "prefer")
        #expect(plan.target.port == 5432)
    }
}

/// Listens on a free loopback port, accepts one client and never answers it.
private final class SilentServer {
    let port: Int
    private let listener: Int32
    private var client: Int32 = -1

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard listener >= 0, ok else {
            if listener >= 0 { close(listener) }
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls (without blocking a cooperative thread) until a client connected and sent its 8-byte SSLRequest.
    func waitForSSLRequest(within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        var received: [UInt8] = []
        while received.count < 8 {
            if ContinuousClock.now > deadline { throw POSIXError(.ETIMEDOUT) }
            var descriptor = [pollfd(fd: client >= 0 ? client : listener, events: Int16(POLLIN), revents: 0)]
            if poll(&descriptor, 1, 0) == 1 {
                if client < 0 {
                    client = accept(listener, nil, nil)
                } else {
                    var buffer = [UInt8](repeating: 0, count: 8 - received.count)
                    let count = recv(client, &buffer, buffer.count, 0)
                    if count <= 0 { throw POSIXError(.ECONNRESET) }
                    received += buffer.prefix(count)
                }
                continue
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        // SSLRequest: length 8, code 80877103.
        #expect(received == [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F])
    }

    deinit {
        if client >= 0 { close(client) }
        close(listener)
    }
}
