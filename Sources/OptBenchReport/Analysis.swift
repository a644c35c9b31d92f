import Foundation
import OptBenchExperiment
import OptBenchTraining

/// What the learning curves say about one run, in numbers.
public struct RunDiagnosis: Sendable, Equatable {
    public var label: String
    /// Epoch (1-based) of the lowest validation loss.
    public var bestEpoch: Int
    public var bestValidationLoss: Double
    public var finalValidationLoss: Double
    /// `(final − best) / best`: how far the validation loss has risen since its minimum.
    public var validationLossRise: Double
    /// Least-squares slope of the validation loss per epoch over the recent
    /// epochs (negative: still falling): the last ``Analysis/window`` when the
    /// minimum is near the end, else those since the minimum. A slope rather than
    /// a difference of two epochs, because a single noisy epoch (common with
    /// SGD) would otherwise decide.
    public var recentValidationTrend: Double
    /// Training accuracy minus validation accuracy in the last epoch.
    public var generalizationGap: Double
    public var epochs: Int

    /// The validation loss has risen by more than 5 % since a minimum that came
    /// before the last three epochs, and is not falling any more.
    public var overfits: Bool { bestEpoch <= epochs - 3 && validationLossRise > 0.05 && recentValidationTrend >= 0 }
    /// The validation loss is still falling: its minimum is in the last three
    /// epochs and its recent slope is negative.
    public var stillImproving: Bool { bestEpoch > epochs - 3 && recentValidationTrend < 0 }
}

/// The written analysis of a report: computed from the numbers, never canned.
public enum Analysis {
    /// Epochs over which the recent trend of the validation loss is measured.
    public static let window = 10

    /// The diagnosis of one run, or `nil` without a validation history.
    public static func diagnose(_ run: RunResult) -> RunDiagnosis? {
        let losses = run.history.compactMap(\.valLoss)
        guard losses.count == run.history.count, let best = run.bestEpoch, let last = run.history.last,
              let finalLoss = losses.last else { return nil }
        let bestLoss = losses[best - 1]
        return RunDiagnosis(
            label: run.label, bestEpoch: best, bestValidationLoss: bestLoss, finalValidationLoss: finalLoss,
            validationLossRise: bestLoss > 0 ? (finalLoss - bestLoss) / bestLoss : 0,
            recentValidationTrend: slope(Array(losses.suffix(trendSpan(bestEpoch: best, epochs: losses.count)))),
            generalizationGap: last.accuracy - (last.valAccuracy ?? last.accuracy),
            epochs: run.history.count)
    }

    /// The epochs whose slope tells the recent trend: the last ``window`` when
    /// the minimum is near the end (is it still falling?), otherwise those from
    /// the minimum on (has it risen since?), so that an early steep fall does
    /// not hide a later rise.
    static func trendSpan(bestEpoch: Int, epochs: Int) -> Int {
        bestEpoch > epochs - 3 ? min(window, epochs) : min(window, max(2, epochs - bestEpoch + 1))
    }

    /// Least-squares slope of `values` against their index (0 for fewer than two).
    static func slope(_ values: [Double]) -> Double {
        let n = Double(values.count)
        guard values.count > 1 else { return 0 }
        let meanX = (n - 1) / 2
        let meanY = values.reduce(0, +) / n
        var covariance = 0.0, variance = 0.0
        for (i, y) in values.enumerated() {
            covariance += (Double(i) - meanX) * (y - meanY)
            variance += (Double(i) - meanX) * (Double(i) - meanX)
        }
        return covariance / variance
    }

    /// Paragraphs of plain text (no markup) about overfitting, the epochs each
    /// optimizer needs, the rankings and the timings.
    public static func paragraphs(for result: ExperimentResult) -> [String] {
        var out: [String] = []
        let runs = result.runs
        let diagnoses = runs.filter { $0.divergence == nil }.compactMap(diagnose)
        let epochs = result.configuration.epochs

        for run in runs {
            if let divergence = run.divergence {
                out.append("\(run.label) diverged in epoch \(divergence.epoch): its loss became NaN or infinite, so it has no test results; try a smaller learning rate.")
            }
        }
        let overfitting = diagnoses.filter(\.overfits)
        for d in overfitting {
            out.append(String(format: "%@ overfits from epoch %d on: its validation loss was lowest at epoch %d (%.4f) and rose %.0f%% to %.4f by epoch %d, while its training accuracy ended %.1f points above its validation accuracy. About %d epochs are enough for it; the later epochs only fit the training set.",
                              d.label, d.bestEpoch + 1, d.bestEpoch, d.bestValidationLoss, d.validationLossRise * 100,
                              d.finalValidationLoss, d.epochs, d.generalizationGap * 100, d.bestEpoch))
        }
        let improving = diagnoses.filter(\.stillImproving)
        for d in improving {
            out.append(String(format: "%@ would still improve with more epochs: its validation loss reached its lowest at epoch %d (%.4f) and fell by %.4f per epoch over the last %d epochs. It needs more than %d epochs; train it until the validation loss stops falling (early stopping).",
                              d.label, d.bestEpoch, d.bestValidationLoss, -d.recentValidationTrend, min(window, d.epochs), epochs))
        }
        for d in diagnoses where !d.overfits && !d.stillImproving {
            out.append(String(format: "%@ has levelled off: its lowest validation loss came at epoch %d (%.4f), it ended at %.4f (%+.0f%%), and over the last %d epochs it moved by %+.4f per epoch. About %d epochs are enough for it.",
                              d.label, d.bestEpoch, d.bestValidationLoss, d.finalValidationLoss, d.validationLossRise * 100,
                              min(window, d.epochs), d.recentValidationTrend, d.bestEpoch))
        }

        let tested = runs.filter { $0.test != nil }
        if tested.count > 1 {
            func ranking(_ score: (TestResult) -> Double) -> [String] {
                tested.enumerated().sorted {
                    score($0.element.test!) != score($1.element.test!) ? score($0.element.test!) > score($1.element.test!) : $0.offset < $1.offset
                }.map(\.element.label)
            }
            let byAccuracy = ranking(\.accuracy)
            let byF1 = ranking(\.macroF1)
            let ranked = tested.enumerated().sorted {
                $0.element.test!.accuracy != $1.element.test!.accuracy
                    ? $0.element.test!.accuracy > $1.element.test!.accuracy : $0.offset < $1.offset
            }.map(\.element)
            let best = ranked.first!, worst = ranked.last!
            var text = String(format: "By test accuracy the ranking is %@; %@ is best (%.4f) and %@ last (%.4f), %.1f points apart. ",
                              byAccuracy.joined(separator: ", "), best.label, best.test!.accuracy,
                              worst.label, worst.test!.accuracy, (best.test!.accuracy - worst.test!.accuracy) * 100)
            if byAccuracy == byF1 {
                text += "Ranking by macro F1 gives the same order: the classes are balanced, so accuracy and F1 agree."
            } else {
                let moved = zip(byAccuracy, byF1).enumerated().filter { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
                text += "By macro F1 the order is \(byF1.joined(separator: ", ")): places \(moved.map(String.init).joined(separator: ", ")) differ, "
                text += "because F1 also weighs how evenly an optimizer does across classes."
            }
            out.append(text)
        }
        if let fastest = runs.min(by: { $0.medianEpochSeconds < $1.medianEpochSeconds }),
           let slowest = runs.max(by: { $0.medianEpochSeconds < $1.medianEpochSeconds }), runs.count > 1 {
            let spread = fastest.medianEpochSeconds > 0 ? slowest.medianEpochSeconds / fastest.medianEpochSeconds - 1 : 0
            var text = String(format: "Run time: a median epoch took %.2f s with %@ and %.2f s with %@. ",
                              fastest.medianEpochSeconds, fastest.label, slowest.medianEpochSeconds, slowest.label)
            text += spread < 0.25
                ? "They cost about the same per epoch (the update is a small part of a step), so the number of epochs each needs matters more than its speed."
                : String(format: "The slowest takes %.0f%% longer per epoch; weigh that against the epochs each needs.", spread * 100)
            out.append(text)
        }
        return out
    }
}
