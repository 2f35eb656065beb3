import ArgumentParser

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Connect for real and report what was verified, or why it failed.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        throw InputErrorExit.wizardNotYetAvailable
    }
}
