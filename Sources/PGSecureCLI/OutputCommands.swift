import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PGSecureModel

/// `url` and `conninfo`: one string for the settings, on one line.
protocol ConnectionStringCommand: ParsableCommand {
    var connection: ConnectionOptions { get }
    static func text(for settings: ConnectionSettings) -> String
}

extension ConnectionStringCommand {
    func run() throws {
        let resolved = try connection.resolve()
        connection.announce(resolved)
        Console.current.write(Self.text(for: resolved.settings) + "\n", holdingSecret: resolved.settings.carriesSecret)
    }
}

struct URLCommand: ConnectionStringCommand {
    static let configuration = CommandConfiguration(
        commandName: "url", abstract: "Print the postgresql:// URI (every special character percent-encoded).")
    @OptionGroup var connection: ConnectionOptions

    static func text(for settings: ConnectionSettings) -> String { settings.uri }
}

struct ConninfoCommand: ConnectionStringCommand {
    static let configuration = CommandConfiguration(
        commandName: "conninfo", abstract: "Print the libpq key=value string (every value quoted).")
    @OptionGroup var connection: ConnectionOptions

    static func text(for settings: ConnectionSettings) -> String { settings.conninfo }
}

extension Shell: ExpressibleByArgument {}

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Print lines that export PGHOST, PGSSLMODE, PGSSLROOTCERT... for your shell.",
        discussion: "sh:  eval \"$(pgsecure env ...)\"    fish:  pgsecure env --shell fish ... | source    PowerShell:  pgsecure env --shell powershell ... | Invoke-Expression")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "sh (bash, zsh, dash), fish or powershell.") var shell: Shell = .sh

    func run() throws {
        let resolved = try connection.resolve()
        let exports = resolved.settings.exports(for: shell)
        connection.announce(resolved, outputWarnings: exports.warnings)
        Console.current.write(exports.text, holdingSecret: resolved.settings.carriesSecret)
    }
}

extension SnippetClient: ExpressibleByArgument {}

struct SnippetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snippet", abstract: "Print a complete, runnable program or command for a client.",
        discussion: "Clients: " + SnippetClient.allCases.map(\.rawValue).joined(separator: ", ") + ". `pgsecure snippet --list` describes them.")
    @Argument(help: ArgumentHelp("The client: \(SnippetClient.allCases.map(\.rawValue).joined(separator: ", ")).")) var client: SnippetClient?
    @Flag(help: "List the clients.") var list = false
    @Flag(help: "With --list: JSON for scripts, with each client's TLS capabilities.") var json = false
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if client == nil && !list {
            throw ValidationError("choose a client: \(SnippetClient.allCases.map(\.rawValue).joined(separator: ", ")) (pgsecure snippet --list)")
        }
        if json && !list { throw ValidationError("--json goes with --list") }
    }

    /// One client in `snippet --list --json`: its name, what it writes, and its capability table.
    struct ClientListing: Encodable {
        let name: String
        let title: String
        let summary: String
        let capabilities: ClientCapabilities
    }

    func run() throws {
        guard let client, !list else {
            if json {
                let listing = SnippetClient.allCases.map {
                    ClientListing(name: $0.rawValue, title: $0.title, summary: $0.summary, capabilities: $0.capabilities)
                }
                Console.current.output(try JSONText.of(listing))
                return
            }
            let width = SnippetClient.allCases.map(\.rawValue.count).max()!
            Console.current.output(SnippetClient.allCases.map { $0.rawValue.padding(width) + "  " + $0.summary + "\n" }.joined())
            return
        }
        let resolved = try connection.resolve()
        let snippet = try resolved.settings.snippet(for: client)
        connection.announce(resolved, outputWarnings: snippet.warnings)
        Console.current.write(snippet.text, holdingSecret: resolved.settings.carriesSecret)
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
