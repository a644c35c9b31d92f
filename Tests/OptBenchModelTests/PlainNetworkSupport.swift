import Foundation
import OptBenchKernels
import OptBenchModel

/// The mean cross-entropy of a dense network with any hidden activation,
/// in `Double`, from the definition (`A_l = act(A_{l−1}·W_l + b_l)`, logits
/// `Z = A·W + b`), independent of the kernels: the finite differences'
/// reference.
func doubleMeanLoss(layers: [DenseLayerLayout], parameters: [Double], inputs: [Double], labels: [UInt8],
                    batch: Int) -> Double {
    var activations = inputs
    for layer in layers {
        var next = [Double](repeating: 0, count: batch * layer.outputs)
        for r in 0..<batch {
            for j in 0..<layer.outputs {
                var z = parameters[layer.biasOffset + j]
                for i in 0..<layer.inputs {
                    z += activations[r * layer.inputs + i] * parameters[layer.weightOffset + i * layer.outputs + j]
                }
                next[r * layer.outputs + j] = layer.activation.value(z)
            }
        }
        activations = next
    }
    let n = layers.last!.outputs
    var loss = 0.0
    for r in 0..<batch {
        let row = activations[(r * n)..<((r + 1) * n)]
        let maximum = row.max()!
        loss += Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - maximum) }) + maximum
            - activations[r * n + Int(labels[r])]
    }
    return loss / Double(batch)
}

/// Random inputs in `[0, 1)` (about a third of them 0, as in images), labels,
/// and Glorot weights with small random biases.
struct PlainProblem {
    let network: DenseNetwork
    let batch: Int
    let inputs: [Float]
    let labels: [UInt8]
    let parameters: [Float]

    init(_ architecture: MLPArchitecture, batch: Int, seed: UInt64) {
        network = DenseNetwork(architecture)
        self.batch = batch
        var rng = SeededGenerator(seed: seed, stream: 77)
        inputs = (0..<(batch * architecture.inputSize)).map { _ in
            let x = rng.nextUnitFloat()
            return rng.nextUnitFloat() < 0.33 ? 0 : x
        }
        labels = (0..<batch).map { _ in UInt8(rng.nextInt(below: architecture.classCount)) }
        var parameters = network.initialParameters(seed: seed)
        for layer in network.layers {
            for j in 0..<layer.outputs { parameters[layer.biasOffset + j] = (rng.nextUnitFloat() - 0.5) * 0.2 }
        }
        self.parameters = parameters
    }

    /// The plain path's loss sum, correct count and gradient on `threads`.
    func gradient(threads: KernelThreads = .shared) throws -> (totals: CrossEntropyTotals, gradient: [Float]) {
        var gradient = [Float](repeating: .nan, count: network.parameterCount)
        let workspace = network.makeWorkspace(capacity: batch)
        let totals = try network.lossAndGradient(inputs: inputs, labels: labels, batch: batch, parameters: parameters,
                                             gradients: &gradient, workspace: workspace, threads: threads)
        return (totals, gradient)
    }
}

/// Pools of several sizes, made once (pools live as long as the process).
enum TestPools {
    static let one = KernelThreads(threadCount: 1)
    static let two = KernelThreads(threadCount: 2)
    static let three = KernelThreads(threadCount: 3)
}
