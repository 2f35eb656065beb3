/// The snippets for clients that read connection settings their own way (not libpq's keywords handed through):
/// each writes the settings in the client's own terms, every value quoted for its language.
extension ConnectionSettings {
    /// These settings with only their first server, for clients that connect to one host (warned from the table).
    var firstEndpointOnly: ConnectionSettings {
        var copy = self
        copy.endpoints = Array(endpoints.prefix(1))
        return copy
    }

    /// The other keywords `client` reads, under its own names.
    func supportedOtherOptions(_ client: SnippetClient) -> [(name: String, option: LibpqOption)] {
        otherOptions.compactMap { option in client.capabilities.name(for: option.keyword).map { ($0, option) } }
    }

    static func fields(_ pairs: [(String, String)]) -> TemplateValue {
        .rows(pairs.map { ["name": .text($0.0), "value": .text($0.1)] })
    }

    /// node-postgres: separate fields and an `ssl` object for Node's tls.connect, never a connection string, whose
    /// sslmode would replace the ssl object.
    func nodeContext(_ context: inout [String: TemplateValue]) {
        let js = Quoting.javaScript
        var fields: [(String, String)] = []
        let endpoint = endpoints.first
        if let endpoint {
            fields.append(("host", js(endpoint.host)))
            if let port = endpoint.port { fields.append(("port", String(port))) }
        }
        if let user { fields.append(("user", js(user))) }
        if let dbname { fields.append(("database", js(dbname))) }
        if let password { fields.append(("password", js(password))) }
        var ssl: [(String, String)] = [("rejectUnauthorized", "true")]
        if let rootFile { ssl.append(("ca", "fs.readFileSync(\(js(rootFile)), 'utf8')")) }
        // node-postgres sets servername itself for DNS names only; Node checks an IP host against the socket's address.
        if let endpoint, !endpoint.isIPAddress { ssl.append(("servername", js(endpoint.host))) }
        if sslmode == .verifyCA { ssl.append(("checkServerIdentity", "() => undefined")) }
        for (name, option) in supportedOtherOptions(.nodePG) {
            switch option.keyword {
            case "connect_timeout": fields.append((name, Int(option.value).map { String($0 * 1000) } ?? js(option.value)))
            case "keepalives": fields.append((name, option.value == "0" ? "false" : "true"))
            case "sslcert", "sslkey": ssl.append((name, "fs.readFileSync(\(js(option.value)))"))
            case "sslpassword": ssl.append((name, js(option.value)))
            default: fields.append((name, js(option.value)))
            }
        }
        context["fields"] = Self.fields(fields)
        context["usesTLS"] = .flag(sslmode != .disable)
        context["ssl"] = Self.fields(ssl)
    }

    /// pgx and lib/pq parse a key=value DSN themselves (libpq's quoting: `'…'`, `\` and `'` escaped); only the
    /// keywords each knows go in, because both send any other keyword to the server as a run-time parameter.
    func goContext(_ client: SnippetClient, _ context: inout [String: TemplateValue]) {
        let settings = client.capabilities.multiHost ? self : firstEndpointOnly
        var options = settings.options.filter { ["host", "port", "user", "password", "dbname"].contains($0.keyword) }
        // lib/pq has no allow/prefer: require (encrypted, the chain checked when a root file is given) is the nearest.
        let mode = client == .libPQ && [nil, .allow, .prefer].contains(sslmode) ? SSLMode.require : sslmode
        if let mode { options.append(LibpqOption("sslmode", mode.rawValue)) }
        if let rootFile { options.append(LibpqOption("sslrootcert", rootFile)) }
        options += supportedOtherOptions(client).map { LibpqOption($0.name, $0.option.value) }
        context["dsn"] = .text(Quoting.go(Self.conninfo(options)))
    }

    /// asyncpg: keyword arguments, and for verify-ca / verify-full an `ssl.SSLContext` that checks the chain (and the
    /// host name for verify-full); weaker modes go by name, which asyncpg reads as libpq does.
    func asyncpgContext(_ context: inout [String: TemplateValue]) {
        let py = Quoting.python
        var arguments: [(String, String)] = []
        if endpoints.count == 1 {
            arguments.append(("host", py(endpoints[0].host)))
            if let port = endpoints[0].port { arguments.append(("port", String(port))) }
        } else if !endpoints.isEmpty {
            arguments.append(("host", "[" + endpoints.map { py($0.host) }.joined(separator: ", ") + "]"))
            let ports = endpoints.compactMap(\.port)
            if ports.count == endpoints.count { arguments.append(("port", "[" + ports.map(String.init).joined(separator: ", ") + "]")) }
        }
        if let user { arguments.append(("user", py(user))) }
        if let dbname { arguments.append(("database", py(dbname))) }
        if let password { arguments.append(("password", py(password))) }
        let mode = sslmode ?? .prefer
        // require with a root file checks the chain in libpq: the context does that here too.
        let usesContext = mode.verifiesCertificate || (mode == .require && rootFile != nil)
        arguments.append(("ssl", mode == .disable ? "False" : usesContext ? "tls_context()" : py(mode.rawValue)))
        var serverSettings: [String] = []
        var contextLines: [String] = []
        for (name, option) in supportedOtherOptions(.asyncpg) {
            switch option.keyword {
            case "application_name": serverSettings.append("'application_name': " + py(option.value))
            case "connect_timeout": arguments.append((name, Int(option.value).map(String.init) ?? py(option.value)))
            case "sslcrl":
                contextLines += ["context.load_verify_locations(cafile=\(py(option.value)))", "context.verify_flags |= ssl.VERIFY_CRL_CHECK_CHAIN"]
            case "sslcert":
                let key = otherOptions["sslkey"].map { ", keyfile=" + py($0) } ?? ""
                let passphrase = otherOptions["sslpassword"].map { ", password=" + py($0) } ?? ""
                contextLines.append("context.load_cert_chain(\(py(option.value))\(key)\(passphrase))")
            case "sslkey", "sslpassword": break  // with sslcert
            default: arguments.append((name, py(option.value)))
            }
        }
        if !serverSettings.isEmpty { arguments.append(("server_settings", "{" + serverSettings.joined(separator: ", ") + "}")) }
        context["arguments"] = Self.fields(arguments)
        context["usesContext"] = .flag(usesContext)
        context["cafile"] = .text(rootFile.map { "cafile=" + py($0) } ?? "")
        context["skipsHostName"] = .flag(mode != .verifyFull)
        context["contextLines"] = .rows(contextLines.map { ["line": .text($0)] })
    }

    /// SQLAlchemy: the engine URL built with URL.create (no URL string to misparse: SQLAlchemy 1.4 and 2.x decode
    /// a database name differently), TLS and the other keywords as psycopg2's connect_args, handed to libpq.
    func sqlalchemyContext(_ context: inout [String: TemplateValue]) {
        let py = Quoting.python
        var url: [(String, String)] = []
        var connectArguments: [(String, String)] = []
        if let user { url.append(("username", py(user))) }
        if let password { url.append(("password", py(password))) }
        if endpoints.count == 1 {
            url.append(("host", py(endpoints[0].host)))
            if let port = endpoints[0].port { url.append(("port", String(port))) }
        } else {
            // Several hosts: libpq's own comma lists, which connect_args hand over unchanged.
            connectArguments += options.filter { $0.keyword == "host" || $0.keyword == "port" }.map { (py($0.keyword), py($0.value)) }
        }
        if let dbname { url.append(("database", py(dbname))) }
        connectArguments += options.filter { !Self.uriFields.contains($0.keyword) }.map { (py($0.keyword), py($0.value)) }
        context["urlFields"] = Self.fields(url)
        context["connectArguments"] = Self.fields(connectArguments)
    }

    static let uriFields: Set<String> = ["host", "port", "user", "password", "dbname"]

    /// Django: a DATABASES entry; NAME is required (Django's own default is "postgres", libpq's the user name).
    func djangoContext(_ context: inout [String: TemplateValue]) throws(InputError) {
        let py = Quoting.python
        guard let name = dbname ?? user else {
            throw InputError(field: "dbname", problem: "is missing", fix: "Django needs a database name: add --dbname NAME")
        }
        var entry: [(String, String)] = [("NAME", py(name))]
        if let user { entry.append(("USER", py(user))) }
        if let password { entry.append(("PASSWORD", py(password))) }
        for option in options where option.keyword == "host" || option.keyword == "port" {
            entry.append((option.keyword.uppercased(), py(option.value)))
        }
        context["entry"] = Self.fields(entry)
        context["options"] = Self.fields(options.filter { !Self.uriFields.contains($0.keyword) }.map { (py($0.keyword), py($0.value)) })
    }

    /// PHP's PDO: pdo_pgsql turns every `;` of the DSN into a space and hands the rest to libpq, so values are
    /// quoted libpq's way, a value holding `;` goes through libpq's environment variable instead, and user and
    /// password are PDO's own arguments (which it quotes). PDO appends connect_timeout itself: ATTR_TIMEOUT sets it.
    func phpContext(_ context: inout [String: TemplateValue]) throws(InputError) {
        let php = Quoting.php
        var dsn: [LibpqOption] = []
        var environment: [(String, String)] = []
        var timeout: String?
        for option in options where option.keyword != "user" && option.keyword != "password" {
            if option.keyword == "connect_timeout", let seconds = Int(option.value) {
                timeout = String(seconds)
            } else if !option.value.contains(";") {
                dsn.append(option)
            } else if let variable = LibpqEnvironment.variable(for: option.keyword) {
                environment.append((variable, option.value))
            } else {
                throw InputError(
                    field: option.keyword, problem: "holds ';', which a PDO DSN cannot carry and libpq has no variable for",
                    fix: "use a value without ';'")
            }
        }
        context["dsn"] = .text(php("pgsql:" + dsn.map { "\($0.keyword)=\(Quoting.conninfoValue($0.value))" }.joined(separator: ";")))
        context["environment"] = .rows(environment.map { ["assignment": .text(php($0.0 + "=" + $0.1))] })
        context["user"] = .text(user.map(php) ?? "null")
        context["password"] = .text(password.map(php) ?? "null")
        if let timeout { context["timeout"] = .text(timeout) }
    }

    /// Npgsql: `Key=value;…` pairs, values quoted by .NET's connection-string rules. Text only: not run here.
    func npgsqlContext(_ context: inout [String: TemplateValue], warnings: inout [String]) {
        var pairs: [(String, String)] = []
        let ports = Set(endpoints.map(\.port))
        if ports.count <= 1 {
            if !endpoints.isEmpty { pairs.append(("Host", endpoints.map(\.host).joined(separator: ","))) }
            if let port = ports.first ?? nil { pairs.append(("Port", String(port))) }
        } else {
            pairs.append(("Host", endpoints.map { $0.host + ($0.port.map { ":\($0)" } ?? "") }.joined(separator: ",")))
        }
        if let dbname { pairs.append(("Database", dbname)) }
        if let user { pairs.append(("Username", user)) }
        if let password { pairs.append(("Password", password)) }
        let modeNames: [SSLMode: String] = [
            .disable: "Disable", .allow: "Allow", .prefer: "Prefer", .require: "Require", .verifyCA: "VerifyCA", .verifyFull: "VerifyFull",
        ]
        pairs.append(("SSL Mode", modeNames[sslmode ?? .prefer]!))
        if let rootFile { pairs.append(("Root Certificate", rootFile)) }
        pairs += supportedOtherOptions(.npgsql).map { ($0.name, $0.option.value) }
        context["connectionString"] = .text(pairs.map { "\($0.0)=\(Quoting.dotNetConnectionStringValue($0.1))" }.joined(separator: ";"))
        warnings.append("the Npgsql connection string is not run here (no .NET on this machine): test it once with your application")
        if password == nil {
            warnings.append("the password is left out of the Npgsql string: Npgsql reads ~/.pgpass (Passfile=…), or add Password=… from your secret store")
        }
    }

    /// Prisma: its own URL rules. sslmode is disable, prefer or require; sslaccept=strict makes require check the chain
    /// and the host name; sslcert names the root certificate (a server certificate file, in Prisma's words).
    func prismaContext(_ context: inout [String: TemplateValue], warnings: inout [String]) {
        var url = "postgresql://"
        if user != nil || password != nil {
            url += Quoting.percentEncoded(user ?? "") + (password.map { ":" + Quoting.percentEncoded($0) } ?? "") + "@"
        }
        if let endpoint = endpoints.first {
            url += Self.uriHost(endpoint.host) + (endpoint.port.map { ":\($0)" } ?? "")
        }
        url += "/" + Quoting.percentEncoded(dbname ?? "")
        var query: [LibpqOption] = []
        switch sslmode ?? .prefer {
        case .disable: query.append(LibpqOption("sslmode", "disable"))
        case .allow, .prefer: query.append(LibpqOption("sslmode", "prefer"))
        case .require, .verifyCA, .verifyFull:
            query += [LibpqOption("sslmode", "require"), LibpqOption("sslaccept", "strict")]
            if let rootFile { query.append(LibpqOption("sslcert", rootFile)) }
        }
        query += supportedOtherOptions(.prisma).map { LibpqOption($0.name, $0.option.value) }
        url += "?" + query.map { "\($0.keyword)=\(Quoting.percentEncoded($0.value))" }.joined(separator: "&")
        context["url"] = .text(url)
        warnings.append("the Prisma URL is not run here (no Prisma on this machine): run `npx prisma db pull` or your app once to test it")
        if password == nil {
            warnings.append("Prisma reads only DATABASE_URL, not PGPASSWORD: pass --include-password to put the password in it")
        }
    }

    /// A libpq key=value string of `options`, every value single-quoted.
    static func conninfo(_ options: [LibpqOption]) -> String {
        options.map { "\($0.keyword)=\(Quoting.conninfoValue($0.value))" }.joined(separator: " ")
    }
}
