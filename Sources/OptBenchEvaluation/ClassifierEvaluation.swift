/// Everything the evaluation of a classifier on a labelled set needs in one
/// value: the predictions, their confusion matrix and the metrics of every
/// class.
///
/// Build it from the network's outputs with
/// ``init(trueLabels:probabilities:classCount:)``, which predicts the most
/// probable class of each sample (``argmax(probabilities:classCount:)``), or
/// from predictions made elsewhere with
/// ``init(trueLabels:predictedLabels:classCount:)``.
///
/// ```swift
/// // probabilities: n × 10 softmax outputs, row-major
/// let evaluation = try ClassifierEvaluation(
///     trueLabels: testLabels, probabilities: probabilities, classCount: 10)
/// evaluation.accuracy                              // e.g. 0.8853
/// evaluation.confusionMatrix.mostConfusedPairs(limit: 3)
/// print(try evaluation.report(targetNames: names), terminator: "")
/// ```
public struct ClassifierEvaluation: Sendable, Hashable, Codable {
    /// The true class of each sample.
    public let trueLabels: [Int]
    /// The predicted class of each sample.
    public let predictedLabels: [Int]
    /// The counts of (true, predicted) pairs.
    public let confusionMatrix: ConfusionMatrix
    /// Precision, recall, F1 and support of every class, and their averages.
    public let metrics: ClassificationMetrics

    /// Evaluates predictions made elsewhere.
    ///
    /// - Throws: ``EvaluationError`` when the arrays differ in length or a
    ///   label is outside `0..<classCount`.
    public init(trueLabels: [Int], predictedLabels: [Int], classCount: Int) throws(EvaluationError) {
        let matrix = try ConfusionMatrix(
            trueLabels: trueLabels, predictedLabels: predictedLabels, classCount: classCount)
        self.trueLabels = trueLabels
        self.predictedLabels = predictedLabels
        self.confusionMatrix = matrix
        self.metrics = try ClassificationMetrics(confusionMatrix: matrix)
    }

    /// Evaluates class scores: each sample is predicted as its highest-scoring
    /// class (``argmax(probabilities:classCount:)``).
    ///
    /// - Parameters:
    ///   - trueLabels: The true class of each of the `n` samples.
    ///   - probabilities: `n × classCount` scores, row-major: sample `i`'s score
    ///     for class `j` at `i * classCount + j`. Softmax probabilities, logits
    ///     or log-probabilities all give the same predictions.
    ///   - classCount: The number of classes.
    public init<Score: BinaryFloatingPoint>(
        trueLabels: [Int], probabilities: [Score], classCount: Int
    ) throws(EvaluationError) {
        guard classCount > 0 else { throw .noClasses(classCount: classCount) }
        guard probabilities.count == trueLabels.count * classCount else {
            throw .lengthMismatch(what: "scores for \(trueLabels.count) samples of \(classCount) classes",
                                  expected: trueLabels.count * classCount, actual: probabilities.count)
        }
        try self.init(
            trueLabels: trueLabels,
            predictedLabels: ClassifierEvaluation.argmax(probabilities: probabilities, classCount: classCount),
            classCount: classCount)
    }

    /// The index of the largest score in each row of a row-major
    /// `n × classCount` matrix, like NumPy's `np.argmax(p, axis=1)`.
    ///
    /// Ties go to the first (smallest) index. A NaN counts as larger than any
    /// number, so a row with NaNs predicts the index of its first NaN — as in
    /// NumPy, and it keeps a diverged network from looking accurate.
    ///
    /// - Throws: ``EvaluationError`` unless `classCount > 0` and
    ///   `probabilities.count` is a multiple of `classCount`.
    public static func argmax<Score: BinaryFloatingPoint>(
        probabilities: [Score], classCount: Int
    ) throws(EvaluationError) -> [Int] {
        guard classCount > 0 else { throw .noClasses(classCount: classCount) }
        guard probabilities.count % classCount == 0 else {
            throw .lengthMismatch(what: "scores, a whole number of rows of \(classCount)",
                                  expected: probabilities.count / classCount * classCount, actual: probabilities.count)
        }
        let rows = probabilities.count / classCount
        return probabilities.withUnsafeBufferPointer { p in
            (0..<rows).map { i in
                let row = i * classCount
                var best = 0
                var bestValue = p[row]
                if bestValue.isNaN { return 0 }
                for j in 1..<classCount {
                    let value = p[row + j]
                    if value.isNaN { return j }
                    if value > bestValue {
                        best = j
                        bestValue = value
                    }
                }
                return best
            }
        }
    }

    /// The number of samples.
    public var sampleCount: Int { trueLabels.count }

    /// The fraction of samples predicted correctly (0 without samples).
    public var accuracy: Double { confusionMatrix.accuracy }

    /// The scikit-learn style text report of these predictions over all
    /// classes (see ``ClassificationReport``).
    ///
    /// - Parameters:
    ///   - targetNames: One name per class, or `nil` to name rows by index.
    ///   - digits: Decimals of the floating-point values.
    /// - Throws: ``EvaluationError`` as ``ClassificationReport/init(metrics:targetNames:digits:)`` does.
    public func report(targetNames: [String]? = nil, digits: Int = 2) throws(EvaluationError) -> ClassificationReport {
        try ClassificationReport(metrics: metrics, targetNames: targetNames, digits: digits)
    }
}
