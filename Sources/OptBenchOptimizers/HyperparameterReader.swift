/// Hyperparameters given as text (`key=value`, as a command line or a
/// configuration file spells them), read and range-checked one by one by an
/// ``OptimizerRegistry`` factory, which remembers the keys it read so that
/// the registry can reject the others.
///
/// Keys are Keras's argument names; `lr` is read as `learning_rate`.
/// Numbers are parsed as `Double` and must be finite as `Float`: `1e-3`,
/// `0.9`; flags are `true`/`false` (also `1`/`0`, `yes`/`no`).
public struct HyperparameterReader: Sendable {
    /// One `key=value` setting.
    public struct Setting: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The optimizer's name, for error messages.
    public let optimizer: String
    /// The settings, keys normalised (`lr` → `learning_rate`).
    public let settings: [Setting]
    /// Replaces the factory's default learning rate when the settings do not
    /// set one (a run-wide rate, such as `optbench --learning-rate`).
    public let defaultLearningRate: Float?
    private var used: Set<String> = []

    /// `lr` for `learning_rate`.
    public static let aliases = ["lr": "learning_rate"]

    public init(optimizer: String, settings: [Setting], defaultLearningRate: Float? = nil) {
        self.optimizer = optimizer
        self.settings = settings.map { Setting(key: Self.aliases[$0.key] ?? $0.key, value: $0.value) }
        self.defaultLearningRate = defaultLearningRate
    }

    /// The keys no read asked for, in the order given.
    public var unusedKeys: [String] { settings.map(\.key).filter { !used.contains($0) } }

    private mutating func text(_ key: String) -> String? {
        guard let setting = settings.first(where: { $0.key == key }) else { return nil }
        used.insert(key)
        return setting.value
    }

    private func invalid(_ key: String, _ value: String, _ requirement: String) -> OptimizerError {
        .invalidValue(optimizer: optimizer, name: key, value: value, requirement: requirement)
    }

    /// The value of `key` as a finite `Float`, or nil when it is not set.
    public mutating func number(_ key: String) throws(OptimizerError) -> Float? {
        guard let value = text(key) else { return nil }
        guard let x = Double(value), x.isFinite, Float(x).isFinite else {
            throw invalid(key, value, "is not a finite number")
        }
        return Float(x)
    }

    /// `learning_rate`: finite and > 0; without a setting,
    /// ``defaultLearningRate`` or else `value`.
    public mutating func learningRate(default value: Float) throws(OptimizerError) -> Float {
        try number("learning_rate", default: defaultLearningRate ?? value, requirement: "must be > 0") { $0 > 0 }
    }

    /// A decay or momentum factor in [0, 1).
    public mutating func fraction(_ key: String, default value: Float) throws(OptimizerError) -> Float {
        try number(key, default: value, requirement: "must be in [0, 1)") { $0 >= 0 && $0 < 1 }
    }

    /// A strictly positive constant such as `epsilon`.
    public mutating func positive(_ key: String, default value: Float) throws(OptimizerError) -> Float {
        try number(key, default: value, requirement: "must be > 0") { $0 > 0 }
    }

    /// A number that `accepts`, or `value` when `key` is not set; `requirement`
    /// says what is accepted (`"must be ≥ 0"`), for the error.
    public mutating func number(_ key: String, default value: Float, requirement: String,
                                accepts: (Float) -> Bool) throws(OptimizerError) -> Float {
        guard let x = try number(key) else { return value }
        guard accepts(x) else { throw invalid(key, settings.first { $0.key == key }!.value, requirement) }
        return x
    }

    /// `true` or `false` (also `1`/`0`, `yes`/`no`).
    public mutating func flag(_ key: String, default value: Bool) throws(OptimizerError) -> Bool {
        guard let text = text(key) else { return value }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw invalid(key, text, "must be true or false")
        }
    }
}
