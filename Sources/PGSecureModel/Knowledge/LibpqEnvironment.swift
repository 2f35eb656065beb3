/// The environment variables libpq reads for keywords the connection string leaves unset.
public enum LibpqEnvironment {
    /// keyword → variable, in the order libpq documents them.
    public static let variables: [(keyword: String, variable: String)] = [
        ("host", "PGHOST"), ("hostaddr", "PGHOSTADDR"), ("port", "PGPORT"), ("dbname", "PGDATABASE"),
        ("user", "PGUSER"), ("password", "PGPASSWORD"), ("passfile", "PGPASSFILE"), ("service", "PGSERVICE"),
        ("options", "PGOPTIONS"), ("application_name", "PGAPPNAME"), ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"), ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"), ("sslcrl", "PGSSLCRL"),
        ("sslcrldir", "PGSSLCRLDIR"), ("sslsni", "PGSSLSNI"), ("sslcompression", "PGSSLCOMPRESSION"),
        ("requirepeer", "PGREQUIREPEER"), ("ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION"),
        ("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION"), ("gssencmode", "PGGSSENCMODE"),
        ("krbsrvname", "PGKRBSRVNAME"), ("gsslib", "PGGSSLIB"), ("channel_binding", "PGCHANNELBINDING"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"), ("client_encoding", "PGCLIENTENCODING"),
        ("target_session_attrs", "PGTARGETSESSIONATTRS"), ("load_balance_hosts", "PGLOADBALANCEHOSTS"),
        ("require_auth", "PGREQUIREAUTH"), ("sslcertmode", "PGSSLCERTMODE"), ("sslnegotiation", "PGSSLNEGOTIATION"),
    ]

    public static func variable(for keyword: String) -> String? {
        variables.first { $0.keyword == keyword }?.variable
    }
}
