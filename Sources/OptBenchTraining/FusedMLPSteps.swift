import OptBenchData
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers

/// The steps of an ``MLP`` through its tuned passes: each batch loaded from
/// bytes by the gradient pass itself (its samples grouped to skip more zeros
/// in the first layer, the next batch's images fetched ahead), and the
/// optimizer's step applied inside that pass, range by range as the gradients
/// are computed (only when the loss is finite). Used only when
/// ``MLP/fastPathApplies(threads:)``.
struct FusedMLPSteps<Optimizer: GradientOptimizer>: TrainingSteps {
    let model: MLP
    let optimizer: Optimizer
    let images: LabeledImages
    let workspace: MLPWorkspace
    let evaluationBatchSize: Int
    /// Keys by which each batch's samples (and the validation set's) go
    /// through the first layer grouped, to skip more zeros.
    let grouping: SampleGrouping
    let validationGrouping: SampleGrouping?
    var parameters: [Float]
    var gradients: [Float]
    var state: OptimizerState
    var tuner = ThreadCountTuner()
    var balancer = FirstLayerBalancer()

    init(trainer: Trainer, model: MLP, optimizer: Optimizer, parameters: [Float],
         train: LabeledImages, validation: LabeledImages?) {
        self.model = model
        self.optimizer = optimizer
        self.images = train
        self.parameters = parameters
        gradients = [Float](repeating: 0, count: model.parameterCount)
        state = optimizer.makeState(parameterCount: model.parameterCount)
        optimizer.validate(state, count: model.parameterCount)
        let batchSize = trainer.configuration.batchSize
        // No batch is larger than the set it is drawn from.
        let evaluationBatch = min(trainer.configuration.evaluationBatchSize, max(validation?.count ?? 1, 1))
        evaluationBatchSize = trainer.configuration.evaluationBatchSize
        let workspace = MLPWorkspace(model: model, capacity: max(min(batchSize, train.count), evaluationBatch))
        train.pixels.withUnsafeBufferPointer { workspace.balanceFirstLayer(images: $0.baseAddress!, count: train.count) }
        self.workspace = workspace
        grouping = SampleGrouping(train)
        validationGrouping = validation.map { SampleGrouping($0) }
    }

    mutating func step(_ step: Int, of steps: Int, indices: UnsafeBufferPointer<Int32>,
                       next: UnsafeBufferPointer<Int32>) -> CrossEntropyTotals {
        tuner.beforeStep(step, of: steps)
        let update = optimizer.step(state.step + 1)
        for (r, index) in indices.enumerated() { workspace.labels[r] = images.labels[Int(index)] }
        let totals = gradientStep(indices: indices, next: next, update: update)
        balancer.afterStep(workspace)
        if totals.lossSum.isFinite { state.step += 1 }
        return totals
    }

    func validationOutputs(_ validation: LabeledImages) -> ModelOutputs {
        model.outputs(parameters: parameters, on: validation, batchSize: evaluationBatchSize, workspace: workspace,
                      grouping: validationGrouping)
    }

    mutating func finish() { tuner.reset() }

    /// One gradient pass over the batch `indices` that applies `update` to the
    /// parameters as their gradients are computed, and fetches the images of
    /// the `next` batch into the caches (see
    /// ``MLP/lossAndGradient(images:indices:parameters:gradients:workspace:prefetching:grouping:update:)``).
    private mutating func gradientStep<Step: OptimizerStep>(
        indices: UnsafeBufferPointer<Int32>, next: UnsafeBufferPointer<Int32>, update: Step
    ) -> CrossEntropyTotals {
        let slotStride = parameters.count
        let (model, images, grouping, workspace) = (model, images, grouping, workspace)
        return parameters.withUnsafeMutableBufferPointer { p -> CrossEntropyTotals in
            let w = p.baseAddress!
            return gradients.withUnsafeMutableBufferPointer { g -> CrossEntropyTotals in
                images.pixels.withUnsafeBufferPointer { pixels -> CrossEntropyTotals in
                    state.withSlots { slots -> CrossEntropyTotals in
                        model.lossAndGradient(images: pixels.baseAddress!, indices: indices, parameters: w,
                                              gradients: g.baseAddress!, workspace: workspace, prefetching: next,
                                              grouping: grouping,
                                              update: StepUpdate(step: update, parameters: w, slots: slots,
                                                                 slotStride: slotStride))
                    }
                }
            }
        }
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
