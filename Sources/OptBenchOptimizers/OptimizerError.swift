/// Why an optimizer could not be built or used: a name, a hyperparameter or a
/// value that the library does not accept. Each case carries what a caller
/// needs to say so in its own words; ``description`` is one plain sentence.
public enum OptimizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No optimizer of this name is registered; `known` lists those that are.
    case unknownOptimizer(String, known: [String])
    /// `optimizer` has no hyperparameter `name`; `known` lists those it has.
    case unknownHyperparameter(optimizer: String, name: String, known: [String])
    /// `name = value` is not accepted; `requirement` says what is
    /// (`"must be > 0"`, `"must be in [0, 1)"`, `"is not a finite number"`).
    case invalidValue(optimizer: String, name: String, value: String, requirement: String)
    /// A factory is already registered under this name.
    case alreadyRegistered(String)
    /// An optimizer state that does not fit the optimizer or the parameters.
    case stateMismatch(String)
    /// Parameters and gradients of different lengths.
    case lengthMismatch(parameters: Int, gradients: Int)

    public var description: String {
        switch self {
        case .unknownOptimizer(let name, let known):
            return "unknown optimizer '\(name)' (known: \(known.joined(separator: ", ")))"
        case .unknownHyperparameter(let optimizer, let name, let known):
            return "\(optimizer) has no hyperparameter '\(name)' (it has: \(known.joined(separator: ", ")))"
        case .invalidValue(let optimizer, let name, let value, let requirement):
            return "\(optimizer): \(name)=\(value) \(requirement)"
        case .alreadyRegistered(let name):
            return "an optimizer named '\(name)' is already registered"
        case .stateMismatch(let why):
            return "the optimizer state does not fit: \(why)"
        case .lengthMismatch(let parameters, let gradients):
            return "\(parameters) parameters but \(gradients) gradients"
        }
    }
}
