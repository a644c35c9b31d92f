import Foundation
import OptBenchExperiment
import OptBenchTraining
import Testing

@testable import OptBenchReport

@Suite("Analysis.diagnose")
struct AnalysisDiagnosisTests {
    private func diagnosis(of label: String, in result: ExperimentResult) throws -> RunDiagnosis {
        let run = try #require(result.runs.first { $0.label == label })
        return try #require(Analysis.diagnose(run))
    }

    private func diagnose(_ losses: [Double], bestEpoch: Int) throws -> RunDiagnosis {
        let run = try ReportFixture.run(label: "r", optimizer: "sgd", history: ReportFixture.history(valLosses: losses),
                                        trainSeconds: 1, medianEpochSeconds: 0.1, bestEpoch: bestEpoch, test: nil)
        return try #require(Analysis.diagnose(run))
    }

    /// The trend `diagnose` should report: the slope over the last `Analysis.window` epochs.
    /// The slope the analysis should report: over the last `window` epochs when
    /// the minimum is in the last three, else over the epochs since the minimum.
    private func expectedTrend(_ losses: [Double]) -> Double {
        let best = losses.indices.min { losses[$0] < losses[$1] }! + 1
        let span = best > losses.count - 3 ? min(Analysis.window, losses.count)
                                           : min(Analysis.window, max(2, losses.count - best + 1))
        return leastSquaresSlope(Array(losses.suffix(span)))
    }

    @Test("a run whose validation loss falls every epoch is still improving, not overfitting")
    func stillImproving() throws {
        let d = try diagnosis(of: "sgd", in: ReportFixture.result())
        #expect(d.label == "sgd")
        #expect(d.epochs == 10)
        #expect(d.bestEpoch == 10)
        #expect(d.bestValidationLoss == 0.585)
        #expect(d.finalValidationLoss == 0.585)
        #expect(d.validationLossRise == 0)
        #expect(d.recentValidationTrend < 0)
        #expect(abs(d.recentValidationTrend - expectedTrend(ReportFixture.sgdValLoss)) < 1e-12)
        // Training accuracy 0.95, validation accuracy 1 − 0.585 / 3.
        #expect(abs(d.generalizationGap - (0.95 - (1 - 0.585 / 3))) < 1e-12)
        #expect(d.stillImproving)
        #expect(!d.overfits)
    }

    @Test("a run whose validation loss is lowest at epoch 3 of 10 and then rises 25 % overfits")
    func overfits() throws {
        let d = try diagnosis(of: "adam", in: ReportFixture.result())
        #expect(d.bestEpoch == 3)
        #expect(d.bestValidationLoss == 0.40)
        #expect(d.finalValidationLoss == 0.50)
        #expect(abs(d.validationLossRise - 0.25) < 1e-12)
        #expect(d.recentValidationTrend > 0)
        #expect(abs(d.recentValidationTrend - expectedTrend(ReportFixture.adamValLoss)) < 1e-12)
        #expect(abs(d.generalizationGap - (0.95 - (1 - 0.50 / 3))) < 1e-12)
        #expect(d.overfits)
        #expect(!d.stillImproving)
    }

    @Test("a 10-epoch run that bottoms out at epoch 3 after a steep first drop, then rises 25 %, overfits")
    func overfitsAfterSteepStart() throws {
        // The usual shape: epoch 1 is far above the minimum. The rise after
        // epoch 3 is steady (7 epochs, +25 %), but a slope over all 10 epochs
        // still sees the first drop.
        let losses = [0.60, 0.45, 0.40, 0.41, 0.43, 0.44, 0.46, 0.47, 0.49, 0.50]
        let d = try diagnose(losses, bestEpoch: 3)
        #expect(abs(d.validationLossRise - 0.25) < 1e-12)
        #expect(d.overfits, "trend \(d.recentValidationTrend)")
        #expect(!d.stillImproving)
    }

    @Test("a 30-epoch run that bottoms out at epoch 3 and rises for the rest overfits")
    func overfitsLongRun() throws {
        let losses = [0.60, 0.45, 0.40] + (1...27).map { 0.40 + 0.004 * Double($0) }
        let d = try diagnose(losses, bestEpoch: 3)
        #expect(d.epochs == 30)
        #expect(abs(d.recentValidationTrend - 0.004) < 1e-12)
        #expect(d.overfits)
        #expect(!d.stillImproving)
    }

    @Test("a run that levelled off (minimum mid-way, small rise) neither overfits nor is still improving")
    func levelledOff() throws {
        let losses = [1.0, 0.8, 0.7, 0.65, 0.62, 0.60, 0.61, 0.605, 0.61, 0.618]
        let d = try diagnose(losses, bestEpoch: 6)
        #expect(d.bestEpoch == 6)
        #expect(abs(d.validationLossRise - 0.03) < 1e-12)
        #expect(abs(d.recentValidationTrend - expectedTrend(losses)) < 1e-12)
        #expect(!d.overfits)
        #expect(!d.stillImproving)
    }

    @Test("the 5 % threshold for overfitting", arguments: [(0.416, false), (0.424, true)])
    func overfittingThreshold(final: Double, overfits: Bool) throws {
        // Lowest 0.40 at epoch 4 of 10, rising since; the final loss is 4 % or 6 % higher.
        let losses = [0.41, 0.405, 0.402, 0.40, 0.405, 0.41, 0.41, 0.412, 0.414, final]
        let d = try diagnose(losses, bestEpoch: 4)
        #expect(d.recentValidationTrend > 0)
        #expect(d.overfits == overfits)
        #expect(!d.stillImproving)
    }

    @Test("a minimum in the last three epochs is not overfitting, however large the last rise")
    func minimumNearTheEnd() throws {
        let losses = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.42, 0.40, 0.48]
        let d = try diagnose(losses, bestEpoch: 9)
        #expect(abs(d.validationLossRise - 0.2) < 1e-12)
        #expect(!d.overfits)
        #expect(d.stillImproving)
    }

    @Test("a short history measures the trend over all its epochs")
    func shortHistory() throws {
        let d = try diagnose([0.9, 0.7, 0.6], bestEpoch: 3)
        #expect(abs(d.recentValidationTrend - (-0.15)) < 1e-12)
        #expect(d.stillImproving)
        #expect(!d.overfits)
    }

    @Test("a single epoch has no trend")
    func singleEpoch() throws {
        let d = try diagnose([0.9], bestEpoch: 1)
        #expect(d.recentValidationTrend == 0)
        #expect(!d.stillImproving && !d.overfits)
    }

    @Test("no diagnosis without a full validation history or without a best epoch")
    func noDiagnosis() throws {
        var history = ReportFixture.history(valLosses: ReportFixture.sgdValLoss)
        history[4].valLoss = nil
        let gap = try ReportFixture.run(label: "r", optimizer: "sgd", history: history,
                                        trainSeconds: 1, medianEpochSeconds: 0.1, bestEpoch: 10, test: nil)
        #expect(Analysis.diagnose(gap) == nil)
        let noBest = try ReportFixture.run(label: "r", optimizer: "sgd",
                                           history: ReportFixture.history(valLosses: ReportFixture.sgdValLoss),
                                           trainSeconds: 1, medianEpochSeconds: 0.1, bestEpoch: nil, test: nil)
        #expect(Analysis.diagnose(noBest) == nil)
        let empty = try ReportFixture.run(label: "r", optimizer: "sgd", history: [],
                                          trainSeconds: 0, medianEpochSeconds: 0, bestEpoch: nil, test: nil)
        #expect(Analysis.diagnose(empty) == nil)
    }
}
