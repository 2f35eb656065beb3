extension ConnectionSettings {
    /// A `postgresql://` URI that libpq parses back to exactly these settings.
    public var uri: String {
        var text = "postgresql://"
        if user != nil || password != nil {
            text += Quoting.percentEncoded(user ?? "")
            if let password { text += ":" + Quoting.percentEncoded(password) }
            text += "@"
        }
        text += endpoints.map { endpoint in
            var host = Self.uriHost(endpoint.host)
            if let port = endpoint.port { host += ":\(port)" }
            return host
        }.joined(separator: ",")
        text += "/"
        if let dbname { text += Quoting.percentEncoded(dbname) }
        let query = options.filter { !["host", "port", "user", "password", "dbname"].contains($0.keyword) }
        if !query.isEmpty {
            text += "?" + query.map { "\($0.keyword)=\(Quoting.percentEncoded($0.value))" }.joined(separator: "&")
        }
        return text
    }

    /// Host names are percent-encoded; a host with a colon (IPv6) goes in brackets, where libpq takes colons literally.
    static func uriHost(_ host: String) -> String {
        host.contains(":") ? "[" + Quoting.percentEncoded(host, keeping: [UInt8(ascii: ":")]) + "]"
            : Quoting.percentEncoded(host)
    }

    /// A libpq key=value string, every value single-quoted.
    public var conninfo: String {
        Self.conninfo(options)
    }
}
