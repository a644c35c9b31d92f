import Foundation
import OptBenchData
import OptBenchEvaluation
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers
import OptBenchTraining

/// What an ``Experiment`` reports while it runs, for progress displays.
public enum ExperimentEvent: Sendable {
    /// Run `index` (0-based) of `count` starts.
    case runStarted(index: Int, count: Int, label: String, hyperparameters: [Hyperparameter])
    /// Progress inside the current run.
    case training(TrainingEvent)
    /// A run ended, test evaluation included.
    case runFinished(RunResult)
}

/// One finished run with the per-sample test outputs that `results.json`
/// leaves out (they go to `predictions/<label>.csv`).
public struct RunOutcome: Sendable {
    public var result: RunResult
    /// Predicted class per test image (empty if the run diverged).
    public var predictions: [Int]
    /// Softmax probabilities, `testCount × classCount` (empty if the run diverged).
    public var probabilities: [Float]
}

/// The reference study, generalised: one network, one dataset split, several
/// optimizers trained from the same initial weights on the same batches, each
/// evaluated on the test set.
///
/// ```swift
/// let experiment = Experiment(configuration: ExperimentConfiguration(epochs: 5))
/// let (dataset, location) = try Dataset.load(.fashionMNIST, dataDirectory: nil)
/// let result = try experiment.run(dataset: dataset, source: location.description)
/// for run in result.runs { print(run.label, run.test?.accuracy ?? .nan) }
/// ```
public struct Experiment: Sendable {
    public let configuration: ExperimentConfiguration

    public init(configuration: ExperimentConfiguration) {
        self.configuration = configuration
    }

    /// The validation, training and test sets: validation = the first
    /// `validationSize` training images, train = the rest (optionally only the
    /// first `trainSize` of them).
    public func split(_ dataset: Dataset) -> (train: LabeledImages, validation: LabeledImages, test: LabeledImages) {
        let (validation, rest) = dataset.train.split(at: configuration.validationSize)
        let train = configuration.trainSize.map { rest.prefix($0) } ?? rest
        return (train, validation, dataset.test)
    }

    /// The network for this dataset: its tuned passes run when they apply
    /// (``MLP/fastPathRefusal(threads:)``: ReLU), the plain path otherwise.
    public func model(for dataset: Dataset) -> MLP {
        MLP(MLPArchitecture(inputSize: dataset.featureCount, hiddenSizes: configuration.hiddenSizes,
                            classCount: dataset.classCount, hiddenActivation: configuration.activation))
    }

    /// The shapes of every array, as the reference study printed them.
    public func shapes(of dataset: Dataset) -> [ArrayShape] {
        let (train, validation, test) = split(dataset)
        func pair(_ suffix: String, _ d: LabeledImages) -> [ArrayShape] {
            [ArrayShape(name: "X_\(suffix)", shape: [d.count, d.rows, d.columns]),
             ArrayShape(name: "y_\(suffix)", shape: [d.count])]
        }
        return pair("train_full", dataset.train) + pair("test", test) + pair("valid", validation) + pair("train", train)
    }

    /// The dataset and model descriptions recorded before training starts.
    public func describe(dataset: Dataset, source: String) -> (DatasetInfo, ModelInfo) {
        let mlp = model(for: dataset)
        return (DatasetInfo(name: dataset.name, source: source, classNames: dataset.classNames, shapes: shapes(of: dataset)),
                ModelInfo(layers: mlp.layers, parameterCount: mlp.parameterCount,
                          summary: mlp.summary(imageShape: [dataset.train.rows, dataset.train.columns])))
    }

    /// Trains and evaluates every optimizer in order, on the network of the
    /// configuration (``model(for:)``).
    ///
    /// - Parameters:
    ///   - observer: progress, on the calling thread.
    ///   - runFinished: called with each run as soon as it is evaluated (to
    ///     write its files); an error thrown here stops the experiment.
    public func run(
        dataset: Dataset, source: String,
        observer: (ExperimentEvent) -> Void = { _ in },
        runFinished: (RunOutcome) throws -> Void = { _ in }
    ) throws -> ExperimentResult {
        try configuration.validate()
        try configuration.validate(trainingCount: dataset.train.count, inputSize: dataset.featureCount,
                                   classCount: dataset.classCount)
        let (_, modelInfo) = describe(dataset: dataset, source: source)
        return try run(model: model(for: dataset), described: modelInfo, dataset: dataset, source: source,
                       observer: observer, runFinished: runFinished)
    }

    /// Trains and evaluates every optimizer in order on any `model` whose
    /// input size and class count fit the dataset, from the parameters
    /// `model.initialParameters(seed:)` draws from the configuration's seed
    /// (the configuration's hidden sizes and activation are then only
    /// recorded). `described` is what `results.json` records of the model.
    ///
    /// An ``MLP`` whose tuned passes apply (``MLP/fastPathApplies(threads:)``)
    /// is evaluated on the test set through them, with its samples grouped
    /// to skip more zeros; any other model through its ``Model`` requirements.
    public func run<M: Model>(
        model: M, described: ModelInfo, dataset: Dataset, source: String,
        observer: (ExperimentEvent) -> Void = { _ in },
        runFinished: (RunOutcome) throws -> Void = { _ in }
    ) throws -> ExperimentResult {
        try configuration.validate()
        try configuration.validate(trainingCount: dataset.train.count, inputSize: dataset.featureCount,
                                   classCount: dataset.classCount)
        guard model.inputSize == dataset.featureCount, model.classCount == dataset.classCount else {
            throw ExperimentError.invalidOption("model", "takes \(model.inputSize) inputs and \(model.classCount) classes, the dataset has \(dataset.featureCount) and \(dataset.classCount)")
        }
        let started = Date()
        let (train, validation, test) = split(dataset)
        let initial = model.initialParameters(seed: configuration.seed)
        let trainer = Trainer(model: model, configuration: TrainingConfiguration(
            epochs: configuration.epochs, batchSize: configuration.batchSize, seed: configuration.seed))
        var runs: [RunResult] = []
        let fastMLP = (model as? MLP).flatMap { $0.fastPathApplies() ? $0 : nil }
        let testGrouping = fastMLP.map { _ in SampleGrouping(test) }
        for (index, spec) in configuration.optimizers.enumerated() {
            let optimizer = try spec.make(learningRate: configuration.learningRate)
            observer(.runStarted(index: index, count: configuration.optimizers.count, label: spec.label,
                                 hyperparameters: optimizer.hyperparameters))
            let training = trainer.train(optimizer: optimizer, from: initial, on: train,
                                         validation: validation.count > 0 ? validation : nil) { observer(.training($0)) }
            var outcome = RunOutcome(
                result: RunResult(label: spec.label, optimizer: optimizer.name, hyperparameters: optimizer.hyperparameters,
                                  history: training.history, trainSeconds: training.seconds,
                                  medianEpochSeconds: median(training.history.map(\.seconds)),
                                  bestEpoch: bestEpoch(training.history), divergence: training.divergence, test: nil),
                predictions: [], probabilities: [])
            if training.divergence == nil {
                let outputs = Kernels.withFlushToZero {
                    if let fastMLP {
                        fastMLP.outputs(parameters: training.parameters, on: test, keepProbabilities: true,
                                        grouping: testGrouping)
                    } else {
                        model.outputs(of: training.parameters, on: test, keepProbabilities: true)
                    }
                }
                outcome.predictions = outputs.predictions
                outcome.probabilities = outputs.probabilities
                outcome.result.test = try testResult(outputs: outputs, test: test, classNames: dataset.classNames)
            }
            observer(.runFinished(outcome.result))
            try runFinished(outcome)
            runs.append(outcome.result)
        }
        let datasetInfo = DatasetInfo(name: dataset.name, source: source, classNames: dataset.classNames,
                                      shapes: shapes(of: dataset))
        return ExperimentResult(schemaVersion: 1, tool: "optbench", started: iso8601(started), finished: iso8601(Date()),
                                configuration: configuration, dataset: datasetInfo, model: described, runs: runs)
    }

    func testResult(outputs: ModelOutputs, test: LabeledImages, classNames: [String]) throws -> TestResult {
        let truth = test.labels.map(Int.init)
        let metrics = try ClassificationMetrics(trueLabels: truth, predictedLabels: outputs.predictions,
                                            classCount: classNames.count)
        let report = try ClassificationReport(metrics: metrics,
                                          targetNames: configuration.reportClassNames ? classNames : nil,
                                          digits: configuration.reportDigits)
        let matrix = try ConfusionMatrix(trueLabels: truth, predictedLabels: outputs.predictions, classCount: classNames.count)
        return TestResult(
            accuracy: metrics.accuracy, loss: outputs.loss,
            macroF1: metrics.macro.f1, weightedF1: metrics.weighted.f1,
            macroPrecision: metrics.macro.precision, macroRecall: metrics.macro.recall,
            perClass: metrics.perClass.map {
                ClassResult(classIndex: $0.label, name: classNames[$0.label], precision: $0.precision,
                            recall: $0.recall, f1: $0.f1, support: $0.support)
            },
            confusionMatrix: matrix.counts, classificationReport: report.text)
    }
}

/// The epoch (1-based) with the lowest validation loss; the first on ties.
func bestEpoch(_ history: [EpochRecord]) -> Int? {
    var best: EpochRecord?
    for record in history {
        guard let loss = record.valLoss, loss.isFinite else { continue }
        if best == nil || loss < best!.valLoss! { best = record }
    }
    return best?.epoch
}

/// The median (mean of the middle two for an even count); 0 for no values.
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// `2026-11-25T23:59:59Z`.
func iso8601(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}
