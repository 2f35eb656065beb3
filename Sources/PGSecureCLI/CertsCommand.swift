import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGSecureLibPQ
import PGSecureModel

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "List root certificate bundles on this system and the one pgsecure chooses.")
    @Flag(help: "Print JSON for scripts.") var json = false

    struct Listing: Codable {
        let libpqVersion: String
        let systemSupported: Bool
        let chosen: String?
        let candidates: [RootCertificateCandidate]
    }

    func run() throws {
        let candidates = RootCertificateStore.discover(environment: Console.current.environment)
        let listing = Listing(
            libpqVersion: LibPQ.versionText, systemSupported: LibPQ.version >= firstLibpqWithSystemRoots,
            chosen: RootCertificateChoice.preferred(libpqVersion: LibPQ.version, candidates: candidates)?.value,
            candidates: candidates)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            Console.current.output(String(decoding: try encoder.encode(listing), as: UTF8.self) + "\n")
        } else {
            Console.current.output(Self.table(listing))
        }
    }

    static func table(_ listing: Listing) -> String {
        var lines = ["Root certificate bundles (libpq \(listing.libpqVersion)):"]
        let width = listing.candidates.map(\.path.count).max() ?? 0
        for candidate in listing.candidates {
            let mark = candidate.path == listing.chosen ? "*" : candidate.isUsableAsRootFile ? "+" : "-"
            let facts: String =
                if !candidate.exists { "not found" }
                else if candidate.isDirectory { "directory (usable through SSL_CERT_DIR with sslrootcert=system)" }
                else if !candidate.isReadable { "not readable" }
                else {
                    "\(candidate.certificateCount) certificates"
                        + (candidate.containsISRGRootX1 ? ", includes ISRG Root X1 (Let's Encrypt)" : ", no ISRG Root X1")
                }
            lines.append("\(mark) \(candidate.path.padding(width))  \(facts)  [\(candidate.source)]")
        }
        lines.append(
            listing.systemSupported
                ? "sslrootcert=system: supported (OpenSSL's default store, honours SSL_CERT_FILE / SSL_CERT_DIR)"
                : "sslrootcert=system: not supported by libpq \(listing.libpqVersion) (needs 16 or newer)")
        lines.append("chosen: " + (listing.chosen ?? "none — install ca-certificates, or pass --sslrootcert PATH"))
        // Paths come from the environment and the file system: nothing in them may drive the terminal.
        return lines.map(TerminalText.escaped).joined(separator: "\n") + "\n"
    }
}
