import OptBenchData
import OptBenchModel

/// Everything that defines an experiment; every command-line option lands here,
/// and `results.json` records it whole so that a run can be repeated.
///
/// The defaults are the reference study: Fashion-MNIST, the first 5,000
/// training images for validation, an MLP 784-300-100-10, batches of 32,
/// 30 epochs, and SGD, momentum, RMSprop and Adam with Keras's defaults.
public struct ExperimentConfiguration: Sendable, Codable, Equatable {
    /// `fashion-mnist` or `mnist`.
    public var dataset: String
    /// The `--data-dir` option, if given.
    public var dataDirectory: String?
    public var epochs: Int
    public var batchSize: Int
    /// Seeds the initial weights (the same for every optimizer) and the shuffles.
    public var seed: UInt64
    /// Widths of the hidden layers.
    public var hiddenSizes: [Int]
    /// The hidden layers' activation (`--activation`; ReLU in the reference
    /// study). The output layer's is always the softmax.
    public var activation: Activation
    /// The first `validationSize` training images are the validation set.
    public var validationSize: Int
    /// Use only the first `trainSize` of the remaining training images (all when `nil`).
    public var trainSize: Int?
    /// One learning rate for every optimizer that does not set its own.
    public var learningRate: Double?
    /// The optimizers to run, in order.
    public var optimizers: [OptimizerSpec]
    /// Label the classification reports' rows by class name instead of index.
    public var reportClassNames: Bool
    /// Decimal places in the classification reports.
    public var reportDigits: Int

    public init(
        dataset: String = DatasetKind.fashionMNIST.name, dataDirectory: String? = nil,
        epochs: Int = 30, batchSize: Int = 32, seed: UInt64 = 42,
        hiddenSizes: [Int] = [300, 100], activation: Activation = .relu, validationSize: Int = 5000, trainSize: Int? = nil,
        learningRate: Double? = nil,
        optimizers: [OptimizerSpec] = OptimizerSpec.knownNames.filter { $0 != "nesterov" }.map { OptimizerSpec(name: $0) },
        reportClassNames: Bool = false, reportDigits: Int = 2
    ) {
        self.dataset = dataset
        self.dataDirectory = dataDirectory
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.hiddenSizes = hiddenSizes
        self.activation = activation
        self.validationSize = validationSize
        self.trainSize = trainSize
        self.learningRate = learningRate
        self.optimizers = optimizers
        self.reportClassNames = reportClassNames
        self.reportDigits = reportDigits
    }

    /// The dataset this configuration names.
    public var datasetKind: DatasetKind? { DatasetKind(rawValue: dataset) }

    /// Checks every value that can be checked before the data is loaded.
    public func validate() throws(ExperimentError) {
        guard datasetKind != nil else {
            throw .invalidOption("--dataset", "unknown dataset '\(dataset)' (known: \(DatasetKind.allCases.map(\.name).joined(separator: ", ")))")
        }
        guard epochs > 0 else { throw .invalidOption("--epochs", "must be at least 1, got \(epochs)") }
        guard batchSize > 0 else { throw .invalidOption("--batch-size", "must be at least 1, got \(batchSize)") }
        if let zero = hiddenSizes.first(where: { $0 <= 0 }) {
            throw .invalidOption("--hidden", "every hidden layer needs at least 1 unit, got \(zero)")
        }
        guard activation != .softmax else {
            throw .invalidOption("--activation", Self.activationError("softmax"))
        }
        guard validationSize >= 0 else { throw .invalidOption("--validation-size", "must be ≥ 0, got \(validationSize)") }
        if let trainSize, trainSize <= 0 { throw .invalidOption("--train-size", "must be at least 1, got \(trainSize)") }
        if let learningRate, !(learningRate.isFinite && learningRate > 0 && Float(learningRate).isFinite && Float(learningRate) > 0) {
            throw .invalidOption("--learning-rate", "must be a finite number > 0, got \(learningRate)")
        }
        guard (0...10).contains(reportDigits) else { throw .invalidOption("--digits", "must be between 0 and 10, got \(reportDigits)") }
        guard !optimizers.isEmpty else { throw .invalidOption("--optimizers", "no optimizer given") }
        for spec in optimizers { _ = try spec.make(learningRate: learningRate) }
    }

    /// Checks the values that depend on the dataset: the validation size
    /// against the training images, and the network's size (at most
    /// ``maximumParameterCount`` parameters) for `inputSize` features and
    /// `classCount` classes.
    public func validate(trainingCount: Int, inputSize: Int = 784, classCount: Int = 10) throws(ExperimentError) {
        guard validationSize < trainingCount else {
            throw .invalidOption("--validation-size", "must be smaller than the \(trainingCount) training images, got \(validationSize)")
        }
        guard let count = parameterCount(inputSize: inputSize, classCount: classCount), count <= Self.maximumParameterCount else {
            throw .invalidOption("--hidden", "\(hiddenSizes.map(String.init).joined(separator: ",")) makes a network of more than \(Self.maximumParameterCount) parameters")
        }
    }

    /// The largest network OptBench trains: each of the parameter, gradient and
    /// optimizer-state vectors stays under 1 GB.
    public static let maximumParameterCount = 250_000_000

    /// Weights and biases of the MLP for `inputSize` features and `classCount`
    /// classes, or `nil` if the count overflows.
    public func parameterCount(inputSize: Int, classCount: Int) -> Int? {
        let widths = [inputSize] + hiddenSizes + [classCount]
        var total = 0
        for l in 0..<(widths.count - 1) {
            let (weights, o1) = widths[l].multipliedReportingOverflow(by: widths[l + 1])
            let (layer, o2) = weights.addingReportingOverflow(widths[l + 1])
            let (sum, o3) = total.addingReportingOverflow(layer)
            if o1 || o2 || o3 { return nil }
            total = sum
        }
        return total
    }

    /// The hidden activation named `name` (Keras's spelling, as
    /// ``Activation``'s raw values), or an error that lists the known ones.
    public static func activation(named name: String) throws(ExperimentError) -> Activation {
        guard let activation = Activation(rawValue: name.lowercased()), activation != .softmax else {
            throw .invalidOption("--activation", activationError(name))
        }
        return activation
    }

    static func activationError(_ name: String) -> String {
        let known = Activation.hiddenCases.map(\.rawValue).joined(separator: ", ")
        return "unknown hidden activation '\(name)' (known: \(known))"
    }

    /// Decodes `results.json` written before the activation was recorded as ReLU.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try c.decode(String.self, forKey: .dataset)
        dataDirectory = try c.decodeIfPresent(String.self, forKey: .dataDirectory)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        seed = try c.decode(UInt64.self, forKey: .seed)
        hiddenSizes = try c.decode([Int].self, forKey: .hiddenSizes)
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation) ?? .relu
        validationSize = try c.decode(Int.self, forKey: .validationSize)
        trainSize = try c.decodeIfPresent(Int.self, forKey: .trainSize)
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate)
        optimizers = try c.decode([OptimizerSpec].self, forKey: .optimizers)
        reportClassNames = try c.decode(Bool.self, forKey: .reportClassNames)
        reportDigits = try c.decode(Int.self, forKey: .reportDigits)
    }

    enum CodingKeys: String, CodingKey {
        case dataset, epochs, seed, optimizers, activation
        case dataDirectory = "data_dir"
        case batchSize = "batch_size"
        case hiddenSizes = "hidden"
        case validationSize = "validation_size"
        case trainSize = "train_size"
        case learningRate = "learning_rate"
        case reportClassNames = "report_class_names"
        case reportDigits = "report_digits"
    }
}
