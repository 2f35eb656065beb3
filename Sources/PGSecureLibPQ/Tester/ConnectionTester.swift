#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import COpenSSL
import Dispatch
import PGSecureDisk
import PGSecureModel

/// One real connection through libpq with exactly the given settings, observed phase by phase.
/// Returns a `Report`; never prints. The password is passed to libpq and nowhere else.
public enum ConnectionTester {
    public static let defaultTimeout: Double = 10

    /// Connects on a thread of its own so a cooperative-pool thread is never blocked; cancelling the task abandons the
    /// attempt at once (reported as a timeout-like failure). A serial queue of its own, not `DispatchQueue.global()`:
    /// the global queue runs as many blocks at once as there are cores, so other blocking work (an audit's other
    /// connections, a busy test run) would hold this one back; a serial queue gets a thread when it needs one.
    public static func test(
        _ settings: ConnectionSettings, timeout: Double = defaultTimeout, environment: [String: String]
    ) async -> Report {
        let cancellation = CancellationPipe()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue(label: "pgsecure.connection-test").async {
                    continuation.resume(
                        returning: test(settings, timeout: timeout, environment: environment, cancellation: cancellation))
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Blocks the calling thread for at most `timeout` seconds (plus a chain probe of at most the same on failure).
    public static func test(
        _ settings: ConnectionSettings, timeout: Double = defaultTimeout, environment: [String: String],
        cancellation: CancellationPipe? = nil
    ) -> Report {
        let plan = ConnectionPlan(settings, environment: environment)
        var evidence = ConnectionEvidence(
            target: plan.target, connected: false, homeRootCertificate: plan.homeRootCertificate,
            rootFileLoaded: ConnectionPlan.libpqLoads(rootFile: plan.target.rootFile, libpqVersion: LibPQ.version),
            timeoutSeconds: timeout, libpqVersion: LibPQ.versionText, now: Int64(time(nil)))
        // Read before connecting: which certificate libpq sends, and whether it will refuse the key's mode.
        evidence.clientCertificate = plan.onlySockets ? nil : plan.clientCertificate()  // libpq sends none over a socket
        evidence.absentClientCertificateFile = plan.absentClientCertificateFile
        evidence.revocationGiven = plan.revocation.description
        evidence.sslpasswordGiven = !(plan.options["sslpassword"] ?? "").isEmpty

        LibpqHooks.installOnce()
        let now = evidence.now
        func checkChain(_ ssl: OpaquePointer, hostName: String) -> ChainCheck? {
            ChainInspector.check(ssl: ssl, rootFile: plan.target.rootFile, revocation: plan.revocation, hostName: hostName, now: now)
        }
        // The chain is checked (an OpenSSL load of the root file) while the server authenticates, not after: in each
        // attempt, so the one that answers has its own.
        var earlyCheck: EarlyChainCheck?
        let attempt = AsyncConnection.run(plan.options, timeout: timeout, cancellation: cancellation) { connection in
            let server = ReachedServer(connection)
            earlyCheck = nil  // an earlier attempt's is of no use once libpq moved on
            guard PQsslInUse(connection) == 1, let ssl = PQsslStruct(connection, "OpenSSL"), !server.host.isEmpty,
                  let check = checkChain(OpaquePointer(ssl), hostName: server.host) else { return }
            earlyCheck = EarlyChainCheck(server: server, check: check)
        }
        defer { PQfinish(attempt.connection) }
        let connection = attempt.connection
        evidence.timings = attempt.timings
        evidence.connected = attempt.connection.map { PQstatus($0) == CONNECTION_OK } ?? false

        var answered: ReachedServer?
        if evidence.connected, let connection {
            // The host and port that answered: one of several, or libpq's default socket directory.
            let server = ReachedServer(connection)
            answered = server
            if !server.host.isEmpty {
                evidence.target = plan.target.answered(host: server.host, port: server.port.flatMap { Int($0) } ?? plan.target.port)
            }
            evidence.overUnixSocket = Self.isUnixSocket(PQsocket(connection))
            if evidence.overUnixSocket { evidence.clientCertificate = nil }  // libpq sends none over a socket
            evidence.sslInUse = PQsslInUse(connection) == 1
            if evidence.sslInUse {
                evidence.tls = TLSFacts(
                    protocol: attribute(connection, "protocol"), cipher: attribute(connection, "cipher"),
                    bits: attribute(connection, "key_bits").flatMap { Int($0) })
                if let ssl = PQsslStruct(connection, "OpenSSL").map(OpaquePointer.init) {
                    if let earlyCheck, earlyCheck.applies(to: server, chainSHA256: ChainInspector.peerChainSHA256(ssl: ssl)) {
                        evidence.chainCheck = earlyCheck.check
                    } else {
                        evidence.chainCheck = checkChain(ssl, hostName: evidence.target.host)
                    }
                }
            }
            evidence.serverVersion = PQparameterStatus(connection, "server_version").map { String(cString: $0) }
            evidence.reachedUser = PQuser(connection).map { String(cString: $0) }
            evidence.reachedDatabase = PQdb(connection).map { String(cString: $0) }
        } else {
            evidence.libpqMessage = attempt.failure
                ?? connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) }
                ?? "out of memory"
            if Self.wantsChainProbe(evidence.libpqMessage!), !Endpoint(host: plan.target.host).isSocket {
                evidence.chainCheck = ChainInspector.probe(
                    address: plan.target.hostaddr ?? plan.target.host, port: plan.target.port,
                    serverName: plan.target.host, sendsServerName: plan.sendsServerName, rootFile: plan.target.rootFile,
                    revocation: plan.revocation, timeout: min(timeout, 5), now: evidence.now)
            }
        }
        if settings.endpoints.count > 1 {
            evidence.hosts = eachHost(settings, answered: answered, timeout: timeout, environment: environment, cancellation: cancellation)
        }
        return Report(evidence)
    }

    /// libpq tries the hosts in order and stops at the first that accepts; its message then says nothing about the
    /// others, and a failure's lines do not say which host each line is about when names repeat. So each host is tested
    /// on its own, with the same settings: every result is one libpq really produced for that host.
    /// `answered`: the server the whole connection reached (nil: none). With a hostaddr per host it is told apart by
    /// its address too (`host=db,db hostaddr=A,B` names one host twice).
    static func eachHost(
        _ settings: ConnectionSettings, answered: ReachedServer?, timeout: Double, environment: [String: String],
        cancellation: CancellationPipe?
    ) -> [HostOutcome] {
        let addresses = settings.otherOptions["hostaddr"]?.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let hasAddressPerHost = addresses?.count == settings.endpoints.count
        // libpq refuses the whole string when the counts differ ("could not match N host names to M hostaddr
        // values"): no host is tried, so none has a row.
        if addresses != nil, !hasAddressPerHost { return [] }
        return settings.endpoints.enumerated().map { index, endpoint in
            var single = settings
            single.endpoints = [endpoint]
            if let addresses, hasAddressPerHost { single.otherOptions.set("hostaddr", addresses[index]) }
            let report = test(single, timeout: timeout, environment: environment, cancellation: cancellation)
            let isAnswered = answered.map { server in
                server.host == endpoint.host && server.port.flatMap({ Int($0) }) == report.target.port
                    && (!hasAddressPerHost || server.address == addresses?[index])
            } ?? false
            return HostOutcome(
                host: endpoint.host, port: report.target.port, answered: isAnswered, verdict: report.verdict,
                code: report.diagnosis.code, summary: report.diagnosis.summary)
        }
    }

    /// The connected socket's own address family: AF_UNIX means libpq went through a socket file.
    static func isUnixSocket(_ descriptor: Int32) -> Bool {
        guard descriptor >= 0 else { return false }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 }
        }
        return named && Int32(address.ss_family) == AF_UNIX
    }

    /// Failures where the server's certificate explains more than libpq's words.
    static func wantsChainProbe(_ message: String) -> Bool {
        ["certificate verify failed", "does not match host name", "root certificate file",
         "could not get server's host name"].contains { message.contains($0) }
    }

    static func attribute(_ connection: OpaquePointer, _ name: String) -> String? {
        PQsslAttribute(connection, name).map { String(cString: $0) }
    }
}

/// A chain check made while a server authenticated. libpq may still move on (another host or address, another
/// attempt), and a server there may send another chain under the same name, port and leaf (other intermediates).
/// The check depends only on the chain, the host name, the root file, the CRLs and the time: it speaks for the server
/// that answered when that is the same server and sent the same whole chain.
struct EarlyChainCheck {
    let server: ReachedServer
    let check: ChainCheck

    /// `chainSHA256`: the fingerprints of the answering server's whole peer chain, leaf first.
    func applies(to answered: ReachedServer, chainSHA256: [String]) -> Bool {
        server == answered && check.presented.map(\.sha256) == chainSHA256
    }
}

/// The server an attempt reached, as libpq names it: host (as given, else hostaddr), port, and the address connected to.
struct ReachedServer: Equatable {
    var host: String
    var port: String?
    var address: String?
}

extension ReachedServer {
    init(_ connection: OpaquePointer) {
        func text(_ value: UnsafeMutablePointer<CChar>?) -> String? { value.map { String(cString: $0) } }
        self.init(host: text(PQhost(connection)) ?? "", port: text(PQport(connection)), address: text(PQhostaddr(connection)))
    }
}

/// libpq's process-wide hooks, set once before the first connection.
enum LibpqHooks {
    /// Without a hook, an encrypted client key and no sslpassword make OpenSSL ask "Enter PEM pass phrase:" on the
    /// terminal, and `pgsecure test` hangs past any timeout. libpq's default hook hands OpenSSL the connection's
    /// sslpassword, or an empty one when there is none, and it is used only once a hook is installed: then such a
    /// key fails to load at once, and the diagnosis says why.
    private static let installed: Void = PQsetSSLKeyPassHook_OpenSSL { buffer, size, connection in
        PQdefaultSSLKeyPassHook_OpenSSL(buffer, size, connection)
    }

    /// Thread-safe and idempotent: a static's initializer runs exactly once.
    static func installOnce() { installed }
}

/// The exact keyword/value pairs handed to libpq, and what they mean for the report.
struct ConnectionPlan {
    var options: [LibpqOption]
    var target: TestTarget
    var homeRootCertificate: String?
    /// sslcrl / sslcrldir as libpq reads them (~/.postgresql/root.crl when neither is set and it exists).
    var revocation = RevocationFiles()
    /// The client certificate and key libpq sends: sslcert/sslkey, else ~/.postgresql/postgresql.crt and .key.
    /// Nil when the certificate file does not exist (libpq then sends none, without a word).
    var clientCertificateFile: String?
    var clientKeyFile: String?
    /// sslcert as given, when no such file exists.
    var absentClientCertificateFile: String?
    /// Whether libpq sends the target host as SNI (sslsni and the host's form): the chain probe must do the same.
    var sendsServerName = true

    init(_ settings: ConnectionSettings, environment: [String: String]) {
        self.init(settings, home: LocalFiles.homeDirectory(environment: environment))
    }

    /// `home`: the home directory libpq would find (nil: none, when neither HOME nor the password database gives one).
    init(_ settings: ConnectionSettings, home: String?) {
        var options = settings.options
        let mode = settings.sslmode ?? .prefer
        // libpq reads ~/.postgresql/root.crt when sslrootcert is unset, and then verifies even `require`.
        // Pass it explicitly so the test does what libpq would, and say so in the report.
        if settings.sslrootcert == nil, mode != .disable, let home {
            let candidate = home + "/.postgresql/root.crt"
            if access(candidate, F_OK) == 0 {
                options.set("sslrootcert", candidate)
                homeRootCertificate = candidate
            }
        }
        let defaults = home.map { $0 + "/.postgresql/" }
        // The same for libpq's other default files: the CRL (read only with a root file), the client certificate
        // and its key (read in every mode but disable). Passing them explicitly keeps the report exact. Only these
        // defaults need a home directory: an explicit sslcert/sslkey is read (and reported) without one.
        func nonEmpty(_ keyword: String) -> String? { options[keyword].flatMap { $0.isEmpty ? nil : $0 } }
        if mode != .disable {
            // Not with `system`, nor with a root file that is not there: libpq loads CRLs only in its root-file branch.
            if let defaults, let root = options["sslrootcert"], root != systemRootCertificate, access(root, F_OK) == 0,
                nonEmpty("sslcrl") == nil, nonEmpty("sslcrldir") == nil, access(defaults + "root.crl", F_OK) == 0
            {
                options.set("sslcrl", defaults + "root.crl")
            }
            if let certificate = nonEmpty("sslcert") ?? defaults.map({ $0 + "postgresql.crt" }) {
                if access(certificate, F_OK) == 0 {
                    options.set("sslcert", certificate)
                    // Without sslkey and a home directory libpq loads no key at all (and then fails on the certificate).
                    options.set("sslkey", nonEmpty("sslkey") ?? defaults.map { $0 + "postgresql.key" })
                    clientCertificateFile = certificate
                    clientKeyFile = options["sslkey"]
                } else if nonEmpty("sslcert") != nil {
                    absentClientCertificateFile = certificate
                }
            }
        }
        revocation = RevocationFiles(file: nonEmpty("sslcrl"), directory: nonEmpty("sslcrldir"))
        if settings.sslmode == nil { options.set("sslmode", mode.rawValue) }
        self.options = options
        let endpoint = settings.endpoints.first
        target = TestTarget(
            host: endpoint?.host ?? "localhost", port: endpoint?.port ?? 5432, hostaddr: options["hostaddr"],
            user: settings.user, dbname: settings.dbname, sslmode: mode,
            rootFile: mode == .disable ? nil : options["sslrootcert"])
        // libpq takes SNI from host alone: with hostaddr and no host it sends none (the report's "localhost" is ours).
        sendsServerName = endpoint.map { IPAddress.isSentAsServerName($0.host, sslsni: options["sslsni"]) } ?? false
    }

    /// Every host is a socket directory (no host at all: libpq's default socket) and no hostaddr sends libpq over
    /// TCP: no TLS, so no client certificate.
    var onlySockets: Bool {
        options["hostaddr"] == nil && (options["host"] ?? "").split(separator: ",").allSatisfy { Endpoint(host: String($0)).isSocket }
    }

    /// The client certificate file's certificates and the key file's mode and owner, for the report and diagnosis.
    func clientCertificate() -> ClientCertificateFacts? {
        guard let certificateFile = clientCertificateFile, let keyFile = clientKeyFile else { return nil }
        let key = LocalFiles.Facts.of(keyFile)
        return ClientCertificateFacts(
            certificateFile: certificateFile, keyFile: keyFile,
            certificates: ChainInspector.certificates(inFile: certificateFile),
            keyMode: key.map { UInt32($0.mode) }, keyOwnedByRoot: key?.isOwnedByRoot == true,
            keyIsEncrypted: Self.isEncryptedPEMKey(keyFile))
    }

    /// PKCS#8 `BEGIN ENCRYPTED PRIVATE KEY`, or a traditional key's `Proc-Type: 4,ENCRYPTED` header.
    static func isEncryptedPEMKey(_ path: String) -> Bool {
        guard let file = fopen(path, "r") else { return false }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = fread(&buffer, 1, buffer.count, file)
        let head = String(decoding: buffer.prefix(count), as: UTF8.self)
        return head.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || head.contains("Proc-Type: 4,ENCRYPTED")
    }

    /// Whether libpq (fe-secure-openssl.c) uses this root file: `system` is OpenSSL's store from libpq 16; anything
    /// else must be there (libpq stat()s it and, in require/prefer/allow, silently skips a missing one) and readable.
    static func libpqLoads(rootFile: String?, libpqVersion: Int32) -> Bool {
        guard let rootFile, !rootFile.isEmpty else { return false }
        if rootFile == systemRootCertificate, libpqVersion >= firstLibpqWithSystemRoots { return true }
        guard LocalFiles.Facts.of(rootFile)?.isRegularFile == true else { return false }
        return access(rootFile, R_OK) == 0
    }
}

/// A pipe whose read end becomes readable on cancel, so a poll(2) on the libpq socket wakes at once.
public final class CancellationPipe: @unchecked Sendable {
    // Written once in init, read-only afterwards; write(2) on a pipe is thread-safe.
    let readEnd: Int32
    private let writeEnd: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) != 0 { ends = [-1, -1] }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    public func cancel() {
        guard writeEnd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    deinit {
        if readEnd >= 0 { close(readEnd) }
        if writeEnd >= 0 { close(writeEnd) }
    }
}
