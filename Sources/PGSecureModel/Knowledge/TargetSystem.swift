/// Another machine the output is for (`--target-os`): its root bundle, from Resources/root-bundles.json, and where its
/// libpq looks for root.crt by default. Nothing of this machine's files applies there.
public enum TargetSystem: String, CaseIterable, Sendable {
    case debian, rhel, opensuse, alpine, macos, windows

    /// The system's name, as root-bundles.json writes it.
    public var name: String {
        switch self {
        case .debian: "Debian"
        case .rhel: "RHEL"
        case .opensuse: "openSUSE"
        case .alpine: "Alpine"
        case .macos: "macOS"
        case .windows: "Windows"
        }
    }

    /// The system's PEM bundle (nil on Windows, which keeps its roots in a certificate store, not a file).
    public var bundlePath: String? {
        KnownRootBundle.all.first { $0.system.contains(name) }?.path
    }

    /// libpq's default root file there, read when sslrootcert is unset.
    public var libpqDefaultRootFile: String { self == .windows ? "%APPDATA%\\postgresql\\root.crt" : "~/.postgresql/root.crt" }

    public static var valueList: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The root the policy chose is the target's bundle (or none, on Windows): say so instead of "this machine's".
    static func sayRoot(
        of system: TargetSystem, _ settings: ConnectionSettings, _ sources: [String: ValueSource], notices: inout [Notice]
    ) {
        guard settings.sslmode?.verifiesCertificate == true, settings.sslrootcert == nil || sources["sslrootcert"] == .policy
        else { return }
        notices.removeAll(where: \.isRootChoice)
        notices.append(.targetSystemRoot(system, path: settings.sslrootcert))
    }
}

extension ResolutionContext {
    /// The same resolution for another machine: its root bundle, and none of this machine's files (~/.postgresql,
    /// root files checked here), which are not there.
    public func forTarget(_ system: TargetSystem) -> ResolutionContext {
        var context = self
        context.targetSystem = system
        context.files.home = nil
        context.rootFileProblem = nil
        context.defaultRootCertificate = {
            system.bundlePath.map { DefaultRootCertificate(value: $0, origin: "\(system.name)'s root bundle, for --target-os \(system.rawValue)") }
        }
        return context
    }
}
