// `floor test CONNSTRING`: swift-argument-parser with pgsecure's command shape, then libpq's connect and `select 1`.
// What it costs above SwiftLibpq is the parser's own first-use work.
import ArgumentParser
import CLibpqFloor
#if canImport(Glibc)
import Glibc
#endif

struct ConnectionOptions: ParsableArguments {
    @Argument var connectionString: String?
    @Option var host: String?
    @Option var port: String?
    @Option var user: String?
    @Option var dbname: String?
    @Option var sslmode: String?
    @Option var sslrootcert: String?
    @Option var sslcert: String?
    @Option var sslkey: String?
    @Flag var passwordStdin = false
    @Flag var sslpasswordStdin = false
    @Flag var explain = false
    @Flag var includePassword = false
    @Flag(name: .shortAndLong) var quiet = false
    @Option(name: [.customLong("target-os"), .customLong("for")]) var targetOS: String?
}

struct Test: AsyncParsableCommand {
    @OptionGroup var connection: ConnectionOptions
    @Flag var json = false
    @Option var timeout: Double = 10

    func run() async throws {
        let connection = PQconnectdb(self.connection.connectionString ?? "")
        defer { PQfinish(connection) }
        guard PQstatus(connection) == CONNECTION_OK else { throw ExitCode(1) }
        PQclear(PQexec(connection, "select 1"))
    }
}

// The other subcommands, so the parser walks a tree of pgsecure's size (the first is the default, as the wizard is).
struct Wizard: AsyncParsableCommand { @OptionGroup var connection: ConnectionOptions }
struct URL: AsyncParsableCommand { @OptionGroup var connection: ConnectionOptions }
struct Conninfo: AsyncParsableCommand { @OptionGroup var connection: ConnectionOptions }
struct Env: AsyncParsableCommand { @OptionGroup var connection: ConnectionOptions }

struct Floor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor", subcommands: [Wizard.self, URL.self, Conninfo.self, Env.self, Test.self],
        defaultSubcommand: Wizard.self)
}

do {
    let command = try Floor.parseAsRoot(Array(CommandLine.arguments.dropFirst()))
    if let test = command as? Test { try await test.run() }
    exit(0)
} catch {
    exit(Floor.exitCode(for: error).rawValue)
}
