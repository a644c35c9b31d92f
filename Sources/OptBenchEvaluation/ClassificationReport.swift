/// The text of scikit-learn's `classification_report`, character for
/// character.
///
/// The text equals
///
/// ```python
/// sklearn.metrics.classification_report(
///     y_true, y_pred, labels=labels, target_names=target_names,
///     digits=digits, zero_division=0)
/// ```
///
/// (checked against scikit-learn 1.9.1), for example
///
/// ```text
///               precision    recall  f1-score   support
///
///  T-shirt/top       0.78      0.83      0.81       276
///      Trouser       0.85      0.82      0.84       312
///          ...
///
///     accuracy                           0.81      3000
///    macro avg       0.81      0.81      0.81      3000
/// weighted avg       0.81      0.81      0.81      3000
/// ```
///
/// The layout, with `width = max(longest row name, len("weighted avg") = 12,
/// digits)` and every numeric column 9 characters wide, right-aligned:
///
/// 1. A header: `width` spaces, one space, then ` precision`, `    recall`,
///    `  f1-score`, `   support` (each a space and a 9-wide field), then a
///    blank line.
/// 2. One row per class in ``ClassificationMetrics/labels``: the name
///    right-aligned in `width`, a space, then precision, recall and F1 with
///    `digits` decimals and the support, each as a space and a 9-wide field.
///    A row is named by its target name, or by its class index without
///    target names.
/// 3. A blank line.
/// 4. `accuracy`, with empty precision and recall fields, the accuracy and
///    the total support — when the labels include every class that occurs in
///    the data (``ClassificationMetrics/microAverageIsAccuracy``). Otherwise
///    scikit-learn prints a full `micro avg` row instead, and so does this.
/// 5. `macro avg` and `weighted avg` rows in the per-class format, each with
///    the total support of the reported classes.
///
/// The header is followed by `"\n\n"` (its end and the blank line); every
/// other row, the last included, ends with `"\n"`, and the blank line before
/// the averages is one more `"\n"`.
///
/// Numbers are formatted like Python's `'{:.2f}'.format(x)`: the exact binary
/// value rounded to the nearest, ties to even, so a value is printed as
/// scikit-learn prints it only if it is the same `Double`. That is why
/// ``ClassificationMetrics`` computes every value in scikit-learn's order of
/// operations (F1 from the counts, NumPy's pairwise sums in the averages).
///
/// ```swift
/// let report = try ClassificationReport(
///     trueLabels: labels, predictedLabels: predictions, classCount: 10,
///     targetNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
///                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"])
/// print(report, terminator: "")  // the text already ends with a newline
/// ```
public struct ClassificationReport: Sendable, Hashable, CustomStringConvertible {
    /// The metrics shown.
    public let metrics: ClassificationMetrics
    /// The row names of the classes, one per entry of `metrics.labels`, or
    /// `nil` to name rows by class index.
    public let targetNames: [String]?
    /// The number of decimals of precision, recall, F1 and accuracy.
    public let digits: Int
    /// The report, ending with a newline.
    public let text: String

    /// The column headers after the row names.
    static let headers = ["precision", "recall", "f1-score", "support"]
    /// The width of each numeric column.
    static let columnWidth = 9

    /// Renders a report of `metrics`.
    ///
    /// - Parameters:
    ///   - metrics: The metrics to show; their `labels` give the rows.
    ///   - targetNames: The name of each row, one per entry of
    ///     `metrics.labels` and in the same order (as in scikit-learn, names
    ///     follow `labels`, not class indices); `nil` names rows by class
    ///     index.
    ///   - digits: Decimals of the floating-point values (non-negative).
    /// - Throws: ``EvaluationError`` for negative `digits` or a name count
    ///   other than the label count.
    public init(metrics: ClassificationMetrics, targetNames: [String]? = nil, digits: Int = 2) throws(EvaluationError) {
        guard digits >= 0 else { throw .negativeDigits(digits) }
        if let targetNames, targetNames.count != metrics.labels.count {
            throw .lengthMismatch(what: "targetNames for \(metrics.labels.count) labels",
                                  expected: metrics.labels.count, actual: targetNames.count)
        }
        self.metrics = metrics
        self.targetNames = targetNames
        self.digits = digits
        self.text = ClassificationReport.render(
            metrics: metrics,
            names: targetNames ?? metrics.labels.map(String.init),
            digits: digits)
    }

    /// Computes the metrics of `labels` (all classes when `nil`) and renders
    /// them; the arguments are those of
    /// ``ClassificationMetrics/init(trueLabels:predictedLabels:classCount:labels:)``
    /// and ``init(metrics:targetNames:digits:)``.
    public init(
        trueLabels: [Int], predictedLabels: [Int], classCount: Int,
        labels: [Int]? = nil, targetNames: [String]? = nil, digits: Int = 2
    ) throws(EvaluationError) {
        try self.init(
            metrics: ClassificationMetrics(
                trueLabels: trueLabels, predictedLabels: predictedLabels,
                classCount: classCount, labels: labels),
            targetNames: targetNames, digits: digits)
    }

    /// The report text, ``text``.
    public var description: String { text }

    private static func render(metrics: ClassificationMetrics, names: [String], digits: Int) -> String {
        let longestLastLineHeading = "weighted avg"
        let nameWidth = names.map(PythonFormat.length).max() ?? 0
        let width = max(nameWidth, PythonFormat.length(longestLastLineHeading), digits)

        func name(_ s: String) -> String {
            PythonFormat.rightAligned(s, width: width) + " "
        }
        func column(_ s: String) -> String {
            " " + PythonFormat.rightAligned(s, width: columnWidth)
        }
        func number(_ x: Double) -> String {
            column(PythonFormat.fixed(x, digits: digits))
        }
        func row(_ heading: String, _ p: Double, _ r: Double, _ f: Double, _ support: Int) -> String {
            name(heading) + number(p) + number(r) + number(f) + column(String(support)) + "\n"
        }

        var report = name("") + headers.map(column).joined()
        report += "\n\n"
        for (heading, m) in zip(names, metrics.perClass) {
            report += row(heading, m.precision, m.recall, m.f1, m.support)
        }
        report += "\n"

        let micro = metrics.micro
        if metrics.microAverageIsAccuracy {
            // Empty precision and recall; the micro F1 is the accuracy.
            report += name("accuracy") + column("") + column("") + number(micro.f1)
                + column(String(micro.support)) + "\n"
        } else {
            report += row("micro avg", micro.precision, micro.recall, micro.f1, micro.support)
        }
        for (heading, average) in [("macro avg", metrics.macro), ("weighted avg", metrics.weighted)] {
            report += row(heading, average.precision, average.recall, average.f1, average.support)
        }
        return report
    }
}
