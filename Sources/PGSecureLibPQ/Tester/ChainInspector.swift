#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL
import PGSecureModel

/// Where libpq looks for CRLs (sslcrl, sslcrldir): loaded into the check's store exactly when libpq loads them.
struct RevocationFiles: Equatable {
    var file: String?
    var directory: String?

    var isEmpty: Bool { (file ?? "").isEmpty && (directory ?? "").isEmpty }

    /// `sslcrl=FILE sslcrldir=DIR`, as given (nil when neither is).
    var description: String? {
        let given = [file.map { "sslcrl=" + $0 }, directory.map { "sslcrldir=" + $0 }].compactMap { $0 }
        return given.isEmpty ? nil : given.joined(separator: " ")
    }
}

/// Reads the server's certificate chain and checks it independently of libpq: against the chosen root file and CRLs
/// (X509_verify_cert, whose error code names the cause) and against the host name, by libpq's rule.
enum ChainInspector {
    /// The chain of an established libpq TLS session (`PQsslStruct(conn, "OpenSSL")`).
    static func check(
        ssl: OpaquePointer, rootFile: String?, revocation: RevocationFiles, hostName: String, now: Int64
    ) -> ChainCheck? {
        guard let chain = SSL_get_peer_cert_chain(ssl) else { return nil }
        return check(chain: chain, rootFile: rootFile, revocation: revocation, hostName: hostName, now: now)
    }

    /// The SHA-256 fingerprints of that chain, leaf first: what `check` reports as `presented`, without checking.
    static func peerChainSHA256(ssl: OpaquePointer) -> [String] {
        SSL_get_peer_cert_chain(ssl).map { certificates(of: $0).map(RootCertificateStore.sha256Fingerprint) } ?? []
    }

    /// Fetches the chain itself when libpq refused it: TCP, PostgreSQL's SSLRequest, then a TLS handshake that
    /// verifies nothing (the chain is checked afterwards, by `check`). Nil when the server cannot be reached.
    /// `sendsServerName`: whether libpq sent `serverName` as SNI (`ConnectionPlan.sendsServerName`); a server or proxy
    /// that routes on SNI shows another certificate otherwise.
    static func probe(
        address: String, port: Int, serverName: String, sendsServerName: Bool, rootFile: String?,
        revocation: RevocationFiles, timeout: Double, now: Int64
    ) -> ChainCheck? {
        guard let socket = TLSProbeSocket.open(address: address, port: port, timeout: timeout) else { return nil }
        defer { close(socket) }
        // SSLRequest: length 8, code 80877103 (1234 << 16 | 5679), big-endian.
        let request: [UInt8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, 8, Int32(MSG_NOSIGNAL)) }) == 8 else { return nil }
        var answer: UInt8 = 0
        guard recv(socket, &answer, 1, 0) == 1, answer == UInt8(ascii: "S") else { return nil }

        guard let context = SSL_CTX_new(TLS_client_method()) else { return nil }
        defer { SSL_CTX_free(context) }
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        guard let ssl = SSL_new(context) else { return nil }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, socket)
        if sendsServerName {
            // SSL_set_tlsext_host_name is a macro over SSL_ctrl; OpenSSL copies the name.
            _ = serverName.withCString {
                SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: $0))
            }
        }
        defer { ERR_clear_error() }
        guard SSL_connect(ssl) == 1, let chain = SSL_get_peer_cert_chain(ssl) else { return nil }
        let result = check(chain: chain, rootFile: rootFile, revocation: revocation, hostName: serverName, now: now)
        SSL_shutdown(ssl)
        return result
    }

    /// `chain` is the peer chain as the client sees it: leaf first, then what the server sent along.
    static func check(
        chain: OpaquePointer, rootFile: String?, revocation: RevocationFiles, hostName: String, now: Int64
    ) -> ChainCheck? {
        guard pgsecure_sk_X509_num(chain) > 0, let leaf = pgsecure_sk_X509_value(chain, 0) else { return nil }
        let presented = certificates(of: chain).map(facts)
        let hostMatches = HostNameMatch.check(host: hostName, san: presented[0].san, commonName: presented[0].commonName).isMatch

        guard let rootFile else {
            return ChainCheck(
                presented: presented, rootFile: nil, verifyError: -1,
                verifyErrorText: "not checked: no root certificate file", verifiedPath: [], hostName: hostName,
                hostMatches: hostMatches)
        }
        defer { ERR_clear_error() }
        guard let store = X509_STORE_new(), let context = X509_STORE_CTX_new() else { return nil }
        defer {
            X509_STORE_CTX_free(context)
            X509_STORE_free(store)
        }
        let loaded =
            rootFile == systemRootCertificate ? X509_STORE_set_default_paths(store) : X509_STORE_load_file(store, rootFile)
        guard loaded == 1 else {
            return ChainCheck(
                presented: presented, rootFile: rootFile, verifyError: OpenSSLVerifyError.unableToGetLocalIssuer,
                verifyErrorText: "the root file could not be read", verifiedPath: [], hostName: hostName,
                hostMatches: hostMatches)
        }
        // libpq (initialize_SSL): CRLs only with a root file, and the whole chain checked once any loaded.
        let crlChecked = rootFile != systemRootCertificate && !revocation.isEmpty && X509_STORE_load_locations(store, revocation.file, revocation.directory) == 1
        if crlChecked { X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL)) }
        X509_STORE_CTX_init(context, store, leaf, chain)
        let verified = X509_verify_cert(context) == 1
        let error = verified ? 0 : X509_STORE_CTX_get_error(context)
        // The certificate the error is about: from the server, or a copy in the root file.
        let failing = verified ? nil : X509_STORE_CTX_get_current_cert(context).map(facts)
        var path: [String] = []
        if verified, let built = X509_STORE_CTX_get0_chain(context) {
            path = certificates(of: built).map { name(X509_get_subject_name($0)) }
        }
        return ChainCheck(
            presented: presented, rootFile: rootFile, verifyError: error,
            verifyErrorText: String(cString: X509_verify_cert_error_string(Int(error))), verifiedPath: path,
            hostName: hostName, hostMatches: hostMatches, failing: failing, crlChecked: crlChecked)
    }

    /// A STACK_OF(X509)'s certificates, in order.
    static func certificates(of stack: OpaquePointer) -> [OpaquePointer] {
        (0..<pgsecure_sk_X509_num(stack)).compactMap { pgsecure_sk_X509_value(stack, $0) }
    }

    static func facts(_ certificate: OpaquePointer) -> CertificateFacts {
        CertificateFacts(
            subject: name(X509_get_subject_name(certificate)), issuer: name(X509_get_issuer_name(certificate)),
            san: subjectAlternativeNames(certificate), notBefore: epochSeconds(X509_get0_notBefore(certificate)),
            notAfter: epochSeconds(X509_get0_notAfter(certificate)),
            sha256: RootCertificateStore.sha256Fingerprint(certificate), commonName: commonName(certificate))
    }

    /// The subject's first CN, raw, as libpq reads it (X509_NAME_get_index_by_NID from -1).
    static func commonName(_ certificate: OpaquePointer) -> String? {
        guard let subject = X509_get_subject_name(certificate) else { return nil }
        let index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(subject, index) else { return nil }
        return asn1Text(X509_NAME_ENTRY_get_data(entry))
    }

    /// Every certificate in a PEM file (a client certificate file: leaf, then any intermediates).
    static func certificates(inFile path: String) -> [CertificateFacts] {
        RootCertificateStore.certificates(inFile: path, facts)
    }

    /// RFC 2253 order (CN first), UTF-8 kept readable.
    static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        X509_NAME_print_ex(bio, name, 0, pgsecure_XN_FLAG_RFC2253_UTF8())
        var data: UnsafeMutablePointer<CChar>?
        let length = pgsecure_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    static func subjectAlternativeNames(_ certificate: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { pgsecure_GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<pgsecure_sk_GENERAL_NAME_num(names) {
            guard let entry = pgsecure_sk_GENERAL_NAME_value(names, index) else { continue }
            switch entry.pointee.type {
            case GEN_DNS:
                if let text = asn1Text(entry.pointee.d.dNSName) { result.append("DNS:" + text) }
            case GEN_IPADD:
                if let text = ipText(entry.pointee.d.iPAddress) { result.append("IP:" + text) }
            case GEN_EMAIL:
                if let text = asn1Text(entry.pointee.d.rfc822Name) { result.append("email:" + text) }
            case GEN_URI:
                if let text = asn1Text(entry.pointee.d.uniformResourceIdentifier) { result.append("URI:" + text) }
            default:
                break
            }
        }
        return result
    }

    static func asn1Text(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> String? {
        guard let string, let bytes = ASN1_STRING_get0_data(string) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(string))), as: UTF8.self)
    }

    static func ipText(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> String? {
        guard let string, let bytes = ASN1_STRING_get0_data(string) else { return nil }
        let length = Int(ASN1_STRING_length(string))
        guard length == 4 || length == 16 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(length == 4 ? AF_INET : AF_INET6, bytes, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func epochSeconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64 {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return 0 }
        return Int64(timegm(&parts))
    }
}

/// A blocking TCP socket with send/receive timeouts, connected within a deadline.
enum TLSProbeSocket {
    static func open(address: String, port: Int, timeout: Double) -> Int32? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, String(port), &hints, &list) == 0, let list else { return nil }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            entry = current.pointee.ai_next
            let descriptor = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            if connect(descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen, timeout: timeout) {
                var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                return descriptor
            }
            close(descriptor)
        }
        return nil
    }

    private static func connect(
        _ descriptor: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t, timeout: Double
    ) -> Bool {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(descriptor, F_SETFL, flags) }
        if Glibc.connect(descriptor, address, length) == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
        guard poll(&descriptors, 1, Int32(timeout * 1000)) == 1 else { return false }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &size)
        return error == 0
    }
}
