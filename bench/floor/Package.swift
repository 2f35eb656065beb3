// swift-tools-version:6.0
// Floors for bench/tester: what `pgsecure test` would cost if it did nothing but its language's and its argument
// parser's own work. Built like pgsecure's release binary (static Swift standard library).
import PackageDescription

let package = Package(
    name: "floor",
    dependencies: [.package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")],
    targets: [
        .systemLibrary(name: "CLibpqFloor", pkgConfig: "libpq"),
        // Swift and libpq alone: connect, `select 1`, exit.
        .executableTarget(name: "SwiftLibpq", dependencies: ["CLibpqFloor"]),
        // The same behind swift-argument-parser with pgsecure's command shape: a root with subcommands (one the
        // default) and `test` taking the same connection options, parsed before connecting.
        .executableTarget(
            name: "ArgumentParserLibpq",
            dependencies: ["CLibpqFloor", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ]
)
