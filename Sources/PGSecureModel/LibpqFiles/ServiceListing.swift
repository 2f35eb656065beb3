/// One entry of the service files libpq searches, as `pgsecure services` shows it: no connection, only what the
/// file says and how strong its sslmode is.
public struct ServiceListing: Sendable, Equatable, Codable {
    public let name: String
    public let file: String
    public let host: String?
    public let port: String?
    public let dbname: String?
    public let user: String?
    /// The entry's sslmode; nil: none, so PGSSLMODE or libpq's default (prefer) decides.
    public let sslmode: String?
    public let sslrootcert: String?
    public let rating: SecurityRating?
    /// libpq finds an entry of this name in an earlier file first: this one is never read.
    public let isShadowed: Bool
    /// libpq would refuse the entry (a syntax error, an unknown keyword): its message.
    public let problem: String?

    /// Every section of the files libpq searches for services, in libpq's order (ServiceFile.searchPaths). A file
    /// libpq cannot read (or that is not UTF-8) is refused as `lookUp` refuses it, never skipped.
    public static func all(
        environment: [String: String], files: LocalFiles, knownKeywords: Set<String>
    ) throws(InputError) -> [ServiceListing] {
        var seen: Set<String> = []
        var listings: [ServiceListing] = []
        let paths = ServiceFile.searchPaths(environment: environment, files: files)
        for path in paths.all {
            guard let text = try ServiceFile.text(of: path, in: paths, files: files) else { continue }
            var inThisFile: Set<String> = []
            for name in ServiceFileEdit.sectionNames(in: text) where !name.isEmpty && !inThisFile.contains(name) {
                inThisFile.insert(name)
                listings.append(listing(name, in: text, file: path, knownKeywords: knownKeywords, isShadowed: seen.contains(name)))
            }
            seen.formUnion(inThisFile)
        }
        return listings
    }

    static func listing(_ name: String, in text: String, file: String, knownKeywords: Set<String>, isShadowed: Bool) -> ServiceListing {
        do throws(InputError) {
            let options = try ServiceFile.section(name, in: text, file: file, knownKeywords: knownKeywords) ?? []
            let mode = options["sslmode"]
            var rating = SSLMode(rawValue: mode ?? "prefer")?.knowledge.rating
            // require with a root file verifies the chain, as verify-ca does (libpq's rule).
            if mode == SSLMode.require.rawValue, options["sslrootcert"] != nil { rating = SSLMode.verifyCA.knowledge.rating }
            return ServiceListing(
                name: name, file: file, host: options["host"], port: options["port"], dbname: options["dbname"],
                user: options["user"], sslmode: mode, sslrootcert: options["sslrootcert"], rating: rating,
                isShadowed: isShadowed, problem: nil)
        } catch {
            return ServiceListing(
                name: name, file: file, host: nil, port: nil, dbname: nil, user: nil, sslmode: nil, sslrootcert: nil,
                rating: nil, isShadowed: isShadowed, problem: error.problem)
        }
    }
}
