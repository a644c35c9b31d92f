import Foundation
import OptBench
import Testing

@Suite("Experiment.run on a small synthetic dataset")
struct ExperimentRunTests {
    static let dataset = syntheticDataset()

    @Test("every run trains, validates and is evaluated on the test set")
    func runs() throws {
        let configuration = try smallConfiguration()
        var started: [(Int, Int, String)] = []
        var epochsEnded: [Int] = []
        var finished: [String] = []
        var outcomes: [RunOutcome] = []
        let result = try Experiment(configuration: configuration).run(
            dataset: Self.dataset, source: "memory",
            observer: { event in
                switch event {
                case .runStarted(let index, let count, let label, _): started.append((index, count, label))
                case .training(.epochEnded(let record)): epochsEnded.append(record.epoch)
                case .training: break
                case .runFinished(let run): finished.append(run.label)
                }
            },
            runFinished: { outcomes.append($0) })

        let labels = ["sgd(learning_rate=0.1)", "adam(learning_rate=0.01)"]
        #expect(result.runs.map(\.label) == labels)
        #expect(result.runs.map(\.optimizer) == ["sgd", "adam"])
        #expect(started.map(\.0) == [0, 1] && started.allSatisfy { $0.1 == 2 } && started.map(\.2) == labels)
        #expect(epochsEnded == [1, 2, 3, 1, 2, 3])
        #expect(finished == labels)
        #expect(outcomes.map(\.result) == result.runs)
        #expect(result.schemaVersion == 1 && result.tool == "optbench")
        #expect(result.configuration == configuration)
        #expect(result.model.parameterCount == 64 * 16 + 16 + 16 * 10 + 10)

        let testLabels = Self.dataset.test.labels.map(Int.init)
        let supports = (0..<10).map { c in testLabels.filter { $0 == c }.count }
        for (run, outcome) in zip(result.runs, outcomes) {
            #expect(run.history.map(\.epoch) == [1, 2, 3])
            #expect(run.history.allSatisfy { $0.valLoss != nil && $0.valAccuracy != nil && $0.loss.isFinite })
            #expect(run.divergence == nil)
            #expect(run.hyperparameters.contains { $0.name == "learning_rate" })
            let sum = run.history.map(\.seconds).reduce(0, +)
            #expect(abs(run.trainSeconds - sum) < 1e-6)
            #expect(run.medianEpochSeconds == run.history.map(\.seconds).sorted()[1])

            // The best epoch is the first with the lowest validation loss.
            let losses = run.history.map { $0.valLoss! }
            #expect(run.bestEpoch == losses.firstIndex(of: losses.min()!)! + 1)

            let test = try #require(run.test)
            #expect(test.accuracy > 0.5, "\(run.label): test accuracy \(test.accuracy)")
            #expect(test.loss.isFinite && test.loss < log(10.0))
            #expect(test.confusionMatrix.count == 10 && test.confusionMatrix.allSatisfy { $0.count == 10 })
            #expect(test.confusionMatrix.joined().reduce(0, +) == Self.dataset.test.count)
            #expect(test.confusionMatrix.map { $0.reduce(0, +) } == supports)
            #expect(test.perClass.map(\.support) == supports)
            #expect(test.perClass.map(\.classIndex) == Array(0..<10))
            #expect(test.perClass.map(\.name) == Self.dataset.classNames)
            let diagonal = (0..<10).map { test.confusionMatrix[$0][$0] }.reduce(0, +)
            #expect(Double(diagonal) / Double(Self.dataset.test.count) == test.accuracy)
            #expect(test.classificationReport.contains("macro avg"))

            // The per-sample outputs agree with the metrics.
            #expect(outcome.predictions.count == Self.dataset.test.count)
            #expect(outcome.probabilities.count == Self.dataset.test.count * 10)
            let correct = zip(outcome.predictions, testLabels).filter { $0 == $1 }.count
            #expect(Double(correct) / Double(testLabels.count) == test.accuracy)
            for i in 0..<testLabels.count {
                let row = outcome.probabilities[(i * 10)..<(i * 10 + 10)]
                #expect(abs(row.reduce(0, +) - 1) < 1e-4)
                #expect(row.firstIndex(of: row.max()!)! - i * 10 == outcome.predictions[i])
            }
        }
    }

    @Test("the same configuration gives the same results, timings aside")
    func deterministic() throws {
        let configuration = try smallConfiguration()
        let first = try Experiment(configuration: configuration).run(dataset: Self.dataset, source: "memory")
        let second = try Experiment(configuration: configuration).run(dataset: Self.dataset, source: "memory")
        #expect(withoutTimes(first) == withoutTimes(second))
        #expect(first.runs.map(\.history.count) == [3, 3])
    }

    @Test("another seed gives other results")
    func seedMatters() throws {
        var configuration = try smallConfiguration(optimizers: "sgd(lr=0.1)")
        let first = try Experiment(configuration: configuration).run(dataset: Self.dataset, source: "memory")
        configuration.seed = 43
        let second = try Experiment(configuration: configuration).run(dataset: Self.dataset, source: "memory")
        #expect(first.runs[0].history.map(\.loss) != second.runs[0].history.map(\.loss))
    }

    @Test("runs of the same optimizer under two labels are identical: same initial weights, same batches, fresh state")
    func sameOptimizerTwice() throws {
        let configuration = try smallConfiguration(optimizers: "a=momentum(lr=0.05),b=adam(lr=0.01),c=momentum(lr=0.05),d=adam(lr=0.01)")
        let result = try Experiment(configuration: configuration).run(dataset: Self.dataset, source: "memory")
        let runs = withoutTimes(result).runs
        #expect(runs.count == 4)
        #expect(runs[0].history == runs[2].history)
        #expect(runs[0].test == runs[2].test)
        #expect(runs[1].history == runs[3].history)
        #expect(runs[1].test == runs[3].test)
        #expect(runs[0].history != runs[1].history)
    }

    @Test("different optimizers start from the same weights")
    func sharedInitialWeights() throws {
        // With a negligible learning rate the first epoch's loss is the loss of
        // the initial weights, whichever the optimizer.
        let configuration = try smallConfiguration(optimizers: "sgd(lr=1e-9),rmsprop(lr=1e-9),adam(lr=1e-9)", epochs: 1)
        let result = try Experiment(configuration: configuration).run(dataset: Self.dataset, source: "memory")
        let losses = result.runs.map { $0.history[0].loss }
        let valLosses = result.runs.map { $0.history[0].valLoss! }
        #expect(losses.allSatisfy { abs($0 - losses[0]) < 1e-5 }, "\(losses)")
        #expect(valLosses.allSatisfy { abs($0 - valLosses[0]) < 1e-5 }, "\(valLosses)")

        // A different seed (other initial weights) is visibly different.
        var other = configuration
        other.seed = 1234
        let otherLoss = try Experiment(configuration: other).run(dataset: Self.dataset, source: "memory").runs[0].history[0].valLoss!
        #expect(abs(otherLoss - valLosses[0]) > 1e-3)
    }

    @Test("a run that diverges is recorded without test results and the others still run")
    func divergence() throws {
        let configuration = try smallConfiguration(optimizers: "wild=sgd(lr=1e30),adam(lr=0.01)")
        var outcomes: [RunOutcome] = []
        let result = try Experiment(configuration: configuration).run(
            dataset: Self.dataset, source: "memory", runFinished: { outcomes.append($0) })
        let wild = result.runs[0]
        let divergence = try #require(wild.divergence)
        #expect(divergence.epoch == 1)
        #expect(wild.test == nil)
        #expect(wild.history.count < 3)
        #expect(outcomes[0].predictions.isEmpty && outcomes[0].probabilities.isEmpty)
        #expect(divergence.description.contains("diverged in epoch 1"))

        let adam = result.runs[1]
        #expect(adam.divergence == nil)
        #expect(adam.history.count == 3)
        #expect((adam.test?.accuracy ?? 0) > 0.5)

        let comparison = ReportText.comparison(result)
        #expect(comparison.contains("wild") && comparison.contains("diverged"))
        #expect(comparison.contains("  1. adam(learning_rate=0.01)"))
        #expect(comparison.contains("  -  wild"))
        let reports = ReportText.classificationReports(result.runs)
        #expect(reports.contains("classification report with wild\n(no report: diverged in epoch 1"))
    }

    @Test("the best epoch is the one with the lowest validation loss, not the last")
    func bestEpochIsArgmin() throws {
        // The validation images carry wrong labels (shifted by one class), so the
        // better the network learns the training set, the worse the validation loss.
        let clean = Self.dataset
        let shifted = clean.train.labels.enumerated().map { $0.offset < 50 ? ($0.element + 1) % 10 : $0.element }
        let dataset = Dataset(name: clean.name, classNames: clean.classNames,
                              train: LabeledImages(pixels: clean.train.pixels, labels: shifted, rows: 8, columns: 8),
                              test: clean.test)
        let configuration = try smallConfiguration(optimizers: "adam(lr=0.01)")
        let run = try Experiment(configuration: configuration).run(dataset: dataset, source: "memory").runs[0]
        let losses = run.history.map { $0.valLoss! }
        #expect(losses == losses.sorted(), "the validation loss should rise: \(losses)")
        #expect(run.bestEpoch == 1)
    }

    @Test("no validation set: no validation columns and no best epoch")
    func noValidation() throws {
        let configuration = try smallConfiguration(optimizers: "sgd(lr=0.1)", epochs: 2, validationSize: 0)
        let result = try Experiment(configuration: configuration).run(dataset: Self.dataset, source: "memory")
        let run = result.runs[0]
        #expect(run.history.count == 2)
        #expect(run.history.allSatisfy { $0.valLoss == nil && $0.valAccuracy == nil })
        #expect(run.bestEpoch == nil)
        #expect(run.test != nil)
        let csv = lines(of: ReportText.historyCSV(run.history))
        #expect(csv.count == 3)
        #expect(csv[1].split(separator: ",", omittingEmptySubsequences: false).count == 6)
        #expect(csv[1].contains(",,"))
    }

    @Test("the split: validation first, then training, optionally cut to --train-size")
    func split() throws {
        var configuration = try smallConfiguration()
        configuration.trainSize = 100
        let experiment = Experiment(configuration: configuration)
        let (train, validation, test) = experiment.split(Self.dataset)
        #expect(validation.count == 50 && train.count == 100 && test.count == 100)
        #expect(validation.labels == Array(Self.dataset.train.labels[0..<50]))
        #expect(train.labels == Array(Self.dataset.train.labels[50..<150]))
        let shapes = experiment.shapes(of: Self.dataset).map { "\($0.name) \($0.shapeText)" }
        #expect(shapes == ["X_train_full (400, 8, 8)", "y_train_full (400,)", "X_test (100, 8, 8)", "y_test (100,)",
                           "X_valid (50, 8, 8)", "y_valid (50,)", "X_train (100, 8, 8)", "y_train (100,)"])
    }
}

/// The result with every timing and timestamp zeroed.
func withoutTimes(_ result: ExperimentResult) -> ExperimentResult {
    var copy = result
    copy.started = ""
    copy.finished = ""
    for r in copy.runs.indices {
        copy.runs[r].trainSeconds = 0
        copy.runs[r].medianEpochSeconds = 0
        for e in copy.runs[r].history.indices { copy.runs[r].history[e].seconds = 0 }
    }
    return copy
}
