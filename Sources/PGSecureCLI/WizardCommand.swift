import ArgumentParser
import PGSecureDisk
import PGSecureLibPQ
import PGSecureModel
import PGSecureWizard
import PGSecureWizardRuntime

extension OutputKind {
    static var emitNames: String { allCases.map(\.emitName).joined(separator: "|") }
}

struct WizardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wizard", abstract: "Walk through the settings interactively, test them, and copy the result.",
        discussion: """
            Draws on the terminal (/dev/tty) and answers on stdout: when you finish, the chosen output is printed \
            after the terminal is restored, so these work:
              eval "$(pgsecure wizard --emit env)"
              pgsecure wizard --emit env > db.env
            Without a terminal, use pgsecure url|conninfo|env|snippet|test.
            """)
    @Argument(help: ArgumentHelp("A connection string to start from.", valueName: "connstring")) var connectionString: String?
    @Option(help: ArgumentHelp("The output printed on finishing: \(OutputKind.emitNames).", valueName: "output"))
    var emit: String?

    func validate() throws {
        if let emit, OutputKind(emitName: emit) == nil {
            throw ValidationError("--emit: unknown output \"\(emit)\"; use one of \(OutputKind.emitNames)")
        }
    }

    func run() throws {
        let console = Console.current
        let environment = console.environment
        let files = LocalFiles.onDisk(environment: environment)
        let context = WizardContext(
            environment: environment,
            parseConnectionString: { text in Result { () throws(InputError) in try LibPQ.parse(text) } },
            rootCandidates: RootCertificateStore.discover(environment: environment),
            libpqVersion: LibPQ.version,
            emit: emit.flatMap(OutputKind.init(emitName:)),
            files: files.snapshot(of: files.libpqPaths(environment: environment)), knownKeywords: LibPQ.knownKeywords)
        let state = WizardState(context: context, connectionString: connectionString)
        let outcome: WizardExit
        do {
            outcome = try console.runWizard(
                state, environment, { settings in await ConnectionTester.test(settings, environment: environment) },
                { path in RootCertificateStore.inspect(path: path, source: "custom") })
        } catch {
            throw PGSecureCommand.CommandFailure(line: "\(error)")
        }
        if let output = outcome.output { console.write(output, holdingSecret: outcome.holdsSecret) }
        if outcome.status != 0 { throw ExitCode(outcome.status) }
    }
}
