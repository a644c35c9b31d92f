import ArgumentParser
import Foundation

/// `optbench`: the command-line tool. Without a subcommand it runs the experiment.
struct OptBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optbench",
        abstract: "Train one neural network with many optimizers on the same data and compare them.",
        discussion: """
            With no subcommand, optbench runs the reference study: an MLP 784-300-100-10 trained \
            on Fashion-MNIST with SGD, momentum, RMSprop and Adam (Keras defaults) for 30 epochs, \
            then writes the comparison to an output folder.
            """,
        version: "0.1.0",
        subcommands: [RunCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

/// Parses the command line and runs it. Every error ends as one line on stderr
/// and a non-zero exit status; help and version go to stdout.
@main
enum Main {
    static func main() {
        do {
            var command = try OptBenchCommand.parseAsRoot()
            try command.run()
        } catch {
            let code = OptBenchCommand.exitCode(for: error)
            if code == .success {
                print(OptBenchCommand.fullMessage(for: error))
                exit(0)
            }
            let message = OptBenchCommand.message(for: error)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            FileHandle.standardError.write(Data("optbench: error: \(message)\n".utf8))
            exit(code == .validationFailure ? code.rawValue : (code.rawValue == 0 ? 1 : code.rawValue))
        }
    }
}
