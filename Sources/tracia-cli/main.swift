import Glibc
import TraciaCore

// `tracia run` streams a call to the terminal; `tracia spans` shows the local span file.

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "run": RunCommand.main(Array(arguments.dropFirst()))
case "spans": SpansCommand.main(Array(arguments.dropFirst()))
case "--version", "version": Terminal.out(TraciaVersion.string + "\n")
case "-h", "--help", "help", nil:
    Terminal.out(Help.top)
    exit(arguments.isEmpty ? 2 : 0)
default: Terminal.fail("unknown command '\(arguments[0])'; see 'tracia --help'", status: 2)
}
