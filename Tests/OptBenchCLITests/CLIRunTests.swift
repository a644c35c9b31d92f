import Foundation
import OptBench
import Testing

@Suite("optbench: end-to-end runs on a small dataset")
struct CLIRunTests {
    static func arguments(_ sandbox: Sandbox, output: String = "out") -> [String] {
        ["--dataset", "mnist", "--data-dir", sandbox.file("data"), "--epochs", "2", "--batch-size", "16",
         "--validation-size", "50", "--hidden", "16", "--optimizers", "sgd(lr=0.1),adam(lr=0.01)",
         "--output", sandbox.file(output)]
    }

    static let labels = ["sgd(learning_rate=0.1)", "adam(learning_rate=0.01)"]
    /// The file names the labels get: shell-safe.
    static let files = ["sgd_learning_rate_0.1", "adam_learning_rate_0.01"]

    @Test("a run prints one line per epoch, writes every file and ends with the folder")
    func run() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        let run = try sandbox.run(Self.arguments(sandbox))
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")

        let lines = run.stdoutLines
        #expect(lines.first == "mnist from \(sandbox.file("data")) (--data-dir)")
        #expect(lines.contains("X_train_full shape = (300, 8, 8)"))
        #expect(lines.contains("X_train shape = (250, 8, 8)"))
        #expect(lines.contains { $0.contains("Total params: 1,210") })
        let epoch = /Epoch ([12])\/2  16\/16 \[={30}\] [0-9]+\.[0-9]s - loss: [0-9]+\.[0-9]{4} - accuracy: [0-9]\.[0-9]{4} - val_loss: [0-9]+\.[0-9]{4} - val_accuracy: [0-9]\.[0-9]{4}/
        let epochLines = lines.filter { $0.hasPrefix("Epoch ") }
        #expect(epochLines.count == 4, "\(run)")
        #expect(epochLines.map { $0.wholeMatch(of: epoch).map { String($0.1) } } == ["1", "2", "1", "2"], "\(epochLines)")
        #expect(!run.stdout.contains("\r") && !run.stdout.contains("\u{1B}"), "terminal control characters in a pipe")
        #expect(lines.contains("[1/2] sgd(learning_rate=0.1)  (learning_rate=0.1, momentum=0, nesterov=false)"))
        #expect(lines.contains { $0.hasPrefix("[2/2] adam(learning_rate=0.01)  (") })
        #expect(lines.filter { $0.hasPrefix("  test: accuracy ") }.count == 2)
        #expect(lines.contains { $0.hasPrefix("comparison on mnist: 2 epochs, batch size 16, seed 42") })
        #expect(lines.last == "results: \(sandbox.file("out"))")

        var files: [String] = []
        if let items = FileManager.default.enumerator(atPath: sandbox.file("out")) {
            for case let item as String in items
            where !item.hasSuffix("history") && !item.hasSuffix("predictions") && !item.hasPrefix("figures") {
                files.append(item)
            }
        }
        #expect(files.sorted() == ["classification_report.txt", "comparison.txt", "dataset_shapes.txt"]
                + Self.files.sorted().map { "history/\($0).csv" } + ["model_summary.txt"]
                + Self.files.sorted().map { "predictions/\($0).csv" } + ["report.html", "results.json"])

        let result = try ResultsFile.read(path: sandbox.file("out/results.json"))
        #expect(result.runs.map(\.label) == Self.labels)
        #expect(result.runs.allSatisfy { $0.history.count == 2 && $0.test != nil })
        #expect(result.runs.allSatisfy { ($0.test?.accuracy ?? 0) > 0.3 }, "\(result.runs.map { $0.test?.accuracy ?? -1 })")
        #expect(result.configuration.epochs == 2 && result.configuration.batchSize == 16)
        #expect(result.configuration.dataDirectory == sandbox.file("data"))
        #expect(result.configuration.hiddenSizes == [16] && result.configuration.validationSize == 50)
        #expect(result.dataset.name == "mnist")
        #expect(result.runs.allSatisfy { ($0.test?.confusionMatrix.joined().reduce(0, +) ?? 0) == 60 })

        let history = try String(contentsOfFile: sandbox.file("out/history/\(Self.files[0]).csv"), encoding: .utf8)
        #expect(history.hasPrefix("epoch,loss,accuracy,val_loss,val_accuracy,seconds\n1,"))
        let predictions = try String(contentsOfFile: sandbox.file("out/predictions/\(Self.files[1]).csv"), encoding: .utf8)
        let rows = predictions.split(separator: "\n")
        #expect(rows.count == 61)
        #expect(rows.first == "index,true,predicted,prob_0,prob_1,prob_2,prob_3,prob_4,prob_5,prob_6,prob_7,prob_8,prob_9")
        for row in rows.dropFirst() {
            let probabilities = row.split(separator: ",").dropFirst(3).compactMap { Double($0) }
            #expect(probabilities.count == 10 && abs(probabilities.reduce(0, +) - 1) < 1e-4)
        }
        #expect(sandbox.contents(of: "cwd") == [], "files appeared in the working folder")
    }

    @Test("--quiet prints only the folder line")
    func quiet() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        let run = try sandbox.run(Self.arguments(sandbox) + ["--quiet"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout == "results: \(sandbox.file("out"))\n")
        #expect(run.stderr.isEmpty)
        #expect(FileManager.default.fileExists(atPath: sandbox.file("out/results.json")))
    }

    @Test("the same seed twice gives the same histories (timings aside) and predictions")
    func reproducible() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        let first = try sandbox.run(Self.arguments(sandbox, output: "first") + ["--quiet"])
        let second = try sandbox.run(Self.arguments(sandbox, output: "second") + ["--quiet"])
        #expect(first.status == 0 && second.status == 0, "\(first)\n\(second)")
        #expect(first.stderr.isEmpty && second.stderr.isEmpty)
        func withoutSeconds(_ csv: String) -> String {
            csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
                .joined(separator: "\n")
        }
        for label in Self.files {
            let a = try String(contentsOfFile: sandbox.file("first/history/\(label).csv"), encoding: .utf8)
            let b = try String(contentsOfFile: sandbox.file("second/history/\(label).csv"), encoding: .utf8)
            #expect(a.split(separator: "\n").count == 3)
            #expect(withoutSeconds(a) == withoutSeconds(b))
            let p = try String(contentsOfFile: sandbox.file("first/predictions/\(label).csv"), encoding: .utf8)
            let q = try String(contentsOfFile: sandbox.file("second/predictions/\(label).csv"), encoding: .utf8)
            #expect(!p.isEmpty && p == q)
        }
        // Another seed changes the numbers.
        let third = try sandbox.run(Self.arguments(sandbox, output: "third") + ["--quiet", "--seed", "7"])
        #expect(third.status == 0)
        let a = try String(contentsOfFile: sandbox.file("first/history/\(Self.files[0]).csv"), encoding: .utf8)
        let c = try String(contentsOfFile: sandbox.file("third/history/\(Self.files[0]).csv"), encoding: .utf8)
        #expect(withoutSeconds(a) != withoutSeconds(c))
    }

    @Test("without --output the folder goes under results/ in the working folder")
    func defaultOutput() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        var arguments = Self.arguments(sandbox)
        arguments.removeLast(2)
        let run = try sandbox.run(arguments + ["--quiet", "--epochs", "1"])
        #expect(run.status == 0, "\(run)")
        let folders = sandbox.contents(of: "cwd/results")
        try #require(folders.count == 1)
        #expect(folders[0].wholeMatch(of: /mnist-[0-9]{8}T[0-9]{6}Z/) != nil)
        #expect(run.stdout == "results: results/\(folders[0])\n")
        #expect(run.stderr.isEmpty)
        #expect(FileManager.default.fileExists(atPath: sandbox.file("cwd/results/\(folders[0])/results.json")))
    }
}
