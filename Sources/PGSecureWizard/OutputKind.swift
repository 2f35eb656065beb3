import PGSecureModel

/// The outputs the wizard offers, each built by the same model functions as the CLI commands.
public enum OutputKind: Hashable, Sendable, CaseIterable {
    case uri, conninfo
    case exports(Shell)
    case snippet(SnippetClient)

    public static var allCases: [OutputKind] {
        [.uri, .conninfo] + Shell.allCases.map(OutputKind.exports) + SnippetClient.allCases.map(OutputKind.snippet)
    }

    /// The `--emit` name: url, conninfo, env, env-fish, env-powershell, snippet:psql...
    public var emitName: String {
        switch self {
        case .uri: "url"
        case .conninfo: "conninfo"
        case .exports(.sh): "env"
        case .exports(let shell): "env-\(shell.rawValue)"
        case .snippet(let client): "snippet:\(client.rawValue)"
        }
    }

    public init?(emitName: String) {
        guard let kind = Self.allCases.first(where: { $0.emitName == emitName }) else { return nil }
        self = kind
    }

    public var title: String {
        switch self {
        case .uri: "URI"
        case .conninfo: "key=value"
        case .exports(.sh): "env: sh, bash, zsh"
        case .exports(.fish): "env: fish"
        case .exports(.powershell): "env: PowerShell"
        case .snippet(let client): client.title
        }
    }

    /// How to use it, one line.
    public var usage: String {
        switch self {
        case .uri: "For DATABASE_URL and most drivers; every special character percent-encoded."
        case .conninfo: "libpq's key=value form, every value quoted: psql \"$CONNINFO\"."
        case .exports(.sh): "eval \"$(pgsecure wizard --emit env)\", or save and `source` it."
        case .exports(.fish): "Save it and `source` it in fish."
        case .exports(.powershell): "Save it as .ps1 and dot-source it: . ./db.ps1"
        case .snippet(let client): client.summary.prefix(1).uppercased() + client.summary.dropFirst() + "."
        }
    }

    /// A file name to suggest when writing the output.
    public var suggestedFileName: String {
        switch self {
        case .uri: "database-url.txt"
        case .conninfo: "conninfo.txt"
        case .exports(.sh): "db.env"
        case .exports(.fish): "db.fish"
        case .exports(.powershell): "db.ps1"
        case .snippet(let client): client.fileName
        }
    }

    /// The output text for `settings`, ending in a newline.
    public func text(for settings: ConnectionSettings) -> Result<RenderedOutput, InputError> {
        switch self {
        case .uri: .success(RenderedOutput(text: settings.uri + "\n", warnings: []))
        case .conninfo: .success(RenderedOutput(text: settings.conninfo + "\n", warnings: []))
        case .exports(let shell): .success(settings.exports(for: shell))
        case .snippet(let client): Result { () throws(InputError) in try settings.snippet(for: client) }
        }
    }
}
