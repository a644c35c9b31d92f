import ArgumentParser
import Foundation
import OptBench

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
        subcommands: [RunCommand.self, ReportCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

/// Parses the command line and runs it. Every error ends as one line on stderr
/// and a non-zero exit status; help and version go to stdout.
@main
enum Main {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            // `run` is the default subcommand: show its options, not just the subcommand list.
            print(OptBenchCommand.helpMessage(for: RunCommand.self)
                .replacingOccurrences(of: "optbench run ", with: "optbench [run] "))
            exit(0)
        }
        do {
            var command = try OptBenchCommand.parseAsRoot()
            try command.run()
        } catch {
            var code = OptBenchCommand.exitCode(for: error)
            if case ExperimentError.invalidOption = error { code = .validationFailure }
            if code == .success {
                print(OptBenchCommand.fullMessage(for: error))
                exit(0)
            }
            let message = OptBenchCommand.message(for: error)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            FileHandle.standardError.write(Data("optbench: error: \(message)\n".utf8))
            exit(code.rawValue)
        }
    }
}
