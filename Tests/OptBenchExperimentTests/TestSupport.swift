import Foundation
import OptBench
import Testing

/// A fresh folder under the system's temporary folder, deleted with the value.
final class TemporaryDirectory {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.path + "/optbench-experiment-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/name`.
    func file(_ name: String) -> String { path + "/" + name }

    /// Names of the entries in `folder` (hidden ones included), sorted.
    static func contents(of folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// Every file below `folder`, as paths relative to it, sorted.
    static func allFiles(under folder: String) -> [String] {
        var files: [String] = []
        if let items = FileManager.default.enumerator(atPath: folder) {
            for case let item as String in items {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: folder + "/" + item, isDirectory: &isDirectory),
                   !isDirectory.boolValue {
                    files.append(item)
                }
            }
        }
        return files.sorted()
    }
}

/// A small deterministic generator (SplitMix64) for test data.
struct TestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(below n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// An easy in-memory dataset: 10 classes of `side`×`side` images where the
/// pixels `j` with `j % 10 == class` are bright and every pixel has noise, so a
/// small MLP learns it to well above the 10 % of chance within a few epochs.
func syntheticDataset(trainCount: Int = 400, testCount: Int = 100, side: Int = 8, seed: UInt64 = 7) -> Dataset {
    var random = TestRandom(state: seed)
    func images(_ count: Int) -> LabeledImages {
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        for _ in 0..<count {
            let label = random.int(below: 10)
            labels.append(UInt8(label))
            for j in 0..<(side * side) {
                let noise = random.int(below: 90)
                pixels.append(UInt8(j % 10 == label ? 160 + noise : noise))
            }
        }
        return LabeledImages(pixels: pixels, labels: labels, rows: side, columns: side)
    }
    let train = images(trainCount)
    let test = images(testCount)
    return Dataset(name: "mnist", classNames: (0..<10).map { "class \($0)" }, train: train, test: test)
}

/// A configuration for the small dataset: 3 epochs, batches of 16, one hidden layer of 16.
func smallConfiguration(optimizers: String = "sgd(lr=0.1),adam(lr=0.01)", epochs: Int = 3,
                        validationSize: Int = 50) throws -> ExperimentConfiguration {
    ExperimentConfiguration(
        dataset: "mnist", epochs: epochs, batchSize: 16, seed: 42, hiddenSizes: [16],
        validationSize: validationSize, optimizers: try OptimizerSpec.parseList(optimizers))
}

/// Runs the experiment and also writes every output file, as the command-line tool does.
@discardableResult
func runAndWrite(_ configuration: ExperimentConfiguration, dataset: Dataset, into folder: OutputFolder) throws
    -> (ExperimentResult, [RunOutcome])
{
    let experiment = Experiment(configuration: configuration)
    try folder.prepare()
    let (datasetInfo, modelInfo) = experiment.describe(dataset: dataset, source: "memory")
    try folder.writeDescription(dataset: datasetInfo, model: modelInfo)
    var outcomes: [RunOutcome] = []
    let result = try experiment.run(dataset: dataset, source: "memory", runFinished: { outcome in
        outcomes.append(outcome)
        try folder.writeRun(outcome, testLabels: dataset.test.labels, classCount: dataset.classCount)
    })
    try folder.writeSummary(result)
    return (result, outcomes)
}

/// The text of a file, or "" if it cannot be read.
func text(of path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}

/// The lines of a text, without the empty string after a final newline.
func lines(of text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastIfEmpty()
}

extension Array where Element == String {
    func dropLastIfEmpty() -> [String] { last == "" ? Array(dropLast()) : self }
}

/// Whether `error` is an `ExperimentError.invalidOption` for `option`, with a
/// description that starts with the option's name.
func isInvalidOption(_ error: any Error, _ option: String) -> Bool {
    guard let error = error as? ExperimentError, case .invalidOption(let name, _) = error else { return false }
    return name == option && error.description.hasPrefix(option + ": ")
}
