/// Precision, recall and F1 score averaged over classes, with the total
/// support of those classes. See ``ClassificationMetrics`` for the three kinds
/// of average.
public struct AverageMetrics: Sendable, Hashable, Codable {
    /// The averaged precision.
    public var precision: Double
    /// The averaged recall.
    public var recall: Double
    /// The averaged F1 score.
    public var f1: Double
    /// The sum of the supports of the averaged classes.
    public var support: Int

    /// Creates an average from its parts.
    public init(precision: Double, recall: Double, f1: Double, support: Int) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
    }
}
