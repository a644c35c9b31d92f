/// Why labels, scores or counts cannot be evaluated: each case names the
/// argument that does not fit and reads as one sentence (``description``).
public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `classCount` is not positive.
    case noClasses(classCount: Int)
    /// Two arguments that must have the same length do not.
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A label (of sample `sample` in `what`) outside `0..<classCount`.
    case labelOutOfRange(what: String, sample: Int, label: Int, classCount: Int)
    /// The classes to report on are empty, repeated or outside `0..<classCount`.
    case invalidLabels([Int], classCount: Int)
    /// Counts that are negative or not a non-empty square matrix.
    case invalidCounts(String)
    /// A negative number of decimals.
    case negativeDigits(Int)

    public var description: String {
        switch self {
        case .noClasses(let k):
            return "classCount must be positive, got \(k)"
        case .lengthMismatch(let what, let expected, let actual):
            return "\(what): expected \(expected), got \(actual)"
        case .labelOutOfRange(let what, let sample, let label, let k):
            return "\(what) label \(label) of sample \(sample) is not in 0..<\(k)"
        case .invalidLabels(let labels, let k):
            return "labels \(labels) must be distinct, non-empty and each in 0..<\(k)"
        case .invalidCounts(let why):
            return "invalid confusion counts: \(why)"
        case .negativeDigits(let digits):
            return "digits must be non-negative, got \(digits)"
        }
    }
}
