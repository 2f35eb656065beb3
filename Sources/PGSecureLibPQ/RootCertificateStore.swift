#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL
import PGSecureDisk
import PGSecureModel

/// Finds root certificate bundles on this machine and looks inside them with OpenSSL.
public enum RootCertificateStore {
    /// libpq's own default (~/.postgresql/root.crt) first, then SSL_CERT_FILE and SSL_CERT_DIR (they override
    /// OpenSSL's defaults), every OS bundle pgsecure knows, and OpenSSL's own default; a place that is a link to one
    /// already listed is left out.
    public static func discover(environment: [String: String]) -> [RootCertificateCandidate] {
        Array(candidates(environment: environment, countingAll: true))
    }

    /// The same places, inspected one by one as they are read: `countingAll` false stops each file at its first
    /// certificate, for callers that only need the first usable one (the default root).
    public static func candidates(
        environment: [String: String], countingAll: Bool
    ) -> some Sequence<RootCertificateCandidate> {
        var seen = Set<String>()
        return places(environment: environment).lazy
            .filter { seen.insert(realPath($0.path)).inserted }
            .map { inspect(path: $0.path, source: $0.source, countingAll: countingAll) }
    }

    /// The default `sslrootcert` on this machine (one rule for every command: `RootCertificateChoice.preferred`).
    public static func defaultRoot(environment: [String: String], libpqVersion: Int32) -> DefaultRootCertificate? {
        RootCertificateChoice.preferred(
            libpqVersion: libpqVersion, candidates: candidates(environment: environment, countingAll: false))
    }

    static func places(environment: [String: String]) -> [(source: String, path: String)] {
        var places: [(source: String, path: String)] = []
        if let home = LocalFiles.homeDirectory(environment: environment) {
            places.append((RootCertificateCandidate.libpqDefaultSource, home + "/.postgresql/root.crt"))
        }
        if let file = environment["SSL_CERT_FILE"], !file.isEmpty { places.append(("SSL_CERT_FILE", file)) }
        if let directory = environment["SSL_CERT_DIR"], !directory.isEmpty { places.append(("SSL_CERT_DIR", directory)) }
        places += KnownRootBundle.all.map { ($0.system, $0.path) }
        places.append(("OpenSSL default", String(cString: X509_get_default_cert_file())))
        return places
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// What is at `path`: a file of PEM certificates, a directory of them, or nothing.
    public static func inspect(path: String, source: String, countingAll: Bool = true) -> RootCertificateCandidate {
        guard let facts = LocalFiles.Facts.of(path) else {
            return RootCertificateCandidate(source: source, path: path, exists: false)
        }
        let isDirectory = facts.isDirectory
        let isReadable = access(path, R_OK) == 0
        let fingerprints = isDirectory || !isReadable ? [] : certificateFingerprints(inFile: path, limit: countingAll ? nil : 1)
        return RootCertificateCandidate(
            source: source, path: path, exists: true, isDirectory: isDirectory, isReadable: isReadable,
            certificateCount: fingerprints.count, containsISRGRootX1: fingerprints.contains(isrgRootX1SHA256))
    }

    /// Subject, issuer, validity and fingerprint of every PEM certificate in a file (`pgsecure certs --check`).
    public static func certificateFacts(inFile path: String) -> [CertificateFacts] {
        ChainInspector.certificates(inFile: path)
    }

    /// SHA-256 fingerprints (AA:BB:... form) of every PEM certificate in a file.
    public static func certificateFingerprints(inFile path: String, limit: Int? = nil) -> [String] {
        certificates(inFile: path, limit: limit, sha256Fingerprint)
    }

    /// Each PEM certificate in a file, in order, read through `body` (the certificate is freed after).
    static func certificates<T>(inFile path: String, limit: Int? = nil, _ body: (OpaquePointer) -> T) -> [T] {
        guard let bio = BIO_new_file(path, "r") else { return [] }
        defer { BIO_free(bio) }
        var results: [T] = []
        while results.count < limit ?? .max, let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
            results.append(body(certificate))
            X509_free(certificate)
        }
        ERR_clear_error()  // reading stops with an expected "no start line" error
        return results
    }

    /// The SHA-256 fingerprint of a certificate's DER encoding, as `openssl x509 -fingerprint -sha256` prints it.
    public static func sha256Fingerprint(_ certificate: OpaquePointer) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        X509_digest(certificate, EVP_sha256(), &digest, &length)
        return digest.prefix(Int(length)).map { byte in
            let text = String(byte, radix: 16, uppercase: true)
            return text.count == 1 ? "0" + text : text
        }.joined(separator: ":")
    }
}
