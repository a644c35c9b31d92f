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

    /// Checks, without creating anything, that the folder can be made: the path
    /// is not a file, the folder is new or empty, and its nearest existing
    /// parent is writable. Call it first, so that a bad `--output` fails before
    /// the data is loaded and nothing is left behind by another error.
    public func check() throws(ExperimentError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .cannotWrite(path, "it exists and is not a folder") }
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: path),
               entries.contains(where: { !$0.hasPrefix(".") }) {
                throw .cannotWrite(path, "the folder is not empty; choose a new --output folder so that no earlier result is mixed in")
            }
            guard FileManager.default.isWritableFile(atPath: path) else { throw .cannotWrite(path, "the folder is not writable") }
            return
        }
        var parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory) {
            let up = parent.deletingLastPathComponent()
            if up.path == parent.path { break }
            parent = up
        }
        guard isDirectory.boolValue else { throw .cannotWrite(path, "\(parent.path) is not a folder") }
        guard FileManager.default.isWritableFile(atPath: parent.path) else {
            throw .cannotWrite(path, "\(parent.path) is not writable")
        }
    }

    /// Creates the folder and checks that files can be written in it.
    public func prepare() throws(ExperimentError) {
        try check()
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

    /// A file name for a run label that needs no quoting in a shell: letters,
    /// digits, `-`, `_` and `.` kept, runs of anything else become one `_`:
    /// `adam(learning_rate=0.0005)` → `adam_learning_rate_0.0005`.
    public static func fileName(for label: String) -> String {
        var name = ""
        for character in label {
            let keep = (character.isASCII && (character.isLetter || character.isNumber)) || "-_.".contains(character)
            if keep { name.append(character) } else if !name.hasSuffix("_") { name.append("_") }
        }
        while name.hasSuffix("_") { name.removeLast() }
        return name.isEmpty ? "run" : name
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
        try AtomicFile.write(ReportText.historyCSV(outcome.result.history, divergence: outcome.result.divergence), to: file("history/\(name).csv"))
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
