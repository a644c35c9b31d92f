import Testing
@testable import OptBenchEvaluation

@Suite struct ClassifierEvaluationTests {
    @Test func argmaxTakesFirstMaximum() throws {
        let p: [Float] = [
            0.1, 0.7, 0.2,
            0.4, 0.2, 0.4,   // tie: first index
            0.0, 0.0, 1.0,
            0.3, 0.3, 0.3,
        ]
        #expect(try ClassifierEvaluation.argmax(probabilities: p, classCount: 3) == [1, 0, 2, 0])
    }

    @Test func argmaxTreatsNaNAsLargestLikeNumPy() throws {
        let p: [Double] = [
            0.1, .nan, 0.9,
            .nan, 0.5, .nan,
            -.infinity, -1, -2,
        ]
        #expect(try ClassifierEvaluation.argmax(probabilities: p, classCount: 3) == [1, 0, 1])
    }

    @Test func argmaxEdgeShapes() throws {
        #expect(try ClassifierEvaluation.argmax(probabilities: [Float](), classCount: 10) == [])
        #expect(try ClassifierEvaluation.argmax(probabilities: [Float](repeating: 1, count: 4), classCount: 1) == [0, 0, 0, 0])
    }

    @Test func evaluatesProbabilities() throws {
        let probabilities: [Float] = [
            0.8, 0.1, 0.1,   // → 0, true 0
            0.2, 0.5, 0.3,   // → 1, true 2
            0.1, 0.1, 0.8,   // → 2, true 2
            0.3, 0.6, 0.1,   // → 1, true 1
        ]
        let evaluation = try ClassifierEvaluation(
            trueLabels: [0, 2, 2, 1], probabilities: probabilities, classCount: 3)
        #expect(evaluation.predictedLabels == [0, 1, 2, 1])
        #expect(evaluation.sampleCount == 4)
        #expect(evaluation.accuracy == 0.75)
        #expect(evaluation.confusionMatrix.counts == [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
        #expect(evaluation.metrics.perClass[1].precision == 0.5)
        #expect(evaluation.confusionMatrix.mostConfusedPairs() == [
            ConfusionMatrix.Pair(trueClass: 2, predictedClass: 1, count: 1),
        ])
        #expect(try evaluation == ClassifierEvaluation(
            trueLabels: [0, 2, 2, 1], predictedLabels: [0, 1, 2, 1], classCount: 3))
    }

    @Test func reportMatchesFixture() throws {
        let fixture = try #require(shippedReportFixtures.first { $0.name == "fashion-names" })
        let evaluation = try ClassifierEvaluation(
            trueLabels: fixture.yTrue, predictedLabels: fixture.yPred, classCount: 10)
        #expect(try evaluation.report(targetNames: fixture.targetNames).text == fixture.report)
    }

    /// One-hot "probabilities" of the fixture's predictions give the same report.
    @Test func probabilitiesOfTenThousandSamples() throws {
        let fixture = try #require(shippedReportFixtures.first { $0.name == "balanced-10-class" })
        var probabilities = [Float](repeating: 0.01, count: fixture.yPred.count * 10)
        for (i, label) in fixture.yPred.enumerated() { probabilities[i * 10 + label] = 0.91 }
        let evaluation = try ClassifierEvaluation(
            trueLabels: fixture.yTrue, probabilities: probabilities, classCount: 10)
        #expect(evaluation.predictedLabels == fixture.yPred)
        #expect(try evaluation.report().text == fixture.report)
    }
}
