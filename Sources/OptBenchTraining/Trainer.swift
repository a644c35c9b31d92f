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

/// Trains an ``MLP`` with a ``GradientOptimizer`` the way Keras's `fit` does:
/// mini-batches (the last partial one kept), a fresh shuffle every epoch, the
/// epoch's running mean loss and accuracy, then validation.
///
/// ```swift
/// let trainer = Trainer(model: mlp, configuration: TrainingConfiguration(epochs: 5))
/// let result = trainer.train(optimizer: Adam(), from: mlp.initialParameters(seed: 42),
///                            on: train, validation: valid)
/// print(result.history.last!.valAccuracy!)
/// ```
public struct Trainer: Sendable {
    public let model: MLP
    public let configuration: TrainingConfiguration

    public init(model: MLP, configuration: TrainingConfiguration) {
        self.model = model
        self.configuration = configuration
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
        KernelThreads.shared.withPinnedCaller {
            Kernels.withFlushToZero {
                trainFlushingSubnormals(optimizer: optimizer, from: initialParameters, on: train,
                                        validation: validation, observer: observer)
            }
        }
    }

    private func trainFlushingSubnormals<Optimizer: GradientOptimizer>(
        optimizer: Optimizer,
        from initialParameters: [Float],
        on train: LabeledImages,
        validation: LabeledImages?,
        observer: (TrainingEvent) -> Void
    ) -> TrainingResult {
        precondition(initialParameters.count == model.parameterCount)
        precondition(train.featureCount == model.inputSize && train.count > 0)
        var parameters = initialParameters
        var gradients = [Float](repeating: 0, count: model.parameterCount)
        var state = optimizer.makeState(parameterCount: model.parameterCount)
        optimizer.validate(state, count: model.parameterCount)
        let batchSize = configuration.batchSize
        // No batch is larger than the set it is drawn from.
        let evaluationBatch = min(configuration.evaluationBatchSize, max(validation?.count ?? 1, 1))
        let workspace = MLPWorkspace(model: model, capacity: max(min(batchSize, train.count), evaluationBatch))
        train.pixels.withUnsafeBufferPointer { workspace.balanceFirstLayer(images: $0.baseAddress!, count: train.count) }
        // Each batch's samples go through the first layer grouped by these keys (the
        // validation set's too), to skip more zeros.
        let grouping = SampleGrouping(train)
        let validationGrouping = validation.map { SampleGrouping($0) }
        let steps = configuration.stepsPerEpoch(sampleCount: train.count)
        var history: [EpochRecord] = []
        var divergence: Divergence?
        var totalSeconds = 0.0
        var tuner = ThreadCountTuner()
        defer { tuner.reset() }
        var balancer = FirstLayerBalancer()

        epochs: for epoch in 1...max(1, configuration.epochs) where configuration.epochs > 0 {
            let start = DispatchTime.now().uptimeNanoseconds
            let order = order(epoch: epoch, count: train.count)
            var lossSum = 0.0
            var correct = 0
            var seen = 0
            for step in 0..<steps {
                tuner.beforeStep(step, of: steps)
                let first = step * batchSize
                let batch = min(batchSize, train.count - first)
                // The step's update is applied by the gradient pass itself, range by
                // range as the gradients are computed (and only if the loss is finite).
                let update = optimizer.step(state.step + 1)
                let totals = order.withUnsafeBufferPointer { o in
                    let indices = UnsafeBufferPointer(rebasing: o[first..<(first + batch)])
                    let next = UnsafeBufferPointer(rebasing: o[(first + batch)..<min(train.count, first + batch + batchSize)])
                    for (r, index) in indices.enumerated() { workspace.labels[r] = train.labels[Int(index)] }
                    return gradientStep(images: train, indices: indices, next: next, grouping: grouping, update: update,
                                        parameters: &parameters, gradients: &gradients, state: &state,
                                        workspace: workspace)
                }
                balancer.afterStep(workspace)
                if totals.lossSum.isFinite { state.step += 1 }
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
                let outputs = model.outputs(parameters: parameters, on: validation,
                                            batchSize: configuration.evaluationBatchSize, workspace: workspace,
                                            grouping: validationGrouping)
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
        return TrainingResult(history: history, divergence: divergence, parameters: parameters, seconds: totalSeconds)
    }

    /// One gradient pass over the batch `indices` of `images` that applies
    /// `update` to the parameters as their gradients are computed, groups the
    /// samples by `grouping` for the first layer, and fetches the images of
    /// the `next` batch into the caches (see
    /// ``MLP/lossAndGradient(images:indices:parameters:gradients:workspace:prefetching:grouping:update:)``).
    private func gradientStep<Step: OptimizerStep>(
        images: LabeledImages, indices: UnsafeBufferPointer<Int32>, next: UnsafeBufferPointer<Int32>,
        grouping: SampleGrouping, update: Step,
        parameters: inout [Float], gradients: inout [Float], state: inout OptimizerState, workspace: MLPWorkspace
    ) -> CrossEntropyTotals {
        let slotStride = parameters.count
        return parameters.withUnsafeMutableBufferPointer { p -> CrossEntropyTotals in
            let w = p.baseAddress!
            return gradients.withUnsafeMutableBufferPointer { g -> CrossEntropyTotals in
                images.pixels.withUnsafeBufferPointer { pixels -> CrossEntropyTotals in
                    state.withSlots { slots -> CrossEntropyTotals in
                        model.lossAndGradient(images: pixels.baseAddress!, indices: indices, parameters: w,
                                              gradients: g.baseAddress!, workspace: workspace, prefetching: next,
                                              grouping: grouping, update: StepUpdate(step: update, parameters: w, slots: slots,
                                                                 slotStride: slotStride))
                    }
                }
            }
        }
    }

    private func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// One optimizer step applied to ranges of a parameter vector and its
/// optimizer state, as the training step hands over their gradients.
private struct StepUpdate<Step: OptimizerStep>: ParameterUpdate {
    let step: Step
    /// The whole parameter vector and its slots (slot `k` of parameter `i` at
    /// `slots[k·slotStride + i]`).
    let parameters: UnsafeMutablePointer<Float>, slots: UnsafeMutablePointer<Float>, slotStride: Int

    func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>) {
        step.apply(parameters: parameters + range.lowerBound, gradients: gradient, slots: slots + range.lowerBound,
                   slotStride: slotStride, count: range.count)
    }

    func apply(_ product: SparseRowProduct, firstParameter: Int) {
        step.apply(product, parameters: parameters + firstParameter, slots: slots + firstParameter,
                   slotStride: slotStride)
    }
}
