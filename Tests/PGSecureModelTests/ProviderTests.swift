import Foundation
import PGSecureLibPQ
import Testing
@testable import PGSecureModel

/// The provider catalogue: every entry recognises its documented host names and no look-alike, and the resolver gives
/// each the root and mode that can really work there.
@Suite("Managed providers")
struct ProviderTests {
    /// Host names from each provider's documentation (or, where marked in PROVIDERS.md, public configurations).
    static let documentedHosts: [(host: String, provider: String)] = [
        ("ep-cool-darkness-123456.us-east-2.aws.neon.tech", "neon"),
        ("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech", "neon"),
        ("ep-billowing-sun-a5xyz.c-2.us-east-1.aws.neon.tech", "neon"),
        ("ep-quiet-lake-123.eastus2.azure.neon.tech", "neon"),
        ("db.abcdefghijklmnopqrst.supabase.co", "supabase"),
        ("aws-0-us-east-1.pooler.supabase.com", "supabase"),
        ("aws-1-eu-central-1.pooler.supabase.com", "supabase"),
        ("testpg.cdhmuqifdpib.us-east-1.rds.amazonaws.com", "rds"),
        ("mypostgres-cluster.cluster-123456789012.us-west-2.rds.amazonaws.com", "rds"),
        ("mypostgres-cluster.cluster-ro-123456789012.us-west-2.rds.amazonaws.com", "rds"),
        ("c4fuk4g4mva0ni.cluster-cmgvywijhzgr.us-east-1.rds.amazonaws.com", "rds"),
        ("my-proxy.proxy-cdhmuqifdpib.us-east-1.rds.amazonaws.com", "rds-proxy"),
        ("mydemoserver.postgres.database.azure.com", "azure"),
        ("mydemoserver.postgres.database.chinacloudapi.cn", "azure"),
        ("103uufa2svq8u.2rb3qdj9tkf4d.global.sql-psa.goog.", "cloudsql"),
        ("pg-prod-myproject.aivencloud.com", "aiven"),
        ("db-postgresql-nyc1-12345-do-user-1234567-0.b.db.ondigitalocean.com", "digitalocean"),
        ("private-db-postgresql-nyc1-12345-do-user-1234567-0.b.db.ondigitalocean.com", "digitalocean"),
        ("p.vbjrfujv5beutlw725gvi3i.db.postgresbridge.com", "crunchybridge"),
        ("ec2-54-83-1-2.compute-1.amazonaws.com", "heroku"),
        ("dpg-abc123def456-a.oregon-postgres.render.com", "render"),
        ("roundhouse.proxy.rlwy.net", "railway"),
        ("abc123xyz.def456uvw.tsdb.cloud.timescale.com", "timescale"),
        ("us-east-1.sql.xata.sh", "xata"),
        ("direct.us-east-1.db.xata.tech", "xata"),
        ("org-acme-inst-prod.data-1.use1.tembo.io", "tembo"),
        ("eu-central-1.db.thenile.dev", "nile"),
        ("direct.abc123.flympg.net", "fly"),
        ("quantum-trader-3674.g8z.cockroachlabs.cloud", "cockroach"),
        ("free-tier7.aws-eu-west-1.cockroachlabs.cloud", "cockroach"),
        ("740ce33e-4242-4242-a424-cc4242c4242b.aws.yugabyte.cloud", "yugabyte"),
        ("EP-COOL-DARKNESS-123456.US-EAST-2.AWS.NEON.TECH", "neon"),
    ]

    @Test(arguments: documentedHosts)
    func recognisesDocumentedHosts(_ example: (host: String, provider: String)) {
        #expect(Provider.recognize(example.host)?.id == example.provider)
    }

    @Test func everyCatalogueEntryHasADocumentedHost() {
        let covered = Set(Self.documentedHosts.map(\.provider))
        #expect(Set(Provider.all.map(\.id)).subtracting(covered).isEmpty)
    }

    @Test(arguments: [
        "neon.tech.evil.example", "ep-x.us-east-2.aws.neon.tech.evil.example", "evilneon.tech", "supabase.co.example.net",
        "db.abc.supabase.co.example.net", "db.abc.supabase.com", "rds.amazonaws.com", "x.rds.amazonaws.com.evil.example",
        "example.postgres.database.azure.com.evil.example", "aivencloud.com.evil", "ec2-54-83-1-2.compute-1.amazonaws.com.evil",
        "notrlwy.net", "localhost", "127.0.0.1", "db.example.com",
    ])
    func nearMissesAreNotRecognised(_ host: String) {
        #expect(Provider.recognize(host) == nil)
    }

    @Test func entriesAreWellFormed() throws {
        for provider in Provider.all {
            for pattern in provider.hosts { _ = try Regex(pattern) }
            if provider.verifyFull == .no { #expect(provider.strongestMode != nil && provider.whyNot != nil, "\(provider.id)") }
            if provider.needsOwnRootFile { #expect(provider.rootInstructions != nil, "\(provider.id)") }
        }
    }

    @Test func documentedRootNames() throws {
        let supabase = try #require(Provider.all.first { $0.id == "supabase" })
        #expect(supabase.documentsRoot(commonName: "Supabase Root 2021 CA") == true)
        #expect(supabase.documentsRoot(commonName: "ISRG Root X1") == false)
        let rds = try #require(Provider.all.first { $0.id == "rds" })
        #expect(rds.documentsRoot(commonName: "Amazon RDS us-east-1 Root CA RSA2048 G1") == true)
        #expect(rds.documentsRoot(commonName: "Amazon RDS us-east-1 CA 2019") == false)
        let aiven = try #require(Provider.all.first { $0.id == "aiven" })
        #expect(aiven.documentsRoot(commonName: "anything") == nil)
    }

    // MARK: The resolver's provider step

    static func files(present: Set<String> = []) -> LocalFiles {
        LocalFiles(
            home: "/home/u", currentDirectory: "/work", systemConfigurationDirectory: "/etc/postgresql-common",
            facts: { present.contains($0) ? LocalFiles.Facts(isRegularFile: true, mode: 0o644) : nil }, read: { _ in nil })
    }

    static func resolve(_ string: String, sslmode: String? = nil, files: LocalFiles = files()) throws -> Resolution {
        let context = ResolutionContext(
            environment: [:], libpqVersion: 160_000, parse: { text throws(InputError) in try LibPQ.parse(text) },
            files: files, rootFileProblem: nil,
            defaultRootCertificate: { DefaultRootCertificate(value: "system", origin: "OpenSSL's default trust store") })
        let fields = sslmode.map { [LibpqOption("sslmode", $0)] } ?? []
        return try ConnectionResolver.resolve(
            ConnectionRequest(connectionString: string, fields: fields, sslmodeIsExplicit: sslmode != nil), in: context)
    }

    @Test func supabaseWithoutItsRootPointsAtWhereToSaveItAndSaysHow() throws {
        let resolution = try Self.resolve("postgresql://postgres@db.abcdefghijklmnopqrst.supabase.co/postgres?sslmode=require")
        #expect(resolution.settings.sslmode == .verifyFull)
        #expect(resolution.settings.sslrootcert == "/home/u/.postgresql/supabase-prod-ca-2021.crt")
        let missing = try #require(resolution.notices.first { if case .providerRootMissing = $0 { true } else { false } })
        #expect(missing.isWarning)
        #expect(missing.message.contains("Supabase Root 2021 CA"))
        #expect(missing.message.contains("Database Settings → SSL Configuration"))
        #expect(missing.message.contains("third-party"))
        #expect(!resolution.notices.contains { if case .rootCertificateChosen = $0 { true } else { false } })
    }

    @Test func aProviderRootOnThisMachineIsChosen() throws {
        let path = "/work/supabase-prod-ca-2021.crt"
        let resolution = try Self.resolve(
            "host=aws-0-us-east-1.pooler.supabase.com user=postgres.abc port=5432", files: Self.files(present: [path]))
        #expect(resolution.settings.sslrootcert == path)
        #expect(resolution.notices.contains(.providerRootChosen(Provider.recognize("db.x.supabase.co")!, path: path)))
    }

    @Test func aRootTheUserGaveIsKept() throws {
        let resolution = try Self.resolve("host=db.abc.supabase.co sslrootcert=/mine.pem")
        #expect(resolution.settings.sslrootcert == "/mine.pem")
        #expect(!resolution.notices.contains { $0.isWarning })
    }

    @Test func herokuClassicGetsRequireWithAnExplicitWarning() throws {
        let resolution = try Self.resolve("postgres://u@ec2-54-83-1-2.compute-1.amazonaws.com:5432/d?sslmode=require")
        #expect(resolution.settings.sslmode == .require)
        #expect(resolution.settings.sslrootcert == nil)
        let warning = try #require(resolution.notices.first { if case .providerVerifyFullImpossible = $0 { true } else { false } })
        #expect(warning.message.contains("self-signed"))
        #expect(warning.message.contains("NOT checked"))
        #expect(!resolution.notices.contains(.sslmodeUpgraded(from: .require)))
    }

    @Test func verifyFullChosenByThePersonIsKeptWithTheReasonItFails() throws {
        let resolution = try Self.resolve("host=roundhouse.proxy.rlwy.net port=12345", sslmode: "verify-full")
        #expect(resolution.settings.sslmode == .verifyFull)
        #expect(resolution.notices.contains { $0.message.contains("use --sslmode require") })
    }

    @Test func cloudSQLGetsVerifyCAWithItsServerCA() throws {
        let resolution = try Self.resolve("host=103uufa2svq8u.2rb3qdj9tkf4d.global.sql-psa.goog")
        #expect(resolution.settings.sslmode == .verifyCA)
        #expect(resolution.settings.sslrootcert == "/home/u/.postgresql/cloudsql-server-ca.pem")
        #expect(resolution.notices.contains { $0.message.contains("project:instance") })
    }

    @Test func undocumentedSignersAreSaidToBeUnknown() throws {
        let resolution = try Self.resolve("host=dpg-abc123def456-a.oregon-postgres.render.com")
        #expect(resolution.settings.sslrootcert == "system")
        #expect(resolution.notices.contains { $0.message.contains("Render does not document who signs") })
    }

    @Test func neonKeepsChannelBindingAndWarnsWithoutSNI() throws {
        let resolution = try Self.resolve(
            "postgresql://alex@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require&sslsni=0")
        #expect(resolution.settings.otherOptions["channel_binding"] == "require")
        #expect(resolution.settings.sslrootcert == "system")
        #expect(resolution.notices.contains { $0.isWarning && $0.message.contains("options=endpoint%3D") })
        #expect(resolution.notices.contains { $0.message.contains("channel_binding=require kept") })
    }

    @Test func supabaseTransactionPoolerAndItsUser() throws {
        let resolution = try Self.resolve("postgresql://postgres@aws-0-us-east-1.pooler.supabase.com:6543/postgres")
        #expect(resolution.notices.contains { $0.message.contains("postgres.<project-ref>") })
        #expect(resolution.notices.contains { $0.message.contains("prepare_threshold=None") && $0.message.contains("prepareThreshold=0") })
    }

    @Test func tokensAsPasswordsAreNotToBeSavedAndNeverShown() throws {
        let token = "testpg.cdhmuqifdpib.us-east-1.rds.amazonaws.com:5432/?Action=connect&X-Amz-Signature=abc123"
        let context = ResolutionContext(
            environment: [:], libpqVersion: 160_000, parse: { text throws(InputError) in try LibPQ.parse(text) },
            files: Self.files(), rootFileProblem: nil, defaultRootCertificate: { nil })
        let resolution = try ConnectionResolver.resolve(
            ConnectionRequest(
                fields: [LibpqOption("host", "testpg.cdhmuqifdpib.us-east-1.rds.amazonaws.com"), LibpqOption("password", token)]),
            in: context)
        let note = try #require(resolution.notices.first { $0.message.contains("IAM token") })
        #expect(note.isWarning)
        #expect(!resolution.notices.contains { $0.message.contains("abc123") })
        #expect(resolution.settings.sslrootcert == "/home/u/.postgresql/rds-global-bundle.pem")
    }
}

/// The README's provider table matches the catalogue, one row per entry.
@Test func readmeListsEveryCatalogueEntry() throws {
    let readme = try String(
        contentsOfFile: #filePath.replacing("Tests/PGSecureModelTests/ProviderTests.swift", with: "README.md"), encoding: .utf8)
    let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Provider ") }
    for provider in Provider.all {
        #expect(rows.contains { $0.hasPrefix("| \(provider.name) | \(provider.root.names.isEmpty ? "not documented" : provider.root.names.joined(separator: ", ")) |") }, "\(provider.name)")
    }
}

/// The tester's report for a provider's host: which provider, whether the chain ended at its documented root, and
/// the provider's own fix for a failure.
@Suite("Managed providers in the report")
struct ProviderReportTests {
    static let now: Int64 = 1_790_000_000

    static func evidence(host: String, connected: Bool, message: String? = nil, issuer: String, verifiedPath: [String] = [])
        -> ConnectionEvidence
    {
        let leaf = CertificateFacts(
            subject: "CN=\(host)", issuer: issuer, san: ["DNS:\(host)"], notBefore: now - 86_400, notAfter: now + 86_400 * 90,
            sha256: "AA", commonName: host)
        return ConnectionEvidence(
            target: TestTarget(host: host, port: 5432, hostaddr: "127.0.0.1", user: "u", dbname: "d", sslmode: .verifyFull, rootFile: "/bundle.crt"),
            connected: connected, sslInUse: connected, libpqMessage: message,
            chainCheck: ChainCheck(
                presented: [leaf], rootFile: "/bundle.crt", verifyError: connected ? 0 : 20,
                verifyErrorText: connected ? "ok" : "unable to get local issuer certificate", verifiedPath: verifiedPath,
                hostName: host, hostMatches: true),
            now: now)
    }

    @Test func untrustedSupabaseNamesItsRootAndWhereToGetIt() {
        let report = Report(Self.evidence(
            host: "db.abc.supabase.co", connected: false,
            message: "connection to server at \"127.0.0.1\", port 5432 failed: SSL error: certificate verify failed\n",
            issuer: "CN=Supabase Root 2021 CA,O=Supabase Inc"))
        #expect(report.diagnosis.code == .certUntrusted)
        #expect(report.diagnosis.fix.hasPrefix("This is Supabase: its certificates are signed by Supabase Root 2021 CA"))
        #expect(report.diagnosis.fix.contains("pgsecure certs --check ~/.postgresql/supabase-prod-ca-2021.crt --host db.abc.supabase.co"))
        #expect(report.provider?.endsAtDocumentedRoot == true)
        #expect(report.json.contains("\"provider\" : {"))
    }

    @Test func verifiedChainEndingElsewhereIsSaid() {
        let report = Report(Self.evidence(
            host: "testpg.cdhmuqifdpib.us-east-1.rds.amazonaws.com", connected: true, issuer: "CN=Proxy CA",
            verifiedPath: ["CN=testpg", "CN=Corporate Proxy Root"]))
        #expect(report.provider?.endsAtDocumentedRoot == false)
        #expect(report.text.contains("Provider:    AWS RDS / Aurora — chain ends at CN=Corporate Proxy Root: NOT the root AWS RDS / Aurora documents"))
    }

    @Test func noProviderIsNull() {
        let report = Report(Self.evidence(host: "db.example.com", connected: true, issuer: "CN=x", verifiedPath: ["CN=x"]))
        #expect(report.provider == nil)
        #expect(report.json.contains("\"provider\" : null"))
    }
}

@Test func cloudSQLsCertificateShapeIsRecognised() {
    #expect(Provider.recognize(certificateCommonName: "my-project:my-instance", san: [])?.id == "cloudsql")
    #expect(Provider.recognize(certificateCommonName: "my-project:my-instance", san: ["DNS:x"]) == nil)
    #expect(Provider.recognize(certificateCommonName: "db.example.com", san: []) == nil)
    #expect(Provider.recognize(certificateCommonName: nil, san: []) == nil)
}
