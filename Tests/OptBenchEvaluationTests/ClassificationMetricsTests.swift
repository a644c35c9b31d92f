import Testing
@testable import OptBenchEvaluation

/// `|a - b|` within a few ulps of the larger magnitude.
private func close(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= 4 * Double.ulpOfOne * max(abs(a), abs(b), 1)
}

@Suite struct ClassificationMetricsTests {
    // Class 0: TP 2, FP 1, FN 1.   Class 1: TP 1, FP 2, FN 1.
    // Class 2: absent everywhere.  Class 3: support 2, never predicted.
    // Class 4: predicted once, no support.
    let metrics: ClassificationMetrics

    init() throws {
        metrics = try ClassificationMetrics(
            trueLabels: [0, 0, 0, 1, 1, 3, 3],
            predictedLabels: [0, 0, 1, 1, 4, 1, 0],
            classCount: 5)
    }

    @Test func perClassCounts() throws {
        let c = metrics.perClass
        #expect(c.map(\.label) == [0, 1, 2, 3, 4])
        #expect(c.map(\.truePositives) == [2, 1, 0, 0, 0])
        #expect(c.map(\.falsePositives) == [1, 2, 0, 0, 1])
        #expect(c.map(\.falseNegatives) == [1, 1, 0, 2, 0])
        #expect(c.map(\.support) == [3, 2, 0, 2, 0])
        #expect(c.map(\.predictedCount) == [3, 3, 0, 0, 1])
    }

    @Test func perClassValuesWithZeroDivision() throws {
        let c = metrics.perClass
        #expect(c[0].precision == 2.0 / 3.0)
        #expect(c[0].recall == 2.0 / 3.0)
        #expect(c[0].f1 == 4.0 / 6.0)
        #expect(c[1].precision == 1.0 / 3.0)
        #expect(c[1].recall == 0.5)
        #expect(c[1].f1 == 0.4)  // 2·1 / (2·1 + 2 + 1) = 2PR/(P+R) = (1/3)/(5/6)
        // Neither present nor predicted: every ratio is 0/0 → 0.
        #expect(c[2].precision == 0 && c[2].recall == 0 && c[2].f1 == 0)
        // Never predicted: precision 0/0 → 0; recall 0/2; F1 0/2.
        #expect(c[3].precision == 0 && c[3].recall == 0 && c[3].f1 == 0)
        // No support: precision 0/1; recall 0/0 → 0; F1 0/1.
        #expect(c[4].precision == 0 && c[4].recall == 0 && c[4].f1 == 0)
    }

    @Test func averages() throws {
        #expect(metrics.sampleCount == 7)
        #expect(metrics.accuracy == 3.0 / 7.0)
        #expect(metrics.microAverageIsAccuracy)
        #expect(metrics.micro == AverageMetrics(precision: 3.0 / 7.0, recall: 3.0 / 7.0, f1: 3.0 / 7.0, support: 7))

        #expect(close(metrics.macro.precision, 0.2))
        #expect(close(metrics.macro.recall, (2.0 / 3.0 + 0.5) / 5))
        #expect(close(metrics.macro.f1, (2.0 / 3.0 + 0.4) / 5))
        #expect(metrics.macro.support == 7)

        #expect(close(metrics.weighted.precision, (3 * (2.0 / 3.0) + 2 * (1.0 / 3.0)) / 7))
        #expect(close(metrics.weighted.recall, 3.0 / 7.0))
        #expect(close(metrics.weighted.f1, 0.4))
        #expect(metrics.weighted.support == 7)
    }

    @Test func labelSubsetUsesMicroAverage() throws {
        let matrix = try ConfusionMatrix(
            trueLabels: [0, 0, 0, 1, 1, 3, 3], predictedLabels: [0, 0, 1, 1, 4, 1, 0], classCount: 5)
        let subset = try ClassificationMetrics(confusionMatrix: matrix, labels: [1, 0])
        #expect(subset.labels == [1, 0])
        #expect(subset.perClass.map(\.label) == [1, 0])
        #expect(!subset.microAverageIsAccuracy)
        // Pooled over classes 0 and 1: TP 3, predicted 6, support 5.
        #expect(subset.micro == AverageMetrics(precision: 0.5, recall: 0.6, f1: 6.0 / 11.0, support: 5))
        #expect(subset.accuracy == 3.0 / 7.0)  // accuracy is over all samples

        // Leaving out only class 2, which never occurs, keeps micro = accuracy.
        let all = try ClassificationMetrics(confusionMatrix: matrix, labels: [0, 1, 3, 4])
        #expect(all.microAverageIsAccuracy)
        #expect(all.micro.f1 == all.accuracy)
    }

    @Test func weightedFallsBackToMacroWithoutSupport() throws {
        let m = try ClassificationMetrics(
            trueLabels: [0, 0], predictedLabels: [0, 1], classCount: 3, labels: [1, 2])
        #expect(m.weighted == m.macro)
        #expect(m.weighted.support == 0)
    }

    @Test func noSamples() throws {
        let m = try ClassificationMetrics(trueLabels: [], predictedLabels: [], classCount: 2)
        #expect(m.accuracy == 0)
        #expect(m.macro == AverageMetrics(precision: 0, recall: 0, f1: 0, support: 0))
    }

    /// Every average equals scikit-learn's to the last bit.
    @Test(arguments: shippedReportFixtures + extraReportFixtures)
    func averagesMatchScikitLearnBitForBit(_ fixture: ReportFixture) throws {
        let averages = try #require(fixture.averages)
        let m = try ClassificationMetrics(
            trueLabels: fixture.yTrue, predictedLabels: fixture.yPred,
            classCount: fixture.classCount, labels: fixture.labels)
        func expected(_ strings: [String]) -> [Double] { strings.map { Double($0)! } }
        func values(_ a: AverageMetrics) -> [Double] { [a.precision, a.recall, a.f1] }
        if m.microAverageIsAccuracy {
            #expect([m.accuracy, m.accuracy, m.micro.f1] == expected(averages.micro))
        } else {
            #expect(values(m.micro) == expected(averages.micro))
        }
        #expect(values(m.macro) == expected(averages.macro))
        #expect(values(m.weighted) == expected(averages.weighted))
    }
}
