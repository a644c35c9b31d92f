import Foundation
import OptBenchData
import OptBenchModel
import OptBenchOptimizers
import OptBenchTraining
import Testing

/// The real Fashion-MNIST files, if this machine has them anywhere OptBench looks
/// (never downloads: `OPTBENCH_DATA_DIR`, the Keras cache, `/usr/share/datasets`, the cache).
private let realData: (dataset: Dataset, location: DatasetLocation)? = {
    guard let location = try? DatasetLocator(environment: .current).locate(DatasetKind.fashionMNIST.manifest, dataDirectory: nil) else {
        return nil
    }
    guard let dataset = try? Dataset(kind: .fashionMNIST, location: location) else { return nil }
    return (dataset, location)
}()

@Suite("Real Fashion-MNIST", .enabled(if: realData != nil, "the Fashion-MNIST files are not installed (apt-get install dataset-fashion-mnist)"))
struct RealFashionMNISTTests {
    @Test("the reference split has the reference shapes")
    func shapes() throws {
        let dataset = try #require(realData).dataset
        #expect(dataset.train.count == 60_000)
        #expect(dataset.test.count == 10_000)
        #expect(dataset.train.rows == 28 && dataset.train.columns == 28)
        let (valid, train) = dataset.train.split(at: 5000)
        #expect(valid.count == 5000)
        #expect(train.count == 55_000)
        #expect(valid.labels[0] == dataset.train.labels[0])
    }

    @Test("a short training on a subset reaches at least 80% test accuracy")
    func shortTrainingLearns() throws {
        let dataset = try #require(realData).dataset
        let (valid, rest) = dataset.train.split(at: 5000)
        let train = rest.prefix(12_000)
        let mlp = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
        let trainer = Trainer(model: mlp, configuration: TrainingConfiguration(epochs: 2, batchSize: 32, seed: 7))
        let result = trainer.train(optimizer: Adam(), from: mlp.initialParameters(seed: 7),
                                   on: train, validation: valid.prefix(1000))
        #expect(result.divergence == nil)
        #expect(result.history.count == 2)
        #expect(result.history[1].loss < result.history[0].loss)
        let test = mlp.outputs(parameters: result.parameters, on: dataset.test)
        #expect(test.accuracy >= 0.80, "test accuracy \(test.accuracy)")
    }
}
