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

@Suite("Real Fashion-MNIST", .tags(.slow), .skippedInQuickRuns, .enabled(if: realData != nil, "the Fashion-MNIST files are not installed (apt-get install dataset-fashion-mnist)"))
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

/// The speed work must not change results: one epoch of the default
/// experiment with SGD, seed 42, gives exactly the numbers of the README's run
/// (its first history row). Pinned to Linux on x86-64, where those numbers were
/// produced (other platforms' `exp`/`log` may round differently).
@Suite("Golden first epoch", .tags(.slow), .skippedInQuickRuns, .enabled(if: realData != nil && goldenPlatform, "needs the real data on Linux x86-64"))
struct GoldenEpochTests {
    @Test("SGD, seed 42, epoch 1 of the default experiment: the README's numbers, bit for bit")
    func firstEpochOfTheDefaultExperiment() throws {
        let dataset = try #require(realData).dataset
        let (valid, train) = dataset.train.split(at: 5000)
        let mlp = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
        let trainer = Trainer(model: mlp, configuration: TrainingConfiguration(epochs: 1, batchSize: 32, seed: 42))
        let result = trainer.train(optimizer: SGD(), from: mlp.initialParameters(seed: 42), on: train, validation: valid)
        let epoch = try #require(result.history.first)
        #expect(epoch.loss == 0.7307928221448239)
        #expect(epoch.accuracy == 0.7566909090909091)
        #expect(epoch.valLoss == 0.5069338527646702)
        #expect(epoch.valAccuracy == 0.8282)
    }
}

private let goldenPlatform: Bool = {
    #if os(Linux) && arch(x86_64)
    return true
    #else
    return false
    #endif
}()
