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
        // The literal domain a pattern ends with rules most hosts out before a Regex is compiled (the costly part).
        hosts.contains { pattern in
            CompiledPattern.literalSuffix(of: pattern).map(host.hasSuffix) != false && CompiledPattern.matches(pattern, host)
        }
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
    private static let cache = Mutex<[String: Regex<AnyRegexOutput>]>([:])

    /// The literal text an anchored pattern must end with (`…\\.neon\\.tech$` → ".neon.tech"); nil when it ends in
    /// anything else (a group, a class), so only the Regex can tell.
    static func literalSuffix(of pattern: String) -> String? {
        var body = Substring(pattern)
        if body.hasSuffix("$") { body = body.dropLast() }
        if body.hasSuffix("\\.?") { body = body.dropLast(3) }  // an optional trailing dot
        var suffix = ""
        while let last = body.last {
            let rest = body.dropLast()
            if last == ".", rest.last == "\\" {
                suffix = "." + suffix
                body = rest.dropLast()
            } else if (last.isASCII && (last.isLetter || last.isNumber)) || last == "-", rest.last != "\\" {
                suffix = String(last) + suffix
                body = rest
            } else {
                break
            }
        }
        return suffix.isEmpty ? nil : suffix
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        let regex = cache.withLock { cache in
            if let compiled = cache[pattern] { return Optional(compiled) }
            let compiled = try? Regex(pattern)
            cache[pattern] = compiled
            return compiled
        }
        return (try? regex?.wholeMatch(in: text)) != nil
    }
}
