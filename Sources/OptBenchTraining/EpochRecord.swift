/// One row of a training history: what Keras's `History` records per epoch,
/// plus the epoch's wall-clock time.
public struct EpochRecord: Sendable, Codable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's samples, each batch's mean loss
    /// weighted by its size (Keras's running mean), before each batch's update.
    public var loss: Double
    /// Fraction of the epoch's training samples classified correctly.
    public var accuracy: Double
    /// Mean loss on the validation set after the epoch (`nil` without one).
    public var valLoss: Double?
    /// Accuracy on the validation set after the epoch (`nil` without one).
    public var valAccuracy: Double?
    /// Seconds spent on the epoch: training steps and validation.
    public var seconds: Double

    public init(epoch: Int, loss: Double, accuracy: Double, valLoss: Double?, valAccuracy: Double?, seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.accuracy = accuracy
        self.valLoss = valLoss
        self.valAccuracy = valAccuracy
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case epoch, loss, accuracy, seconds
        case valLoss = "val_loss"
        case valAccuracy = "val_accuracy"
    }
}

/// Where a run's loss stopped being a finite number.
public struct Divergence: Sendable, Codable, Equatable, CustomStringConvertible {
    /// 1-based epoch in which the loss became NaN or infinite.
    public var epoch: Int
    /// 1-based step within that epoch.
    public var step: Int

    public init(epoch: Int, step: Int) {
        self.epoch = epoch
        self.step = step
    }

    public var description: String { "diverged in epoch \(epoch) (step \(step)): the loss became NaN or infinite" }
}
