import ArgumentParser

struct WizardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wizard", abstract: "Walk through the settings interactively, test them, and copy the result.")
    @Argument(help: ArgumentHelp("A connection string to start from.", valueName: "connstring")) var connectionString: String?

    func run() throws {
        throw InputErrorExit.wizardNotYetAvailable
    }
}

enum InputErrorExit: Error { case wizardNotYetAvailable }
