import Testing

/// One expected `classification_report` from scikit-learn (see
/// `scripts/make_report_fixtures.py`, which generates `ReportFixtures.swift`).
struct ReportFixture: Sendable, CustomTestStringConvertible {
    /// scikit-learn's exact averages, as Python `repr` strings.
    struct Averages: Sendable {
        /// Micro precision, recall, F1 (all the accuracy when the report has
        /// an "accuracy" row).
        var micro: [String]
        var macro: [String]
        var weighted: [String]
    }

    var name: String
    var classCount: Int
    /// `nil`: all classes (scikit-learn was given `labels=range(classCount)`).
    var labels: [Int]?
    var targetNames: [String]?
    var digits: Int
    /// One base-36 digit per label.
    var trueLabels: String
    var predictedLabels: String
    var report: String
    var averages: Averages?

    var testDescription: String { name }

    var yTrue: [Int] { Self.decode(trueLabels) }
    var yPred: [Int] { Self.decode(predictedLabels) }

    static func decode(_ encoded: String) -> [Int] {
        encoded.unicodeScalars.map { scalar in
            let v = scalar.value
            switch v {
            case 48...57: return Int(v - 48)          // 0-9
            case 97...122: return Int(v - 97 + 10)    // a-z
            default: fatalError("bad label digit \(scalar)")
            }
        }
    }
}
