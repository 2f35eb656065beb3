import ArgumentParser
import PGSecureDisk
import PGSecureLibPQ
import PGSecureModel
import PGSecureWizard
import PGSecureWizardRuntime

struct SaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save", abstract: "Test a connection, then keep it the libpq way: a pg_service.conf entry and a ~/.pgpass line.",
        discussion: """
            Writes the [NAME] section of the service file libpq reads (PGSERVICEFILE, else ~/.pg_service.conf) with the \
            verified settings, and the password (if one was given) into the password file libpq reads (the passfile \
            keyword, else PGPASSFILE, else ~/.pgpass), never into the service file. Without a host the password is \
            saved for localhost, as libpq looks up its default socket. Every other byte of both files is kept; each is \
            replaced atomically, keeps its mode (a password file libpq cannot use as it is, one others may read or \
            its owner may not, is set to 0600), and is created 0600. An entry holding other values is replaced only with \
            --force (the change is shown first). Afterwards: psql service=NAME, psycopg2.connect(service="NAME"), \
            PGSERVICE=NAME, pgsecure test service=NAME. Exit 0 saved (or already saved), 1 not saved, 2 bad input.
            """)
    @Argument(help: ArgumentHelp("The service name: psql service=NAME.", valueName: "name")) var name: String
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Replace an entry (or password) that holds other values.") var force = false
    @Flag(help: "Save without connecting first (default: save only a connection that works).") var skipTest = false
    @Option(help: ArgumentHelp("Give up the test after this many seconds (default 10).", valueName: "seconds"))
    var timeout: Double = ConnectionTester.defaultTimeout

    func run() async throws {
        // No host is a service for libpq's default socket (psql service=NAME connects there), not a mistake.
        let resolved = try connection.resolve(keepsSecrets: true, requiresHost: false)
        connection.announce(resolved)
        let environment = Console.current.environment
        let files = LocalFiles.onDisk(environment: environment)
        let plan = try ServicePlan(name: name, settings: resolved.settings, environment: environment, files: files)

        if !skipTest {
            let report = await ConnectionTester.test(resolved.settingsToTest, timeout: timeout, environment: environment)
            guard report.connected else {
                Console.current.error("pgsecure: not saved: the connection failed (\(report.diagnosis.code.rawValue)): \(TerminalText.escaped(report.diagnosis.summary))")
                throw ExitCode(1)
            }
            if report.verdict != .verifiedFull && report.verdict != .localSocket {
                Console.current.error("pgsecure: warning: saving a connection that is \(report.verdict.rawValue): \(report.verdict.explanation)")
            }
        }
        try plan.write(force: force, disk: files)
    }
}

extension ServicePlan {
    /// Shows the change, refuses to replace other values without `force`, then writes the password file and the
    /// service file, each atomically.
    func write(force: Bool, disk: LocalFiles) throws {
        let console = Console.current
        for line in changeDescription.split(separator: "\n") { console.error("pgsecure: " + TerminalText.escaped(String(line))) }
        if replacesOtherValues && !force {
            console.error("pgsecure: not saved: service \(TerminalText.escaped(name)) holds other values (shown above); pass --force to replace them")
            throw ExitCode(1)
        }
        switch ServiceSaver.save(self, disk: disk) {
        case .saved(_, let servicePath, let passwordFile, let notices, _):
            // Paths come from PGSERVICEFILE, PGPASSFILE or a service's passfile: nothing in them may drive the terminal.
            for notice in notices { console.error("pgsecure: " + TerminalText.escaped(notice)) }
            if let passwordFile {
                let mode = String(passwordFile.permissions, radix: 8)
                console.output("saved the password in \(TerminalText.escaped(passwordFile.path)) (mode \(mode))\n")
            }
            console.output("saved service \(TerminalText.escaped(name)) in \(TerminalText.escaped(servicePath))\n")
        case .unchanged(_, let path):
            console.output("service \(TerminalText.escaped(name)) in \(TerminalText.escaped(path)) already holds these settings\n")
        case .failed(let message, _):
            throw PGSecureCommand.CommandFailure(line: message)
        }
        console.output("connect with: psql service=\(name)   or   PGSERVICE=\(name)   or   pgsecure test service=\(name)\n")
    }
}
