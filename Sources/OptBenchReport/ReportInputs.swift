import Foundation
import OptBenchData
import OptBenchExperiment

/// Everything a report is made from: the results, and the images and
/// predictions that `results.json` does not hold.
public struct ReportInputs: Sendable {
    public var result: ExperimentResult
    /// The first training images (the study's first figure).
    public var trainingImages: LabeledImages
    /// The first test images, for the prediction grids.
    public var testImages: LabeledImages
    /// Per run label, the predicted class of the first test images.
    public var predictions: [String: [Int]]

    public init(result: ExperimentResult, trainingImages: LabeledImages, testImages: LabeledImages,
                predictions: [String: [Int]]) {
        self.result = result
        self.trainingImages = trainingImages
        self.testImages = testImages
        self.predictions = predictions
    }

    /// Number of images in each grid.
    public static let gridCount = 40

    /// Inputs for a report written right after a run: the first images of the
    /// dataset and the outcomes' predictions.
    public init(result: ExperimentResult, dataset: Dataset, outcomes: [RunOutcome]) {
        var predictions: [String: [Int]] = [:]
        for outcome in outcomes where !outcome.predictions.isEmpty {
            predictions[outcome.result.label] = Array(outcome.predictions.prefix(ReportInputs.gridCount))
        }
        self.init(result: result, trainingImages: dataset.train.prefix(ReportInputs.gridCount),
                  testImages: dataset.test.prefix(ReportInputs.gridCount), predictions: predictions)
    }

    /// Inputs rebuilt from an output folder: `results.json`, the dataset it names
    /// (found as `optbench run` finds it) and `predictions/<label>.csv`.
    public static func load(folder: String, dataDirectory: String? = nil) throws -> ReportInputs {
        let result = try ResultsFile.read(path: folder + "/results.json")
        guard let kind = DatasetKind(rawValue: result.configuration.dataset) else {
            throw ExperimentError.cannotRead(folder + "/results.json", "unknown dataset '\(result.configuration.dataset)'")
        }
        let (dataset, _) = try Dataset.load(kind, dataDirectory: dataDirectory ?? result.configuration.dataDirectory)
        var predictions: [String: [Int]] = [:]
        for run in result.runs where run.test != nil {
            let path = folder + "/predictions/" + OutputFolder.fileName(for: run.label) + ".csv"
            predictions[run.label] = try readPredictions(path: path, count: gridCount)
        }
        return ReportInputs(result: result, trainingImages: dataset.train.prefix(gridCount),
                            testImages: dataset.test.prefix(gridCount), predictions: predictions)
    }

    /// The `predicted` column of the first `count` rows of a predictions CSV.
    static func readPredictions(path: String, count: Int) throws -> [Int] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ExperimentError.cannotRead(path, "no such file or not readable")
        }
        var rows = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let header = rows.next(), header.hasPrefix("index,true,predicted") else {
            throw ExperimentError.cannotRead(path, "not a predictions file (expected the header index,true,predicted,…)")
        }
        var predictions: [Int] = []
        while predictions.count < count, let row = rows.next() {
            let fields = row.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 3, let predicted = Int(fields[2]) else {
                throw ExperimentError.cannotRead(path, "row \(predictions.count + 1) is malformed")
            }
            predictions.append(predicted)
        }
        return predictions
    }
}
