/// Precision, recall, F1 score and support of one class, treating that class
/// as "positive" and every other class as "negative" (one-vs-rest).
///
/// With `TP`, `FP`, `FN` the true positives, false positives and false
/// negatives of the class:
///
///     precision = TP / (TP + FP)        (0 when TP + FP = 0)
///     recall    = TP / (TP + FN)        (0 when TP + FN = 0)
///     F1        = 2·TP / (2·TP + FP + FN)   (0 when 2·TP + FP + FN = 0)
///     support   = TP + FN
///
/// These are scikit-learn's `precision_recall_fscore_support(...,
/// average=None, zero_division=0)`. F1 is the harmonic mean `2PR / (P + R)`
/// of precision and recall, but, like scikit-learn 1.9, it is computed from
/// the counts: one correctly rounded division, where the formula in `P` and `R`
/// accumulates several rounding errors, so this matches scikit-learn bit for
/// bit (which matters for values on a rounding boundary of the report). The
/// two definitions agree on the zero cases: `P + R = 0` exactly when `TP = 0`,
/// and then the F1 score is 0 either way.
public struct ClassMetrics: Sendable, Hashable, Codable {
    /// The class index.
    public var label: Int
    /// Correct predictions of this class, `TP`.
    public var truePositives: Int
    /// Samples of other classes predicted as this class, `FP`.
    public var falsePositives: Int
    /// Samples of this class predicted as another class, `FN`.
    public var falseNegatives: Int

    /// Creates the metrics of class `label` from its one-vs-rest counts.
    /// - Throws: ``EvaluationError/invalidCounts(_:)`` for a negative count.
    public init(label: Int, truePositives: Int, falsePositives: Int, falseNegatives: Int) throws(EvaluationError) {
        guard truePositives >= 0 && falsePositives >= 0 && falseNegatives >= 0 else {
            throw .invalidCounts("class \(label): counts must be non-negative")
        }
        self.label = label
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.falseNegatives = falseNegatives
    }

    /// The number of samples whose true class this is, `TP + FN`.
    public var support: Int { truePositives + falseNegatives }

    /// The number of samples predicted as this class, `TP + FP`.
    public var predictedCount: Int { truePositives + falsePositives }

    /// `TP / (TP + FP)`: the fraction of this class's predictions that are
    /// right; 0 when the class is never predicted.
    public var precision: Double {
        ClassMetrics.divide(truePositives, predictedCount)
    }

    /// `TP / (TP + FN)`: the fraction of this class's samples that are found;
    /// 0 when the class has no samples.
    public var recall: Double {
        ClassMetrics.divide(truePositives, support)
    }

    /// `2·TP / (2·TP + FP + FN)`, the harmonic mean of precision and recall;
    /// 0 when the class is neither present nor predicted.
    public var f1: Double {
        ClassMetrics.divide(2 * truePositives, support + predictedCount)
    }

    /// `numerator / denominator` in `Double`, or 0 when the denominator is 0
    /// (scikit-learn's `zero_division=0`).
    static func divide(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }
}
