import OptBenchData
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers

/// How a ``Trainer`` computes its steps: the epochs, batches and history are
/// the trainer's; the gradient, the update and the validation pass are this.
protocol TrainingSteps {
    /// The parameters after the steps so far.
    var parameters: [Float] { get }
    /// Step `step` (0-based) of `steps` in the epoch over the training images
    /// `indices`: the batch's summed loss and correct count, and, when the
    /// loss is finite, the optimizer's update applied (else nothing changes).
    /// `next`: the next batch's images, which may be fetched ahead.
    mutating func step(_ step: Int, of steps: Int, indices: UnsafeBufferPointer<Int32>,
                       next: UnsafeBufferPointer<Int32>) -> CrossEntropyTotals
    /// The current parameters' outputs on the validation set.
    func validationOutputs(_ validation: LabeledImages) -> ModelOutputs
    /// Called once when training ends.
    mutating func finish()
}

/// The plain steps, for any ``Model``: each batch's images gathered and
/// scaled to `v / 255`, the loss and gradient from
/// ``Model/lossAndGradient(inputs:labels:batch:parameters:gradients:workspace:threads:)``,
/// then the optimizer's whole-vector update. A ``ThreadCountTuner`` keeps
/// choosing how many of the pool's threads the steps use (results do not
/// depend on it).
struct PlainSteps<M: Model>: TrainingSteps {
    let model: M
    let optimizer: any GradientOptimizer
    let threads: KernelThreads
    let evaluationBatchSize: Int
    let train: LabeledImages
    let workspace: M.Workspace
    var parameters: [Float]
    var gradients: [Float]
    var state: OptimizerState
    var inputs: [Float]
    var labels: [UInt8]
    var tuner: ThreadCountTuner

    init(trainer: Trainer, model: M, optimizer: any GradientOptimizer, parameters: [Float],
         train: LabeledImages, validation: LabeledImages?) {
        self.model = model
        self.optimizer = optimizer
        self.threads = trainer.threads
        self.train = train
        let batchSize = min(trainer.configuration.batchSize, train.count)
        evaluationBatchSize = min(trainer.configuration.evaluationBatchSize, max(validation?.count ?? 1, 1))
        workspace = model.makeWorkspace(capacity: batchSize)
        self.parameters = parameters
        gradients = [Float](repeating: 0, count: model.parameterCount)
        state = optimizer.makeState(parameterCount: model.parameterCount)
        inputs = [Float](repeating: 0, count: batchSize * model.inputSize)
        labels = [UInt8](repeating: 0, count: batchSize)
        tuner = ThreadCountTuner(threads: trainer.threads)
    }

    mutating func step(_ step: Int, of steps: Int, indices: UnsafeBufferPointer<Int32>,
                       next: UnsafeBufferPointer<Int32>) -> CrossEntropyTotals {
        tuner.beforeStep(step, of: steps)
        let batch = indices.count
        for (r, index) in indices.enumerated() { labels[r] = train.labels[Int(index)] }
        let (width, train) = (model.inputSize, train)
        inputs.withUnsafeMutableBufferPointer { x in
            train.pixels.withUnsafeBufferPointer { pixels in
                Kernels.gatherScaledRows(from: pixels.baseAddress!, width: width, indices: indices, into: x.baseAddress!)
            }
        }
        // The batch comes from a loaded data set whose labels were checked, so the
        // unchecked entry point runs (the array one would scan them every step).
        let (model, workspace, threads) = (model, workspace, threads)
        let totals = inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                parameters.withUnsafeBufferPointer { p in
                    gradients.withUnsafeMutableBufferPointer { g in
                        model.lossAndGradient(inputs: x.baseAddress!, labels: y.baseAddress!, batch: batch,
                                              parameters: p.baseAddress!, gradients: g.baseAddress!,
                                              workspace: workspace, threads: threads)
                    }
                }
            }
        }
        if totals.lossSum.isFinite {
            optimizer.update(parameters: &parameters, gradients: gradients, state: &state)
        }
        return totals
    }

    func validationOutputs(_ validation: LabeledImages) -> ModelOutputs {
        model.outputs(of: parameters, on: validation, batchSize: evaluationBatchSize, threads: threads)
    }

    mutating func finish() { tuner.reset() }
}
