import Foundation
import OptBenchData
import OptBenchExperiment
import OptBenchOptimizers
import OptBenchTraining
import Testing

@testable import OptBenchReport

// MARK: - Hand-made experiment results (no training)
//
// `RunResult`, `TestResult` and `ExperimentResult` have no public initialisers,
// so each is decoded from a minimal `results.json`-style template (the
// snake_case keys `ResultsFile.encode` writes) and then filled in through its
// public `var` properties.

enum ReportFixture {
    static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// Validation losses of a run that is still improving: falling every epoch.
    static let sgdValLoss = [1.00, 0.90, 0.82, 0.75, 0.70, 0.66, 0.63, 0.61, 0.595, 0.585]
    /// Validation losses of a run that overfits: lowest at epoch 3 (0.40), then up 25 % to 0.50,
    /// rising over the last 10 epochs as a whole (least-squares slope > 0).
    static let adamValLoss = [0.44, 0.42, 0.40, 0.42, 0.44, 0.46, 0.48, 0.49, 0.50, 0.50]
    /// A run whose loss became NaN in epoch 3.
    static let divergedLabel = "rmsprop(learning_rate=0.5)"
    static let divergedValLoss = [2.5, 3.0]

    static let sgdReport = "report of sgd: <b>precision</b> & recall\n     T-shirt/top       0.85\n"
    static let adamReport = "report of adam: 'quoted' \"double\" <i>\n"

    private static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// A history whose validation loss is `valLosses`; the training accuracy
    /// ends 0.95, the validation accuracy is `1 − valLoss / 3`.
    static func history(valLosses: [Double], finalTrainAccuracy: Double = 0.95) -> [EpochRecord] {
        valLosses.enumerated().map { index, valLoss in
            let epoch = index + 1
            let progress = Double(epoch) / Double(valLosses.count)
            return EpochRecord(epoch: epoch, loss: 1.2 - 0.9 * progress, accuracy: finalTrainAccuracy - 0.3 * (1 - progress),
                               valLoss: valLoss, valAccuracy: 1 - valLoss / 3, seconds: 1 + 0.01 * Double(epoch))
        }
    }

    static func test(accuracy: Double, macroF1: Double, report: String, confusion: [[Int]]) throws -> TestResult {
        var test = try decode(TestResult.self, """
            {"accuracy": 0, "loss": 0, "macro_f1": 0, "weighted_f1": 0, "macro_precision": 0, "macro_recall": 0,
             "per_class": [], "confusion_matrix": [], "classification_report": ""}
            """)
        test.accuracy = accuracy
        test.loss = 1 - accuracy
        test.macroF1 = macroF1
        test.weightedF1 = macroF1 + 0.001
        test.macroPrecision = macroF1 + 0.002
        test.macroRecall = macroF1 - 0.002
        test.confusionMatrix = confusion
        test.classificationReport = report
        return test
    }

    static func run(label: String, optimizer: String, hyperparameters: [Hyperparameter] = [],
                    history: [EpochRecord], trainSeconds: Double, medianEpochSeconds: Double,
                    bestEpoch: Int?, divergence: Divergence? = nil, test: TestResult?) throws -> RunResult {
        var run = try decode(RunResult.self, """
            {"label": "", "optimizer": "", "hyperparameters": [], "history": [],
             "train_seconds": 0, "median_epoch_seconds": 0}
            """)
        run.label = label
        run.optimizer = optimizer
        run.hyperparameters = hyperparameters
        run.history = history
        run.trainSeconds = trainSeconds
        run.medianEpochSeconds = medianEpochSeconds
        run.bestEpoch = bestEpoch
        run.divergence = divergence
        run.test = test
        return run
    }

    /// A 10-class confusion matrix, 100 test images per class: `correct` on the
    /// diagonal, the rest of each row on the next class, plus `extra` moved
    /// from the diagonal to the given cells.
    static func confusion(correct: Int, extra: [(Int, Int, Int)] = []) -> [[Int]] {
        var m = (0..<10).map { i in (0..<10).map { j in j == i ? correct : j == (i + 1) % 10 ? 100 - correct : 0 } }
        for (i, j, n) in extra { m[i][j] += n; m[i][i] -= n }
        return m
    }

    static func experiment(runs: [RunResult], epochs: Int = 10) throws -> ExperimentResult {
        let configuration = ExperimentConfiguration(
            dataset: "fashion-mnist", epochs: epochs, batchSize: 32, seed: 7, hiddenSizes: [30, 10],
            validationSize: 100, trainSize: 500,
            optimizers: [OptimizerSpec(name: "sgd"), OptimizerSpec(name: "adam")])
        let configurationJSON = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        var result = try decode(ExperimentResult.self, """
            {"schema_version": 1, "tool": "optbench (tests)", "started": "2026-01-02T03:04:05Z",
             "finished": "2026-01-02T03:09:05Z", "configuration": \(configurationJSON),
             "dataset": {"name": "fashion-mnist", "source": "/data/fashion-mnist (--data-dir)",
                         "class_names": [], "shapes": []},
             "model": {"layers": [], "parameter_count": 0, "summary": ""},
             "runs": []}
            """)
        result.dataset.classNames = classNames
        result.dataset.shapes = [ArrayShape(name: "X_train_full", shape: [600, 8, 8]),
                                 ArrayShape(name: "y_train_full", shape: [600]),
                                 ArrayShape(name: "X_test", shape: [40, 8, 8])]
        result.model.parameterCount = 2_380
        result.model.summary = "Model: \"sequential\" <dense> & co\nTotal params: 2,380\n"
        result.runs = runs
        return result
    }

    /// sgd (still improving), the diverged run, adam (overfits), in that order.
    /// With `f1Disagrees`, sgd is first by accuracy but last by macro F1.
    static func result(f1Disagrees: Bool = false, includeDiverged: Bool = true) throws -> ExperimentResult {
        let sgd = try run(
            label: "sgd", optimizer: "sgd", hyperparameters: [Hyperparameter("learning_rate", .number(0.01))],
            history: history(valLosses: sgdValLoss), trainSeconds: 10.2, medianEpochSeconds: 1.0, bestEpoch: 10,
            test: test(accuracy: 0.8812, macroF1: f1Disagrees ? 0.8500 : 0.8790, report: sgdReport,
                       confusion: confusion(correct: 80, extra: [(6, 0, 25)])))
        let diverged = try run(
            label: divergedLabel, optimizer: "rmsprop", hyperparameters: [Hyperparameter("learning_rate", .number(0.5))],
            history: history(valLosses: divergedValLoss), trainSeconds: 2.1, medianEpochSeconds: 1.05, bestEpoch: 1,
            divergence: Divergence(epoch: 3, step: 17), test: nil)
        let adam = try run(
            label: "adam", optimizer: "adam", hyperparameters: [Hyperparameter("learning_rate", .number(0.001)),
                                                                  Hyperparameter("amsgrad", .flag(false))],
            history: history(valLosses: adamValLoss), trainSeconds: 16.3, medianEpochSeconds: 1.6, bestEpoch: 3,
            test: test(accuracy: 0.8655, macroF1: 0.8601, report: adamReport, confusion: confusion(correct: 85)))
        return try experiment(runs: includeDiverged ? [sgd, diverged, adam] : [sgd, adam])
    }

    /// `count` distinct `rows × columns` images, labels cycling through 0...9.
    static func images(count: Int = 40, rows: Int = 8, columns: Int = 8, seed: Int = 0) -> LabeledImages {
        var pixels: [UInt8] = []
        for image in 0..<count {
            for y in 0..<rows {
                for x in 0..<columns { pixels.append(UInt8(truncatingIfNeeded: seed + image * 29 + x * 31 + y * 7)) }
            }
        }
        return LabeledImages(pixels: pixels, labels: (0..<count).map { UInt8(($0 + seed) % 10) }, rows: rows, columns: columns)
    }

    /// Indices of the test images sgd gets wrong.
    static let sgdMistakes: Set<Int> = [3, 17]

    /// The full inputs: predictions for sgd only (adam has none, the diverged run none).
    static func inputs(_ result: ExperimentResult) -> ReportInputs {
        let testImages = images(seed: 3)
        var sgdPredictions = testImages.labels.map(Int.init)
        for i in sgdMistakes { sgdPredictions[i] = (sgdPredictions[i] + 5) % 10 }
        return ReportInputs(result: result, trainingImages: images(), testImages: testImages,
                            predictions: ["sgd": sgdPredictions])
    }

    static func inputs(f1Disagrees: Bool = false) throws -> ReportInputs {
        inputs(try result(f1Disagrees: f1Disagrees))
    }

    /// Inputs with one training image and no predictions: cheap figures, for
    /// tests about labels and names rather than the grids.
    static func smallInputs(_ result: ExperimentResult) -> ReportInputs {
        ReportInputs(result: result, trainingImages: images(count: 1), testImages: images(count: 1, seed: 3), predictions: [:])
    }

    /// The report of ``inputs(f1Disagrees:)``, built once for every test that
    /// only reads it (the image grids' PNGs are slow to encode in a debug build).
    struct Built: Sendable {
        let inputs: ReportInputs
        let figures: ReportFigures
        let page: String
    }

    static let builtOnce: Result<Built, any Error> = Result {
        let reportInputs = try ReportFixture.inputs()
        let figures = ReportFigures(reportInputs)
        return Built(inputs: reportInputs, figures: figures, page: HTMLReport.html(reportInputs, figures: figures))
    }

    static func built() throws -> Built { try builtOnce.get() }
}

/// Least-squares slope of `values` against 0, 1, 2, … (computed independently of `Analysis`).
func leastSquaresSlope(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let n = Double(values.count)
    let sx = (0..<values.count).reduce(0.0) { $0 + Double($1) }
    let sxx = (0..<values.count).reduce(0.0) { $0 + Double($1) * Double($1) }
    let sy = values.reduce(0, +)
    let sxy = values.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx)
}

// MARK: - Page helpers

/// The text of `<section id="id" …>` up to its `</section>`, or `nil`.
func reportSection(_ id: String, in page: String) -> String? {
    guard let start = page.range(of: "<section id=\"\(id)\"") else { return nil }
    guard let end = page.range(of: "</section>", range: start.upperBound..<page.endIndex) else { return nil }
    return String(page[start.lowerBound..<end.upperBound])
}

/// Every `<svg …>…</svg>` block of `text`, in order.
func inlineSVGs(in text: String) -> [String] {
    var blocks: [String] = []
    var rest = text.startIndex..<text.endIndex
    while let open = text.range(of: "<svg", range: rest),
          let close = text.range(of: "</svg>", range: open.upperBound..<text.endIndex) {
        blocks.append(String(text[open.lowerBound..<close.upperBound]))
        rest = close.upperBound..<text.endIndex
    }
    return blocks
}

/// The number of non-overlapping occurrences of `needle` in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

/// Every value of an `id="…"` attribute in `text`.
func elementIDs(in text: String) -> [String] {
    var ids: [String] = []
    var rest = text.startIndex..<text.endIndex
    while let r = text.range(of: " id=\"", range: rest),
          let end = text.range(of: "\"", range: r.upperBound..<text.endIndex) {
        ids.append(String(text[r.upperBound..<end.lowerBound]))
        rest = end.upperBound..<text.endIndex
    }
    return ids
}

/// A new empty folder under the system's temporary folder.
func makeTemporaryFolder(_ name: String = "report") throws -> String {
    let path = NSTemporaryDirectory() + "optbench-\(name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Paths of every file under `folder`, relative to it, sorted.
func filesUnder(_ folder: String) throws -> [String] {
    let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
    var files: [String] = []
    while let path = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
            files.append(path)
        }
    }
    return files.sorted()
}
