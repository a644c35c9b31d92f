import Foundation
import OptBench
import Testing

/// The README's "As a library" example, line for line, on a short run (one
/// epoch on 3,000 images): it must compile against the public API and work.
@Suite("README example", .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")
                                      || ProcessInfo.processInfo.environment["OPTBENCH_DATA_DIR"] != nil,
                                  "the Fashion-MNIST files are not installed"))
struct ReadmeExampleTests {
    @Test("training the MLP in about ten lines of Swift")
    func libraryExample() throws {
        let (data, _) = try Dataset.load(.fashionMNIST, dataDirectory: nil)
        let (valid, train) = data.train.split(at: 5000)
        let mlp = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
        let trainer = Trainer(model: mlp, configuration: TrainingConfiguration(epochs: 1, batchSize: 32, seed: 42))
        var epochs: [Int] = []
        let run = trainer.train(optimizer: Adam(), from: mlp.initialParameters(seed: 42),
                                on: train.prefix(3000), validation: valid.prefix(500)) { event in
            if case .epochEnded(let epoch) = event { epochs.append(epoch.epoch) }
        }
        let test = mlp.outputs(parameters: run.parameters, on: data.test)
        let report = ClassificationReport(trueLabels: data.test.labels.map(Int.init), predictedLabels: test.predictions,
                                          classCount: 10, targetNames: data.classNames)
        #expect(epochs == [1])
        #expect(report.text.contains("Ankle boot"))
        #expect(test.accuracy > 0.7)
    }
}
