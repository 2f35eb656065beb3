import PGSecureLibPQ
import TestSupport
import Testing
@testable import PGSecureModel

/// The one pipeline from what the person gave to settings, with libpq's own parser.
@Suite("Resolution pipeline")
struct ResolverTests {
    static let bundle = DefaultRootCertificate(value: "/bundle.crt", origin: "the system's root bundle; see `pgsecure certs`")

    static func context(
        environment: [String: String] = [:], libpqVersion: Int32 = 150_018,
        rootFileProblem: (@Sendable (String) -> String?)? = nil
    ) -> ResolutionContext {
        ResolutionContext(
            environment: environment, libpqVersion: libpqVersion,
            parse: { text throws(InputError) in try LibPQ.parse(text) },
            rootFileProblem: rootFileProblem, defaultRootCertificate: { bundle })
    }

    @Test func fieldsOverTheStringAndTheEnvironmentForTheRestWithSources() throws {
        let request = ConnectionRequest(
            connectionString: "postgresql://b@a/app?application_name=x", fields: [LibpqOption("user", "c")])
        let result = try ConnectionResolver.resolve(
            request, in: Self.context(environment: ["PGHOST": "ignored", "PGPORT": "6543", "PGSSLMODE": "require", "PGAPPNAME": "no", "PGUSER": ""]))
        #expect(result.settings.conninfo == "host='a' port='6543' user='c' dbname='app' sslmode='verify-full' sslrootcert='/bundle.crt' application_name='x'")
        #expect(result.sources == [
            "host": .connectionString, "port": .environment(variable: "PGPORT"), "user": .field, "dbname": .connectionString,
            "sslmode": .policy, "sslrootcert": .policy, "application_name": .connectionString,
        ])
        #expect(result.notices == [.sslmodeUpgraded(from: .require), .rootCertificateChosen(Self.bundle)])
    }

    @Test func theEnvironmentIsLeftAloneWhenAsked() throws {
        let request = ConnectionRequest(fields: [LibpqOption("host", "h")], readsEnvironment: false)
        let result = try ConnectionResolver.resolve(request, in: Self.context(environment: ["PGUSER": "alex"]))
        #expect(result.settings.user == nil)
    }

    @Test func aHostIsRequiredOnlyWhenAsked() throws {
        #expect(throws: InputError(field: "host", problem: "missing", fix: "pass --host NAME or a connection string with a host, or set PGHOST")) {
            try ConnectionResolver.resolve(ConnectionRequest(), in: Self.context())
        }
        let open = try ConnectionResolver.resolve(ConnectionRequest(requiresHost: false), in: Self.context())
        #expect(open.settings.endpoints.isEmpty)
        #expect(open.settings.sslmode == .verifyFull)
    }

    @Test func aNamedRootFileIsCheckedButSystemIsNot() throws {
        let context = Self.context(rootFileProblem: { "\"\($0)\" does not exist" })
        #expect(throws: InputError.self) {
            try ConnectionResolver.resolve(ConnectionRequest(fields: [LibpqOption("host", "h"), LibpqOption("sslrootcert", "/x.crt")]), in: context)
        }
        let system = try ConnectionResolver.resolve(
            ConnectionRequest(fields: [LibpqOption("host", "h"), LibpqOption("sslrootcert", "system")]), in: context)
        #expect(system.notices == [.sslmodeDefaulted, .systemRootsUnsupported(libpqVersion: "15.18")])
        #expect(system.notices.last?.isWarning == true)
        let newer = try ConnectionResolver.resolve(
            ConnectionRequest(fields: [LibpqOption("host", "h"), LibpqOption("sslrootcert", "system")]),
            in: Self.context(libpqVersion: 160_004))
        #expect(newer.notices == [.sslmodeDefaulted])
    }

    @Test func secretsAreLeftOutUnlessKeptAndTheirSourcesGoWithThem() throws {
        let text = "host=h password=pw sslpassword=kp"
        let left = try ConnectionResolver.resolve(ConnectionRequest(connectionString: text), in: Self.context())
        #expect(left.settings.password == nil)
        #expect(left.settings.conninfo == "host='h' sslmode='verify-full' sslrootcert='/bundle.crt'")
        #expect(left.notices.last == .secretsOmitted)
        #expect(left.sources["password"] == nil && left.sources["sslpassword"] == nil)
        let kept = try ConnectionResolver.resolve(ConnectionRequest(connectionString: text, keepsSecrets: true), in: Self.context())
        #expect(kept.settings.password == "pw")
        #expect(!kept.notices.contains(.secretsOmitted))
    }

    @Test func anExplicitModeIsKeptWithAWarning() throws {
        let request = ConnectionRequest(fields: [LibpqOption("host", "h"), LibpqOption("sslmode", "require")], sslmodeIsExplicit: true)
        let result = try ConnectionResolver.resolve(request, in: Self.context())
        #expect(result.settings.conninfo == "host='h' sslmode='require'")
        #expect(result.notices == [.weakSSLModeKept(.require)])
        #expect(result.sources["sslmode"] == .field)
    }

    @Test func libpqParseErrorsPassThrough() {
        #expect(throws: InputError.self) {
            try ConnectionResolver.resolve(ConnectionRequest(connectionString: "host=h 'unterminated"), in: Self.context())
        }
    }
}

@Suite("Paste lint: what people paste, read as they meant it")
struct PasteLintTests {
    static func parsed(_ text: String) throws -> [LibpqOption] { try LibPQ.parse(PasteLint.connectionString(text).text) }

    @Test(arguments: [
        ("postgresql://u:p@ss/word@db.example.com/d", "p@ss/word", "db.example.com", "d"),
        ("postgres://u:s3cret/x@h.example/db", "s3cret/x", "h.example", "db"),
        ("postgresql://u:p%40ss@x@localhost:5433/d", "p@ss@x", "localhost", "d"),
    ])
    func unencodedUserInfoIsEncoded(uri: String, password: String, host: String, dbname: String) throws {
        let options = try Self.parsed(uri)
        #expect(options["password"] == password)
        #expect(options["host"] == host)
        #expect(options["dbname"] == dbname)
        #expect(PasteLint.connectionString(uri).notices == [.uriUserInfoEncoded])
    }

    @Test(arguments: ["postgresql://u@h/db@x", "postgresql://u@h.example/app?application_name=a@b", "postgresql:///d?host=/tmp"])
    func legitimateAtSignsAreLeftAlone(uri: String) {
        #expect(PasteLint.connectionString(uri) == PasteLint.Result(text: uri, notices: []))
    }

    @Test func jdbcURLsMapWhatLibpqShares() throws {
        let url = "jdbc:postgresql://db1:5433,db2/my%20app?user=alex&password=p%40ss&ssl=true&targetServerType=preferSecondary&ApplicationName=a+b&loggerLevel=DEBUG"
        let options = try Self.parsed(url)
        #expect(options["host"] == "db1,db2")
        #expect(options["port"] == "5433,")
        #expect(options["dbname"] == "my app")
        #expect(options["user"] == "alex")
        #expect(options["password"] == "p@ss")
        #expect(options["sslmode"] == "verify-full")
        #expect(options["target_session_attrs"] == "prefer-standby")
        #expect(options["application_name"] == "a b")
        #expect(PasteLint.connectionString(url).notices == [.converted(from: "a jdbc:postgresql: URL", dropped: ["loggerLevel"])])
    }

    @Test func surroundingWhiteSpaceIsTrimmedAndSaid() {
        #expect(PasteLint.connectionString("  host=h\n") == PasteLint.Result(text: "host=h", notices: [.trimmed(field: "connection string")]))
    }
}

@Suite("Provider patterns: the literal text that rules hosts out before a Regex")
struct ProviderPatternLiteralTests {
    @Test(arguments: [
        ("^ep-[a-z0-9-]+\\.(c-[0-9]+\\.)?[a-z0-9-]+\\.(aws|azure)\\.neon\\.tech$", ".neon.tech"),
        ("^[a-z0-9.-]+\\.global\\.sql-psa\\.goog\\.?$", ".global.sql-psa.goog"),
        ("^ec2-[0-9]+-[0-9]+-[0-9]+-[0-9]+\\.compute-1\\.amazonaws\\.com$", ".compute-1.amazonaws.com"),
        ("^[a-z0-9-]+\\.postgres\\.database\\.(azure\\.com|chinacloudapi\\.cn|usgovcloudapi\\.net)$", ".postgres.database."),
        ("^[a-f0-9-]+\\.([a-z0-9-]+\\.)?(aws|gcp|azure)\\.yugabyte\\.cloud$", ".yugabyte.cloud"),
        ("^abc?d{2}x*$", "ab"),
        ("^x\\d$", "x"),
        ("^a|b$", nil),
        ("^\\d+$", nil),
        // What the reading does not cover gives no shortcut: escapes with arguments, inline options, non-ASCII.
        ("^\\x41bcdef$", nil),
        ("^(?i)abc$", nil),
        ("^ab(?=c)cdef$", nil),
        ("^éab?c$", nil),
        // A `)` or `]` inside a class does not end it.
        ("^([)]x)abc$", "abc"),
        ("^[]a]xyz$", "xyz"),
        ("^(?:ab)cd$", "cd"),
        // A class inside a class (POSIX names, set operations) is not read: no shortcut.
        ("^abc[[:alpha:]x]y$", nil),
        ("^abc[[:alpha:]x]y|z$", nil),
    ] as [(String, String?)])
    func requiredLiteral(pattern: String, literal: String?) {
        #expect(CompiledPattern.requiredLiteral(of: pattern) == literal)
    }

    /// The literal is only a shortcut: for every catalogue pattern (hosts, leaf CNs, root names), text sampled from
    /// the pattern itself (so it matches) and its one-character mutations get the same answer with it as from the
    /// Regex alone.
    @Test func theLiteralNeverChangesTheAnswer() throws {
        var generator = Xoshiro(seed: (0x5EED, 0x1DEA, 0xC0DE, 0xF00D))
        for provider in Provider.all {
            for pattern in provider.hosts + [provider.leafCommonNames, provider.root.namePattern].compactMap({ $0 }) {
                let regex = try Regex(pattern)
                let sampler = try #require(PatternSampler(pattern), "\(pattern)")
                for _ in 0..<200 {
                    let host = sampler.sample(&generator)
                    #expect(try regex.wholeMatch(in: host) != nil, "the sampler made \(host) for \(pattern)")
                    var mutated = Array(host)
                    mutated[Int.random(in: 0..<mutated.count, using: &generator)] = "a.-0zA :".randomElement(using: &generator)!
                    for candidate in [host, String(mutated)] {
                        #expect(CompiledPattern.matches(pattern, candidate) == (try regex.wholeMatch(in: candidate) != nil),
                                "\(candidate) against \(pattern)")
                    }
                }
            }
        }
        #expect(Provider.recognize("ep-cool-darkness-123456.us-east-2.aws.neon.tech")?.id == "neon")
        #expect(Provider.recognize("db.abcdefghijklmnopqrst.supabase.co")?.id == "supabase")
        #expect(Provider.recognize("x.global.sql-psa.goog.")?.id == "cloudsql")
        #expect(Provider.recognize("db.example.com") == nil)
    }
}

/// Strings drawn from the small regex dialect the catalogue uses (anchors, literals, `\.`, classes with ranges,
/// groups with `|`, and `?` `*` `+` `{n}`), so a property can be checked on hosts that really match.
struct PatternSampler {
    indirect enum Atom {
        case characters([Character])
        case group([[Item]])
    }
    struct Item {
        let atom: Atom
        let counts: ClosedRange<Int>
    }
    let items: [Item]

    init?(_ pattern: String) {
        var rest = Substring(pattern)
        if rest.hasPrefix("^") { rest.removeFirst() }
        if rest.hasSuffix("$") { rest.removeLast() }
        guard let alternatives = Self.alternatives(&rest), rest.isEmpty, alternatives.count == 1 else { return nil }
        items = alternatives[0]
    }

    func sample(_ generator: inout some RandomNumberGenerator) -> String { Self.sample(items, &generator) }

    private static func sample(_ items: [Item], _ generator: inout some RandomNumberGenerator) -> String {
        var text = ""
        for item in items {
            for _ in 0..<Int.random(in: item.counts, using: &generator) {
                switch item.atom {
                case .characters(let choices): text.append(choices.randomElement(using: &generator)!)
                case .group(let alternatives): text += sample(alternatives.randomElement(using: &generator)!, &generator)
                }
            }
        }
        return text
    }

    private static func alternatives(_ text: inout Substring) -> [[Item]]? {
        var result: [[Item]] = [[]]
        while let next = text.first, next != ")" {
            text.removeFirst()
            let atom: Atom
            switch next {
            case "|":
                result.append([])
                continue
            case "\\":
                guard let escaped = text.popFirst() else { return nil }
                atom = escaped == "d" ? .characters(Array("0123456789")) : .characters([escaped])
            case "[":
                guard let end = text.firstIndex(of: "]") else { return nil }
                var members: [Character] = []
                var body = Array(text[..<end])
                text = text[text.index(after: end)...]
                while !body.isEmpty {
                    if body.count >= 3, body[1] == "-", let low = body[0].asciiValue, let high = body[2].asciiValue {
                        members += (low...high).map { Character(UnicodeScalar($0)) }
                        body.removeFirst(3)
                    } else {
                        members.append(body.removeFirst())
                    }
                }
                atom = .characters(members)
            case "(":
                guard let inner = alternatives(&text), text.popFirst() == ")" else { return nil }
                atom = .group(inner)
            case ".", "+", "*", "?", "{", "^", "$": return nil
            default: atom = .characters([next])
            }
            var counts = 1...1
            switch text.first {
            case "?": counts = 0...1
            case "*": counts = 0...3
            case "+": counts = 1...4
            case "{":
                guard let end = text.firstIndex(of: "}"), let n = Int(text[text.index(after: text.startIndex)..<end]) else { return nil }
                counts = n...n
                text = text[end...]  // the `}`, removed below with the others
            default: break
            }
            if counts != 1...1 || text.first == "}" { text.removeFirst() }
            result[result.count - 1].append(Item(atom: atom, counts: counts))
        }
        return result
    }
}

@Suite("A service change shown to a person never shows a secret")
struct ServiceDiffMaskingTests {
    @Test func secretValuesAreMaskedInTheDiff() {
        let change = ServiceFileEdit.Change(
            text: "", previous: [LibpqOption("password", "hunter2")], removedLines: ["password=hunter2", "host=a"],
            addedLines: ["host=b", "sslpassword=kp"])
        #expect(change.diff(name: "prod") == "[prod]\n- password=…\n- host=a\n+ host=b\n+ sslpassword=…\n")
    }
}
