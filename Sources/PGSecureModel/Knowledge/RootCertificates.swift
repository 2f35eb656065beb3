#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGSecureResources

/// Where operating systems keep their bundle of trusted root certificates (Resources/root-bundles.json).
public struct KnownRootBundle: Codable, Sendable, Equatable {
    public let system: String
    public let path: String

    public static let all: [KnownRootBundle] = {
        do {
            return try JSONDecoder().decode([KnownRootBundle].self, from: Data(EmbeddedResources.rootBundles))
        } catch {
            fatalError("Resources/root-bundles.json is malformed: \(error)")
        }
    }()
}

/// The value libpq >= 16 understands as "OpenSSL's default trust store".
public let systemRootCertificate = "system"
/// libpq 16.0, as `PQlibVersion()` reports it.
public let firstLibpqWithSystemRoots: Int32 = 160_000

/// One place a root certificate bundle may be, and what was found there.
public struct RootCertificateCandidate: Codable, Sendable, Hashable {
    /// Where the candidate comes from: an OS name, "SSL_CERT_FILE", "OpenSSL default"...
    public let source: String
    public let path: String
    public let exists: Bool
    public let isDirectory: Bool
    public let isReadable: Bool
    public let certificateCount: Int
    public let containsISRGRootX1: Bool

    public init(
        source: String, path: String, exists: Bool, isDirectory: Bool = false, isReadable: Bool = false,
        certificateCount: Int = 0, containsISRGRootX1: Bool = false
    ) {
        self.source = source
        self.path = path
        self.exists = exists
        self.isDirectory = isDirectory
        self.isReadable = isReadable
        self.certificateCount = certificateCount
        self.containsISRGRootX1 = containsISRGRootX1
    }

    /// The source of ~/.postgresql/root.crt, the file libpq itself reads when sslrootcert is unset.
    public static let libpqDefaultSource = "libpq's default"

    /// libpq's sslrootcert must be a readable file holding at least one certificate.
    public var isUsableAsRootFile: Bool { problem == nil }

    /// Why libpq could not use this as its root file, in one phrase; nil when it can.
    public var problem: String? {
        if !exists { return "\"\(path)\" does not exist" }
        if isDirectory { return "\"\(path)\" is a directory; libpq needs a file" }
        if !isReadable { return "\"\(path)\" is not readable" }
        if certificateCount == 0 { return "\"\(path)\" holds no PEM certificate" }
        return nil
    }
}

/// The `sslrootcert` pgsecure chooses when a verifying mode has none, and why.
public struct DefaultRootCertificate: Hashable, Sendable {
    /// A file path, or `system`.
    public let value: String
    /// Where it comes from, in words: "OpenSSL's default trust store (libpq >= 16)", "named by SSL_CERT_FILE"...
    public let origin: String

    public init(value: String, origin: String) {
        self.value = value
        self.origin = origin
    }
}

public enum RootCertificateChoice {
    /// The default `sslrootcert`: libpq's own ~/.postgresql/root.crt when it is there (the file libpq would load; people
    /// put their provider's CA there), else `system` where libpq understands it, else the first usable bundle in order.
    /// `candidates` may be lazy: it is read only as far as needed.
    public static func preferred(
        libpqVersion: Int32, candidates: some Sequence<RootCertificateCandidate>
    ) -> DefaultRootCertificate? {
        let system = DefaultRootCertificate(value: systemRootCertificate, origin: "OpenSSL's default trust store (libpq >= 16)")
        for candidate in candidates {
            if candidate.source == RootCertificateCandidate.libpqDefaultSource {
                if candidate.isUsableAsRootFile {
                    return DefaultRootCertificate(value: candidate.path, origin: "libpq's own default, ~/.postgresql/root.crt")
                }
                continue
            }
            if libpqVersion >= firstLibpqWithSystemRoots { return system }
            guard candidate.isUsableAsRootFile else { continue }
            return DefaultRootCertificate(
                value: candidate.path,
                origin: (candidate.source.hasPrefix("SSL_CERT_") ? "named by \(candidate.source)" : "the system's root bundle")
                    + "; see `pgsecure certs`")
        }
        return libpqVersion >= firstLibpqWithSystemRoots ? system : nil
    }
}

/// SHA-256 fingerprint of ISRG Root X1, the root of Let's Encrypt (and so of Neon, Supabase and many others).
public let isrgRootX1SHA256 = "96:BC:EC:06:26:49:76:F3:74:60:77:9A:CF:28:C5:A7:CF:E8:A3:C0:AA:E1:1A:8F:FC:EE:05:C0:BD:DF:08:C6"
