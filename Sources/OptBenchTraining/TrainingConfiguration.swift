/// How to train: epochs, batch size and the seed of the shuffles.
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    /// Passes over the training set.
    public var epochs: Int
    /// Samples per gradient step; the last, partial batch of an epoch is kept.
    public var batchSize: Int
    /// Seeds the shuffle of every epoch. Each epoch `e` draws its permutation
    /// from its own stream of this seed, so every optimizer trained with the same
    /// seed sees the same batches in the same order.
    public var seed: UInt64
    /// Shuffle the training set before every epoch (Keras's `shuffle=True`).
    public var shuffle: Bool
    /// Samples per forward pass when evaluating (validation and test). It does
    /// not change the results beyond the order of a sum.
    public var evaluationBatchSize: Int

    public init(epochs: Int = 30, batchSize: Int = 32, seed: UInt64 = 42, shuffle: Bool = true,
                evaluationBatchSize: Int = 256) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.shuffle = shuffle
        self.evaluationBatchSize = evaluationBatchSize
    }

    /// Gradient steps per epoch for `sampleCount` samples: `⌈n / batchSize⌉`.
    public func stepsPerEpoch(sampleCount: Int) -> Int { (sampleCount + batchSize - 1) / batchSize }

    enum CodingKeys: String, CodingKey {
        case epochs, seed, shuffle
        case batchSize = "batch_size"
        case evaluationBatchSize = "evaluation_batch_size"
    }
}
