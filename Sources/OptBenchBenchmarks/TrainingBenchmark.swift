import OptBenchData
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers
import OptBenchTraining

/// Timings of whole training epochs and of training throughput per batch size.
public enum TrainingBenchmark {
    /// Median seconds per epoch (training steps and validation) of `optimizer`
    /// over `epochs` epochs on `train`/`validation`, batch `batchSize`.
    public static func secondsPerEpoch(model: MLP, optimizer: any GradientOptimizer, train: LabeledImages,
                                       validation: LabeledImages, epochs: Int, batchSize: Int = 32) -> [Double] {
        let trainer = Trainer(model: model, configuration: TrainingConfiguration(epochs: epochs, batchSize: batchSize, seed: 1))
        let result = trainer.train(optimizer: optimizer, from: model.initialParameters(seed: 1),
                                   on: train, validation: validation)
        return result.history.map(\.seconds)
    }

    /// Training samples per second with batch `batchSize` (steps only, no
    /// validation), over at least `samples` samples: the epoch's time as the
    /// trainer measures it, without setting up the run (allocating the
    /// workspace, which grows with the batch).
    public static func samplesPerSecond(model: MLP, train: LabeledImages, batchSize: Int, samples: Int) -> Double {
        let count = min(train.count, max(samples, batchSize))
        let subset = train.prefix(count)
        let trainer = Trainer(model: model, configuration: TrainingConfiguration(epochs: 1, batchSize: batchSize, seed: 1))
        let parameters = model.initialParameters(seed: 1)
        _ = trainer.train(optimizer: SGD(), from: parameters, on: subset.prefix(min(count, batchSize * 2)), validation: nil)
        let result = trainer.train(optimizer: SGD(), from: parameters, on: subset, validation: nil)
        return Double(count) / result.seconds
    }
}
