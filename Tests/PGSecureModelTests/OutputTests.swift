import Testing
@testable import PGSecureModel

@Suite("Quoting for each target language")
struct QuotingTests {
    @Test(arguments: [
        ("plain", "'plain'"), ("it's", "'it''s'"), ("\u{2018}x\u{2019}", "'\u{2018}\u{2018}x\u{2019}\u{2019}'"),
        ("\u{201A}\u{201B}", "'\u{201A}\u{201A}\u{201B}\u{201B}'"), ("$env:HOME `n", "'$env:HOME `n'"), ("", "''"),
    ])
    func powerShellDoublesEveryQuoteCharacter(value: String, quoted: String) {
        #expect(Quoting.powerShell(value) == quoted)
    }

    @Test(arguments: [("a'b", "'a'\\''b'"), ("$(x) `y` \\", "'$(x) `y` \\'")])
    func posixShell(value: String, quoted: String) {
        #expect(Quoting.posixShell(value) == quoted)
    }

    @Test(arguments: [("a'b\\c", "'a\\'b\\\\c'")])
    func fishAndConninfoEscapeBackslashAndQuote(value: String, quoted: String) {
        #expect(Quoting.fish(value) == quoted)
        #expect(Quoting.conninfoValue(value) == quoted)
    }

    @Test func javaNeverWritesAUnicodeEscapeForALineBreak() {
        #expect(Quoting.java("a\nb\u{1}0\"\\é😀") == "\"a\\nb\\0010\\\"\\\\\\u00E9\\uD83D\\uDE00\"")
    }

    @Test func pythonEscapesInvisibleCharacters() {
        #expect(Quoting.python("a'\\\n\u{7F}\u{200B}é😀") == "'a\\'\\\\\\n\\x7F\\u200Bé😀'")
    }

    @Test func percentEncodingKeepsOnlyUnreservedBytes() {
        #expect(Quoting.percentEncoded("aZ9-._~ +%/é") == "aZ9-._~%20%2B%25%2F%C3%A9")
    }
}

@Suite("Outputs")
struct OutputTests {
    let settings = ConnectionSettings(
        endpoints: [Endpoint(host: "db.example.com", port: 5432)], user: "alex", dbname: "app", sslmode: .verifyFull,
        sslrootcert: "/etc/ssl/certs/ca-certificates.crt", otherOptions: [LibpqOption("application_name", "web")])

    @Test func exportsNameEveryLibpqVariable() {
        let exports = settings.exports(for: .sh)
        #expect(exports.text == """
            export PGHOST='db.example.com'
            export PGPORT='5432'
            export PGUSER='alex'
            export PGDATABASE='app'
            export PGSSLMODE='verify-full'
            export PGSSLROOTCERT='/etc/ssl/certs/ca-certificates.crt'
            export PGAPPNAME='web'

            """)
        #expect(exports.warnings.isEmpty)
    }

    @Test(arguments: Shell.allCases)
    func exportsWarnAboutKeywordsWithoutVariables(shell: Shell) {
        var settings = settings
        settings.otherOptions = [LibpqOption("keepalives_idle", "30")]
        let exports = settings.exports(for: shell)
        #expect(!exports.text.contains("30"))
        #expect(exports.warnings.count == 1)
    }

    @Test func passwordIsExportedOnlyWhenPresent() {
        #expect(!settings.exports(for: .sh).text.contains("PGPASSWORD"))
        var withPassword = settings
        withPassword.password = "s3cret"
        #expect(withPassword.exports(for: .fish).text.contains("set -gx PGPASSWORD 's3cret'"))
    }

    @Test func jdbcUsesPropertiesAndEncodesPlus() throws {
        var settings = settings
        settings.dbname = "a+b"
        var warnings: [String] = []
        let (url, properties) = try settings.jdbcURLAndProperties(warnings: &warnings)
        #expect(url == "jdbc:postgresql://db.example.com:5432/a%2Bb")
        #expect(properties == [
            LibpqOption("user", "alex"), LibpqOption("sslmode", "verify-full"),
            LibpqOption("sslrootcert", "/etc/ssl/certs/ca-certificates.crt"), LibpqOption("ApplicationName", "web"),
        ])
    }

    @Test func jdbcMapsKeepalivesToABooleanAndWarnsAboutChannelBinding() throws {
        var settings = settings
        settings.otherOptions = [LibpqOption("keepalives", "1"), LibpqOption("channel_binding", "require")]
        var warnings: [String] = []
        let (_, properties) = try settings.jdbcURLAndProperties(warnings: &warnings)
        #expect(properties.contains(LibpqOption("tcpKeepAlive", "true")))
        #expect(!properties.contains { $0.keyword == "channelBinding" })
        #expect(try settings.snippet(for: .jdbc).warnings.contains { $0.contains("channel_binding") })
    }

    /// A JDBC snippet for a multi-host string must not land on a replica: read-write becomes targetServerType=primary.
    @Test(arguments: [
        ("read-write", "primary"), ("primary", "primary"), ("standby", "secondary"), ("prefer-standby", "preferSecondary"),
        ("any", "any"), ("read-only", "secondary"),
    ])
    func jdbcMapsTargetSessionAttrsToTargetServerType(attribute: String, serverType: String) throws {
        var settings = settings
        settings.endpoints = [Endpoint(host: "a.example.com"), Endpoint(host: "b.example.com")]
        settings.otherOptions = [LibpqOption("target_session_attrs", attribute)]
        let snippet = try settings.snippet(for: .jdbc)
        #expect(snippet.text.contains("properties.setProperty(\"targetServerType\", \"\(serverType)\");"))
        #expect(snippet.warnings.contains { $0.contains("read-only") } == (attribute == "read-only"))
        #expect(!snippet.warnings.contains { $0.contains("no equivalent") })
    }

    /// Found by the lab: pgjdbc 42.5 throws "Prohibited character" for a SCRAM password with an emoji.
    @Test(arguments: [("p\u{E4}ss\u{65E5}", false), ("pass\u{1F600}", true)])
    func jdbcWarnsAboutPasswordsItsSASLprepRefuses(password: String, refused: Bool) throws {
        var settings = settings
        settings.password = password
        #expect(try settings.snippet(for: .jdbc).warnings.contains { $0.contains("SASLprep") } == refused)
    }

    @Test func jdbcWarnsThatRequireNeverVerifies() throws {
        var settings = settings
        settings.sslmode = .require
        let warnings = try settings.snippet(for: .jdbc).warnings
        #expect(warnings.contains { $0.contains("sslmode=require") && $0.contains("never checked") })
    }

    @Test func jdbcReadsTheSystemStoreThroughTheJavaFactory() throws {
        var settings = settings
        settings.sslrootcert = systemRootCertificate
        let snippet = try settings.snippet(for: .jdbc)
        #expect(snippet.text.contains("\"sslfactory\", \"org.postgresql.ssl.DefaultJavaSSLFactory\""))
        #expect(!snippet.text.contains("\"sslrootcert\""))
    }

    /// Each client's table says what it lacks; the snippet says so instead of dropping it silently.
    @Test func clientsWarnFromTheirCapabilityTable() throws {
        var settings = settings
        settings.endpoints = [Endpoint(host: "a.example.com", port: 5432), Endpoint(host: "b.example.com", port: 5432)]
        settings.otherOptions = [LibpqOption("channel_binding", "require")]
        let node = try settings.snippet(for: .nodePG)
        #expect(node.warnings.contains { $0.contains("one host") && $0.contains("a.example.com") })
        #expect(node.warnings.contains { $0.contains("channel_binding") })
        #expect(!node.text.contains("b.example.com"))
        let pgx = try settings.snippet(for: .pgx)
        #expect(pgx.text.contains("host='a.example.com,b.example.com'"))
        #expect(!pgx.warnings.contains { $0.contains("one host") })
        #expect(!pgx.text.contains("channel_binding"))
        #expect(try settings.snippet(for: .psycopg2).warnings.isEmpty)
    }

    /// Clients that verify more than libpq's name says (node-postgres reads require as verify-full) say so too.
    @Test func weakModesAreNeverWrittenWeakerThanLibpqReadsThem() throws {
        var settings = settings
        settings.sslmode = .require
        let node = try settings.snippet(for: .nodePG)
        #expect(node.text.contains("rejectUnauthorized: true"))
        #expect(node.warnings.contains { $0.contains("chain and the host name are checked") })
        let libpq = try settings.snippet(for: .libPQ)
        #expect(libpq.text.contains("sslmode='require'"))
        settings.sslmode = .prefer
        #expect(try settings.snippet(for: .libPQ).text.contains("sslmode='require'"))
        settings.sslmode = .disable
        #expect(try settings.snippet(for: .libPQ).text.contains("sslmode='disable'"))
        #expect(try settings.snippet(for: .nodePG).text.contains("ssl: false"))
    }

    @Test func systemRootsAreExpressedInEachClientsOwnTerms() throws {
        var settings = settings
        settings.sslrootcert = systemRootCertificate
        #expect(try settings.snippet(for: .pgx).text.contains("x509.SystemCertPool()"))
        #expect(!(try settings.snippet(for: .libPQ).text.contains("sslrootcert=")))
        #expect(try settings.snippet(for: .asyncpg).text.contains("ssl.create_default_context()"))
        #expect(!(try settings.snippet(for: .nodePG).text.contains("ca: fs.readFileSync")))
        #expect(!(try settings.snippet(for: .prisma).text.contains("sslcert")))
        #expect(!(try settings.snippet(for: .npgsql).text.contains("Root Certificate")))
    }

    /// pdo_pgsql turns every ';' of the DSN into a space: such a value goes through libpq's variable instead.
    @Test func phpPassesSemicolonValuesThroughTheEnvironment() throws {
        var settings = settings
        settings.dbname = "a;b"
        let text = try settings.snippet(for: .phpPDO).text
        #expect(text.contains("putenv(\"PGDATABASE=a;b\");"))
        #expect(!text.contains("dbname="))
    }

    @Test func djangoNeedsADatabaseName() {
        var settings = settings
        settings.dbname = nil
        settings.user = nil
        #expect(throws: InputError.self) { try settings.snippet(for: .django) }
    }

    @Test func jdbcRejectsHostsItCannotWrite() {
        var settings = settings
        settings.endpoints = [Endpoint(host: "/var/run/postgresql")]
        #expect(throws: InputError.self) { try settings.snippet(for: .jdbc) }
    }

    @Test(arguments: SnippetClient.allCases)
    func snippetsNeverDisableVerificationOrLeakAnAbsentPassword(client: SnippetClient) throws {
        let text = try settings.snippet(for: client).text
        switch client {
        case .npgsql: #expect(text.contains("SSL Mode=VerifyFull"))
        // Prisma's sslmode stops at require; sslaccept=strict is what checks the chain and the host name.
        case .prisma: #expect(text.contains("sslmode=require&sslaccept=strict"))
        default: #expect(text.contains("verify-full") && !text.contains("sslmode=require"))
        }
        #expect(!text.contains("NonValidatingFactory") && !text.contains("rejectUnauthorized: false"))
        #expect(!text.contains("InsecureSkipVerify") && !text.contains("CERT_NONE") && !text.contains("accept_invalid"))
        #expect(!text.contains("s3cret"))
        var withPassword = settings
        withPassword.password = "s3cret"
        #expect(try withPassword.snippet(for: client).text.contains("s3cret"))
    }

    @Test func psqlSnippetIsOneQuotedCommandLine() throws {
        let text = try settings.snippet(for: .psql).text
        #expect(text.split(separator: "\n").count == 1)
        #expect(text.hasPrefix("psql 'postgresql://alex@db.example.com:5432/app?sslmode=verify-full&"))
    }

    /// argv is public (`ps`): the password goes into psql's environment, sslpassword is left out with a warning.
    @Test func psqlSnippetKeepsSecretsOutOfTheArguments() throws {
        var withSecrets = settings
        withSecrets.password = "s3'cret"
        withSecrets.otherOptions.append(LibpqOption("sslpassword", "k3y"))
        let output = try withSecrets.snippet(for: .psql)
        let command = try #require(output.text.split(separator: "\n").last.map(String.init))
        #expect(command.hasPrefix("PGPASSWORD='s3'\\''cret' psql 'postgresql://alex@db.example.com:5432/app?"))
        #expect(!command.dropFirst("PGPASSWORD='s3'\\''cret' ".count).contains("s3"))
        #expect(!output.text.contains("k3y"))
        #expect(output.text.contains("~/.pgpass"))
        #expect(output.warnings.contains { $0.contains("sslpassword") })
    }
}

@Suite("Snippet templates")
struct TemplateTests {
    @Test func sectionsRowsAndStandaloneLines() {
        let template = Template("""
            start {{{a}}}
            {{#rows}}
              {{name}}={{value}} ({{a}})
            {{/rows}}
            {{^flag}}
            no flag
            {{/flag}}
            {{#flag}}never{{/flag}}end
            """)
        let text = template.render([
            "a": .text("<&>"), "flag": .flag(false),
            "rows": .rows([["name": .text("x"), "value": .text("1")], ["name": .text("y"), "value": .text("2")]]),
        ])
        #expect(text == "start <&>\n  x=1 (<&>)\n  y=2 (<&>)\nno flag\nend")
    }

    @Test func emptyRowsAndMissingValues() {
        #expect(Template("{{^rows}}none{{/rows}}[{{missing}}]").render(["rows": .rows([])]) == "none[]")
    }
}
