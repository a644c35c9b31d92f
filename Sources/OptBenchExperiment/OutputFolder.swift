import Foundation
import OptBenchEvaluation

/// The output folder of an experiment and the files in it:
///
///     dataset_shapes.txt  model_summary.txt  classification_report.txt
///     comparison.txt      results.json
///     history/<label>.csv  predictions/<label>.csv
///
/// Every file is written with ``AtomicFile``.
public struct OutputFolder: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `results/<dataset>-<UTC timestamp>`, e.g. `results/fashion-mnist-20261125T235959Z`.
    public static func defaultPath(dataset: String, date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "results/\(dataset)-\(formatter.string(from: date))"
    }

    /// Creates the folder and checks that files can be written in it, so that a
    /// bad `--output` fails at once rather than after hours of training.
    public func prepare() throws(ExperimentError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .cannotWrite(path, "it exists and is not a folder")
        }
        if isDirectory.boolValue, let entries = try? FileManager.default.contentsOfDirectory(atPath: path),
           entries.contains(where: { !$0.hasPrefix(".") }) {
            throw .cannotWrite(path, "the folder is not empty; choose a new --output folder so that no earlier result is mixed in")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path, AtomicFile.reason(error))
        }
        let probe = path + "/.optbench-write-test-\(getpid())"
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
            throw .cannotWrite(path, AtomicFile.lastErrorReason(default: "the folder is not writable"))
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    /// A file name for a run label: letters, digits, `-`, `_`, `.`, `=`, `,`
    /// and parentheses kept; anything else becomes `_`.
    public static func fileName(for label: String) -> String {
        String(label.map { $0.isLetter || $0.isNumber || "-_.=,()".contains($0) ? $0 : "_" })
    }

    public func file(_ name: String) -> String { path + "/" + name }

    /// `dataset_shapes.txt` and `model_summary.txt`: written before training.
    public func writeDescription(dataset: DatasetInfo, model: ModelInfo) throws(ExperimentError) {
        try AtomicFile.write(ReportText.datasetShapes(dataset.shapes), to: file("dataset_shapes.txt"))
        try AtomicFile.write(model.summary, to: file("model_summary.txt"))
    }

    /// `history/<label>.csv` and `predictions/<label>.csv` of one run.
    public func writeRun(_ outcome: RunOutcome, testLabels: [UInt8], classCount: Int) throws(ExperimentError) {
        let name = OutputFolder.fileName(for: outcome.result.label)
        try AtomicFile.write(ReportText.historyCSV(outcome.result.history), to: file("history/\(name).csv"))
        if outcome.result.test != nil {
            try AtomicFile.write(ReportText.predictionsCSV(labels: testLabels, predictions: outcome.predictions,
                                                           probabilities: outcome.probabilities, classCount: classCount),
                                 to: file("predictions/\(name).csv"))
        }
    }

    /// `classification_report.txt`, `comparison.txt` and `results.json`:
    /// written when every run has ended.
    public func writeSummary(_ result: ExperimentResult) throws(ExperimentError) {
        try AtomicFile.write(ReportText.classificationReports(result.runs), to: file("classification_report.txt"))
        try AtomicFile.write(ReportText.comparison(result), to: file("comparison.txt"))
        try AtomicFile.write(try ResultsFile.encode(result), to: file("results.json"))
    }
}
