/// Counts of (true class, predicted class) pairs for a classifier with `k` classes.
///
/// `counts[i][j]` is the number of samples whose true class is `i` and whose
/// predicted class is `j`, for `i, j` in `0..<k` — the layout of scikit-learn's
/// `confusion_matrix(y_true, y_pred, labels=range(k))`. Rows are true classes,
/// columns are predictions, so
///
/// - the diagonal holds the correct predictions (true positives of each class),
/// - row `i` sums to the support of class `i` (`TP + FN`),
/// - column `j` sums to the number of predictions of class `j` (`TP + FP`).
///
/// ```swift
/// let matrix = try ConfusionMatrix(
///     trueLabels:      [0, 0, 1, 2, 2, 2],
///     predictedLabels: [0, 1, 1, 2, 0, 2],
///     classCount: 3)
/// matrix.counts    // [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
/// matrix.accuracy  // 4 / 6
/// ```
public struct ConfusionMatrix: Sendable, Hashable, Codable {
    /// One off-diagonal cell of a confusion matrix: how often `trueClass` was
    /// predicted as `predictedClass`.
    public struct Pair: Sendable, Hashable, Codable {
        /// The class the samples belong to.
        public var trueClass: Int
        /// The class the classifier predicted for them.
        public var predictedClass: Int
        /// The number of such samples.
        public var count: Int

        /// Creates a cell description.
        public init(trueClass: Int, predictedClass: Int, count: Int) {
            self.trueClass = trueClass
            self.predictedClass = predictedClass
            self.count = count
        }
    }

    /// The number of classes `k`; the matrix is `k × k`.
    public let classCount: Int

    /// `counts[i][j]`: samples of true class `i` predicted as class `j`.
    public let counts: [[Int]]

    /// Counts the pairs `(trueLabels[n], predictedLabels[n])`.
    ///
    /// - Parameters:
    ///   - trueLabels: The true class of each sample, each in `0..<classCount`.
    ///   - predictedLabels: The predicted class of each sample, each in
    ///     `0..<classCount`; as many as `trueLabels`.
    ///   - classCount: The number of classes `k` (at least 1). Classes that
    ///     never occur get a row and a column of zeros.
    /// - Throws: ``EvaluationError`` when `classCount < 1`, the arrays differ
    ///   in length, or a label is outside `0..<classCount`.
    public init(trueLabels: [Int], predictedLabels: [Int], classCount: Int) throws(EvaluationError) {
        guard classCount > 0 else { throw .noClasses(classCount: classCount) }
        guard trueLabels.count == predictedLabels.count else {
            throw .lengthMismatch(what: "predictedLabels for \(trueLabels.count) trueLabels",
                                  expected: trueLabels.count, actual: predictedLabels.count)
        }
        // Count into one flat buffer, then split it into rows.
        var flat = [Int](repeating: 0, count: classCount * classCount)
        for n in trueLabels.indices {
            let t = trueLabels[n]
            let p = predictedLabels[n]
            guard t >= 0 && t < classCount else {
                throw .labelOutOfRange(what: "true", sample: n, label: t, classCount: classCount)
            }
            guard p >= 0 && p < classCount else {
                throw .labelOutOfRange(what: "predicted", sample: n, label: p, classCount: classCount)
            }
            flat[t * classCount + p] += 1
        }
        self.classCount = classCount
        self.counts = (0..<classCount).map { i in
            Array(flat[(i * classCount)..<((i + 1) * classCount)])
        }
    }

    /// Wraps existing counts.
    ///
    /// - Throws: ``EvaluationError/invalidCounts(_:)`` unless `counts` is a
    ///   non-empty square matrix of non-negative counts.
    public init(counts: [[Int]]) throws(EvaluationError) {
        guard !counts.isEmpty else { throw .invalidCounts("a confusion matrix needs at least one class") }
        for row in counts {
            guard row.count == counts.count else { throw .invalidCounts("a confusion matrix must be square") }
            guard row.allSatisfy({ $0 >= 0 }) else { throw .invalidCounts("counts must be non-negative") }
        }
        self.classCount = counts.count
        self.counts = counts
    }

    /// `counts[trueClass][predictedClass]`.
    public subscript(trueClass: Int, predictedClass: Int) -> Int {
        counts[trueClass][predictedClass]
    }

    /// The number of samples, `Σᵢⱼ counts[i][j]`.
    public var total: Int {
        counts.reduce(0) { $0 + $1.reduce(0, +) }
    }

    /// The number of correct predictions, the trace `Σᵢ counts[i][i]`.
    public var correct: Int {
        (0..<classCount).reduce(0) { $0 + counts[$1][$1] }
    }

    /// The fraction of correct predictions, `correct / total`, or 0 when there
    /// are no samples.
    public var accuracy: Double {
        let total = self.total
        return total == 0 ? 0 : Double(correct) / Double(total)
    }

    /// Row sums: the support of each class, the number of samples whose true
    /// class it is (`TP + FN`).
    public var rowSums: [Int] {
        counts.map { $0.reduce(0, +) }
    }

    /// Same as ``rowSums``: the number of samples of each true class.
    public var support: [Int] { rowSums }

    /// Column sums: how often each class was predicted (`TP + FP`).
    public var columnSums: [Int] {
        (0..<classCount).map { j in counts.reduce(0) { $0 + $1[j] } }
    }

    /// The true positives of each class: the diagonal `counts[i][i]`.
    public var diagonal: [Int] {
        (0..<classCount).map { counts[$0][$0] }
    }

    /// Each row divided by its sum: `counts[i][j] / Σⱼ counts[i][j]`, the
    /// fraction of class `i` predicted as `j` (the diagonal is the recall).
    /// Rows of classes without samples are all zero. This is scikit-learn's
    /// `confusion_matrix(..., normalize="true")`.
    public func rowNormalized() -> [[Double]] {
        counts.map { row in
            let sum = row.reduce(0, +)
            return row.map { sum == 0 ? 0 : Double($0) / Double(sum) }
        }
    }

    /// The most frequent mistakes: the non-zero off-diagonal cells, sorted by
    /// count (largest first), ties broken by true class and then by predicted
    /// class (smallest first).
    ///
    /// - Parameter limit: The maximum number of pairs to return (none when
    ///   it is not positive).
    public func mostConfusedPairs(limit: Int = 10) -> [Pair] {
        var pairs: [Pair] = []
        for i in 0..<classCount {
            for j in 0..<classCount where i != j && counts[i][j] > 0 {
                pairs.append(Pair(trueClass: i, predictedClass: j, count: counts[i][j]))
            }
        }
        // Row-major enumeration already orders ties by (true, predicted);
        // sort by count with that order as the tie-break.
        pairs.sort { a, b in
            if a.count != b.count { return a.count > b.count }
            if a.trueClass != b.trueClass { return a.trueClass < b.trueClass }
            return a.predictedClass < b.predictedClass
        }
        return Array(pairs.prefix(max(0, limit)))
    }
}
