/// Optimizers by name: each name maps to a factory that builds the optimizer
/// from hyperparameters given as text (``HyperparameterReader``), with its
/// defaults and the ranges it accepts. ``standard`` holds the built-in rules;
/// a library user adds their own with ``register(_:factory:)``.
///
/// ```swift
/// var registry = OptimizerRegistry.standard
/// // w ← w − η·sign(g), as a registered optimizer (`SignDescent` is the
/// // user's own GradientOptimizer).
/// try registry.register("signsgd") { hyperparameters in
///     SignDescent(learningRate: try hyperparameters.learningRate(default: 0.001))
/// }
/// let optimizer = try registry.make("signsgd", settings: [.init(key: "lr", value: "0.01")])
/// ```
///
/// Errors are ``OptimizerError``s: an unknown name (with the known ones),
/// a hyperparameter the optimizer does not have (with those it has), or a
/// value out of its range.
public struct OptimizerRegistry: Sendable {
    /// Builds an optimizer, reading each hyperparameter it has from the reader.
    public typealias Factory = @Sendable (inout HyperparameterReader) throws(OptimizerError) -> any GradientOptimizer

    private var factories: [String: Factory] = [:]
    /// The registered names, in the order they were registered.
    public private(set) var names: [String] = []

    /// An empty registry.
    public init() {}

    /// The built-in rules with Keras's defaults: `sgd`, `momentum`
    /// (`sgd` with momentum 0.9), `nesterov` (the same, Nesterov's form),
    /// `rmsprop`, `adam`.
    public static let standard: OptimizerRegistry = {
        var registry = OptimizerRegistry()
        func sgd(_ preset: SGD) -> Factory {
            { (values: inout HyperparameterReader) throws(OptimizerError) -> any GradientOptimizer in
                SGD(learningRate: try values.learningRate(default: preset.learningRate),
                    momentum: try values.fraction("momentum", default: preset.momentum),
                    nesterov: try values.flag("nesterov", default: preset.nesterov))
            }
        }
        try! registry.register("sgd", factory: sgd(SGD()))
        try! registry.register("momentum", factory: sgd(SGD(momentum: 0.9)))
        try! registry.register("nesterov", factory: sgd(SGD(momentum: 0.9, nesterov: true)))
        try! registry.register("rmsprop") { (values: inout HyperparameterReader) throws(OptimizerError) in
            let defaults = RMSprop()
            return RMSprop(learningRate: try values.learningRate(default: defaults.learningRate),
                           rho: try values.fraction("rho", default: defaults.rho),
                           momentum: try values.fraction("momentum", default: defaults.momentum),
                           epsilon: try values.positive("epsilon", default: defaults.epsilon),
                           centered: try values.flag("centered", default: defaults.centered))
        }
        try! registry.register("adam") { (values: inout HyperparameterReader) throws(OptimizerError) in
            let defaults = Adam()
            return Adam(learningRate: try values.learningRate(default: defaults.learningRate),
                        beta1: try values.fraction("beta_1", default: defaults.beta1),
                        beta2: try values.fraction("beta_2", default: defaults.beta2),
                        epsilon: try values.positive("epsilon", default: defaults.epsilon),
                        amsgrad: try values.flag("amsgrad", default: defaults.amsgrad))
        }
        return registry
    }()

    /// Whether `name` (in any case) is registered.
    public func contains(_ name: String) -> Bool { factories[name.lowercased()] != nil }

    /// Registers `factory` under `name` (matched without regard to case).
    /// Throws ``OptimizerError/alreadyRegistered(_:)`` when the name is taken.
    public mutating func register(_ name: String, factory: @escaping Factory) throws(OptimizerError) {
        let key = name.lowercased()
        guard factories[key] == nil else { throw .alreadyRegistered(key) }
        factories[key] = factory
        names.append(key)
    }

    /// The optimizer `name` with `settings` applied over its defaults.
    /// `defaultLearningRate` replaces the default rate (a rate in `settings`
    /// wins). Every setting must be a hyperparameter the optimizer reads.
    public func make(_ name: String, settings: [HyperparameterReader.Setting] = [],
                     defaultLearningRate: Float? = nil) throws(OptimizerError) -> any GradientOptimizer {
        let key = name.lowercased()
        guard let factory = factories[key] else { throw .unknownOptimizer(key, known: names) }
        var reader = HyperparameterReader(optimizer: key, settings: settings, defaultLearningRate: defaultLearningRate)
        let optimizer = try factory(&reader)
        if let unused = reader.unusedKeys.first {
            throw .unknownHyperparameter(optimizer: key, name: unused, known: optimizer.hyperparameters.map(\.name))
        }
        return optimizer
    }
}
