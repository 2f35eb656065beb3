#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGSecureResources
import Synchronization

/// A managed PostgreSQL service, as Resources/providers.json describes it (sourced in PROVIDERS.md): how to recognise
/// its host names, which root signs its servers' certificates and where to get it, and whether verify-full can work.
public struct Provider: Codable, Sendable, Hashable {
    /// What the sources say about a yes/no fact; `unknown` when none answers it.
    public enum Fact: String, Codable, Sendable, Hashable {
        case yes, no, partly, probably, unknown
    }

    public struct Root: Codable, Sendable, Hashable {
        /// The root's name as the provider documents it (may be a description when the provider names none).
        public let names: [String]
        /// A regex for the subject CN of the documented root, where it has a fixed name.
        public let namePattern: String?
        public let inSystemBundle: Fact
        /// Where to get it by hand: a console path, a CLI command, an API call.
        public let console: String?
        public let url: String?
        /// The URL comes from third-party code, not the provider's documentation.
        public let urlIsThirdParty: Bool?
        /// The name pgsecure suggests saving it under, in ~/.postgresql.
        public let fileName: String?
        public let sha256: [String]?
        public let sha256IsThirdParty: Bool?
    }

    public let id: String
    public let name: String
    /// Regexes matched against the whole (lower-case) host name.
    public let hosts: [String]
    /// A regex for the server certificate's CN where that alone gives the provider away (Cloud SQL's
    /// `project:instance`, reached by IP address, which no host pattern can recognise).
    public let leafCommonNames: String?
    public let root: Root
    public let verifyFull: Fact
    /// Why verify-full cannot work, where it cannot.
    public let whyNot: String?
    /// The strongest mode that works where verify-full does not.
    public let strongestMode: SSLMode?
    public let notes: [String]

    public static let all: [Provider] = {
        do {
            return try JSONDecoder().decode([Provider].self, from: Data(EmbeddedResources.providers))
        } catch {
            fatalError("Resources/providers.json is malformed: \(error)")
        }
    }()

    /// The provider a host name belongs to (the first entry that matches, so a narrower one goes first), or nil.
    public static func recognize(_ host: String) -> Provider? {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return all.first { $0.matches(name) }
    }

    /// The provider whose server certificates have this shape: a CN no host name has, and no subjectAltName.
    public static func recognize(certificateCommonName commonName: String?, san: [String]) -> Provider? {
        guard let commonName, san.isEmpty else { return nil }
        return all.first { provider in
            provider.leafCommonNames.map { CompiledPattern.matches($0, commonName) } ?? false
        }
    }

    func matches(_ host: String) -> Bool {
        hosts.contains { CompiledPattern.matches($0, host) }
    }

    /// A root file must be fetched from the provider: the system bundle does not hold its root.
    public var needsOwnRootFile: Bool { root.inSystemBundle == .no && root.fileName != nil }

    /// The root(s) in words: "Supabase Root 2021 CA", "DigiCert Global Root G2 and Microsoft RSA Root…".
    public var rootDescription: String {
        root.names.isEmpty ? "not documented" : root.names.joined(separator: " and ")
    }

    /// How to get the root, one phrase: the console path and/or the URL, each marked when only third parties say so.
    public var rootInstructions: String? {
        var ways: [String] = []
        if let console = root.console { ways.append(console) }
        if let url = root.url {
            ways.append(
                (root.console == nil ? "download " : "or download ") + url
                    + (root.urlIsThirdParty == true ? " (a URL seen in third-party code, not in \(name)'s documentation)" : ""))
        }
        return ways.isEmpty ? nil : ways.joined(separator: "; ")
    }

    /// Whether a certificate subject CN is the root this provider documents (nil: the provider names no fixed root).
    public func documentsRoot(commonName: String?) -> Bool? {
        guard let pattern = root.namePattern else { return nil }
        guard let commonName else { return false }
        return CompiledPattern.matches(pattern, commonName)
    }

    /// Whether a certificate with this SHA-256 fingerprint is the documented root (nil: no fingerprint known).
    public func documentsRoot(sha256: String) -> Bool? {
        guard let known = root.sha256, !known.isEmpty else { return nil }
        return known.contains(sha256.uppercased())
    }

    /// The places pgsecure looks for this provider's root file, in order: ~/.postgresql, then the current directory.
    public func rootFilePlaces(in files: LocalFiles) -> [String] {
        guard let fileName = root.fileName else { return [] }
        return [files.homePostgresqlFile(fileName), files.currentDirectory.map { $0 + "/" + fileName }].compactMap { $0 }
    }

    /// The provider's root file where pgsecure looks for it, if it is there.
    public func rootFileFound(in files: LocalFiles) -> String? { rootFilePlaces(in: files).first(where: files.isFile) }

    /// Where pgsecure tells the person to save the root (the first place it looks).
    public func suggestedRootPath(in files: LocalFiles) -> String? {
        rootFilePlaces(in: files).first ?? root.fileName.map { "~/.postgresql/" + $0 }
    }
}

extension Provider.Fact {
    /// Whether a root is in the system bundle, in words that keep weak facts weak.
    public var bundleWords: String {
        switch self {
        case .yes: "in the system bundle"
        case .no: "not in any system bundle"
        case .partly: "not in every system bundle"
        case .probably: "probably in the system bundle, though no source says so"
        case .unknown: "undocumented"
        }
    }
}

/// The catalogue's patterns, each compiled once: compiling a Regex costs far more than matching it, and every command
/// (and every wizard frame) recognises the host.
enum CompiledPattern {
    private struct Entry {
        /// Text every match contains (see `requiredLiteral(of:)`): most hosts are ruled out by it, before any Regex.
        let requiredLiteral: [UInt8]?
        /// Compiled on the first host that passes the literal; nil until then, or when the pattern does not compile.
        var regex: Regex<AnyRegexOutput>??
    }
    private static let cache = Mutex<[String: Entry]>([:])

    /// The longest run of literal text in a pattern's top level, outside groups, classes and optional atoms
    /// (`^ep-[a-z]+\.(aws|azure)\.neon\.tech$` → ".neon.tech"): every string the pattern matches contains it.
    /// Nil (no shortcut, the Regex decides) when there is none, and for whatever this reading does not cover: a
    /// top-level `|`, inline options or look-arounds (`(?i)`, `(?=`), escapes other than `\d\w\s\b` and their
    /// negations, and non-ASCII text.
    static func requiredLiteral(of pattern: String) -> String? {
        let bytes = Array(pattern.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var runs: [[UInt8]] = [], run: [UInt8] = []
        func endRun() {
            if !run.isEmpty { runs.append(run) }
            run = []
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return nil }
                let escaped = bytes[index + 1]
                if Array("dDwWsSbB".utf8).contains(escaped) {
                    endRun()  // a class or an anchor
                } else if escaped.isASCIILetterOrDigit {
                    return nil  // \x41, \u…, \k<…>, back-references…: more than one character, not read here
                } else {
                    run.append(escaped)  // `\.`, `\-`…: the character itself
                }
                index += 2
                continue
            case UInt8(ascii: "|"):
                return nil
            case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{"):
                // The atom before is optional (or its count unknown here): it leaves the run.
                if !run.isEmpty { run.removeLast() }
                endRun()
                if byte == UInt8(ascii: "{") { index = bytes[index...].firstIndex(of: UInt8(ascii: "}")) ?? bytes.count }
            case UInt8(ascii: "("):
                // `(?:` is a plain group; `(?i)`, `(?=`, `(?<name>`… change the matching or are not read here.
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?"),
                    index + 2 >= bytes.count || bytes[index + 2] != UInt8(ascii: ":")
                {
                    return nil
                }
                endRun()
                index = endOfGroup(bytes, from: index)
                guard index < bytes.count else { return nil }  // unterminated, or nesting not read here
            case UInt8(ascii: "["):
                endRun()
                index = endOfClass(bytes, from: index)
                guard index < bytes.count else { return nil }
            case UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "+"):
                // `+` repeats an atom that is already in the run once, which every match has.
                endRun()
            case UInt8(ascii: "."), UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                endRun()
            default:
                run.append(byte)
            }
            index += 1
        }
        endRun()
        return runs.max { $0.count < $1.count }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The index of the `]` closing the class that opens at `start` (a `]` first in the class, after `[` or `[^`,
    /// is a member; escapes are skipped); the end when there is none, or when the class nests one (`[[:alpha:]x]`,
    /// set operations), which this reading does not follow.
    private static func endOfClass(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "^") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
        while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
            if bytes[index] == UInt8(ascii: "[") { return bytes.count }
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return min(index, bytes.count)
    }

    /// The index of the `)` closing the group that opens at `start`, past nested groups, classes and escapes; the end
    /// when there is none.
    private static func endOfGroup(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0, index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 1
            case UInt8(ascii: "["): index = endOfClass(bytes, from: index)
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index += 1
        }
        return bytes.count
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let regex: Regex<AnyRegexOutput>? = cache.withLock { cache in
            var entry = cache[pattern] ?? Entry(requiredLiteral: requiredLiteral(of: pattern).map { Array($0.utf8) }, regex: nil)
            defer { cache[pattern] = entry }
            if let literal = entry.requiredLiteral, !bytes.contains(literal) { return nil }
            if entry.regex == nil { entry.regex = .some(try? Regex(pattern)) }
            return entry.regex!
        }
        return (try? regex?.wholeMatch(in: text)) != nil
    }
}

extension Array where Element == UInt8 {
    /// Whether `part` occurs in these bytes (the standard library's `String.contains` is many times slower here).
    fileprivate func contains(_ part: [UInt8]) -> Bool {
        guard !part.isEmpty else { return true }
        guard part.count <= count else { return false }
        return (0...(count - part.count)).contains { start in self[start..<(start + part.count)].elementsEqual(part) }
    }
}

extension UInt8 {
    fileprivate var isASCIILetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
