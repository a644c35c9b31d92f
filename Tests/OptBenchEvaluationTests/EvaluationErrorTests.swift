import OptBenchEvaluation
import Testing

/// Bad input to the evaluation's entry points is a thrown ``EvaluationError``
/// naming what does not fit, never a stopped program.
@Suite("Evaluation errors")
struct EvaluationErrorTests {
    @Test("labels outside classCount, per array and sample")
    func labelsOutOfRange() {
        #expect(throws: EvaluationError.labelOutOfRange(what: "true", sample: 1, label: 3, classCount: 3)) {
            try ConfusionMatrix(trueLabels: [0, 3], predictedLabels: [0, 1], classCount: 3)
        }
        #expect(throws: EvaluationError.labelOutOfRange(what: "predicted", sample: 0, label: -1, classCount: 3)) {
            try ClassificationReport(trueLabels: [0, 1], predictedLabels: [-1, 1], classCount: 3)
        }
        #expect(throws: EvaluationError.labelOutOfRange(what: "true", sample: 0, label: 10, classCount: 10)) {
            try ClassifierEvaluation(trueLabels: [10], predictedLabels: [1], classCount: 10)
        }
    }

    @Test("mismatched lengths and no classes")
    func lengths() {
        #expect(throws: EvaluationError.lengthMismatch(what: "predictedLabels for 2 trueLabels", expected: 2, actual: 1)) {
            try ConfusionMatrix(trueLabels: [0, 1], predictedLabels: [0], classCount: 3)
        }
        #expect(throws: EvaluationError.noClasses(classCount: 0)) {
            try ClassificationMetrics(trueLabels: [], predictedLabels: [], classCount: 0)
        }
        #expect(throws: EvaluationError.lengthMismatch(what: "targetNames for 2 labels", expected: 2, actual: 1)) {
            try ClassificationReport(trueLabels: [0, 1], predictedLabels: [0, 1], classCount: 2, targetNames: ["only one"])
        }
        #expect(throws: EvaluationError.lengthMismatch(what: "scores for 2 samples of 3 classes", expected: 6, actual: 5)) {
            try ClassifierEvaluation(trueLabels: [0, 1], probabilities: [Float](repeating: 0, count: 5), classCount: 3)
        }
        #expect(throws: EvaluationError.self) {
            try ClassifierEvaluation.argmax(probabilities: [Float](repeating: 0, count: 5), classCount: 2)
        }
    }

    @Test("labels to report on must be distinct, non-empty and in range; digits non-negative")
    func reportArguments() throws {
        let matrix = try ConfusionMatrix(counts: [[1, 0], [0, 1]])
        for labels in [[], [0, 0], [2], [-1]] {
            #expect(throws: EvaluationError.invalidLabels(labels, classCount: 2)) {
                try ClassificationMetrics(confusionMatrix: matrix, labels: labels)
            }
        }
        #expect(throws: EvaluationError.negativeDigits(-1)) {
            try ClassificationReport(trueLabels: [0, 1], predictedLabels: [0, 1], classCount: 2, digits: -1)
        }
        // Good arguments still give a report.
        #expect(try ClassificationMetrics(confusionMatrix: matrix, labels: [1]).labels == [1])
    }

    @Test("counts must be a non-empty square of non-negative numbers")
    func counts() {
        for counts in [[], [[1, 2]], [[1, -1], [0, 0]]] {
            #expect(throws: EvaluationError.self) { try ConfusionMatrix(counts: counts) }
        }
        #expect(throws: EvaluationError.invalidCounts("class 0: counts must be non-negative")) {
            try ClassMetrics(label: 0, truePositives: -1, falsePositives: 0, falseNegatives: 0)
        }
        #expect((try? ConfusionMatrix(counts: [[0, 2], [1, 0]]))?.mostConfusedPairs(limit: -1) == [])
    }
}
