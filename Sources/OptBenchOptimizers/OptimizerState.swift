/// A per-parameter slot of an optimizer (Adam's `m`, Adagrad's
/// accumulator): its name and the value every parameter's slot starts at
/// (Keras's Adagrad and Ftrl start theirs at `initial_accumulator_value = 0.1`).
public struct SlotDeclaration: Sendable, Equatable {
    public var name: String
    public var initialValue: Float

    public init(_ name: String, initialValue: Float = 0) {
        self.name = name
        self.initialValue = initialValue
    }
}

/// A scalar an optimizer keeps besides the step count (Nadam's running
/// product `u_product`, starting at 1): its name and starting value.
public struct ScalarDeclaration: Sendable, Equatable {
    public var name: String
    public var initialValue: Float

    public init(_ name: String, initialValue: Float) {
        self.name = name
        self.initialValue = initialValue
    }
}

/// The mutable part of an optimizer: the step count `t`, a few named scalars,
/// and the per-parameter slots (velocity, moment estimates), each as long as
/// the parameter vector, stored one after another in one flat buffer.
public struct OptimizerState: Sendable, Equatable {
    /// Number of updates applied so far.
    public var step: Int
    /// Length of each slot (the parameter count).
    public let parameterCount: Int
    /// The slots' names, in order (slot `k` is named `slotNames[k]`).
    public let slotNames: [String]
    /// The scalars' names, in order.
    public let scalarNames: [String]
    /// Scalar `k` (named `scalarNames[k]`).
    public var scalars: [Float]
    /// Slot `k` is `values[k·parameterCount ..< (k+1)·parameterCount]`.
    public var values: [Float]

    /// Number of slots.
    public var slotCount: Int { slotNames.count }

    /// The declared slots of `parameterCount` values, each filled with its
    /// initial value, and the declared scalars at theirs, at step 0.
    public init(slots: [SlotDeclaration], scalars: [ScalarDeclaration] = [], parameterCount: Int) {
        precondition(parameterCount >= 0, "a parameter count is never negative")
        self.step = 0
        self.parameterCount = parameterCount
        self.slotNames = slots.map(\.name)
        self.scalarNames = scalars.map(\.name)
        self.scalars = scalars.map(\.initialValue)
        self.values = slots.flatMap { [Float](repeating: $0.initialValue, count: parameterCount) }
    }

    /// `slotCount` slots of `parameterCount` zeros, named `slot0`, `slot1`, …,
    /// at step 0.
    public init(slotCount: Int, parameterCount: Int) {
        self.init(slots: (0..<slotCount).map { SlotDeclaration("slot\($0)") }, parameterCount: parameterCount)
    }

    /// Slot `k` as an array (for tests and inspection).
    public func slot(_ k: Int) -> [Float] {
        Array(values[(k * parameterCount)..<((k + 1) * parameterCount)])
    }

    /// The slot named `name` as an array, or nil when there is none.
    public func slot(named name: String) -> [Float]? {
        slotNames.firstIndex(of: name).map(slot)
    }

    /// The scalar named `name`; nil when there is none (setting a name that
    /// is not declared does nothing).
    public subscript(scalar name: String) -> Float? {
        get { scalarNames.firstIndex(of: name).map { scalars[$0] } }
        set {
            guard let k = scalarNames.firstIndex(of: name), let newValue else { return }
            scalars[k] = newValue
        }
    }

    /// Calls `body` with the base address of the slot buffer (slot `k` starts at
    /// `base + k·parameterCount`).
    @inlinable
    public mutating func withSlots<R>(_ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        if values.isEmpty { return body(UnsafeMutablePointer<Float>(bitPattern: MemoryLayout<Float>.alignment)!) }
        return values.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}
