import Foundation

/// Reading and writing `results.json`.
///
/// Every key of the file is snake_case (`val_loss`, `weight_offset`), the style of
/// Keras's histories and scikit-learn's reports. Most types spell their keys so in
/// their `CodingKeys`; the few whose keys are synthesized from camelCase property
/// names (a layer's `weightOffset`) are converted on the way out, and
/// ``camelCaseKeys`` maps them back on the way in. Files written before the
/// conversion (schema version 1 with `weightOffset` and `biasOffset`) still read.
public enum ResultsFile {
    /// Pretty-printed JSON with sorted keys (stable diffs between runs).
    public static func encode(_ result: ExperimentResult) throws(ExperimentError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // Leaves keys that are already snake_case unchanged; nothing in the file is a
        // dictionary keyed by data (labels and settings are arrays of objects), so
        // only key names are touched.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        do {
            return try encoder.encode(result)
        } catch {
            throw .cannotWrite("results.json", "\(error)")
        }
    }

    /// Reads a `results.json` written by ``encode(_:)`` or by an earlier version
    /// that wrote some keys in camelCase.
    public static func read(path: String) throws(ExperimentError) -> ExperimentResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotRead(path, "no such file or not readable")
        }
        do {
            return try decode(data)
        } catch {
            throw .cannotRead(path, "not a results.json written by optbench (\(error))")
        }
    }

    /// Decodes the contents of a `results.json` (either key spelling).
    private static func decode(_ data: Data) throws -> ExperimentResult {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        decoder.keyDecodingStrategy = .custom { path in
            let key = path[path.count - 1]
            guard let camelCase = camelCaseKeys[key.stringValue] else { return key }
            return FileKey(camelCase)
        }
        return try decoder.decode(ExperimentResult.self, from: data)
    }

    /// The snake_case spelling in the file of each key that a type synthesizes from
    /// a camelCase property name, mapped to that name. A key written by
    /// ``encode(_:)`` and missing here fails to decode, which the round-trip test
    /// catches.
    public static let camelCaseKeys: [String: String] = [
        "weight_offset": "weightOffset",
        "bias_offset": "biasOffset",
    ]

    private struct FileKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
