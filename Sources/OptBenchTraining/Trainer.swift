import Foundation
import OptBenchData
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers

/// What one training run produced.
public struct TrainingResult: Sendable {
    /// One record per completed epoch.
    public var history: [EpochRecord]
    /// Set when the loss became NaN or infinite; training stopped there.
    public var divergence: Divergence?
    /// The parameters after the last step.
    public var parameters: [Float]
    /// Total seconds over all epochs (training and validation).
    public var seconds: Double
}

/// Trains any ``Model`` with a ``GradientOptimizer`` the way Keras's `fit`
/// does: mini-batches (the last partial one kept), a fresh shuffle every
/// epoch, the epoch's running mean loss and accuracy, then validation.
///
/// An ``MLP`` whose tuned passes apply (``MLP/fastPathRefusal(threads:)``)
/// trains through them, with the optimizer's step applied inside the gradient
/// pass; every other model (and an MLP with another activation or other
/// threads) trains through its ``Model`` requirements, with the optimizer's
/// whole-vector update after each gradient. For ReLU both give the same
/// parameters bit for bit: every product sums over its inner index in the
/// same order on both paths, and the optimizer's rule is the same function.
///
/// ```swift
/// let trainer = Trainer(model: mlp, configuration: TrainingConfiguration(epochs: 5))
/// let result = trainer.train(optimizer: Adam(), from: mlp.initialParameters(seed: 42),
///                            on: train, validation: valid)
/// print(result.history.last!.valAccuracy!)
/// ```
public struct Trainer: Sendable {
    public let model: any Model
    public let configuration: TrainingConfiguration
    /// The threads every step and evaluation runs on.
    public let threads: KernelThreads

    public init(model: any Model, configuration: TrainingConfiguration, threads: KernelThreads = .shared) {
        self.model = model
        self.configuration = configuration
        self.threads = threads
    }

    /// The order in which epoch `epoch` (1-based) visits `count` samples: a
    /// Fisher–Yates shuffle drawn from the epoch's own stream of the seed, or
    /// `0..<count` without shuffling.
    public func order(epoch: Int, count: Int) -> [Int32] {
        var order = (0..<Int32(count)).map { $0 }
        guard configuration.shuffle, count > 1 else { return order }
        var rng = SeededGenerator(seed: configuration.seed, stream: 0x5EED_0000 &+ UInt64(epoch))
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, rng.nextInt(below: i + 1))
        }
        return order
    }

    /// Trains from `initialParameters` and returns the history and final weights.
    ///
    /// - Parameter observer: called after every step and epoch, on this thread.
    public func train(
        optimizer: any GradientOptimizer,
        from initialParameters: [Float],
        on train: LabeledImages,
        validation: LabeledImages?,
        observer: (TrainingEvent) -> Void = { _ in }
    ) -> TrainingResult {
        precondition(initialParameters.count == model.parameterCount,
                     "the initial parameters hold \(initialParameters.count) values, the model \(model.parameterCount)")
        precondition(train.featureCount == model.inputSize && train.count > 0,
                     "the training images do not match the model's input size, or there are none")
        return threads.withPinnedCaller {
            Kernels.withFlushToZero {
                if let mlp = model as? MLP, mlp.fastPathApplies(threads: threads) {
                    return trainFused(model: mlp, optimizer: optimizer, from: initialParameters, on: train,
                                      validation: validation, observer: observer)
                }
                return trainPlain(model: model, optimizer: optimizer, from: initialParameters, on: train,
                                  validation: validation, observer: observer)
            }
        }
    }

    /// Trains through the ``Model`` requirements (`model` opened from its existential).
    private func trainPlain<M: Model>(
        model: M, optimizer: any GradientOptimizer, from initialParameters: [Float], on train: LabeledImages,
        validation: LabeledImages?, observer: (TrainingEvent) -> Void
    ) -> TrainingResult {
        var steps = PlainSteps(trainer: self, model: model, optimizer: optimizer, parameters: initialParameters,
                               train: train, validation: validation)
        return runEpochs(&steps, on: train, validation: validation, observer: observer)
    }

    /// Trains through the MLP's tuned passes (`optimizer` opened from its existential).
    private func trainFused<Optimizer: GradientOptimizer>(
        model: MLP, optimizer: Optimizer, from initialParameters: [Float], on train: LabeledImages,
        validation: LabeledImages?, observer: (TrainingEvent) -> Void
    ) -> TrainingResult {
        var steps = FusedMLPSteps(trainer: self, model: model, optimizer: optimizer, parameters: initialParameters,
                                  train: train, validation: validation)
        return runEpochs(&steps, on: train, validation: validation, observer: observer)
    }

    /// The epochs: shuffles, batches, running means, validation, and the stop
    /// at the first non-finite loss.
    private func runEpochs<Steps: TrainingSteps>(
        _ runner: inout Steps, on train: LabeledImages, validation: LabeledImages?,
        observer: (TrainingEvent) -> Void
    ) -> TrainingResult {
        let batchSize = configuration.batchSize
        let steps = configuration.stepsPerEpoch(sampleCount: train.count)
        var history: [EpochRecord] = []
        var divergence: Divergence?
        var totalSeconds = 0.0
        defer { runner.finish() }

        epochs: for epoch in 1...max(1, configuration.epochs) where configuration.epochs > 0 {
            let start = DispatchTime.now().uptimeNanoseconds
            let order = order(epoch: epoch, count: train.count)
            var lossSum = 0.0
            var correct = 0
            var seen = 0
            for step in 0..<steps {
                let first = step * batchSize
                let batch = min(batchSize, train.count - first)
                let totals = order.withUnsafeBufferPointer { o in
                    let indices = UnsafeBufferPointer(rebasing: o[first..<(first + batch)])
                    let next = UnsafeBufferPointer(rebasing: o[(first + batch)..<min(train.count, first + batch + batchSize)])
                    return runner.step(step, of: steps, indices: indices, next: next)
                }
                guard totals.lossSum.isFinite else {
                    let d = Divergence(epoch: epoch, step: step + 1)
                    divergence = d
                    totalSeconds += seconds(since: start)
                    observer(.diverged(d))
                    break epochs
                }
                lossSum += totals.lossSum
                correct += totals.correct
                seen += batch
                observer(.stepEnded(epoch: epoch, step: step + 1, steps: steps,
                                    loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                                    seconds: seconds(since: start)))
            }
            var record = EpochRecord(epoch: epoch, loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                                     valLoss: nil, valAccuracy: nil, seconds: 0)
            if let validation, validation.count > 0 {
                let outputs = runner.validationOutputs(validation)
                record.valLoss = outputs.loss
                record.valAccuracy = outputs.accuracy
                if !outputs.loss.isFinite {
                    record.seconds = seconds(since: start)
                    totalSeconds += record.seconds
                    history.append(record)
                    let d = Divergence(epoch: epoch, step: steps)
                    divergence = d
                    observer(.epochEnded(record))
                    observer(.diverged(d))
                    break epochs
                }
            }
            record.seconds = seconds(since: start)
            totalSeconds += record.seconds
            history.append(record)
            observer(.epochEnded(record))
        }
        return TrainingResult(history: history, divergence: divergence, parameters: runner.parameters,
                              seconds: totalSeconds)
    }

    private func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
