import Testing
@testable import PGSecureModel

@Suite("Validation of what libpq leaves to connect time")
struct ConnectionSettingsTests {
    @Test(arguments: [
        ([LibpqOption("host", "h"), LibpqOption("port", "99999")], "port"),
        ([LibpqOption("host", "h"), LibpqOption("port", "0")], "port"),
        ([LibpqOption("host", "h"), LibpqOption("port", "54x")], "port"),
        ([LibpqOption("host", "h"), LibpqOption("port", "+5432")], "port"),
        ([LibpqOption("host", "a,b,c"), LibpqOption("port", "1,2")], "port"),
        ([LibpqOption("host", "")], "host"),
        ([LibpqOption("host", "a,,b")], "host"),
        ([LibpqOption("port", "5432")], "host"),
        ([LibpqOption("host", "h"), LibpqOption("sslmode", "verify_full")], "sslmode"),
        ([LibpqOption("host", "h"), LibpqOption("sslmode", "VERIFY-FULL")], "sslmode"),
    ])
    func rejectsWhatLibpqWouldRejectLater(options: [LibpqOption], field: String) {
        #expect {
            _ = try ConnectionSettings(options: options)
        } throws: { error in
            let error = error as! InputError
            return error.field == field && !error.fix.isEmpty && !error.description.contains("\n")
        }
    }

    @Test func errorsStayOnOneLine() {
        let error = InputError(field: "port", problem: "\"1\n2\" is not a port number", fix: "use 1-65535")
        #expect(error.description == "port: \"1\\x0a2\" is not a port number — use 1-65535")
    }

    @Test func secretsAreTheRemovableKind() {
        let settings = ConnectionSettings(
            endpoints: [Endpoint(host: "h")], password: "p",
            otherOptions: [LibpqOption("sslpassword", "k"), LibpqOption("application_name", "a")])
        #expect(settings.carriesSecret)
        #expect(settings.withoutSecrets.password == nil)
        #expect(settings.withoutSecrets.otherOptions == [LibpqOption("application_name", "a")])
        #expect(!settings.withoutSecrets.carriesSecret)
    }

    @Test func portListsFollowLibpq() throws {
        let shared = try ConnectionSettings(options: [LibpqOption("host", "a,b"), LibpqOption("port", "6432")])
        #expect(shared.endpoints == [Endpoint(host: "a", port: 6432), Endpoint(host: "b", port: 6432)])
        let each = try ConnectionSettings(options: [LibpqOption("host", "a,b"), LibpqOption("port", "1,")])
        #expect(each.endpoints == [Endpoint(host: "a", port: 1), Endpoint(host: "b", port: nil)])
        #expect(shared.options.first { $0.keyword == "port" }?.value == "6432")
    }

    @Test func emptyValuesMeanUnset() throws {
        let settings = try ConnectionSettings(options: [
            LibpqOption("host", "h"), LibpqOption("user", ""), LibpqOption("password", ""), LibpqOption("dbname", ""),
        ])
        #expect(settings.user == nil && settings.password == nil && settings.dbname == nil)
    }

    @Test func otherKeywordsAreCarriedThroughInOrder() throws {
        let options = [
            LibpqOption("host", "h"), LibpqOption("options", "-c search_path=x"), LibpqOption("application_name", "a"),
        ]
        let settings = try ConnectionSettings(options: options)
        #expect(settings.otherOptions == Array(options.dropFirst()))
        #expect(settings.options == options)
    }

    @Test func settingAKeywordKeepsItsPlace() {
        var options = [LibpqOption("host", "a"), LibpqOption("user", "u"), LibpqOption("host", "b")]
        options.set("host", "c")
        #expect(options == [LibpqOption("host", "c"), LibpqOption("user", "u")])
        options.set("user", nil)
        #expect(options == [LibpqOption("host", "c")])
    }

    /// libpq's rule (inet_aton, inet_pton for IPv6): `1.2.3` is an address, a zone index is not.
    @Test(arguments: [("10.0.0.1", true), ("::1", true), ("fe80::1%eth0", false), ("db.example.com", false),
                      ("256.1.1.1", false), ("1.2.3", true), ("cafe", false), ("0x7f.1", true), ("08.1.1.1", false)])
    func recognisesIPAddresses(host: String, isIP: Bool) {
        #expect(Endpoint(host: host).isIPAddress == isIP)
    }
}

@Suite("sslmode knowledge")
struct SSLModeKnowledgeTests {
    @Test(arguments: SSLMode.allCases)
    func everyModeIsExplained(mode: SSLMode) {
        let knowledge = mode.knowledge
        #expect(!knowledge.summary.isEmpty && !knowledge.detail.isEmpty)
        #expect((knowledge.rating == .secure) == (mode == .verifyFull))
    }

    @Test func theKnowledgeIsHonestAboutRequireAndPrefer() {
        #expect(SSLMode.require.knowledge.detail.contains("root certificate file exists"))
        #expect(SSLMode.prefer.knowledge.summary.contains("falls back to plain text"))
        #expect(SSLMode.verifyFull.knowledge.detail.contains("Revocation"))
    }
}

@Suite("Security policy: upgrade, and say so")
struct SecurityPolicyTests {
    let base = ConnectionSettings(endpoints: [Endpoint(host: "db.example.com")])
    let bundle = DefaultRootCertificate(value: "/bundle.crt", origin: "the system's root bundle")

    @Test(arguments: [nil, SSLMode.disable, .allow, .prefer, .require])
    func weakOrMissingModesBecomeVerifyFull(mode: SSLMode?) {
        var settings = base
        settings.sslmode = mode
        let result = SecurityPolicy.hardened(settings, sslmodeIsExplicit: false, defaultRootCertificate: { bundle })
        #expect(result.settings.sslmode == .verifyFull)
        #expect(result.settings.sslrootcert == "/bundle.crt")
        #expect(result.notices == [mode.map { .sslmodeUpgraded(from: $0) } ?? .sslmodeDefaulted, .rootCertificateChosen(bundle)])
        #expect(result.notices[0].message.contains(mode == nil ? "none given, using verify-full" : "\(mode!.rawValue) changed to verify-full"))
    }

    @Test(arguments: [SSLMode.disable, .require])
    func anExplicitWeakModeIsKeptWithAWarningAndNoRootFile(mode: SSLMode) {
        var settings = base
        settings.sslmode = mode
        let result = SecurityPolicy.hardened(settings, sslmodeIsExplicit: true, defaultRootCertificate: { bundle })
        #expect(result.settings.sslmode == mode)
        #expect(result.settings.sslrootcert == nil)
        #expect(result.notices == [.weakSSLModeKept(mode)])
        #expect(result.notices[0].isWarning)
        #expect(result.notices[0].message == "sslmode=\(mode.rawValue): \(mode.knowledge.summary)")
    }

    @Test func aGivenRootFileIsKept() {
        var settings = base
        settings.sslmode = .verifyFull
        settings.sslrootcert = "/mine.crt"
        let result = SecurityPolicy.hardened(settings, sslmodeIsExplicit: false, defaultRootCertificate: { bundle })
        #expect(result.settings == settings)
        #expect(result.notices.isEmpty)
    }

    @Test func verifyCAIsKeptButWarnedAbout() {
        var settings = base
        settings.sslmode = .verifyCA
        let result = SecurityPolicy.hardened(settings, sslmodeIsExplicit: false, defaultRootCertificate: { DefaultRootCertificate(value: "system", origin: "test") })
        #expect(result.settings.sslmode == .verifyCA)
        #expect(result.notices == [.weakSSLModeKept(.verifyCA), .rootCertificateChosen(DefaultRootCertificate(value: "system", origin: "test"))])
        #expect(result.notices[0].message.contains("host name"))
    }

    @Test func noBundleIsSaidPlainly() {
        let result = SecurityPolicy.hardened(base, sslmodeIsExplicit: false, defaultRootCertificate: { nil })
        #expect(result.settings.sslrootcert == nil)
        #expect(result.notices.last == .noRootCertificateFound)
        #expect(result.notices.last?.message.contains("no root certificate bundle") == true)
    }

    @Test(arguments: [(Int32(150_018), "/etc/ssl/certs/ca-certificates.crt"), (160_000, "system"), (170_002, "system")])
    func defaultRootDependsOnLibpqVersion(version: Int32, expected: String) {
        let candidates = [
            RootCertificateCandidate(source: "gone", path: "/missing", exists: false),
            RootCertificateCandidate(source: "dir", path: "/etc/ssl/certs", exists: true, isDirectory: true, isReadable: true),
            RootCertificateCandidate(
                source: "Debian", path: "/etc/ssl/certs/ca-certificates.crt", exists: true, isReadable: true,
                certificateCount: 140),
        ]
        #expect(RootCertificateChoice.preferred(libpqVersion: version, candidates: candidates)?.value == expected)
    }
}
