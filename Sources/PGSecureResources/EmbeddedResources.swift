// Data from this target's Resources/ folder, embedded at build time so the binary needs no files beside it.
public enum EmbeddedResources {
    public static let sslModes: [UInt8] = PackageResources.sslmodes_json
    public static let rootBundles: [UInt8] = PackageResources.root_bundles_json
    public static let providers: [UInt8] = PackageResources.providers_json
    public static let snippetTemplates: [String: [UInt8]] = [
        "psql": PackageResources.psql_mustache,
        "psycopg2": PackageResources.psycopg2_mustache,
        "psycopg": PackageResources.psycopg_mustache,
        "jdbc": PackageResources.jdbc_mustache,
        "node-pg": PackageResources.node_pg_mustache,
        "pgx": PackageResources.pgx_mustache,
        "lib-pq": PackageResources.lib_pq_mustache,
        "asyncpg": PackageResources.asyncpg_mustache,
        "sqlalchemy": PackageResources.sqlalchemy_mustache,
        "django": PackageResources.django_mustache,
        "ruby-pg": PackageResources.ruby_pg_mustache,
        "php-pdo": PackageResources.php_pdo_mustache,
        "npgsql": PackageResources.npgsql_mustache,
        "prisma": PackageResources.prisma_mustache,
    ]
}
