import PGSecureModel
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

let labRoot = "/lab/root.crt"
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
        rootCandidates: [debianBundle, certificateDirectory, missingBundle], inspectRootFile: fakeInspect,
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
@discardableResult
func drive(
    _ state: inout WizardState, _ inputs: [Input], size: Size = standard, check: (Screen) -> Void = { _ in }
) -> [Effect] {
    var effects: [Effect] = []
    for key in inputs.keys {
        let (next, produced) = Wizard.update(state, .key(key))
        state = next
        effects += produced
        check(Wizard.render(state, size))
    }
    return effects
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

let now: Int64 = 1_790_000_000

func verifiedReport() -> Report {
    Report(ConnectionEvidence(
        target: TestTarget(host: "db.example.com", port: 5432, user: "alex", dbname: "app", sslmode: .verifyFull, rootFile: labRoot),
        connected: true, sslInUse: true, tls: TLSFacts(protocol: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384", bits: 256),
        serverVersion: "15.18 (Debian 15.18-0+deb12u1)", reachedUser: "alex", reachedDatabase: "app",
        chainCheck: ChainCheck(
            presented: [CertificateFacts(subject: "CN=db.example.com", issuer: "CN=lab intermediate", san: ["DNS:db.example.com"], notBefore: now - 86_400, notAfter: now + 90 * 86_400, sha256: "AA:BB")],
            rootFile: labRoot, verifyError: 0, verifyErrorText: "ok", verifiedPath: [], hostName: "db.example.com", hostMatches: true),
        now: now))
}

func failedReport(_ libpqMessage: String) -> Report {
    Report(ConnectionEvidence(
        target: TestTarget(host: "db.example.com", port: 5432, user: "alex", dbname: "app", sslmode: .verifyFull, rootFile: labRoot),
        connected: false, libpqMessage: libpqMessage, now: now))
}

extension Screen {
    /// The screen's text with line breaks removed, for strings the layout may wrap.
    /// Body rows are taken right of the sidebar and joined with spaces, undoing the word wrap.
    var joinedText: String {
        (0..<size.height).map { row -> String in
            let inBody = size.width > 22 && rows[row][22].text == "│"
            let cells = inBody ? rows[row][23...] : rows[row][...]
            return cells.map(\.text).joined().trimmingCharacters(in: " ")
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The lines of the outputs preview box (after "┃ "), joined: the output as the user sees it.
    var previewText: String {
        (0..<size.height).compactMap { row -> String? in
            let text = line(row)
            guard let bar = text.firstIndex(of: "┃") else { return nil }
            return String(text[text.index(after: bar)...].dropFirst())
        }.joined()
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
    }
}
