import OptBenchOptimizers

/// An optimizer as the user names it on the command line: a rule, optional
/// hyperparameter settings, and an optional label.
///
/// Syntax (one entry of `--optimizers`, entries separated by commas):
///
///     name                                  sgd, momentum, nesterov, rmsprop, adam
///     name(key=value, key=value)            adam(learning_rate=0.0005, beta_2=0.99)
///     label=name(key=value)                 slow-adam=adam(learning_rate=1e-4)
///
/// `momentum` is `sgd(momentum=0.9)` and `nesterov` is
/// `sgd(momentum=0.9, nesterov=true)`, the reference study's names. Keys are
/// Keras's argument names (`lr` is accepted for `learning_rate`). The label
/// names the run in every output and defaults to the entry's text without
/// spaces (`adam(beta_2=0.99)`), or the bare name when nothing is set.
public struct OptimizerSpec: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The name of the rule (`sgd`, `momentum`, `nesterov`, `rmsprop`, `adam`).
    public var name: String
    /// The settings given, in the order given, keys normalised (`lr` → `learning_rate`).
    public var settings: [Setting]
    /// How the run is named in outputs and file names.
    public var label: String

    /// One `key=value` setting.
    public struct Setting: Sendable, Equatable, Codable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public init(name: String, settings: [Setting] = [], label: String? = nil) {
        self.name = name
        self.settings = settings
        self.label = label ?? OptimizerSpec.defaultLabel(name: name, settings: settings)
    }

    public var description: String { label }

    static func defaultLabel(name: String, settings: [Setting]) -> String {
        settings.isEmpty ? name : name + "(" + settings.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + ")"
    }

    /// The names that ``make(learningRate:)`` knows, in the order `--help` lists them.
    public static let knownNames = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]

    /// Parses a whole `--optimizers` value: comma-separated entries, commas
    /// inside parentheses belonging to their entry.
    public static func parseList(_ text: String) throws(ExperimentError) -> [OptimizerSpec] {
        var entries: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")":
                depth -= 1
                guard depth >= 0 else { throw .invalidOption("--optimizers", "unbalanced ')' in '\(text)'") }
                current.append(character)
            case "," where depth == 0: entries.append(current); current = ""
            default: current.append(character)
            }
        }
        guard depth == 0 else { throw .invalidOption("--optimizers", "unbalanced '(' in '\(text)'") }
        entries.append(current)
        var specs: [OptimizerSpec] = []
        for entry in entries {
            let spec = try parse(entry)
            if specs.contains(where: { $0.label == spec.label }) {
                throw .invalidOption("--optimizers", "'\(spec.label)' appears twice; give one a label, e.g. other=\(entry.trimmingWhitespace)")
            }
            let fileName = OutputFolder.fileName(for: spec.label).lowercased()
            if let other = specs.first(where: { OutputFolder.fileName(for: $0.label).lowercased() == fileName }) {
                throw .invalidOption("--optimizers", "'\(spec.label)' and '\(other.label)' would share the output files history/\(OutputFolder.fileName(for: spec.label)).csv; give one another label, e.g. other=\(entry.trimmingWhitespace)")
            }
            specs.append(spec)
        }
        guard !specs.isEmpty else { throw .invalidOption("--optimizers", "no optimizer given") }
        return specs
    }

    /// Parses one entry such as `adam(learning_rate=0.0005)` or `fast=sgd(lr=0.1)`.
    public static func parse(_ entry: String) throws(ExperimentError) -> OptimizerSpec {
        var text = entry.trimmingWhitespace
        guard !text.isEmpty else { throw .invalidOption("--optimizers", "empty optimizer entry") }
        var label: String?
        if let equals = text.firstIndex(of: "="), text.firstIndex(of: "(").map({ equals < $0 }) ?? true {
            label = String(text[..<equals]).trimmingWhitespace
            text = String(text[text.index(after: equals)...]).trimmingWhitespace
            guard let l = label, isValidLabel(l) else {
                throw .invalidOption("--optimizers", "label '\(label ?? "")' must be letters, digits, '-', '_' or '.'")
            }
        }
        var name = text
        var settings: [Setting] = []
        if let open = text.firstIndex(of: "(") {
            guard text.hasSuffix(")") else { throw .invalidOption("--optimizers", "'\(entry)' must end with ')'") }
            name = String(text[..<open]).trimmingWhitespace
            let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
            let parts = inner.trimmingWhitespace.isEmpty ? [] : inner.split(separator: ",", omittingEmptySubsequences: false)
            for part in parts {
                let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace }
                guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                    throw .invalidOption("--optimizers", "'\(part.trimmingWhitespace)' in '\(entry)' is not key=value")
                }
                let key = pair[0] == "lr" ? "learning_rate" : pair[0]
                if settings.contains(where: { $0.key == key }) {
                    throw .invalidOption("--optimizers", "\(key) is set twice in '\(entry)'")
                }
                settings.append(Setting(key: key, value: pair[1]))
            }
        }
        name = name.lowercased()
        guard knownNames.contains(name) else {
            throw .invalidOption("--optimizers", "unknown optimizer '\(name)' (known: \(knownNames.joined(separator: ", ")))")
        }
        let spec = OptimizerSpec(name: name, settings: settings, label: label)
        _ = try spec.make(learningRate: nil)  // validates every key and value now, not after hours of training
        return spec
    }

    static func isValidLabel(_ label: String) -> Bool {
        !label.isEmpty && label.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }

    /// The optimizer this spec describes. `learningRate` (the `--learning-rate`
    /// option) replaces the default rate; a rate set in the spec itself wins.
    public func make(learningRate: Double?) throws(ExperimentError) -> any GradientOptimizer {
        var values = SettingReader(spec: self)
        let optimizer: any GradientOptimizer
        switch name {
        case "sgd", "momentum", "nesterov":
            let defaults = name == "sgd" ? SGD() : SGD(momentum: 0.9, nesterov: name == "nesterov")
            optimizer = SGD(
                learningRate: try values.rate(default: learningRate.map(Float.init) ?? defaults.learningRate),
                momentum: try values.fraction("momentum", default: defaults.momentum),
                nesterov: try values.flag("nesterov", default: defaults.nesterov))
        case "rmsprop":
            let defaults = RMSprop()
            optimizer = RMSprop(
                learningRate: try values.rate(default: learningRate.map(Float.init) ?? defaults.learningRate),
                rho: try values.fraction("rho", default: defaults.rho),
                momentum: try values.fraction("momentum", default: defaults.momentum),
                epsilon: try values.positive("epsilon", default: defaults.epsilon),
                centered: try values.flag("centered", default: defaults.centered))
        case "adam":
            let defaults = Adam()
            optimizer = Adam(
                learningRate: try values.rate(default: learningRate.map(Float.init) ?? defaults.learningRate),
                beta1: try values.fraction("beta_1", default: defaults.beta1),
                beta2: try values.fraction("beta_2", default: defaults.beta2),
                epsilon: try values.positive("epsilon", default: defaults.epsilon),
                amsgrad: try values.flag("amsgrad", default: defaults.amsgrad))
        default:
            throw .invalidOption("--optimizers", "unknown optimizer '\(name)' (known: \(OptimizerSpec.knownNames.joined(separator: ", ")))")
        }
        if let unused = values.unusedKeys.first {
            let known = optimizer.hyperparameters.map(\.name).joined(separator: ", ")
            throw .invalidOption("--optimizers", "\(name) has no hyperparameter '\(unused)' (it has: \(known))")
        }
        return optimizer
    }
}

/// Reads and checks the values of a spec's settings, remembering which were used.
struct SettingReader {
    let spec: OptimizerSpec
    private var used: Set<String> = []

    init(spec: OptimizerSpec) { self.spec = spec }

    var unusedKeys: [String] { spec.settings.map(\.key).filter { !used.contains($0) } }

    private mutating func text(_ key: String) -> String? {
        guard let setting = spec.settings.first(where: { $0.key == key }) else { return nil }
        used.insert(key)
        return setting.value
    }

    private func fail(_ key: String, _ value: String, _ why: String) -> ExperimentError {
        .invalidOption("--optimizers", "\(spec.label): \(key)=\(value) \(why)")
    }

    private mutating func number(_ key: String) throws(ExperimentError) -> (String, Float)? {
        guard let value = text(key) else { return nil }
        guard let x = Double(value), x.isFinite, Float(x).isFinite else { throw fail(key, value, "is not a finite number") }
        return (value, Float(x))
    }

    /// `learning_rate`: finite and > 0.
    mutating func rate(default value: Float) throws(ExperimentError) -> Float {
        guard let (text, x) = try number("learning_rate") else { return value }
        guard x > 0 else { throw fail("learning_rate", text, "must be > 0") }
        return x
    }

    /// A decay or momentum factor in [0, 1).
    mutating func fraction(_ key: String, default value: Float) throws(ExperimentError) -> Float {
        guard let (text, x) = try number(key) else { return value }
        guard x >= 0 && x < 1 else { throw fail(key, text, "must be in [0, 1)") }
        return x
    }

    /// A strictly positive constant such as `epsilon`.
    mutating func positive(_ key: String, default value: Float) throws(ExperimentError) -> Float {
        guard let (text, x) = try number(key) else { return value }
        guard x > 0 else { throw fail(key, text, "must be > 0") }
        return x
    }

    /// `true` or `false`.
    mutating func flag(_ key: String, default value: Bool) throws(ExperimentError) -> Bool {
        guard let value = text(key) else { return value }
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw fail(key, value, "must be true or false")
        }
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
