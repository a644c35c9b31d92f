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

    @Test("a run whose validation loss falls every epoch is still improving, not overfitting")
    func stillImproving() throws {
        let d = try diagnosis(of: "sgd", in: ReportFixture.result())
        #expect(d.label == "sgd")
        #expect(d.epochs == 10)
        #expect(d.bestEpoch == 10)
        #expect(d.bestValidationLoss == 0.585)
        #expect(d.finalValidationLoss == 0.585)
        #expect(d.validationLossRise == 0)
        // Over the last 5 epochs: epoch 5 (0.70) to epoch 10 (0.585).
        #expect(abs(d.recentValidationTrend - (0.585 - 0.70)) < 1e-12)
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
        // Epoch 5 (0.43) to epoch 10 (0.50): rising.
        #expect(abs(d.recentValidationTrend - 0.07) < 1e-12)
        #expect(abs(d.generalizationGap - (0.95 - (1 - 0.50 / 3))) < 1e-12)
        #expect(d.overfits)
        #expect(!d.stillImproving)
    }

    @Test("a run that levelled off (minimum mid-way, small rise) neither overfits nor is still improving")
    func levelledOff() throws {
        let losses = [1.0, 0.8, 0.7, 0.65, 0.62, 0.60, 0.61, 0.605, 0.61, 0.618]
        let run = try ReportFixture.run(label: "momentum", optimizer: "momentum",
                                        history: ReportFixture.history(valLosses: losses),
                                        trainSeconds: 10, medianEpochSeconds: 1, bestEpoch: 6, test: nil)
        let d = try #require(Analysis.diagnose(run))
        #expect(d.bestEpoch == 6)
        #expect(abs(d.validationLossRise - 0.03) < 1e-12)
        #expect(!d.overfits)
        #expect(!d.stillImproving)
    }

    @Test("the 5 % threshold for overfitting", arguments: [(0.416, false), (0.424, true)])
    func overfittingThreshold(final: Double, overfits: Bool) throws {
        // Lowest 0.40 at epoch 4 of 10; the final loss is 4 % or 6 % higher.
        let losses = [0.7, 0.6, 0.5, 0.40, 0.405, 0.41, 0.41, 0.412, 0.414, final]
        let run = try ReportFixture.run(label: "r", optimizer: "sgd", history: ReportFixture.history(valLosses: losses),
                                        trainSeconds: 1, medianEpochSeconds: 0.1, bestEpoch: 4, test: nil)
        let d = try #require(Analysis.diagnose(run))
        #expect(d.overfits == overfits)
        #expect(!d.stillImproving)
    }

    @Test("a minimum in the next-to-last epoch is not overfitting, however large the last rise")
    func minimumNearTheEnd() throws {
        let losses = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.42, 0.40, 0.48]
        let run = try ReportFixture.run(label: "r", optimizer: "sgd", history: ReportFixture.history(valLosses: losses),
                                        trainSeconds: 1, medianEpochSeconds: 0.1, bestEpoch: 9, test: nil)
        let d = try #require(Analysis.diagnose(run))
        #expect(abs(d.validationLossRise - 0.2) < 1e-12)
        #expect(!d.overfits)
        // Still falling over the last five epochs (0.6 → 0.48), minimum at epoch 9 ≥ 10 − 2.
        #expect(d.stillImproving)
    }

    @Test("a short history measures the trend from its first epoch")
    func shortHistory() throws {
        let run = try ReportFixture.run(label: "r", optimizer: "sgd",
                                        history: ReportFixture.history(valLosses: [0.9, 0.7, 0.6]),
                                        trainSeconds: 1, medianEpochSeconds: 0.1, bestEpoch: 3, test: nil)
        let d = try #require(Analysis.diagnose(run))
        #expect(abs(d.recentValidationTrend - (0.6 - 0.9)) < 1e-12)
        #expect(d.stillImproving)
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
