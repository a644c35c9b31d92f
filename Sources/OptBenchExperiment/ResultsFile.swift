import Foundation

/// Reading and writing `results.json`.
public enum ResultsFile {
    /// Pretty-printed JSON with sorted keys (stable diffs between runs).
    public static func encode(_ result: ExperimentResult) throws(ExperimentError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try encoder.encode(result)
        } catch {
            throw .cannotWrite("results.json", "\(error)")
        }
    }

    /// Reads a `results.json` written by ``encode(_:)``.
    public static func read(path: String) throws(ExperimentError) -> ExperimentResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotRead(path, "no such file or not readable")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(ExperimentResult.self, from: data)
        } catch {
            throw .cannotRead(path, "not a results.json written by optbench (\(error))")
        }
    }
}
