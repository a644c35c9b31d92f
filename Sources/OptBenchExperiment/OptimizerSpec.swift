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

    /// The names that ``make(learningRate:)`` knows, in the order `--help`
    /// lists them: those of ``OptimizerRegistry/standard``.
    public static var knownNames: [String] { OptimizerRegistry.standard.names }

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
                let key = HyperparameterReader.aliases[pair[0]] ?? pair[0]
                if settings.contains(where: { $0.key == key }) {
                    throw .invalidOption("--optimizers", "\(key) is set twice in '\(entry)'")
                }
                settings.append(Setting(key: key, value: pair[1]))
            }
        }
        name = name.lowercased()
        let spec = OptimizerSpec(name: name, settings: settings, label: label)
        _ = try spec.make(learningRate: nil)  // validates the name, every key and value now, not after hours of training
        return spec
    }

    static func isValidLabel(_ label: String) -> Bool {
        !label.isEmpty && label.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }

    /// The optimizer this spec describes, built by `registry`. `learningRate`
    /// (the `--learning-rate` option) replaces the default rate; a rate set
    /// in the spec itself wins. The registry's errors become `--optimizers`
    /// messages, a bad value named by the spec's label.
    public func make(learningRate: Double?,
                     registry: OptimizerRegistry = .standard) throws(ExperimentError) -> any GradientOptimizer {
        do {
            return try registry.make(name, settings: settings.map { .init(key: $0.key, value: $0.value) },
                                     defaultLearningRate: learningRate.map(Float.init))
        } catch .invalidValue(_, let key, let value, let requirement) {
            throw .invalidOption("--optimizers", "\(label): \(key)=\(value) \(requirement)")
        } catch {
            throw .invalidOption("--optimizers", error.description)
        }
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
