import ArgumentParser
import Foundation
import OptBench

/// `optbench run` (the default): trains every optimizer and writes the comparison.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment (the default when no subcommand is given).",
        discussion: """
            OPTIMIZERS: a comma-separated list. Each entry is a name, optionally with Keras \
            hyperparameters in parentheses and a label before '='. Names and hyperparameters \
            (defaults):

            sgd: learning_rate=0.01, momentum=0, nesterov=false
            momentum: sgd with momentum=0.9
            nesterov: sgd with momentum=0.9, nesterov=true
            rmsprop: learning_rate=0.001, rho=0.9, momentum=0,
              epsilon=1e-7, centered=false
            adam: learning_rate=0.001, beta_1=0.9, beta_2=0.999,
              epsilon=1e-7, amsgrad=false

            Examples:
              --optimizers "adam(learning_rate=0.0005,beta_2=0.99)"
              --optimizers "sgd,fast=sgd(lr=0.1),adam"
            'lr' is short for learning_rate. --learning-rate sets the rate of every \
            optimizer that does not set its own.

            DATA: the four IDX files (gzip-compressed or raw) are looked for in --data-dir, \
            $OPTBENCH_DATA_DIR, ~/.keras/datasets/<dataset>, /usr/share/datasets/<dataset> \
            (Debian's dataset-fashion-mnist package) and ~/.cache/optbench/<dataset>, and \
            downloaded into the last when missing.

            OUTPUT: dataset_shapes.txt, model_summary.txt, classification_report.txt, \
            comparison.txt, history/<optimizer>.csv, predictions/<optimizer>.csv, \
            results.json, report.html and figures/, in results/<dataset>-<UTC time>/ or \
            --output DIR (new or empty). 'optbench report DIR' rebuilds the report.

            Other subcommands: 'optbench report DIR' rebuilds a report without training; 'optbench bench' measures speed.
            """
    )

    @Option(parsing: .unconditional, help: "Passes over the training set.")
    var epochs = 30

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Samples per gradient step (the last, partial batch is kept).")
    var batchSize = 32

    @Option(parsing: .unconditional, help: "Seeds the initial weights (shared by every optimizer) and the per-epoch shuffles.")
    var seed: UInt64 = 42

    @Option(help: "Optimizers to run, in order (see OPTIMIZERS above).")
    var optimizers = "sgd,momentum,rmsprop,adam"

    @Option(help: "Widths of the hidden layers, comma-separated ('none' for no hidden layer).")
    var hidden = "300,100"

    @Option(help: "The hidden layers' activation: relu, tanh, sigmoid, gelu (exact), gelu_approximate (Keras's approximate=True) or linear.")
    var activation = "relu"

    @Option(name: .customLong("validation-size"), parsing: .unconditional, help: "The first N training images form the validation set.")
    var validationSize = 5000

    @Option(name: .customLong("train-size"), parsing: .unconditional, help: "Train on only the first N of the remaining training images (default: all).")
    var trainSize: Int?

    @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "One learning rate for every optimizer that does not set its own.")
    var learningRate: Double?

    @Option(help: "fashion-mnist or mnist.")
    var dataset = "fashion-mnist"

    @Option(name: .customLong("data-dir"), help: "Folder holding the four IDX files.")
    var dataDir: String?

    @Option(help: "Output folder (default: results/<dataset>-<UTC time>).")
    var output: String?

    @Flag(name: .customLong("class-names"), help: "Label the classification reports' rows by class name instead of index.")
    var classNames = false

    @Option(parsing: .unconditional, help: "Decimal places in the classification reports.")
    var digits = 2

    @Flag(help: "Print only errors and the output folder.")
    var quiet = false

    func configuration() throws -> ExperimentConfiguration {
        let hiddenSizes: [Int]
        if hidden.lowercased() == "none" || hidden.isEmpty {
            hiddenSizes = []
        } else {
            hiddenSizes = try hidden.split(separator: ",", omittingEmptySubsequences: false).map { part in
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let n = Int(text) else {
                    throw ExperimentError.invalidOption("--hidden", "'\(text)' is not a whole number (expected e.g. 300,100)")
                }
                return n
            }
        }
        let configuration = ExperimentConfiguration(
            dataset: dataset, dataDirectory: dataDir, epochs: epochs, batchSize: batchSize, seed: seed,
            hiddenSizes: hiddenSizes, activation: try ExperimentConfiguration.activation(named: activation),
            validationSize: validationSize, trainSize: trainSize,
            learningRate: learningRate, optimizers: try OptimizerSpec.parseList(optimizers),
            reportClassNames: classNames, reportDigits: digits)
        try configuration.validate()
        return configuration
    }

    func run() throws {
        let configuration = try configuration()
        if let output, output.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ExperimentError.invalidOption("--output", "must name a folder, got an empty path")
        }
        let folder = OutputFolder(path: output ?? OutputFolder.defaultPath(dataset: configuration.dataset))
        let console = Console(quiet: quiet, epochs: configuration.epochs)
        try folder.check()

        let kind = configuration.datasetKind!
        let (dataset, location) = try Dataset.load(kind, dataDirectory: dataDir) { progress in
            console.download(progress)
        }
        try configuration.validate(trainingCount: dataset.train.count, inputSize: dataset.featureCount,
                                   classCount: dataset.classCount)
        try folder.prepare()
        console.line("\(dataset.name) from \(location)")

        let experiment = Experiment(configuration: configuration)
        let (datasetInfo, modelInfo) = experiment.describe(dataset: dataset, source: location.description)
        try folder.writeDescription(dataset: datasetInfo, model: modelInfo)
        console.line(ReportText.datasetShapes(datasetInfo.shapes) + "\n" + modelInfo.summary, blankAfter: false, trimmed: true)

        var outcomes: [RunOutcome] = []
        let result = try experiment.run(dataset: dataset, source: location.description, observer: console.show) { outcome in
            try folder.writeRun(outcome, testLabels: dataset.test.labels, classCount: dataset.classCount)
            var kept = outcome
            kept.predictions = Array(outcome.predictions.prefix(ReportInputs.gridCount))
            kept.probabilities = []
            outcomes.append(kept)
        }
        try folder.writeSummary(result)
        try HTMLReport.write(ReportInputs(result: result, dataset: dataset, outcomes: outcomes), to: folder)
        console.line("\n" + ReportText.comparison(result), blankAfter: false)
        console.always("results: \(folder.path)")
    }
}
