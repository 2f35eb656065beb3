import ArgumentParser
import PGSecureDisk
import PGSecureLibPQ
import PGSecureModel

struct ServicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "List the entries of libpq's service files and how strong each one's sslmode is (no connection).")
    @Flag(help: "Print JSON for scripts.") var json = false

    func run() throws {
        let environment = Console.current.environment
        let listings = try ServiceListing.all(
            environment: environment, files: .onDisk(environment: environment), knownKeywords: LibPQ.knownKeywords)
        if json {
            Console.current.output(try JSONText.of(listings))
        } else {
            Console.current.output(Self.table(listings))
        }
    }

    static func table(_ listings: [ServiceListing]) -> String {
        guard !listings.isEmpty else { return "No services: `pgsecure save NAME ...` adds one.\n" }
        let rows = listings.map { listing -> [String] in
            let strength = listing.problem.map { "ERROR: " + $0 } ?? (listing.rating?.label ?? "UNKNOWN")
            let target = [listing.user.map { $0 + "@" }, listing.host, listing.port.map { ":" + $0 }, listing.dbname.map { "/" + $0 }]
                .compactMap { $0 }.joined()
            return [listing.name, listing.sslmode ?? "(prefer)", strength, target, listing.file + (listing.isShadowed ? " (shadowed)" : "")]
        }
        let header = ["SERVICE", "SSLMODE", "STRENGTH", "TARGET", "FILE"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max()! }
        // Names and values come from files: nothing in them may drive the terminal.
        return ([header] + rows).map { row in
            TerminalText.escaped(row.indices.map { row[$0].padding(widths[$0]) }.joined(separator: "  ").trimmingTrailingSpaces)
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
