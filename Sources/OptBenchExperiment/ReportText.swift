import Foundation
import OptBenchTraining

/// The text of the experiment's plain-text outputs.
public enum ReportText {
    /// `X_train_full shape = (60000, 28, 28)`, one line per array.
    public static func datasetShapes(_ shapes: [ArrayShape]) -> String {
        shapes.map { "\($0.name) shape = \($0.shapeText)\n" }.joined()
    }

    /// `epoch,loss,accuracy,val_loss,val_accuracy,seconds`, one row per epoch;
    /// for a run that diverged, a last row `<epoch>,nan,nan,,,` marks the epoch
    /// in which the loss stopped being finite.
    public static func historyCSV(_ history: [EpochRecord], divergence: Divergence? = nil) -> String {
        var out = "epoch,loss,accuracy,val_loss,val_accuracy,seconds\n"
        for r in history {
            out += "\(r.epoch),\(r.loss),\(r.accuracy),\(r.valLoss.map { "\($0)" } ?? ""),"
            out += "\(r.valAccuracy.map { "\($0)" } ?? ""),\(fixed(r.seconds, 4))\n"
        }
        if let divergence, !history.contains(where: { $0.epoch == divergence.epoch }) {
            out += "\(divergence.epoch),nan,nan,,,\n"
        }
        return out
    }

    /// `index,true,predicted,prob_0,…,prob_9`, one row per test image.
    public static func predictionsCSV(labels: [UInt8], predictions: [Int], probabilities: [Float], classCount: Int) -> String {
        var out = "index,true,predicted," + (0..<classCount).map { "prob_\($0)" }.joined(separator: ",") + "\n"
        out.reserveCapacity(labels.count * (12 + classCount * 14))
        for i in 0..<labels.count {
            out += "\(i),\(labels[i]),\(predictions[i])"
            for j in 0..<classCount { out += ",\(probabilities[i * classCount + j])" }
            out += "\n"
        }
        return out
    }

    /// For each run, `classification report with <label>` and scikit-learn's report.
    public static func classificationReports(_ runs: [RunResult]) -> String {
        runs.map { run in
            "classification report with \(run.label)\n" + (run.test?.classificationReport
                ?? "(no report: \(run.divergence?.description ?? "no test evaluation"))\n")
        }.joined(separator: "\n")
    }

    /// The comparison table and the rankings by accuracy and macro F1.
    public static func comparison(_ result: ExperimentResult) -> String {
        let runs = result.runs
        let labelWidth = max(9, runs.map(\.label.count).max() ?? 0)
        let headers = ["test_accuracy", "macro_f1", "weighted_f1", "test_loss", "best_epoch", "train_seconds"]
        var out = "comparison on \(result.dataset.name): \(result.configuration.epochs) epochs, batch size "
        out += "\(result.configuration.batchSize), seed \(result.configuration.seed)\n\n"
        out += pad("optimizer", labelWidth) + headers.map { "  " + $0 }.joined() + "\n"
        for run in runs {
            out += pad(run.label, labelWidth)
            if let test = run.test {
                let cells = [fixed(test.accuracy, 4), fixed(test.macroF1, 4), fixed(test.weightedF1, 4), fixed(test.loss, 4),
                             run.bestEpoch.map(String.init) ?? "-", fixed(run.trainSeconds, 1)]
                out += zip(headers, cells).map { "  " + leftPad($1, $0.count) }.joined()
            } else {
                out += "  " + (run.divergence?.description ?? "not evaluated")
            }
            out += "\n"
        }
        func ranking(_ title: String, _ value: (TestResult) -> Double) -> String {
            let ranked = runs.compactMap { run in run.test.map { (run.label, value($0)) } }
                .enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }
            var text = "\nranking by \(title):\n"
            for (place, entry) in ranked.enumerated() {
                text += "  \(place + 1). \(pad(entry.element.0, labelWidth))  \(fixed(entry.element.1, 4))\n"
            }
            for run in runs where run.test == nil { text += "  -  \(pad(run.label, labelWidth))  diverged\n" }
            return text
        }
        out += ranking("test accuracy", \.accuracy)
        out += ranking("macro F1", \.macroF1)
        return out
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
    static func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
    static func leftPad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
}
