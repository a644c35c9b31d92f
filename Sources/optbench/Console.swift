import Foundation
import OptBench

/// The terminal display: Keras-like progress per optimizer and epoch.
///
/// When stdout is a terminal, a live bar is redrawn inside each epoch;
/// otherwise (a pipe or a log file) each epoch prints one plain line.
/// With `quiet`, only ``always(_:)`` prints.
final class Console: @unchecked Sendable {
    let quiet: Bool
    let epochs: Int
    let interactive: Bool
    private var lastDraw = 0.0

    init(quiet: Bool, epochs: Int) {
        self.quiet = quiet
        self.epochs = epochs
        self.interactive = isatty(STDOUT_FILENO) != 0
    }

    func always(_ text: String) {
        print(text)
        fflush(nil)
    }

    func line(_ text: String, blankAfter: Bool = false, trimmed: Bool = false) {
        guard !quiet else { return }
        let body = trimmed ? String(text.reversed().drop(while: { $0 == "\n" }).reversed()) : text
        print(body + (blankAfter ? "\n" : ""))
        fflush(nil)
    }

    func download(_ progress: DownloadProgress) {
        guard !quiet else { return }
        let total = progress.totalBytes.map { " of \(megabytes($0))" } ?? ""
        let text = "downloading \(progress.file): \(megabytes(progress.bytesReceived))\(total)"
        if interactive { print("\r" + text, terminator: "") } else if progress.bytesReceived == progress.totalBytes { print(text) }
        fflush(nil)
    }

    func show(_ event: ExperimentEvent) {
        guard !quiet else { return }
        switch event {
        case .runStarted(let index, let count, let label, let hyperparameters):
            let settings = hyperparameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
            print("\n[\(index + 1)/\(count)] \(label)  (\(settings))")
        case .training(.stepEnded(let epoch, let step, let steps, let loss, let accuracy, let seconds)):
            stepsPerEpoch = steps
            guard interactive, step == steps || seconds - lastDraw >= 0.1 || step == 1 else { return }
            lastDraw = step == steps ? 0 : seconds
            print("\r" + progressLine(epoch: epoch, step: step, steps: steps, seconds: seconds)
                  + " - loss: \(f4(loss)) - accuracy: \(f4(accuracy))", terminator: "")
        case .training(.epochEnded(let record)):
            var text = progressLine(epoch: record.epoch, step: stepsPerEpoch, steps: stepsPerEpoch, seconds: record.seconds)
            text += " - loss: \(f4(record.loss)) - accuracy: \(f4(record.accuracy))"
            if let valLoss = record.valLoss, let valAccuracy = record.valAccuracy {
                text += " - val_loss: \(f4(valLoss)) - val_accuracy: \(f4(valAccuracy))"
            }
            print((interactive ? "\r\u{1B}[K" : "") + text)
            lastDraw = 0
        case .training(.diverged(let divergence)):
            print((interactive ? "\r\u{1B}[K" : "") + "  \(divergence.description)")
        case .runFinished(let run):
            if let test = run.test {
                print("  test: accuracy \(f4(test.accuracy)) - macro F1 \(f4(test.macroF1)) - loss \(f4(test.loss))"
                      + " - \(String(format: "%.1f", run.trainSeconds)) s")
            }
        }
        fflush(nil)
    }

    /// Steps per epoch, remembered for the end-of-epoch line.
    private var stepsPerEpoch = 0

    private func progressLine(epoch: Int, step: Int, steps: Int, seconds: Double) -> String {
        let width = 30
        let filled = steps == 0 ? width : step * width / steps
        let bar = filled >= width ? String(repeating: "=", count: width)
            : String(repeating: "=", count: filled) + ">" + String(repeating: ".", count: width - filled - 1)
        let counter = String(repeating: " ", count: String(steps).count - String(step).count) + "\(step)/\(steps)"
        return "Epoch \(epoch)/\(epochs)  \(counter) [\(bar)] \(String(format: "%.1f", seconds))s"
    }

    private func f4(_ x: Double) -> String { String(format: "%.4f", x) }

    private func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
}
