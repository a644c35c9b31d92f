import OptBenchKernels

/// An optimizer that updates a flat parameter vector from its gradient.
///
/// Hyperparameters live in the conforming value; the mutable state (step
/// count, moment estimates) lives in a separate ``OptimizerState``, created by
/// ``makeState(parameterCount:)`` (optax's `init`/`update` split). Nothing here
/// knows about layers: any optimizer drives any model that keeps its weights
/// in one vector.
///
/// ```swift
/// let adam = Adam()                       // Keras defaults
/// var state = adam.makeState(parameterCount: parameters.count)
/// adam.update(parameters: &parameters, gradients: gradients, state: &state)
/// ```
///
/// Every rule is elementwise: step `t` updates each parameter from its own
/// gradient and slots only. ``step(_:)`` fixes the constants of step `t` (the
/// learning rate, Adam's bias-corrected step size) in an ``OptimizerStep``
/// that applies to any run of parameters, so that a model can update a layer
/// while its gradient is still in cache; ``update(parameters:gradients:count:state:)``
/// applies it to the whole vector.
public protocol GradientOptimizer: Sendable {
    /// The update of one step, with its constants fixed.
    associatedtype Step: OptimizerStep
    /// The rule's name as the command line spells it: `sgd`, `rmsprop`, `adam`.
    var name: String { get }
    /// Every hyperparameter with its value, in a fixed order (for reports).
    var hyperparameters: [Hyperparameter] { get }
    /// The per-parameter slots the rule keeps (velocity, moment estimates),
    /// each with the value it starts at: slot `k` of ``OptimizerState``.
    var slots: [SlotDeclaration] { get }
    /// The scalars the rule keeps besides the step count (Nadam's running
    /// product `u_product`), each with its starting value; none by default.
    var scalars: [ScalarDeclaration] { get }
    /// The update of step `t` (counted from 1).
    func step(_ t: Int) -> Step
}

extension GradientOptimizer {
    public var scalars: [ScalarDeclaration] { [] }

    /// The number of per-parameter slots (``slots``).
    public var slotCount: Int { slots.count }

    /// Fresh state for a parameter vector of `parameterCount` values: every
    /// declared slot filled with its initial value, every scalar at its own,
    /// at step 0.
    public func makeState(parameterCount: Int) -> OptimizerState {
        OptimizerState(slots: slots, scalars: scalars, parameterCount: parameterCount)
    }

    /// Throws ``OptimizerError/stateMismatch(_:)`` unless `state` was made by
    /// this optimizer (its slots and scalars) for `count` parameters.
    public func check(_ state: OptimizerState, count: Int) throws(OptimizerError) {
        guard state.parameterCount == count else {
            throw .stateMismatch("made for \(state.parameterCount) parameters, not \(count) (use makeState)")
        }
        guard state.slotNames == slots.map(\.name), state.scalarNames == scalars.map(\.name) else {
            throw .stateMismatch("its slots \(state.slotNames) are not \(name)'s \(slots.map(\.name)) (use makeState)")
        }
    }

    /// ``check(_:count:)`` for callers that made the state themselves with
    /// ``makeState(parameterCount:)``: a mismatch there is a programming
    /// error, and stops the program with the check's message.
    public func validate(_ state: OptimizerState, count: Int) {
        do throws(OptimizerError) { try check(state, count: count) } catch { preconditionFailure(error.description) }
    }

    /// Throws ``OptimizerError/invalidValue(optimizer:name:value:requirement:)``
    /// when a hyperparameter is outside the range that `registry`'s factory
    /// of the same name accepts (``OptimizerRegistry/standard`` knows the
    /// built-in rules' ranges: a learning rate > 0, decay factors in [0, 1),
    /// `epsilon` > 0); an optimizer the registry does not know passes.
    ///
    /// ```swift
    /// try SGD(learningRate: -0.1).checkHyperparameters()   // throws: learning_rate=-0.1 must be > 0
    /// ```
    public func checkHyperparameters(in registry: OptimizerRegistry = .standard) throws(OptimizerError) {
        guard registry.contains(name) else { return }
        _ = try registry.make(name, settings: hyperparameters.map { .init(key: $0.name, value: $0.value.description) })
    }

    /// One update of `count` parameters from their gradients, on all threads;
    /// increments `state.step` first, so the first update sees `t = 1`.
    public func update(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
                       count: Int, state: inout OptimizerState) {
        validate(state, count: count)
        state.step += 1
        let step = step(state.step)
        state.withSlots { slots in
            Kernels.parallelChunks(count: count) { start, end in
                step.apply(parameters: parameters + start, gradients: gradients + start, slots: slots + start,
                           slotStride: count, count: end - start)
            }
        }
    }

    /// ``update(parameters:gradients:count:state:)`` on arrays.
    public func update(parameters: inout [Float], gradients: [Float], state: inout OptimizerState) {
        precondition(parameters.count == gradients.count)
        let count = parameters.count
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                update(parameters: p.baseAddress!, gradients: g.baseAddress!, count: count, state: &state)
            }
        }
    }
}

/// One named hyperparameter value, for reports and `results.json`.
public struct Hyperparameter: Sendable, Codable, Equatable {
    public var name: String
    public var value: HyperparameterValue

    public init(_ name: String, _ value: HyperparameterValue) {
        self.name = name
        self.value = value
    }
}

/// A hyperparameter's value: a number or a switch.
public enum HyperparameterValue: Sendable, Equatable, Codable, CustomStringConvertible {
    case number(Double)
    case flag(Bool)

    /// A `Float` hyperparameter, recorded as the decimal number that prints
    /// the same as the `Float` (`0.001`, not `0.0010000000474974513`).
    public static func float(_ x: Float) -> HyperparameterValue {
        .number(Double("\(x)") ?? Double(x))
    }

    public var description: String {
        switch self {
        case .number(let x): return formatNumber(x)
        case .flag(let b): return b ? "true" : "false"
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) { self = .flag(b) } else { self = .number(try container.decode(Double.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let x): try container.encode(x)
        case .flag(let b): try container.encode(b)
        }
    }
}

/// `1 − x` as Keras computes it: in Python, in double precision, from the
/// decimal value the user wrote (`1 - 0.9`), rounded once to `Float`. The
/// decimal value is the shortest one that reads back as `x` (`0.9`, not
/// `0.8999999762`); subtracting in `Float` instead gives `0.100000024` rather
/// than `0.1`, which changes Adam's second moment by about 1e-5.
func complementAsKeras(_ x: Float) -> Float {
    Float(1 - (Double("\(x)") ?? Double(x)))
}

/// Shortest text that reads back as the same `Double`: `0.001`, `1e-07`, `0.9`.
func formatNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
}
