import OptBenchData
import OptBenchKernels
import OptBenchModel

/// The network's outputs on a labelled set: mean loss, accuracy, and per
/// sample the predicted class and the softmax probabilities.
public struct ModelOutputs: Sendable {
    /// Mean cross-entropy over the samples.
    public var loss: Double
    /// Fraction of samples whose predicted class is the true one.
    public var accuracy: Double
    /// Predicted class (argmax of the softmax) per sample.
    public var predictions: [Int]
    /// Softmax probabilities, `count × classCount`, row-major (empty unless requested).
    public var probabilities: [Float]
}

extension MLP {
    /// Runs the network over `data` in batches of `batchSize`, in order.
    ///
    /// - Parameters:
    ///   - keepProbabilities: also return every sample's probabilities.
    ///   - grouping: ``SampleGrouping`` keys of `data`'s images, so that the
    ///     first layer skips more zeros; the outputs are the same to the bit.
    public func outputs(parameters: [Float], on data: LabeledImages, batchSize: Int = 256,
                        keepProbabilities: Bool = false, workspace: MLPWorkspace? = nil,
                        grouping: SampleGrouping? = nil) -> ModelOutputs {
        precondition(data.featureCount == inputSize, "the data's images do not match the model's input size")
        let batchSize = min(batchSize, max(1, workspace?.capacity ?? batchSize))
        let workspace = workspace ?? MLPWorkspace(model: self, capacity: batchSize)
        var predictions = [Int](repeating: 0, count: data.count)
        var probabilities = [Float](repeating: 0, count: keepProbabilities ? data.count * classCount : 0)
        var lossSum = 0.0
        var correct = 0
        var indices = [Int32](repeating: 0, count: batchSize)
        parameters.withUnsafeBufferPointer { p in
            data.pixels.withUnsafeBufferPointer { pixels in
                var start = 0
                while start < data.count {
                    let batch = min(batchSize, data.count - start)
                    for r in 0..<batch {
                        indices[r] = Int32(start + r)
                        workspace.labels[r] = data.labels[start + r]
                    }
                    let totals = indices.withUnsafeBufferPointer { idx in
                        evaluate(images: pixels.baseAddress!, indices: UnsafeBufferPointer(rebasing: idx[0..<batch]),
                                 parameters: p.baseAddress!, workspace: workspace, grouping: grouping)
                    }
                    lossSum += totals.lossSum
                    correct += totals.correct
                    for r in 0..<batch { predictions[start + r] = Int(workspace.predictions[r]) }
                    if keepProbabilities {
                        for q in 0..<(batch * classCount) {
                            probabilities[start * classCount + q] = workspace.probabilities[q]
                        }
                    }
                    start += batch
                }
            }
        }
        let n = Double(max(data.count, 1))
        return ModelOutputs(loss: lossSum / n, accuracy: Double(correct) / n,
                            predictions: predictions, probabilities: probabilities)
    }
}

extension Model {
    /// Runs the model over `data` in batches of `batchSize`, in order, through
    /// its ``Model`` requirements (each batch's images scaled to `v / 255`).
    ///
    /// - Parameters:
    ///   - keepProbabilities: also return every sample's probabilities.
    ///   - threads: the threads each batch runs on; the results do not depend
    ///     on them.
    public func outputs(of parameters: [Float], on data: LabeledImages, batchSize: Int = 256,
                        keepProbabilities: Bool = false, threads: KernelThreads = .shared) -> ModelOutputs {
        precondition(data.featureCount == inputSize, "the data's images do not match the model's input size")
        precondition(parameters.count == parameterCount, "the parameter vector holds \(parameterCount) values")
        let batchSize = max(1, min(batchSize, data.count))
        let workspace = makeWorkspace(capacity: batchSize)
        var predictions = [Int](repeating: 0, count: data.count)
        var probabilities = [Float](repeating: 0, count: keepProbabilities ? data.count * classCount : 0)
        var batchProbabilities = [Float](repeating: 0, count: batchSize * classCount)
        var batchPredictions = [Int32](repeating: 0, count: batchSize)
        var inputs = [Float](repeating: 0, count: batchSize * inputSize)
        var indices = [Int32](repeating: 0, count: batchSize)
        var lossSum = 0.0
        var correct = 0
        var start = 0
        while start < data.count {
            let batch = min(batchSize, data.count - start)
            for r in 0..<batch { indices[r] = Int32(start + r) }
            let totals = data.pixels.withUnsafeBufferPointer { pixels in
                indices.withUnsafeBufferPointer { idx in
                    inputs.withUnsafeMutableBufferPointer { x in
                        Kernels.gatherScaledRows(from: pixels.baseAddress!, width: inputSize,
                                                 indices: UnsafeBufferPointer(rebasing: idx[0..<batch]),
                                                 into: x.baseAddress!)
                        return parameters.withUnsafeBufferPointer { p in
                            batchProbabilities.withUnsafeMutableBufferPointer { q in
                                batchPredictions.withUnsafeMutableBufferPointer { c in
                                    data.labels.withUnsafeBufferPointer { y in
                                        outputs(inputs: x.baseAddress!, labels: y.baseAddress! + start, batch: batch,
                                                parameters: p.baseAddress!, probabilities: q.baseAddress!,
                                                predictions: c.baseAddress!, workspace: workspace, threads: threads)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            lossSum += totals.lossSum
            correct += totals.correct
            for r in 0..<batch { predictions[start + r] = Int(batchPredictions[r]) }
            if keepProbabilities {
                for q in 0..<(batch * classCount) { probabilities[start * classCount + q] = batchProbabilities[q] }
            }
            start += batch
        }
        let n = Double(max(data.count, 1))
        return ModelOutputs(loss: lossSum / n, accuracy: Double(correct) / n,
                            predictions: predictions, probabilities: probabilities)
    }
}

extension SampleGrouping {
    /// The keys of a set of images.
    public init(_ images: LabeledImages) {
        self = images.pixels.withUnsafeBufferPointer {
            guard let pixels = $0.baseAddress else { return SampleGrouping(keys: []) }
            return SampleGrouping(images: pixels, count: images.count, rows: images.rows, columns: images.columns)
        }
    }
}
