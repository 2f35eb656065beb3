// swift-tools-version: 6.0
import PackageDescription

// Linux only (Debian's libpq, OpenSSL and ncursesw through pkg-config): no other platform is built or tested.
let package = Package(
    name: "pgsecure",
    products: [
        .executable(name: "pgsecure", targets: ["pgsecure"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // C libraries, each behind a shim so Swift sees exactly what it needs.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CNcurses", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),

        // Data files in its Resources/ folder, compiled into the binary so a copied `pgsecure` still has them.
        .target(
            name: "PGSecureResources",
            resources: [
                .embedInCode("Resources/sslmodes.json"),
                .embedInCode("Resources/root-bundles.json"),
                .embedInCode("Resources/snippets/psql.mustache"),
                .embedInCode("Resources/snippets/psycopg2.mustache"),
                .embedInCode("Resources/snippets/psycopg.mustache"),
                .embedInCode("Resources/snippets/jdbc.mustache"),
                .embedInCode("Resources/snippets/node-pg.mustache"),
                .embedInCode("Resources/snippets/pgx.mustache"),
                .embedInCode("Resources/snippets/lib-pq.mustache"),
                .embedInCode("Resources/snippets/asyncpg.mustache"),
                .embedInCode("Resources/snippets/sqlalchemy.mustache"),
                .embedInCode("Resources/snippets/django.mustache"),
                .embedInCode("Resources/snippets/ruby-pg.mustache"),
                .embedInCode("Resources/snippets/php-pdo.mustache"),
                .embedInCode("Resources/snippets/npgsql.mustache"),
                .embedInCode("Resources/snippets/prisma.mustache"),
            ]
        ),
        // Pure core: settings, the resolution pipeline, sslmode knowledge, every output format. No C, no I/O.
        .target(name: "PGSecureModel", dependencies: ["PGSecureResources"]),
        // The only code that talks to libpq and OpenSSL: parsing, root stores, the connection tester.
        .target(name: "PGSecureLibPQ", dependencies: ["PGSecureModel", "CLibPQ", "COpenSSL"]),
        // Pure wizard core: state, events, update, render into a screen value.
        .target(name: "PGSecureWizard", dependencies: ["PGSecureModel"]),
        // The only code that imports curses: paints screens, reads keys, restores the terminal.
        .target(name: "PGSecureTerminal", dependencies: ["PGSecureWizard", "CNcurses"]),
        // The commands (argument parsing, resolution, output, exit codes), runnable in-process by tests.
        .target(
            name: "PGSecureCLI",
            dependencies: [
                "PGSecureModel", "PGSecureLibPQ", "PGSecureWizard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // `@main`: the process's standard streams and the terminal, handed to the commands.
        .executableTarget(name: "pgsecure", dependencies: ["PGSecureCLI", "PGSecureTerminal"]),

        // Shared by the test targets: hostile-value generators, the TLS lab's description.
        .target(
            name: "TestSupport", dependencies: ["PGSecureModel", .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "PGSecureModelTests", dependencies: ["PGSecureModel", "PGSecureLibPQ", "TestSupport"]),
        .testTarget(name: "PGSecureLibPQTests", dependencies: ["PGSecureModel", "PGSecureLibPQ", "TestSupport"]),
        .testTarget(name: "PGSecureWizardTests", dependencies: ["PGSecureWizard", "PGSecureModel"]),
        // The commands in-process: every command's output, notices and exit codes.
        .testTarget(name: "PGSecureCLITests", dependencies: ["PGSecureCLI", "PGSecureModel", "TestSupport"]),
        // Runs the built `pgsecure` binary as a process: real shells, real clients, tmux.
        .testTarget(name: "EndToEndTests", dependencies: ["PGSecureModel", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
