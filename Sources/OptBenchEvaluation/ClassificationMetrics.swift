/// Per-class and averaged precision, recall and F1 score of a classifier, as
/// scikit-learn computes them with `zero_division=0`.
///
/// For each class `c` in ``labels`` (see ``ClassMetrics``):
///
///     precision_c = TP_c / (TP_c + FP_c)
///     recall_c    = TP_c / (TP_c + FN_c)
///     F1_c        = 2·TP_c / (2·TP_c + FP_c + FN_c)
///     support_c   = TP_c + FN_c
///
/// with every `0/0` replaced by 0. Over the `m` classes of ``labels``:
///
/// - ``macro``: the unweighted mean, `(1/m) Σ_c metric_c`, so every class
///   counts the same however rare it is.
/// - ``weighted``: the mean weighted by support,
///   `Σ_c support_c · metric_c / Σ_c support_c` (the unweighted mean if no
///   class has support, as scikit-learn does).
/// - ``micro``: the metric of the pooled counts, e.g.
///   `Σ TP_c / Σ (TP_c + FP_c)`. When ``labels`` contains every class that
///   occurs in the data, each sample is counted once in both sums, and micro
///   precision, recall and F1 all equal the ``accuracy``.
///
/// Sums run in NumPy's pairwise order so that the averages equal
/// scikit-learn's `precision_recall_fscore_support(average="macro")` and
/// `average="weighted"` to the last bit, not just to a few digits.
///
/// ```swift
/// let metrics = try ClassificationMetrics(
///     trueLabels:      [0, 0, 1, 2, 2, 2],
///     predictedLabels: [0, 1, 1, 2, 0, 2],
///     classCount: 3)
/// metrics.perClass[2].recall  // 2 / 3
/// metrics.macro.f1            // (0.5 + 2/3 + 0.8) / 3
/// metrics.accuracy            // 4 / 6
/// ```
public struct ClassificationMetrics: Sendable, Hashable, Codable {
    /// The classes reported on, in report order.
    public let labels: [Int]
    /// The metrics of each class in ``labels``, in the same order.
    public let perClass: [ClassMetrics]
    /// The fraction of all samples predicted correctly, `trace / total`
    /// (0 without samples); independent of ``labels``.
    public let accuracy: Double
    /// The number of samples.
    public let sampleCount: Int
    /// The metrics of the counts pooled over ``labels``.
    public let micro: AverageMetrics
    /// The unweighted means over ``labels``.
    public let macro: AverageMetrics
    /// The support-weighted means over ``labels``.
    public let weighted: AverageMetrics
    /// Whether ``labels`` includes every class that occurs in the data (as a
    /// true or a predicted label). Then the ``micro`` averages all equal the
    /// ``accuracy``, and a report shows an "accuracy" row instead of a
    /// "micro avg" row, as scikit-learn does.
    public let microAverageIsAccuracy: Bool

    /// Computes the metrics of the classes `labels` from a confusion matrix.
    ///
    /// - Parameters:
    ///   - confusionMatrix: The counts of (true, predicted) pairs.
    ///   - labels: The classes to report on, in order: distinct, each in
    ///     `0..<confusionMatrix.classCount`; all classes when `nil`.
    /// - Throws: ``EvaluationError/invalidLabels(_:classCount:)`` otherwise.
    public init(confusionMatrix: ConfusionMatrix, labels: [Int]? = nil) throws(EvaluationError) {
        let k = confusionMatrix.classCount
        let labels = labels ?? Array(0..<k)
        guard !labels.isEmpty, labels.allSatisfy({ $0 >= 0 && $0 < k }), Set(labels).count == labels.count else {
            throw .invalidLabels(labels, classCount: k)
        }

        let rowSums = confusionMatrix.rowSums
        let columnSums = confusionMatrix.columnSums
        let perClass = try labels.map { (c: Int) throws(EvaluationError) -> ClassMetrics in
            let tp = confusionMatrix[c, c]
            return try ClassMetrics(
                label: c, truePositives: tp,
                falsePositives: columnSums[c] - tp, falseNegatives: rowSums[c] - tp)
        }
        self.labels = labels
        self.perClass = perClass
        self.sampleCount = confusionMatrix.total
        self.accuracy = confusionMatrix.accuracy

        let totalSupport = perClass.reduce(0) { $0 + $1.support }

        // Micro: pool the counts, then divide once.
        let tp = perClass.reduce(0) { $0 + $1.truePositives }
        let predicted = perClass.reduce(0) { $0 + $1.predictedCount }
        self.micro = AverageMetrics(
            precision: ClassMetrics.divide(tp, predicted),
            recall: ClassMetrics.divide(tp, totalSupport),
            f1: ClassMetrics.divide(2 * tp, totalSupport + predicted),
            support: totalSupport)

        // Macro: np.mean, i.e. the pairwise sum divided by the count.
        let precisions = perClass.map(\.precision)
        let recalls = perClass.map(\.recall)
        let f1s = perClass.map(\.f1)
        let m = Double(perClass.count)
        let macro = AverageMetrics(
            precision: NumPySum.sum(precisions) / m,
            recall: NumPySum.sum(recalls) / m,
            f1: NumPySum.sum(f1s) / m,
            support: totalSupport)
        self.macro = macro

        // Weighted: np.average(x, weights=support) = sum(x * w) / sum(w),
        // falling back to the unweighted mean when all weights are zero.
        let weights = perClass.map { Double($0.support) }
        let scale = NumPySum.sum(weights)
        if scale == 0 {
            self.weighted = macro
        } else {
            func weightedMean(_ values: [Double]) -> Double {
                NumPySum.sum(zip(values, weights).map { $0 * $1 }) / scale
            }
            self.weighted = AverageMetrics(
                precision: weightedMean(precisions),
                recall: weightedMean(recalls),
                f1: weightedMean(f1s),
                support: totalSupport)
        }

        let reported = Set(labels)
        self.microAverageIsAccuracy = (0..<k).allSatisfy { c in
            reported.contains(c) || (rowSums[c] == 0 && columnSums[c] == 0)
        }
    }

    /// Counts the labels into a confusion matrix and computes the metrics of
    /// the classes `labels` (all `classCount` classes when `nil`).
    ///
    /// - Throws: ``EvaluationError`` when the label arrays differ in length,
    ///   a label is outside `0..<classCount`, or `labels` does not fit.
    public init(trueLabels: [Int], predictedLabels: [Int], classCount: Int,
                labels: [Int]? = nil) throws(EvaluationError) {
        try self.init(
            confusionMatrix: ConfusionMatrix(
                trueLabels: trueLabels, predictedLabels: predictedLabels, classCount: classCount),
            labels: labels)
    }
}
