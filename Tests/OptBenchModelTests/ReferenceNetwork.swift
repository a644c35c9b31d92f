import Foundation
import OptBenchKernels
import OptBenchModel

/// A plain forward pass in `Double`, written from the definition of the
/// network (`A_l = ReLU(A_{l−1}·W_l + b_l)`, logits `Z = A·W + b`, mean sparse
/// cross-entropy), independent of the kernels. `W_l[i, j]` is at
/// `weightOffset + i·outputs + j`.
struct ReferenceNetwork {
    let model: MLP

    struct Output {
        /// `batch × classCount` logits.
        var logits: [Double]
        /// Mean cross-entropy over the batch.
        var meanLoss: Double
        /// The sign of every hidden pre-activation (`> 0`), to detect when a
        /// finite difference crosses a ReLU kink.
        var pattern: [Bool]
        /// The smallest `|pre-activation|` over every hidden unit and sample.
        var smallestPreActivation: Double
    }

    func forward(parameters: [Double], inputs: [Double], labels: [UInt8], batch: Int) -> Output {
        var activations = inputs
        var pattern: [Bool] = []
        var smallest = Double.infinity
        for (l, layer) in model.layers.enumerated() {
            var next = [Double](repeating: 0, count: batch * layer.outputs)
            for r in 0..<batch {
                for j in 0..<layer.outputs {
                    var z = parameters[layer.biasOffset + j]
                    for i in 0..<layer.inputs {
                        z += activations[r * layer.inputs + i] * parameters[layer.weightOffset + i * layer.outputs + j]
                    }
                    if l < model.layers.count - 1 {
                        pattern.append(z > 0)
                        smallest = min(smallest, abs(z))
                        z = max(0, z)
                    }
                    next[r * layer.outputs + j] = z
                }
            }
            activations = next
        }
        let n = model.classCount
        var loss = 0.0
        for r in 0..<batch {
            let row = activations[(r * n)..<((r + 1) * n)]
            let maximum = row.max()!
            let logSum = Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - maximum) }) + maximum
            loss += logSum - activations[r * n + Int(labels[r])]
        }
        return Output(logits: activations, meanLoss: loss / Double(batch), pattern: pattern,
                      smallestPreActivation: smallest)
    }
}

/// A batch of random inputs in `[0, 1)` and labels, and parameters with
/// Glorot weights and small random biases (non-zero, so that the bias paths
/// are exercised).
struct GradientProblem {
    let model: MLP
    let batch: Int
    let inputs: [Float]
    let labels: [UInt8]
    let parameters: [Float]

    /// With `sparseInputs`, inputs look like images: every third feature and
    /// about half of the others are 0, so that the first layer skips zeros.
    init(model: MLP, batch: Int, seed: UInt64, sparseInputs: Bool = false) {
        self.model = model
        self.batch = batch
        var rng = SeededGenerator(seed: seed, stream: 99)
        inputs = (0..<(batch * model.inputSize)).map { q in
            let x = rng.nextUnitFloat()
            guard sparseInputs else { return x }
            return (q % model.inputSize) % 3 == 0 || rng.nextUnitFloat() < 0.5 ? 0 : x
        }
        labels = (0..<batch).map { _ in UInt8(rng.nextInt(below: model.classCount)) }
        var parameters = model.initialParameters(seed: seed)
        for layer in model.layers {
            for j in 0..<layer.outputs { parameters[layer.biasOffset + j] = 0.2 * rng.nextUnitFloat() - 0.1 }
        }
        self.parameters = parameters
    }

    /// A workspace holding this batch's inputs and labels.
    func workspace(capacity: Int? = nil) -> MLPWorkspace {
        let workspace = MLPWorkspace(model: model, capacity: capacity ?? batch)
        for q in 0..<inputs.count { workspace.input[q] = inputs[q] }
        for r in 0..<batch { workspace.labels[r] = labels[r] }
        return workspace
    }

    /// The gradient from ``MLP/lossAndGradient``, on a buffer pre-filled with
    /// NaN so that an element the pass forgets to write shows up.
    func gradient(workspace: MLPWorkspace? = nil) -> (gradient: [Float], totals: CrossEntropyTotals) {
        let workspace = workspace ?? self.workspace()
        var gradient = [Float](repeating: .nan, count: model.parameterCount)
        let totals = parameters.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                model.lossAndGradient(parameters: p.baseAddress!, gradients: g.baseAddress!,
                                      batch: batch, workspace: workspace)
            }
        }
        return (gradient, totals)
    }

    var reference: ReferenceNetwork { ReferenceNetwork(model: model) }

    func referenceForward(parameters: [Double]? = nil) -> ReferenceNetwork.Output {
        reference.forward(parameters: parameters ?? self.parameters.map(Double.init),
                          inputs: inputs.map(Double.init), labels: labels, batch: batch)
    }
}
