import PGSecureResources

/// The clients pgsecure writes a complete, runnable program or command (or, where marked, a connection string) for.
public enum SnippetClient: String, CaseIterable, Sendable {
    case psql, psycopg2, psycopg, jdbc
    case nodePG = "node-pg", pgx, libPQ = "lib-pq", asyncpg, sqlalchemy, django
    case rubyPG = "ruby-pg", phpPDO = "php-pdo", npgsql, prisma

    public var summary: String {
        switch self {
        case .psql: "psql command line (libpq)"
        case .psycopg2: "Python 3 program using psycopg2 (libpq)"
        case .psycopg: "Python 3 program using psycopg 3 (libpq)"
        case .jdbc: "single-file Java program using pgjdbc: java -cp postgresql.jar Snippet.java"
        case .nodePG: "Node.js program using node-postgres (pg), with an ssl object and no URL"
        case .pgx: "Go program using jackc/pgx v4: go run connect.go"
        case .libPQ: "Go program using lib/pq and database/sql: go run connect.go"
        case .asyncpg: "Python 3 program using asyncpg with an ssl.SSLContext"
        case .sqlalchemy: "Python 3 program: a SQLAlchemy engine (postgresql+psycopg2) with connect_args"
        case .django: "Python 3 program holding a Django DATABASES entry (OPTIONS) that runs it once"
        case .rubyPG: "Ruby program using the pg gem (libpq)"
        case .phpPDO: "PHP program using PDO's pgsql driver (libpq)"
        case .npgsql: ".NET (Npgsql) connection string — text, not run here"
        case .prisma: "Prisma DATABASE_URL line for .env — text, not run here"
        }
    }

    /// A short name for menus.
    public var title: String {
        switch self {
        case .psql: "psql command"
        case .psycopg2: "Python (psycopg2)"
        case .psycopg: "Python (psycopg 3)"
        case .jdbc: "Java (pgjdbc)"
        case .nodePG: "Node (node-postgres)"
        case .pgx: "Go (pgx)"
        case .libPQ: "Go (lib/pq)"
        case .asyncpg: "Python (asyncpg)"
        case .sqlalchemy: "SQLAlchemy"
        case .django: "Django"
        case .rubyPG: "Ruby (pg)"
        case .phpPDO: "PHP (PDO)"
        case .npgsql: ".NET (Npgsql)"
        case .prisma: "Prisma"
        }
    }

    /// What the printed snippet is, for file names and syntax highlighting.
    public var fileName: String {
        switch self {
        case .psql: "connect.sh"
        case .psycopg2, .psycopg, .asyncpg, .sqlalchemy, .django: "connect.py"
        case .jdbc: "Snippet.java"
        case .nodePG: "connect.js"
        case .pgx, .libPQ: "connect.go"
        case .rubyPG: "connect.rb"
        case .phpPDO: "connect.php"
        case .npgsql: "npgsql-connection-string.txt"
        case .prisma: "prisma.env"
        }
    }
}

extension ConnectionSettings {
    /// A snippet that connects with exactly these settings and prints the server's version.
    /// The password appears only if the settings carry one; callers drop it unless the user asked.
    /// Where the client reads a setting differently from libpq, a warning from its capability table says so.
    public func snippet(for client: SnippetClient) throws(InputError) -> RenderedOutput {
        var warnings = capabilityWarnings(for: client)
        var context: [String: TemplateValue] = [
            "includesPassword": .flag(password != nil),
            "systemRootNote": .flag(usesSystemRoots),
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
            context["parameters"] = Self.rows(options, Quoting.python)
        case .rubyPG:
            context["parameters"] = Self.rows(options, Quoting.ruby)
        case .jdbc:
            let (url, properties) = try jdbcURLAndProperties(warnings: &warnings)
            context["url"] = .text(Quoting.java(url))
            context["properties"] = .rows(properties.map { ["name": .text(Quoting.java($0.keyword)), "value": .text(Quoting.java($0.value))] })
        case .nodePG: nodeContext(&context)
        case .pgx, .libPQ: goContext(client, &context)
        case .asyncpg: asyncpgContext(&context)
        case .sqlalchemy: sqlalchemyContext(&context)
        case .django: try djangoContext(&context)
        case .phpPDO: try phpContext(&context)
        case .npgsql: npgsqlContext(&context, warnings: &warnings)
        case .prisma: prismaContext(&context, warnings: &warnings)
        }
        return RenderedOutput(text: SnippetTemplates.render(client, context), warnings: warnings)
    }

    var usesSystemRoots: Bool { sslrootcert == systemRootCertificate }

    /// The root certificate file, unless the platform's roots (`system`) are meant.
    var rootFile: String? { usesSystemRoots ? nil : sslrootcert }

    /// Template rows of keyword and literal, in `quote`'s language.
    static func rows(_ options: [LibpqOption], _ quote: (String) -> String) -> TemplateValue {
        .rows(options.map { ["keyword": .text($0.keyword), "value": .text(quote($0.value))] })
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
        if let password {
            properties.append(LibpqOption("password", password))
            if password.unicodeScalars.contains(where: Self.isUnassignedInUnicode32) {
                warnings.append("pgjdbc 42.5 refuses this password under SCRAM: its SASLprep rejects characters newer than Unicode 3.2 (emoji, say), which libpq sends unchanged")
            }
        }
        if let sslmode { properties.append(LibpqOption("sslmode", sslmode.rawValue)) }
        if usesSystemRoots {
            properties.append(LibpqOption("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory"))
        } else if let sslrootcert {
            properties.append(LibpqOption("sslrootcert", sslrootcert))
        }
        let names = SnippetClient.jdbc.capabilities
        for option in otherOptions {
            guard let name = names.name(for: option.keyword) else { continue }  // warned from the capability table
            let value: String
            switch option.keyword {
            case "keepalives": value = option.value == "0" ? "false" : "true"
            case "load_balance_hosts": value = option.value == "random" ? "true" : "false"
            case "target_session_attrs": value = try Self.jdbcTargetServerType(option.value, warnings: &warnings)
            default: value = option.value
            }
            properties.append(LibpqOption(name, value))
        }
        return (url, properties)
    }

    /// SASLprep (RFC 4013) works on Unicode 3.2: a later character is "unassigned", which pgjdbc's SCRAM refuses.
    static func isUnassignedInUnicode32(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return true }
        return age.major > 3 || (age.major == 3 && age.minor > 2)
    }

    /// libpq's target_session_attrs as pgjdbc's targetServerType: the same choice of server, under pgjdbc's names.
    static func jdbcTargetServerType(_ value: String, warnings: inout [String]) throws(InputError) -> String {
        switch value {
        case "any": return "any"
        case "read-write", "primary": return "primary"
        case "standby": return "secondary"
        case "prefer-standby": return "preferSecondary"
        case "read-only":
            warnings.append("pgjdbc has no read-only: targetServerType=secondary picks a standby, but not a primary with default_transaction_read_only=on")
            return "secondary"
        default:
            throw InputError(
                field: "target_session_attrs", problem: "unknown value \"\(value)\"",
                fix: "use any, read-write, read-only, primary, standby or prefer-standby")
        }
    }
}

/// The snippet templates in Resources/snippets.
enum SnippetTemplates {
    static func render(_ client: SnippetClient, _ context: [String: TemplateValue]) -> String {
        Template(String(decoding: EmbeddedResources.snippetTemplates[client.rawValue]!, as: UTF8.self)).render(context)
    }
}
