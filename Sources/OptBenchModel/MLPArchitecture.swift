/// The shape of a multilayer perceptron: inputs → hidden layers with one
/// activation → softmax.
///
/// The reference study's network is `MLPArchitecture(inputSize: 784,
/// hiddenSizes: [300, 100], classCount: 10)`: Flatten(784) → Dense(300, ReLU) →
/// Dense(100, ReLU) → Dense(10, softmax), 266,610 parameters.
public struct MLPArchitecture: Sendable, Codable, Equatable {
    /// Number of input features (28 × 28 = 784 for MNIST-like images).
    public var inputSize: Int
    /// Widths of the hidden layers, in order.
    public var hiddenSizes: [Int]
    /// Number of classes: the width of the softmax output layer.
    public var classCount: Int
    /// The activation of every hidden layer (ReLU unless said otherwise). The
    /// output layer's is always ``Activation/softmax``, applied inside the loss.
    public var hiddenActivation: Activation

    public init(inputSize: Int, hiddenSizes: [Int], classCount: Int, hiddenActivation: Activation = .relu) {
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
        self.classCount = classCount
        self.hiddenActivation = hiddenActivation
    }

    /// The widths of every layer including input and output: `[784, 300, 100, 10]`.
    public var layerWidths: [Int] { [inputSize] + hiddenSizes + [classCount] }

    enum CodingKeys: String, CodingKey {
        case inputSize, hiddenSizes, classCount, hiddenActivation
    }

    /// Decodes JSON written before the hidden activation was recorded as ReLU.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputSize = try container.decode(Int.self, forKey: .inputSize)
        hiddenSizes = try container.decode([Int].self, forKey: .hiddenSizes)
        classCount = try container.decode(Int.self, forKey: .classCount)
        hiddenActivation = try container.decodeIfPresent(Activation.self, forKey: .hiddenActivation) ?? .relu
    }
}

/// The activation that follows a dense layer, spelled as Keras's
/// `keras.activations` names it (`gelu_approximate` is Keras's
/// `gelu(x, approximate=True)`, which has no name of its own there).
///
/// Forward values and derivatives are in ``Activation/value(_:)`` and
/// ``Activation/derivative(preActivation:output:)``.
public enum Activation: String, Sendable, Codable, CaseIterable {
    /// `max(0, x)`; derivative `[x > 0]` (0 at the kink, as TensorFlow's).
    case relu
    /// `tanh(x)`; derivative `1 − tanh²(x)`.
    case tanh
    /// `σ(x) = 1 / (1 + e^(−x))`; derivative `σ(x)·(1 − σ(x))`.
    case sigmoid
    /// Keras's exact GELU: `x·Φ(x) = x·½·(1 + erf(x/√2))`.
    case gelu
    /// Keras's `gelu(approximate=True)`:
    /// `½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
    case geluApproximate = "gelu_approximate"
    /// The identity `x`: the network is then linear up to the softmax.
    case linear
    /// `exp(xⱼ) / Σₖ exp(xₖ)`; the network computes logits and applies the
    /// softmax inside the loss, where it is stable. Only the output layer's.
    case softmax

    /// The activations a hidden layer may have: every case but ``softmax``.
    public static var hiddenCases: [Activation] { allCases.filter { $0 != .softmax } }
}

/// Where one dense layer's weights and bias live in the flat parameter vector.
///
/// The kernel `W` is `inputs × outputs`, row-major (Keras's layout: `W[i, j]`
/// connects input `i` to unit `j`), at `weightOffset`; the bias `b` (`outputs`
/// values) follows it at `biasOffset`. The layer computes `act(x·W + b)`.
public struct DenseLayerLayout: Sendable, Codable, Equatable {
    public var inputs: Int
    public var outputs: Int
    public var activation: Activation
    public var weightOffset: Int
    public var biasOffset: Int

    /// `inputs · outputs + outputs`.
    public var parameterCount: Int { inputs * outputs + outputs }
}
