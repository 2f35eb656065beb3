#if canImport(Glibc)
import Glibc
#endif
import PGSecureCLI
import PGSecureLibPQ
import PGSecureTerminal
import PGSecureWizardRuntime

LaunchWarmUp.start()
// A closed pipe (`pgsecure url | head -c1`, a clipboard helper that exits early, a server that hangs up
// mid-handshake) must be an error to handle, not a silent death that could leave the terminal raw.
signal(SIGPIPE, SIG_IGN)
let console = Console.process { state, environment, tester, inspectRootFile in
    try WizardApp.run(state, environment: environment, tester: tester, inspectRootFile: inspectRootFile)
}
// The raw bytes: CommandLine.arguments would have replaced invalid UTF-8 without a word.
let arguments = (1..<Int(CommandLine.argc)).map { index in
    Array(UnsafeBufferPointer(start: CommandLine.unsafeArgv[index], count: strlen(CommandLine.unsafeArgv[index]!))).map(UInt8.init(bitPattern:))
}
let status = await Console.$current.withValue(console) { await PGSecureCommand.run(rawArguments: arguments) }
// Every output went out unbuffered; _exit skips the atexit handlers, which could free OpenSSL state under LaunchWarmUp.
fflush(nil)
_exit(status)
