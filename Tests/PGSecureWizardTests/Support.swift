import PGSecureModel
import TestSupport
@testable import PGSecureWizard

/// A stand-in for libpq's parser: key=value pairs split on spaces; "bogus" fails with libpq's own words.
@Sendable func fakeParse(_ text: String) -> Result<[LibpqOption], InputError> {
    if text.contains("bogus") {
        return .failure(InputError(field: "connection string", problem: "missing \"=\" after \"bogus\" in connection info string", fix: "write key=value pairs"))
    }
    if text.hasPrefix("postgresql://") {
        // Just enough URI for the tests: postgresql://user:password@host:port/dbname
        var rest = Substring(text.dropFirst("postgresql://".count))
        var options: [LibpqOption] = []
        if let at = rest.firstIndex(of: "@") {
            let userInfo = rest[..<at].split(separator: ":", maxSplits: 1).map(String.init)
            options.append(LibpqOption("user", userInfo[0]))
            if userInfo.count > 1 { options.append(LibpqOption("password", userInfo[1])) }
            rest = rest[rest.index(after: at)...]
        }
        let hostAndDatabase = rest.split(separator: "/", maxSplits: 1).map(String.init)
        let hostPort = hostAndDatabase[0].split(separator: ":").map(String.init)
        options.append(LibpqOption("host", hostPort[0]))
        if hostPort.count > 1 { options.append(LibpqOption("port", hostPort[1])) }
        if hostAndDatabase.count > 1 { options.append(LibpqOption("dbname", hostAndDatabase[1])) }
        return .success(options)
    }
    return .success(text.split(separator: " ").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
        return LibpqOption(parts[0], parts.count > 1 ? parts[1] : "")
    })
}

let debianBundle = RootCertificateCandidate(
    source: "Debian, Ubuntu", path: "/etc/ssl/certs/ca-certificates.crt", exists: true, isReadable: true,
    certificateCount: 146, containsISRGRootX1: true)
let certificateDirectory = RootCertificateCandidate(
    source: "SSL_CERT_DIR", path: "/etc/ssl/certs", exists: true, isDirectory: true, isReadable: true)
let missingBundle = RootCertificateCandidate(source: "RHEL, Fedora", path: "/etc/pki/tls/certs/ca-bundle.crt", exists: false)

@Sendable func fakeInspect(_ path: String) -> RootCertificateCandidate {
    switch path {
    case labRoot: RootCertificateCandidate(source: "custom", path: path, exists: true, isReadable: true, certificateCount: 1)
    case "/etc/ssl/certs": RootCertificateCandidate(source: "custom", path: path, exists: true, isDirectory: true, isReadable: true)
    case "/lab/empty.pem": RootCertificateCandidate(source: "custom", path: path, exists: true, isReadable: true, certificateCount: 0)
    default: RootCertificateCandidate(source: "custom", path: path, exists: false)
    }
}

func makeContext(
    environment: [String: String] = [:], libpqVersion: Int32 = 150_018, emit: OutputKind? = nil
) -> WizardContext {
    WizardContext(
        environment: environment, parseConnectionString: fakeParse,
        rootCandidates: [debianBundle, certificateDirectory, missingBundle],
        libpqVersion: libpqVersion, emit: emit)
}

let standard = Size(width: 80, height: 24)
let small = Size(width: 60, height: 16)
let secret = "s3cr3t-Pw"

/// A tiny script of what a person does: keys and typed text.
enum Input {
    case key(Key)
    case text(String)
}

extension Array where Element == Input {
    var keys: [Key] {
        flatMap { input -> [Key] in
            switch input {
            case .key(let key): [key]
            case .text(let text): text.map { Key.character($0) }
            }
        }
    }
}

/// Feeds keys through `update`, collecting every effect, and checking every intermediate screen with `check`.
/// Root-file inspections are answered at once by `fakeInspect` (as a fast disk would) and not returned.
@discardableResult
func drive(
    _ state: inout WizardState, _ inputs: [Input], size: Size = standard, check: (Screen) -> Void = { _ in }
) -> [Effect] {
    var effects: [Effect] = []
    var events = inputs.keys.map(WizardEvent.key)
    while !events.isEmpty {
        let event = events.removeFirst()
        let (next, produced) = Wizard.update(state, event)
        state = next
        for effect in produced {
            if case .inspectRoot(let path) = effect {
                events.insert(.rootInspected(fakeInspect(path)), at: 0)
            } else {
                effects.append(effect)
            }
        }
        if case .key = event { check(Wizard.render(state, size)) }
    }
    return effects
}

/// A new state as `init` leaves it, with the root inspection it asks for (PGSSLROOTCERT) answered.
func started(_ state: WizardState) -> WizardState {
    var (state, effects) = Wizard.start(state)
    for case .inspectRoot(let path) in effects { state = Wizard.update(state, .rootInspected(fakeInspect(path))).0 }
    return state
}

/// The state after a complete, valid walk up to the review step (test started, not finished).
func walkToReview(password: String = secret, root: String = labRoot) -> (WizardState, [Effect]) {
    var state = WizardState(context: makeContext())
    let effects = drive(&state, [
        .key(.enter),
        .text("db.example.com"), .key(.tab), .text("5432"), .key(.enter),
        .text("alex"), .key(.tab), .text(password), .key(.enter),
        .text("app"), .key(.enter),
        .key(.enter),
        .text(root), .key(.enter),
    ])
    return (state, effects)
}
