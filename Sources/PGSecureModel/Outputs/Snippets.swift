import PGSecureResources

/// The clients pgsecure writes a complete, runnable program or command for.
public enum SnippetClient: String, CaseIterable, Sendable {
    case psql, psycopg2, psycopg, jdbc

    public var summary: String {
        switch self {
        case .psql: "psql command line (libpq)"
        case .psycopg2: "Python 3 program using psycopg2 (libpq)"
        case .psycopg: "Python 3 program using psycopg 3 (libpq)"
        case .jdbc: "single-file Java program using pgjdbc: java -cp postgresql.jar Snippet.java"
        }
    }

    /// A short name for menus.
    public var title: String {
        switch self {
        case .psql: "psql command"
        case .psycopg2: "Python (psycopg2)"
        case .psycopg: "Python (psycopg 3)"
        case .jdbc: "Java (pgjdbc)"
        }
    }

    /// What the printed snippet is, for file names and syntax highlighting.
    public var fileName: String {
        switch self {
        case .psql: "connect.sh"
        case .psycopg2, .psycopg: "connect.py"
        case .jdbc: "Snippet.java"
        }
    }
}

extension ConnectionSettings {
    /// A snippet that connects with exactly these settings and prints the server's version.
    /// The password appears only if the settings carry one; callers drop it unless the user asked.
    public func snippet(for client: SnippetClient) throws(InputError) -> RenderedOutput {
        var warnings: [String] = []
        var context: [String: TemplateValue] = [
            "includesPassword": .flag(password != nil),
            "systemRootNote": .flag(sslrootcert == systemRootCertificate),
        ]
        switch client {
        case .psql:
            // Nothing secret in argv, which any local user can read (`ps`): the password goes into this one
            // command's environment; sslpassword has no variable, so psql asks for the key's pass phrase instead.
            if otherOptions.contains(where: { $0.keyword == "sslpassword" }) {
                warnings.append("sslpassword is left out of the psql command (any local user could read it with `ps`): psql asks for the client key's pass phrase")
            }
            context["target"] = .text(Quoting.posixShell(withoutSecrets.uri))
            context["passwordAssignment"] = .text(password.map { "PGPASSWORD=" + Quoting.posixShell($0) + " " } ?? "")
        case .psycopg2, .psycopg:
            context["parameters"] = .rows(options.map { ["keyword": .text($0.keyword), "value": .text(Quoting.python($0.value))] })
        case .jdbc:
            let (url, properties) = try jdbcURLAndProperties(warnings: &warnings)
            context["url"] = .text(Quoting.java(url))
            context["properties"] = .rows(properties.map { ["name": .text(Quoting.java($0.keyword)), "value": .text(Quoting.java($0.value))] })
        }
        return RenderedOutput(text: SnippetTemplates.render(client, context), warnings: warnings)
    }

    /// pgjdbc's reading of the settings: hosts in the URL, everything else as Properties (it cannot take
    /// `user:password@`, decodes `+` as a space, and has no `sslrootcert=system`).
    func jdbcURLAndProperties(warnings: inout [String]) throws(InputError) -> (String, [LibpqOption]) {
        guard !endpoints.isEmpty else {
            throw InputError(field: "host", problem: "is missing", fix: "pgjdbc needs a host: add --host NAME")
        }
        var hosts: [String] = []
        for endpoint in endpoints {
            let host = endpoint.host
            let isIPv6 = host.contains(":")
            let allowed = isIPv6 ? "0123456789abcdefABCDEF:." : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._"
            guard host.allSatisfy({ allowed.contains($0) }) else {
                throw InputError(
                    field: "host", problem: "\"\(host)\" cannot be written in a JDBC URL",
                    fix: "pgjdbc takes DNS names and IP addresses only (no socket directories or special characters)")
            }
            hosts.append((isIPv6 ? "[\(host)]" : host) + (endpoint.port.map { ":\($0)" } ?? ""))
        }
        let url = "jdbc:postgresql://" + hosts.joined(separator: ",") + "/" + Quoting.percentEncoded(dbname ?? "")

        var properties: [LibpqOption] = []
        if let user { properties.append(LibpqOption("user", user)) }
        if let password { properties.append(LibpqOption("password", password)) }
        if let sslmode { properties.append(LibpqOption("sslmode", sslmode.rawValue)) }
        if sslrootcert == systemRootCertificate {
            properties.append(LibpqOption("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory"))
        } else if let sslrootcert {
            properties.append(LibpqOption("sslrootcert", sslrootcert))
        }
        if sslmode == .require {
            warnings.append("pgjdbc never checks the certificate with sslmode=require, even with a root certificate file; use verify-full")
        }
        for option in otherOptions {
            if option.keyword == "keepalives" {
                properties.append(LibpqOption("tcpKeepAlive", option.value == "0" ? "false" : "true"))
            } else if let name = Self.jdbcPropertyNames[option.keyword] {
                properties.append(LibpqOption(name, option.value))
            } else if option.keyword == "channel_binding" {
                warnings.append("channel_binding is left out of the JDBC snippet: pgjdbc before 42.7.4 ignores channelBinding, so it would enforce nothing")
            } else {
                warnings.append("pgjdbc has no equivalent of \(option.keyword); the JDBC snippet leaves it out")
            }
        }
        return (url, properties)
    }

    /// libpq keyword → pgjdbc property, where pgjdbc has one with the same meaning.
    static let jdbcPropertyNames: [String: String] = [
        "application_name": "ApplicationName", "connect_timeout": "connectTimeout", "options": "options",
        "sslcert": "sslcert", "sslkey": "sslkey", "sslpassword": "sslpassword", "gssencmode": "gssEncMode",
    ]
}

/// The snippet templates in Resources/snippets.
enum SnippetTemplates {
    static func render(_ client: SnippetClient, _ context: [String: TemplateValue]) -> String {
        Template(String(decoding: EmbeddedResources.snippetTemplates[client.rawValue]!, as: UTF8.self)).render(context)
    }
}
