import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGSecureDisk
import PGSecureLibPQ
import PGSecureModel

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "List root certificate bundles and managed providers' root files on this system, and the one pgsecure chooses.",
        discussion: "With --check FILE: what a CA file holds and, with --host, whether it holds that provider's documented root.")
    @Flag(help: "Print JSON for scripts.") var json = false
    @Option(help: ArgumentHelp("Say what this CA file holds (count, subjects, validity, SHA-256); exit 1 if unusable.", valueName: "file"))
    var check: String?
    @Option(help: ArgumentHelp("With --check: the server host, to check the file holds its provider's root.", valueName: "host"))
    var host: String?

    struct Listing: Codable {
        let libpqVersion: String
        let systemSupported: Bool
        let chosen: String?
        let candidates: [RootCertificateCandidate]
        let providerFiles: [ProviderRootFile]
    }

    /// A managed provider's root file found where pgsecure looks for it (and so chooses it for that provider's hosts).
    struct ProviderRootFile: Codable {
        let provider: String
        let path: String
    }

    func validate() throws {
        if host != nil, check == nil { throw ValidationError("--host goes with --check FILE") }
    }

    func run() throws {
        if let check {
            let result = CAFileCheck(
                file: check, certificates: RootCertificateStore.certificateFacts(inFile: check),
                provider: host.flatMap(Provider.recognize), now: Int64(Date().timeIntervalSince1970))
            // Names come from the file: nothing in them may drive the terminal.
            try Self.print(result, json: json) { $0.text.split(separator: "\n").map { TerminalText.escaped(String($0)) + "\n" }.joined() }
            if !result.isUsable { throw ExitCode(1) }
            return
        }
        let candidates = RootCertificateStore.discover(environment: Console.current.environment)
        let files = LocalFiles.onDisk(environment: Console.current.environment)
        let listing = Listing(
            libpqVersion: LibPQ.versionText, systemSupported: LibPQ.version >= firstLibpqWithSystemRoots,
            chosen: RootCertificateChoice.preferred(libpqVersion: LibPQ.version, candidates: candidates)?.value,
            candidates: candidates,
            providerFiles: Provider.all.filter(\.needsOwnRootFile).flatMap { provider in
                provider.rootFilePlaces(in: files).filter(files.isFile).map { ProviderRootFile(provider: provider.name, path: $0) }
            })
        try Self.print(listing, json: json, text: Self.table)
    }

    static func print<Value: Encodable>(_ value: Value, json: Bool, text: (Value) -> String) throws {
        if json {
            Console.current.output(try JSONText.of(value))
        } else {
            Console.current.output(text(value))
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
        for file in listing.providerFiles {
            lines.append("provider root: \(file.path)  [\(file.provider); chosen for its hosts]")
        }
        // Paths come from the environment and the file system: nothing in them may drive the terminal.
        return lines.map(TerminalText.escaped).joined(separator: "\n") + "\n"
    }
}
