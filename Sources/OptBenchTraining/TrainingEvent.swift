/// What a ``Trainer`` reports while it works, for progress displays.
public enum TrainingEvent: Sendable {
    /// A gradient step ended. `loss` and `accuracy` are the running means over
    /// the epoch so far (what Keras's progress bar shows).
    case stepEnded(epoch: Int, step: Int, steps: Int, loss: Double, accuracy: Double, seconds: Double)
    /// An epoch ended, validation included.
    case epochEnded(EpochRecord)
    /// The loss became NaN or infinite; training of this run stops.
    case diverged(Divergence)
}
