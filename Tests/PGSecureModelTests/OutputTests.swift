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
        #expect(warnings.contains { $0.contains("channel_binding") })
    }

    @Test func jdbcReadsTheSystemStoreThroughTheJavaFactory() throws {
        var settings = settings
        settings.sslrootcert = systemRootCertificate
        let snippet = try settings.snippet(for: .jdbc)
        #expect(snippet.text.contains("\"sslfactory\", \"org.postgresql.ssl.DefaultJavaSSLFactory\""))
        #expect(!snippet.text.contains("\"sslrootcert\""))
    }

    @Test func jdbcRejectsHostsItCannotWrite() {
        var settings = settings
        settings.endpoints = [Endpoint(host: "/var/run/postgresql")]
        #expect(throws: InputError.self) { try settings.snippet(for: .jdbc) }
    }

    @Test(arguments: SnippetClient.allCases)
    func snippetsNeverDisableVerificationOrLeakAnAbsentPassword(client: SnippetClient) throws {
        let text = try settings.snippet(for: client).text
        #expect(text.contains("verify-full"))
        #expect(!text.contains("NonValidatingFactory") && !text.contains("sslmode=require"))
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
