import OptBenchData
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers
import OptBenchTraining

/// A small synthetic image set that a tiny network separates easily: 4×4
/// images of 3 classes. Class 0 has bright pixels in the top-left 2×2 block,
/// class 1 in the top-right block, class 2 in the bottom half; every other
/// pixel is dark noise. Labels are drawn at random.
func syntheticImages(count: Int, seed: UInt64) -> LabeledImages {
    var rng = SeededGenerator(seed: seed, stream: 0xDA7A)
    var pixels: [UInt8] = []
    var labels: [UInt8] = []
    pixels.reserveCapacity(count * 16)
    for _ in 0..<count {
        let label = rng.nextInt(below: 3)
        labels.append(UInt8(label))
        for p in 0..<16 {
            let row = p / 4, column = p % 4
            let bright = switch label {
            case 0: row < 2 && column < 2
            case 1: row < 2 && column >= 2
            default: row >= 2
            }
            pixels.append(UInt8(bright ? 150 + rng.nextInt(below: 106) : rng.nextInt(below: 90)))
        }
    }
    return LabeledImages(pixels: pixels, labels: labels, rows: 4, columns: 4)
}

/// `count` 28×28 images of three classes, zero around a class-dependent
/// shape and in about a third of it, as sparse as Fashion-MNIST's: the first
/// layer's products skip zeros, split among threads, as in the default run.
func imageLikeSet(count: Int, seed: UInt64) -> LabeledImages {
    var rng = SeededGenerator(seed: seed, stream: 0x1A6E)
    var pixels: [UInt8] = []
    var labels: [UInt8] = []
    for _ in 0..<count {
        let label = rng.nextInt(below: 3)
        labels.append(UInt8(label))
        for p in 0..<784 {
            let row = p / 28, column = p % 28
            let inside = switch label {
            case 0: row > 4 && row < 24 && column > 8 && column < 20
            case 1: row > 2 && row < 26 && column > 3 && column < 25 && (column < 10 || column > 17)
            default: row > 10 && row < 20 && column > 2 && column < 26
            }
            pixels.append(inside && rng.nextInt(below: 3) > 0 ? UInt8(1 + rng.nextInt(below: 255)) : 0)
        }
    }
    return LabeledImages(pixels: pixels, labels: labels, rows: 28, columns: 28)
}

let tinyModel = MLP(MLPArchitecture(inputSize: 16, hiddenSizes: [8], classCount: 3))

/// Everything a run reports, in order.
final class EventLog {
    var events: [TrainingEvent] = []
    /// Whether subnormals were flushed at every event (the trainer must run its
    /// kernels in that mode).
    var flushedAtEveryEvent = true

    func record(_ event: TrainingEvent) {
        events.append(event)
        if !Kernels.flushesToZero { flushedAtEveryEvent = false }
    }

    var steps: [(epoch: Int, step: Int, steps: Int, loss: Double, accuracy: Double)] {
        events.compactMap {
            if case let .stepEnded(epoch, step, steps, loss, accuracy, _) = $0 { (epoch, step, steps, loss, accuracy) } else { nil }
        }
    }

    var epochs: [EpochRecord] {
        events.compactMap { if case let .epochEnded(record) = $0 { record } else { nil } }
    }

    var divergences: [Divergence] {
        events.compactMap { if case let .diverged(d) = $0 { d } else { nil } }
    }
}

/// The training loop written out by hand from Keras's definition, with the
/// model's passes and the optimizer, to check the ``Trainer`` against: every
/// epoch visits `Trainer.order(epoch:count:)` in consecutive batches of
/// `batchSize` (the last one partial), each batch's mean loss is weighted by
/// its size in the epoch's loss, and the update follows each batch. Pixels
/// are scaled here with `Float(Double(v) / 255)`, not with the kernel.
struct HandTraining {
    /// Per epoch, the mean loss of each batch (before its update) and its size.
    var batches: [[(meanLoss: Double, size: Int, correct: Int)]] = []
    var parameters: [Float]

    init(trainer: Trainer, optimizer: any GradientOptimizer, initial: [Float], on data: LabeledImages,
         order: ((Int) -> [Int32])? = nil) {
        let model = trainer.model as! MLP
        let batchSize = trainer.configuration.batchSize
        var parameters = initial
        var gradients = [Float](repeating: 0, count: model.parameterCount)
        var state = optimizer.makeState(parameterCount: model.parameterCount)
        let workspace = MLPWorkspace(model: model, capacity: min(batchSize, data.count))
        var batches: [[(meanLoss: Double, size: Int, correct: Int)]] = []
        Kernels.withFlushToZero {
            for epoch in 1...max(1, trainer.configuration.epochs) where trainer.configuration.epochs > 0 {
                let order = order?(epoch) ?? trainer.order(epoch: epoch, count: data.count)
                var epochBatches: [(meanLoss: Double, size: Int, correct: Int)] = []
                var start = 0
                while start < data.count {
                    let size = min(batchSize, data.count - start)
                    for r in 0..<size {
                        let index = Int(order[start + r])
                        workspace.labels[r] = data.labels[index]
                        for q in 0..<model.inputSize {
                            workspace.input[r * model.inputSize + q] = Float(Double(data.pixels[index * model.inputSize + q]) / 255)
                        }
                    }
                    let totals = parameters.withUnsafeBufferPointer { p in
                        gradients.withUnsafeMutableBufferPointer { g in
                            model.lossAndGradient(parameters: p.baseAddress!, gradients: g.baseAddress!,
                                                  batch: size, workspace: workspace)
                        }
                    }
                    optimizer.update(parameters: &parameters, gradients: gradients, state: &state)
                    epochBatches.append((totals.lossSum / Double(size), size, totals.correct))
                    start += size
                }
                batches.append(epochBatches)
            }
        }
        self.batches = batches
        self.parameters = parameters
    }

    /// Keras's epoch loss: `Σ_b meanLoss_b · size_b / n`.
    func epochLoss(_ epoch: Int) -> Double {
        let b = batches[epoch - 1]
        return b.reduce(0) { $0 + $1.meanLoss * Double($1.size) } / Double(b.reduce(0) { $0 + $1.size })
    }

    func epochAccuracy(_ epoch: Int) -> Double {
        let b = batches[epoch - 1]
        return Double(b.reduce(0) { $0 + $1.correct }) / Double(b.reduce(0) { $0 + $1.size })
    }
}

extension Array where Element == Float {
    var bits: [UInt32] { map(\.bitPattern) }
}
