/// The shape of a multilayer perceptron: inputs → hidden ReLU layers → softmax.
///
/// The reference study's network is `MLPArchitecture(inputSize: 784,
/// hiddenSizes: [300, 100], classCount: 10)`: Flatten(784) → Dense(300, ReLU) →
/// Dense(100, ReLU) → Dense(10, softmax), 266,610 parameters.
public struct MLPArchitecture: Sendable, Codable, Equatable {
    /// Number of input features (28 × 28 = 784 for MNIST-like images).
    public var inputSize: Int
    /// Widths of the hidden ReLU layers, in order.
    public var hiddenSizes: [Int]
    /// Number of classes: the width of the softmax output layer.
    public var classCount: Int

    public init(inputSize: Int, hiddenSizes: [Int], classCount: Int) {
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
        self.classCount = classCount
    }

    /// The widths of every layer including input and output: `[784, 300, 100, 10]`.
    public var layerWidths: [Int] { [inputSize] + hiddenSizes + [classCount] }
}

/// The activation that follows a dense layer.
public enum Activation: String, Sendable, Codable {
    /// `max(0, x)`.
    case relu
    /// `exp(xⱼ) / Σₖ exp(xₖ)`; the network computes logits and applies the
    /// softmax inside the loss, where it is stable.
    case softmax
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
