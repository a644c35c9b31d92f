import OptBenchKernels

/// A multilayer perceptron whose weights and biases all live in one flat
/// parameter vector.
///
/// As a ``Model`` it runs the tuned passes when ``fastPathRefusal(threads:)``
/// finds nothing against them, and otherwise the plain path
/// (``DenseNetwork``), which gives the same results for any activation and
/// thread count.
///
/// The layers only record offsets into that vector (llm.c's
/// `malloc_and_point_parameters`), so an optimizer is a loop over one vector,
/// a population member is one vector, and gradients use the same layout.
///
/// ```swift
/// let mlp = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
/// var parameters = mlp.initialParameters(seed: 42)   // 266,610 floats
/// ```
public struct MLP: Sendable, Equatable {
    public let architecture: MLPArchitecture
    /// The dense layers in order, with their places in the parameter vector.
    public let layers: [DenseLayerLayout]
    /// Length of the parameter (and gradient) vector.
    public let parameterCount: Int

    public init(_ architecture: MLPArchitecture) {
        self.architecture = architecture
        let widths = architecture.layerWidths
        var layers: [DenseLayerLayout] = []
        var offset = 0
        for l in 0..<(widths.count - 1) {
            let inputs = widths[l], outputs = widths[l + 1]
            let last = l == widths.count - 2
            layers.append(DenseLayerLayout(inputs: inputs, outputs: outputs,
                                           activation: last ? .softmax : architecture.hiddenActivation,
                                           weightOffset: offset, biasOffset: offset + inputs * outputs))
            offset += inputs * outputs + outputs
        }
        self.layers = layers
        self.parameterCount = offset
    }

    public var inputSize: Int { architecture.inputSize }
    public var classCount: Int { architecture.classCount }

    /// Glorot-uniform weights and zero biases, as Keras's `Dense` defaults:
    /// each `W[i, j] ~ U[−L, L]` with `L = √(6 / (fan_in + fan_out))`.
    ///
    /// The draws come from ``SeededGenerator`` in layer order, row by row, so
    /// the same seed gives the same vector bit for bit.
    public func initialParameters(seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed, stream: 0x1A17)
        var parameters = [Float](repeating: 0, count: parameterCount)
        for layer in layers {
            let limit = Float((6.0 / Double(layer.inputs + layer.outputs)).squareRoot())
            for q in 0..<(layer.inputs * layer.outputs) {
                parameters[layer.weightOffset + q] = (2 * rng.nextUnitFloat() - 1) * limit
            }
        }
        return parameters
    }
}
