import Foundation
import OptBench
import Testing

@Suite("Output folder")
struct OutputFolderTests {
    static let dataset = syntheticDataset()

    @Test("an experiment writes every file, and nothing else")
    func everyFile() throws {
        let temporary = TemporaryDirectory()
        let folder = OutputFolder(path: temporary.file("out/nested"))
        let configuration = try smallConfiguration(optimizers: "fast=sgd(lr=0.1),adam(lr=0.01)")
        let (result, outcomes) = try runAndWrite(configuration, dataset: Self.dataset, into: folder)

        let labels = ["fast", "adam(learning_rate=0.01)"]
        #expect(TemporaryDirectory.allFiles(under: folder.path) == [
            "classification_report.txt", "comparison.txt", "dataset_shapes.txt",
            "history/adam_learning_rate_0.01.csv", "history/fast.csv", "model_summary.txt",
            "predictions/adam_learning_rate_0.01.csv", "predictions/fast.csv", "results.json",
        ])

        #expect(text(of: folder.file("dataset_shapes.txt")) == """
            X_train_full shape = (400, 8, 8)
            y_train_full shape = (400,)
            X_test shape = (100, 8, 8)
            y_test shape = (100,)
            X_valid shape = (50, 8, 8)
            y_valid shape = (50,)
            X_train shape = (350, 8, 8)
            y_train shape = (350,)

            """)

        let summary = text(of: folder.file("model_summary.txt"))
        #expect(summary.hasPrefix("Model: \"sequential\""))
        #expect(summary.contains("Total params: 1,210 (4.73 KB)"))
        #expect(summary == result.model.summary)

        let reports = text(of: folder.file("classification_report.txt"))
        for (label, run) in zip(labels, result.runs) {
            #expect(reports.contains("classification report with \(label)\n" + run.test!.classificationReport))
        }
        #expect(reports.components(separatedBy: "classification report with ").count == 3)

        let comparison = lines(of: text(of: folder.file("comparison.txt")))
        #expect(comparison.first == "comparison on mnist: 3 epochs, batch size 16, seed 42")
        let header = try #require(comparison.first { $0.hasPrefix("optimizer") })
        #expect(header.split(separator: " ") == ["optimizer", "test_accuracy", "macro_f1", "weighted_f1", "test_loss",
                                                 "best_epoch", "train_seconds"])
        for run in result.runs {
            let row = try #require(comparison.first { $0.hasPrefix(run.label + " ") })
            let cells = row.dropFirst(run.label.count).split(separator: " ").map(String.init)
            #expect(cells.count == 6)
            #expect(cells.first == String(format: "%.4f", run.test!.accuracy))
            #expect(cells[4] == "\(run.bestEpoch!)")
        }
        let ranking = try #require(comparison.firstIndex(of: "ranking by test accuracy:"))
        let byAccuracy = result.runs.sorted { $0.test!.accuracy > $1.test!.accuracy }
        #expect(comparison[ranking + 1].hasPrefix("  1. \(byAccuracy[0].label)"))
        #expect(comparison[ranking + 2].hasPrefix("  2. \(byAccuracy[1].label)"))
        #expect(comparison.contains("ranking by macro F1:"))

        for (label, (run, outcome)) in zip(labels, zip(result.runs, outcomes)) {
            let history = lines(of: text(of: folder.file("history/\(OutputFolder.fileName(for: label)).csv")))
            #expect(history.first == "epoch,loss,accuracy,val_loss,val_accuracy,seconds")
            #expect(history.count == 4)
            for (row, record) in zip(history.dropFirst(), run.history) {
                let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                try #require(cells.count == 6)
                #expect(Int(cells[0]) == record.epoch)
                #expect(Double(cells[1]) == record.loss)
                #expect(Double(cells[2]) == record.accuracy)
                #expect(Double(cells[3]) == record.valLoss)
                #expect(Double(cells[4]) == record.valAccuracy)
                #expect(cells[5].wholeMatch(of: /[0-9]+\.[0-9]{4}/) != nil)
            }

            let predictions = lines(of: text(of: folder.file("predictions/\(OutputFolder.fileName(for: label)).csv")))
            #expect(predictions.first == "index,true,predicted," + (0..<10).map { "prob_\($0)" }.joined(separator: ","))
            #expect(predictions.count == 1 + Self.dataset.test.count)
            for (i, row) in predictions.dropFirst().enumerated() {
                let cells = row.split(separator: ",").map(String.init)
                try #require(cells.count == 13)
                #expect(Int(cells[0]) == i)
                #expect(Int(cells[1]) == Int(Self.dataset.test.labels[i]))
                #expect(Int(cells[2]) == outcome.predictions[i])
                let probabilities = cells[3...].compactMap(Double.init)
                #expect(probabilities.count == 10)
                #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
                #expect(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
                #expect(probabilities.firstIndex(of: probabilities.max()!) == outcome.predictions[i])
            }
        }

        let decoded = try ResultsFile.read(path: folder.file("results.json"))
        #expect(decoded == result)
        let json = text(of: folder.file("results.json"))
        #expect(json.contains("\"schema_version\" : 1"))
        #expect(json.contains("\"confusion_matrix\""))
    }

    @Test("a diverged run gets a history but no predictions, and results.json still reads back")
    func divergedRunFiles() throws {
        let temporary = TemporaryDirectory()
        let folder = OutputFolder(path: temporary.file("out"))
        let configuration = try smallConfiguration(optimizers: "wild=sgd(lr=1e30),adam(lr=0.01)", epochs: 2)
        let (result, _) = try runAndWrite(configuration, dataset: Self.dataset, into: folder)
        #expect(result.runs[0].divergence != nil)
        let files = TemporaryDirectory.allFiles(under: folder.path)
        #expect(files.contains("history/wild.csv"))
        #expect(!files.contains("predictions/wild.csv"))
        #expect(files.contains("predictions/adam_learning_rate_0.01.csv"))
        #expect(text(of: folder.file("comparison.txt")).contains("diverged"))
        #expect(text(of: folder.file("classification_report.txt")).contains("diverged in epoch \(result.runs[0].divergence!.epoch)"))
        let history = lines(of: text(of: folder.file("history/wild.csv")))
        #expect(history.last == "\(result.runs[0].divergence!.epoch),nan,nan,,,")
        let decoded = try ResultsFile.read(path: folder.file("results.json"))
        #expect(decoded.runs[0].divergence == result.runs[0].divergence)
        #expect(decoded.runs[0].test == nil)
        #expect(decoded.runs[1] == result.runs[1])
    }

    @Test("prepare creates a missing folder and accepts an empty one")
    func prepareCreates() throws {
        let temporary = TemporaryDirectory()
        try OutputFolder(path: temporary.file("a/b/c")).prepare()
        #expect(TemporaryDirectory.contents(of: temporary.file("a/b/c")) == [])
        try FileManager.default.createDirectory(atPath: temporary.file("empty"), withIntermediateDirectories: false)
        try OutputFolder(path: temporary.file("empty")).prepare()
        #expect(TemporaryDirectory.contents(of: temporary.file("empty")) == [])
    }

    @Test("prepare refuses a folder that holds files")
    func prepareRefusesNonEmpty() throws {
        let temporary = TemporaryDirectory()
        try AtomicFile.write("old\n", to: temporary.file("old/comparison.txt"))
        #expect {
            try OutputFolder(path: temporary.file("old")).prepare()
        } throws: { error in
            guard let error = error as? ExperimentError, case .cannotWrite(let path, let why) = error else { return false }
            return path == temporary.file("old") && why.contains("not empty")
        }
        #expect(TemporaryDirectory.contents(of: temporary.file("old")) == ["comparison.txt"])
        #expect(text(of: temporary.file("old/comparison.txt")) == "old\n")
    }

    @Test("prepare refuses a path that is a file, or lies below one")
    func prepareRefusesFile() throws {
        let temporary = TemporaryDirectory()
        try AtomicFile.write("x", to: temporary.file("file"))
        for path in [temporary.file("file"), temporary.file("file/out")] {
            #expect(throws: ExperimentError.self) { try OutputFolder(path: path).prepare() }
        }
        #expect(text(of: temporary.file("file")) == "x")
        #expect(TemporaryDirectory.contents(of: temporary.path) == ["file"])
        do {
            try OutputFolder(path: temporary.file("file")).prepare()
        } catch {
            #expect(error.description.hasPrefix(temporary.file("file") + ": cannot write"))
        }
    }

    @Test("file names keep ASCII letters, digits and -_. and turn each run of anything else into one _")
    func fileNames() {
        #expect(OutputFolder.fileName(for: "adam(learning_rate=0.01,beta_2=0.99)") == "adam_learning_rate_0.01_beta_2_0.99")
        #expect(OutputFolder.fileName(for: "a/b c:d") == "a_b_c_d")
        #expect(OutputFolder.defaultPath(dataset: "mnist", date: Date(timeIntervalSince1970: 0)) == "results/mnist-19700101T000000Z")
    }
}

@Suite("AtomicFile")
struct AtomicFileTests {
    @Test("writes the content, creates parent folders, leaves no temporary file")
    func writes() throws {
        let temporary = TemporaryDirectory()
        let path = temporary.file("x/y/file.txt")
        try AtomicFile.write("first\n", to: path)
        #expect(text(of: path) == "first\n")
        try AtomicFile.write(Data("second".utf8), to: path)
        #expect(text(of: path) == "second")
        #expect(TemporaryDirectory.contents(of: temporary.file("x/y")) == ["file.txt"])
    }

    @Test("fails cleanly where no folder can be made: an error, no file")
    func unwritableLocation() throws {
        let temporary = TemporaryDirectory()
        try AtomicFile.write("keep", to: temporary.file("regular"))
        let path = temporary.file("regular/sub/file.txt")
        #expect {
            try AtomicFile.write("data", to: path)
        } throws: { error in
            guard let error = error as? ExperimentError, case .cannotWrite(let where_, _) = error else { return false }
            return where_.hasPrefix(temporary.file("regular"))
        }
        #expect(TemporaryDirectory.contents(of: temporary.path) == ["regular"])
        #expect(text(of: temporary.file("regular")) == "keep")
    }

    @Test("fails cleanly when the target is a folder: an error, the temporary file removed")
    func targetIsFolder() throws {
        let temporary = TemporaryDirectory()
        try AtomicFile.write("inside", to: temporary.file("target/inside.txt"))
        #expect(throws: ExperimentError.self) { try AtomicFile.write("data", to: temporary.file("target")) }
        #expect(TemporaryDirectory.contents(of: temporary.path) == ["target"])
        #expect(TemporaryDirectory.contents(of: temporary.file("target")) == ["inside.txt"])
    }
}

@Suite("ResultsFile")
struct ResultsFileTests {
    @Test("a missing or foreign file is a cannotRead error naming it")
    func badFiles() throws {
        let temporary = TemporaryDirectory()
        let missing = temporary.file("missing.json")
        #expect(throws: ExperimentError.cannotRead(missing, "no such file or not readable")) {
            try ResultsFile.read(path: missing)
        }
        let foreign = temporary.file("foreign.json")
        try AtomicFile.write("{\"hello\": 1}", to: foreign)
        #expect {
            try ResultsFile.read(path: foreign)
        } throws: { error in
            guard let error = error as? ExperimentError, case .cannotRead(let path, _) = error else { return false }
            return path == foreign
        }
    }

    @Test("every key is snake_case, and a file with the previous version's camelCase keys still reads")
    func keyStyle() throws {
        let dataset = syntheticDataset(trainCount: 60, testCount: 20)
        let result = try Experiment(configuration: smallConfiguration(optimizers: "sgd,adam", epochs: 1, validationSize: 10))
            .run(dataset: dataset, source: "memory")
        let data = try ResultsFile.encode(result)
        let keys = allKeys(in: try JSONSerialization.jsonObject(with: data))
        #expect(keys.contains("weight_offset") && keys.contains("bias_offset") && keys.contains("val_loss"))
        let notSnakeCase = keys.filter { $0.contains(where: \.isUppercase) }
        #expect(notSnakeCase.isEmpty, "keys not in snake_case: \(notSnakeCase.sorted())")

        let temporary = TemporaryDirectory()
        try AtomicFile.write(data, to: temporary.file("results.json"))
        #expect(try ResultsFile.read(path: temporary.file("results.json")) == result)

        // The previous version wrote the layers' offsets in camelCase.
        let previous = try #require(String(data: data, encoding: .utf8))
            .replacingOccurrences(of: "\"weight_offset\"", with: "\"weightOffset\"")
            .replacingOccurrences(of: "\"bias_offset\"", with: "\"biasOffset\"")
        #expect(previous.contains("\"weightOffset\"") && !previous.contains("weight_offset"))
        try AtomicFile.write(previous, to: temporary.file("previous.json"))
        #expect(try ResultsFile.read(path: temporary.file("previous.json")) == result)
    }

    /// Every key of every object in a decoded JSON value.
    private func allKeys(in value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(allKeys(in: $1.value)) }
        }
        if let array = value as? [Any] {
            return array.reduce(into: Set<String>()) { $0.formUnion(allKeys(in: $1)) }
        }
        return []
    }

    @Test("non-finite numbers survive a round trip")
    func nonFinite() throws {
        let dataset = syntheticDataset(trainCount: 60, testCount: 20)
        var result = try Experiment(configuration: smallConfiguration(optimizers: "sgd", epochs: 1, validationSize: 10))
            .run(dataset: dataset, source: "memory")
        result.runs[0].history[0].valLoss = .infinity
        result.runs[0].history[0].loss = -.infinity
        let temporary = TemporaryDirectory()
        try AtomicFile.write(try ResultsFile.encode(result), to: temporary.file("results.json"))
        let decoded = try ResultsFile.read(path: temporary.file("results.json"))
        #expect(decoded == result)
    }
}

@Suite("ReportText")
struct ReportTextTests {
    @Test("history CSV rows")
    func historyCSV() {
        let csv = ReportText.historyCSV([
            EpochRecord(epoch: 1, loss: 0.5, accuracy: 0.75, valLoss: 0.25, valAccuracy: 1, seconds: 1.23456),
            EpochRecord(epoch: 2, loss: 0.125, accuracy: 0.875, valLoss: nil, valAccuracy: nil, seconds: 2),
        ])
        #expect(csv == "epoch,loss,accuracy,val_loss,val_accuracy,seconds\n1,0.5,0.75,0.25,1.0,1.2346\n2,0.125,0.875,,,2.0000\n")
    }

    @Test("predictions CSV rows")
    func predictionsCSV() {
        let csv = ReportText.predictionsCSV(labels: [1, 0], predictions: [1, 1], probabilities: [0.25, 0.75, 0.5, 0.5],
                                            classCount: 2)
        #expect(csv == "index,true,predicted,prob_0,prob_1\n0,1,1,0.25,0.75\n1,0,1,0.5,0.5\n")
    }
}
