import Foundation
import OptBench
import Testing

/// Options that make a run small, for the arguments under test to override.
func smallRunArguments(dataDir: String, output: String) -> [String] {
    ["--dataset", "mnist", "--data-dir", dataDir, "--output", output, "--epochs", "1", "--batch-size", "16",
     "--validation-size", "50", "--hidden", "16", "--optimizers", "sgd"]
}

/// Checks the contract for bad input: exactly one line on stderr, starting
/// `optbench: error:` and mentioning every one of `words`, nothing on stdout,
/// and a non-zero exit status.
func expectOneErrorLine(_ run: ToolRun, mentioning words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!run.timedOut, sourceLocation: sourceLocation)
    #expect(run.status != 0, "\(run)", sourceLocation: sourceLocation)
    #expect(run.stderrLines.count == 1, "\(run)", sourceLocation: sourceLocation)
    #expect(run.stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
    #expect(run.stderr.hasPrefix("optbench: error: "), "\(run)", sourceLocation: sourceLocation)
    for word in words {
        #expect(run.stderr.contains(word), "stderr does not mention '\(word)': \(run.stderr)", sourceLocation: sourceLocation)
    }
    #expect(run.stdout.isEmpty, "\(run)", sourceLocation: sourceLocation)
}

@Suite("optbench: bad input")
struct CLIErrorTests {
    /// A bad option (replacing the small run's value): the words the error must contain.
    static let badOptions: [([String], [String])] = [
        (["--epochs", "0"], ["--epochs"]),
        (["--epochs", "-1"], ["--epochs"]),
        (["--epochs", "two"], ["--epochs", "two"]),
        (["--batch-size", "0"], ["--batch-size"]),
        (["--learning-rate", "0"], ["--learning-rate"]),
        (["--learning-rate", "nan"], ["--learning-rate"]),
        (["--learning-rate", "inf"], ["--learning-rate"]),
        (["--hidden", "300,0"], ["--hidden"]),
        (["--hidden", "abc"], ["--hidden", "abc"]),
        (["--hidden", "16,"], ["--hidden"]),
        (["--hidden", "100000000000"], ["--hidden", "parameters"]),
        (["--activation", "swish"], ["--activation", "swish"]),
        (["--activation", "softmax"], ["--activation", "softmax"]),
        (["--learning-rate", "1e-50"], ["--learning-rate"]),
        (["--optimizers", "bogus"], ["--optimizers", "bogus"]),
        (["--optimizers", "sgd(beta_1=0.9)"], ["--optimizers", "beta_1"]),
        (["--optimizers", "sgd,sgd"], ["--optimizers", "twice"]),
        (["--optimizers", "adam(lr=0.1"], ["--optimizers"]),
        (["--dataset", "cifar"], ["--dataset", "cifar"]),
        (["--validation-size", "-1"], ["--validation-size"]),
        (["--train-size", "0"], ["--train-size"]),
        (["--digits", "11"], ["--digits"]),
        (["--no-such-option"], ["--no-such-option"]),
    ]

    @Test("a bad option value: one error line naming the option, no output folder", arguments: 0..<badOptions.count)
    func badOption(index: Int) throws {
        let (extra, words) = Self.badOptions[index]
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        let run = try sandbox.run(smallRunArguments(dataDir: sandbox.file("data"), output: sandbox.file("out")) + extra)
        expectOneErrorLine(run, mentioning: words)
        #expect(!sandbox.exists("out"), "the output folder was created")
        #expect(sandbox.contents(of: "cwd") == [], "files appeared in the working folder")
    }

    @Test("--data-dir that does not exist")
    func missingDataDir() throws {
        let sandbox = Sandbox()
        let run = try sandbox.run(smallRunArguments(dataDir: sandbox.file("nonexistent"), output: sandbox.file("out")))
        expectOneErrorLine(run, mentioning: [sandbox.file("nonexistent"), "--data-dir"])
        #expect(!sandbox.exists("out"), "the output folder was created")
    }

    @Test("--data-dir /nonexistent without --output leaves no results folder behind")
    func missingDataDirDefaultOutput() throws {
        let sandbox = Sandbox()
        let run = try sandbox.run(["--dataset", "mnist", "--data-dir", "/nonexistent"])
        expectOneErrorLine(run, mentioning: ["/nonexistent", "--data-dir"])
        #expect(sandbox.contents(of: "cwd") == [], "created \(sandbox.contents(of: "cwd")) in the working folder")
    }

    /// A data folder broken in one way: the words the error must contain.
    static let badData: [(String, @Sendable (Sandbox) -> Void, [String])] = [
        ("a missing file", { sandbox in
            SyntheticIDX().write(into: sandbox.file("data"), except: [.testLabels])
        }, ["t10k-labels-idx1-ubyte", "--data-dir"]),
        ("a truncated gzip file", { sandbox in
            let data = SyntheticIDX()
            let whole = gzip(data.content(.trainImages))
            data.write(into: sandbox.file("data"), replace: [.trainImages: Array(whole.prefix(whole.count / 2))])
        }, ["train-images-idx3-ubyte.gz", "truncated gzip"]),
        ("a wrong IDX magic number", { sandbox in
            let data = SyntheticIDX()
            data.write(into: sandbox.file("data"),
                       replace: [.trainLabels: IDX.header(magic: 0x0803, dimensions: [300]) + data.trainLabels])
        }, ["train-labels-idx1-ubyte", "magic"]),
        ("more images than labels", { sandbox in
            let data = SyntheticIDX()
            data.write(into: sandbox.file("data"), replace: [.trainLabels: IDX.labelsFile(Array(data.trainLabels.dropLast()))])
        }, ["300 images", "299 labels", "train-labels-idx1-ubyte"]),
        ("a label out of range", { sandbox in
            var data = SyntheticIDX()
            data.testLabels[5] = 10
            data.write(into: sandbox.file("data"))
        }, ["t10k-labels-idx1-ubyte", "label 10", "index 5"]),
    ]

    @Test("a broken data folder: one error line naming the file, no output folder", arguments: 0..<badData.count)
    func badDataFolder(index: Int) throws {
        let (_, prepare, words) = Self.badData[index]
        let sandbox = Sandbox()
        prepare(sandbox)
        let run = try sandbox.run(smallRunArguments(dataDir: sandbox.file("data"), output: sandbox.file("out")))
        expectOneErrorLine(run, mentioning: words)
        #expect(!sandbox.exists("out"), "the output folder was created")
    }

    @Test("--validation-size as large as the training set")
    func validationSizeTooLarge() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        let run = try sandbox.run(smallRunArguments(dataDir: sandbox.file("data"), output: sandbox.file("out"))
                                  + ["--validation-size", "300"])
        expectOneErrorLine(run, mentioning: ["--validation-size", "300"])
        #expect(!sandbox.exists("out"), "the output folder was created")
    }

    @Test("--output naming an existing file: error, file untouched")
    func outputIsFile() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        FileManager.default.createFile(atPath: sandbox.file("taken"), contents: Data("mine\n".utf8))
        let run = try sandbox.run(smallRunArguments(dataDir: sandbox.file("data"), output: sandbox.file("taken")))
        expectOneErrorLine(run, mentioning: [sandbox.file("taken")])
        #expect(FileManager.default.contents(atPath: sandbox.file("taken")) == Data("mine\n".utf8))
    }

    @Test("--output naming a folder that holds files: error, folder untouched")
    func outputNotEmpty() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        try FileManager.default.createDirectory(atPath: sandbox.file("old"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: sandbox.file("old/comparison.txt"), contents: Data("old\n".utf8))
        let run = try sandbox.run(smallRunArguments(dataDir: sandbox.file("data"), output: sandbox.file("old")))
        expectOneErrorLine(run, mentioning: [sandbox.file("old"), "not empty"])
        #expect(sandbox.contents(of: "old") == ["comparison.txt"])
        #expect(FileManager.default.contents(atPath: sandbox.file("old/comparison.txt")) == Data("old\n".utf8))
    }
}

@Suite("optbench: help")
struct CLIHelpTests {
    static let options = ["--epochs", "--batch-size", "--seed", "--optimizers", "--hidden", "--activation",
                          "--validation-size", "--learning-rate", "--dataset", "--data-dir", "--output", "--quiet"]

    @Test("--help lists every option and exits 0", arguments: [["--help"], ["run", "--help"], ["-h"]])
    func help(arguments: [String]) throws {
        let sandbox = Sandbox()
        let run = try sandbox.run(arguments)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty)
        let missing = Self.options.filter { !run.stdout.contains($0) }
        #expect(missing == [], "'optbench \(arguments.joined(separator: " "))' does not mention \(missing)")
        #expect(sandbox.contents(of: "cwd") == [])
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let run = try Sandbox().run(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+\n/) != nil, "\(run)")
    }
}
