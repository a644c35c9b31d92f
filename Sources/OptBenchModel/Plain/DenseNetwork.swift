import OptBenchKernels

/// The plain path: a multilayer perceptron with any layer sizes and any
/// hidden ``Activation``, passed forward and backward layer by layer
/// (``DenseLayer``) over views of one flat parameter vector.
///
/// It is written to be obviously right, for every configuration and thread
/// count, and is what the tests hold the tuned ``MLP`` passes against. The
/// layout of the parameters (and their initial values for a seed) is
/// ``MLP``'s: `W_l` is `(in, out)` row-major at `weightOffset`, `b_l` follows.
///
///     z_l = A_{l−1}·W_l + b_l      A_l = act(z_l)      (A_{−1} = x)
///     loss = Σ_rows −log softmax(z_{L−1})[label]
///
/// and backward, with `δ_l = ∂(mean loss)/∂z_l`:
///
///     δ_{L−1} = (softmax(z_{L−1}) − onehot(label)) / B
///     ∂W_l = A_{l−1}ᵀ·δ_l     ∂b_l = Σ_rows δ_l     δ_{l−1} = (δ_l·W_lᵀ) ⊙ act′(z_{l−1})
public struct DenseNetwork: Model, Equatable {
    public let architecture: MLPArchitecture
    /// The dense layers in order, with their places in the parameter vector.
    public let layers: [DenseLayerLayout]
    public let parameterCount: Int

    public init(_ architecture: MLPArchitecture) {
        let layout = MLP(architecture)
        self.architecture = architecture
        self.layers = layout.layers
        self.parameterCount = layout.parameterCount
    }

    public var inputSize: Int { architecture.inputSize }
    public var classCount: Int { architecture.classCount }

    /// ``MLP/initialParameters(seed:)``: Glorot-uniform weights, zero biases.
    public func initialParameters(seed: UInt64) -> [Float] {
        MLP(architecture).initialParameters(seed: seed)
    }

    public func makeWorkspace(capacity: Int) -> DenseNetworkWorkspace {
        DenseNetworkWorkspace(layers: layers, capacity: capacity)
    }

    /// Every layer's forward pass over the first `batch` rows of `inputs`;
    /// the logits are left in the workspace's last pre-activations.
    func forward(inputs: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>,
                 workspace: DenseNetworkWorkspace, threads: KernelThreads) {
        precondition(batch > 0 && batch <= workspace.capacity, "batch \(batch) is not within 1...\(workspace.capacity)")
        var x = inputs
        for (l, layer) in layers.enumerated() {
            DenseLayer.forward(x: x, weights: parameters + layer.weightOffset, bias: parameters + layer.biasOffset,
                               preActivation: workspace.preActivations[l], output: workspace.activations[l],
                               batch: batch, inputs: layer.inputs, outputs: layer.outputs,
                               activation: layer.activation, threads: threads)
            x = UnsafePointer(workspace.activations[l])
        }
    }

    public func lossAndGradient(inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int,
                                parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                                workspace: DenseNetworkWorkspace, threads: KernelThreads) -> CrossEntropyTotals {
        forward(inputs: inputs, batch: batch, parameters: parameters, workspace: workspace, threads: threads)
        let last = layers.count - 1
        let totals = Kernels.softmaxCrossEntropy(m: batch, n: classCount, logits: workspace.preActivations[last],
                                                 ldz: classCount, labels: labels, gradient: workspace.gradients[last])
        for l in stride(from: last, through: 0, by: -1) {
            let layer = layers[l]
            let x = l == 0 ? inputs : UnsafePointer(workspace.activations[l - 1])
            DenseLayer.backward(x: x, weights: parameters + layer.weightOffset,
                                outputGradient: workspace.gradients[l],
                                weightGradient: gradients + layer.weightOffset,
                                biasGradient: gradients + layer.biasOffset,
                                inputGradient: l == 0 ? nil : workspace.gradients[l - 1],
                                scratch: workspace.transposed, batch: batch, inputs: layer.inputs,
                                outputs: layer.outputs, threads: threads)
            if l > 0 {
                DenseLayer.activationBackward(gradient: workspace.gradients[l - 1],
                                              preActivation: workspace.preActivations[l - 1],
                                              output: workspace.activations[l - 1],
                                              count: batch * layers[l - 1].outputs,
                                              activation: layers[l - 1].activation)
            }
        }
        return totals
    }

    public func outputs(inputs: UnsafePointer<Float>, labels: UnsafePointer<UInt8>, batch: Int,
                        parameters: UnsafePointer<Float>, probabilities: UnsafeMutablePointer<Float>?,
                        predictions: UnsafeMutablePointer<Int32>?, workspace: DenseNetworkWorkspace,
                        threads: KernelThreads) -> CrossEntropyTotals {
        forward(inputs: inputs, batch: batch, parameters: parameters, workspace: workspace, threads: threads)
        return Kernels.softmaxCrossEntropy(m: batch, n: classCount, logits: workspace.preActivations[layers.count - 1],
                                           ldz: classCount, labels: labels, probabilities: probabilities,
                                           predictions: predictions)
    }
}
