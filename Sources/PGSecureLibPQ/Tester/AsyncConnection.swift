#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import PGSecureModel

/// PQconnectStartParams + PQconnectPoll + poll(2): a timeout and cancellation that libpq's blocking connect
/// lacks, and a timestamp for each phase.
enum AsyncConnection {
    struct Attempt {
        /// Owned by the caller, who must PQfinish it (also after a failure).
        let connection: OpaquePointer?
        let timings: PhaseTimings
        /// Set when pgsecure itself gave up (timeout, cancel); otherwise libpq's message explains.
        let failure: String?
    }

    /// `whileAuthenticating` runs at the first wait for the server's answer to the startup packet of each attempt
    /// (libpq makes another for the next host or address, or to retry with or without TLS): work there overlaps the
    /// server's authentication instead of adding to the total. TLS may be off in that attempt (sslmode=allow tries
    /// without it first, prefer falls back to it): the closure must look.
    static func run(
        _ options: [LibpqOption], timeout: Double, cancellation: CancellationPipe?,
        whileAuthenticating: ((OpaquePointer) -> Void)? = nil
    ) -> Attempt {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int64(timeout * 1000))
        func elapsed(since instant: ContinuousClock.Instant) -> Double {
            let duration = clock.now - instant
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }

        // The C arrays must be NULL-terminated and outlive PQconnectStartParams; libpq copies them.
        let keywords = options.map { strdup($0.keyword) } + [nil]
        let values = options.map { strdup($0.value) } + [nil]
        defer {
            keywords.forEach { free($0) }
            for value in values {
                if let value { memset(value, 0, strlen(value)) }  // the password should not linger in freed memory
                free(value)
            }
        }
        let connection = keywords.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer { keywordBuffer in
            values.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer { valueBuffer in
                // expand_dbname 0: a dbname is a name, never a second connection string.
                PQconnectStartParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 0)
            }
        }
        // PQconnectStartParams already resolved the host name and started the TCP connect.
        var timings = PhaseTimings(dns: elapsed(since: start))
        guard let connection else { return Attempt(connection: nil, timings: timings, failure: "out of memory") }
        // libpq's default notice processor writes the server's NOTICE text, raw, to stderr: a hostile server could
        // write escape sequences to the terminal. The report has no place for notices, so they are dropped.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)

        var phaseStart = clock.now
        var phase = Phase.tcp
        var pollStatus = PQstatus(connection) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING
        var failure: String?
        var authenticationWaitSeen = false  // in this attempt
        var ownTime = 0.0  // what `whileAuthenticating` held the connection up by

        while pollStatus != PGRES_POLLING_OK && pollStatus != PGRES_POLLING_FAILED {
            let remaining = deadline - clock.now
            let remainingMilliseconds = max(0, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            var descriptors = [pollfd(fd: PQsocket(connection), events: Int16(pollStatus == PGRES_POLLING_READING ? POLLIN : POLLOUT), revents: 0)]
            if let cancellation, cancellation.readEnd >= 0 {
                descriptors.append(pollfd(fd: cancellation.readEnd, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(clamping: remainingMilliseconds))
            if ready < 0, errno == EINTR { continue }
            if descriptors.count > 1, descriptors[1].revents != 0 {
                failure = "connection attempt cancelled"
                break
            }
            if ready == 0 {
                failure = "timeout expired (pgsecure gave up after \(Diagnose.seconds(timeout)); raise it with --timeout)"
                break
            }
            pollStatus = PQconnectPoll(connection)
            // Phases advance by what libpq says it is doing now.
            let current = Phase(PQstatus(connection))
            if let current, current > phase {
                let spent = elapsed(since: phaseStart)
                phaseStart = clock.now
                timings.add(spent, to: phase)
                // A skipped TLS phase (sslmode=disable) stays 0.
                phase = current
            }
            // `phase` never goes back; the status does when libpq starts another attempt (seen for every TLS attempt:
            // it waits for the server's answer to SSLRequest first).
            if let current, current < .auth { authenticationWaitSeen = false }
            if !authenticationWaitSeen, current == .auth, pollStatus == PGRES_POLLING_READING, let whileAuthenticating {
                authenticationWaitSeen = true
                let hookStart = clock.now
                whileAuthenticating(connection)
                // The server worked meanwhile. Only if its answer was already there did the hook hold the connection
                // up; its whole time is then left out (and with it the server's own, shorter, time: the lesser error).
                // Limit: TLS 1.3 session tickets (sent after the handshake by servers before PostgreSQL 15.8/16.4 and by
                // some proxies) also make the socket readable. Peeking past them (SSL_peek) would leave the answer in
                // OpenSSL's buffer, where this poll loop cannot see it; so a slow server's auth can read short by the
                // hook's time, at most the chain check (well under a millisecond for one root file).
                if Self.isReadable(PQsocket(connection)) { ownTime += elapsed(since: hookStart) }
            }
        }
        timings.add(elapsed(since: phaseStart), to: phase)
        // pgsecure's own work is neither the server's authentication nor part of the connection's total.
        timings.auth -= ownTime
        timings.total = elapsed(since: start) - ownTime
        return Attempt(connection: connection, timings: timings, failure: failure)
    }

    static func isReadable(_ descriptor: Int32) -> Bool {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        return poll(&descriptors, 1, 0) == 1
    }

    enum Phase: Int, Comparable {
        case tcp, tls, auth

        init?(_ status: ConnStatusType) {
            switch status {
            case CONNECTION_STARTED, CONNECTION_NEEDED: self = .tcp
            // MADE: TCP is up and libpq is about to ask for TLS (or, with sslmode=disable, to send the startup).
            case CONNECTION_MADE, CONNECTION_SSL_STARTUP, CONNECTION_GSS_STARTUP: self = .tls
            case CONNECTION_AWAITING_RESPONSE, CONNECTION_AUTH_OK, CONNECTION_CHECK_WRITABLE,
                CONNECTION_CONSUME, CONNECTION_CHECK_TARGET, CONNECTION_CHECK_STANDBY, CONNECTION_OK:
                self = .auth
            default: return nil
            }
        }

        static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
    }
}

extension PhaseTimings {
    fileprivate mutating func add(_ milliseconds: Double, to phase: AsyncConnection.Phase) {
        switch phase {
        case .tcp: tcp += milliseconds
        case .tls: tls += milliseconds
        case .auth: auth += milliseconds
        }
    }
}
