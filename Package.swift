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
        // The wizard's SIGWINCH handler, in C so that it runs no Swift code.
        .target(name: "CResizeWake"),

        // Data files in its Resources/ folder, compiled into the binary so a copied `pgsecure` still has them.
        .target(
            name: "PGSecureResources",
            resources: [
                .embedInCode("Resources/sslmodes.json"),
                .embedInCode("Resources/root-bundles.json"),
                .embedInCode("Resources/providers.json"),
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
        // This machine's files as libpq sees them (stat, reads, the home directory): the model's LocalFiles on disk,
        // for every part that touches the disk. No libpq, no curses.
        .target(name: "PGSecureDisk", dependencies: ["PGSecureModel"]),
        // The only code that talks to libpq and OpenSSL: parsing, root stores, the connection tester.
        .target(name: "PGSecureLibPQ", dependencies: ["PGSecureModel", "PGSecureDisk", "CLibPQ", "COpenSSL"]),
        // Pure wizard core: state, events, update, render into a screen value.
        .target(name: "PGSecureWizard", dependencies: ["PGSecureModel"]),
        // The wizard's loop behind two protocols (TerminalBackend, EffectRunning), the effects it runs (tester, root
        // files, clipboard, file writes) and an in-memory TestBackend. No curses: tests run the real loop.
        .target(
            name: "PGSecureWizardRuntime",
            dependencies: ["PGSecureWizard", "PGSecureModel", "PGSecureDisk", .product(name: "SystemPackage", package: "swift-system")]),
        // The only code that imports curses: the ncurses backend; paints screens, reads keys, restores the terminal.
        .target(
            name: "PGSecureTerminal",
            dependencies: [
                "PGSecureWizardRuntime", "PGSecureWizard", "CNcurses", "CResizeWake",
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        // The commands (argument parsing, resolution, output, exit codes), runnable in-process by tests.
        .target(
            name: "PGSecureCLI",
            dependencies: [
                "PGSecureModel", "PGSecureDisk", "PGSecureLibPQ", "PGSecureWizard", "PGSecureWizardRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // `@main`: the process's standard streams and the terminal, handed to the commands.
        .executableTarget(name: "pgsecure", dependencies: ["PGSecureCLI", "PGSecureLibPQ", "PGSecureTerminal", "PGSecureWizardRuntime"]),

        // Shared by the test targets: hostile-value generators, the TLS lab's description.
        .target(
            name: "TestSupport", dependencies: ["PGSecureModel", "PGSecureWizard", .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "PGSecureModelTests", dependencies: ["PGSecureModel", "PGSecureLibPQ", "TestSupport"]),
        .testTarget(name: "PGSecureLibPQTests", dependencies: ["PGSecureModel", "PGSecureDisk", "PGSecureLibPQ", "TestSupport"]),
        .testTarget(name: "PGSecureWizardTests", dependencies: ["PGSecureWizard", "PGSecureModel", "TestSupport"]),
        // The real wizard loop in memory: TestBackend, real effects in a temporary directory, a fake tester.
        .testTarget(name: "PGSecureWizardRuntimeTests", dependencies: ["PGSecureWizardRuntime", "PGSecureWizard", "PGSecureModel", "PGSecureDisk", "TestSupport"]),
        // The commands in-process: every command's output, notices and exit codes.
        .testTarget(name: "PGSecureCLITests", dependencies: ["PGSecureCLI", "PGSecureModel", "TestSupport"]),
        // Runs the built `pgsecure` binary as a process: real shells, real clients, tmux.
        .testTarget(
            name: "EndToEndTests", dependencies: ["PGSecureModel", "TestSupport"], exclude: ["Support/pty-password.py"]),
    ],
    swiftLanguageModes: [.v6]
)
