import OptBenchKernels

/// An optimizer's step applied to parameters as a training step hands over
/// their gradients (``MLP/lossAndGradient(images:indices:parameters:gradients:workspace:prefetching:grouping:update:)``).
///
/// A value rather than a closure, so that the training step can hand it to
/// its threads without allocating (see ``KernelJob``).
public protocol ParameterUpdate {
    /// Updates the parameters `range` from their gradient values
    /// `gradient[0 ..< range.count]`.
    ///
    /// Called from several threads at once for disjoint ranges, inside a job of
    /// ``KernelThreads/shared``: it must not start jobs on that pool (an
    /// optimizer's whole-vector update would), and must read and change only
    /// the parameters (and optimizer slots) of its `range`.
    func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>)

    /// When the update is plain gradient descent, `w ← w − η·g` for every
    /// parameter (computed as `w − (η·g)`, two roundings, as
    /// ``apply(_:gradient:)`` does), its rate `η` and the parameters: the
    /// training step then applies it to the first layer's weights straight
    /// from the registers that hold their gradient, without storing it.
    /// Nil (the default) for any other update.
    var plainDescent: PlainDescent? { get }
}

extension ParameterUpdate {
    public var plainDescent: PlainDescent? { nil }
}

/// Plain gradient descent, `w ← w − η·g` (``ParameterUpdate/plainDescent``).
public struct PlainDescent {
    /// The learning rate `η`.
    public let rate: Float
    /// The whole parameter vector.
    public let parameters: UnsafeMutablePointer<Float>

    public init(rate: Float, parameters: UnsafeMutablePointer<Float>) {
        self.rate = rate
        self.parameters = parameters
    }
}

/// Applies plain gradient descent to four rows of a weight matrix (`n`
/// columns, the first at `weights`) as a zero-skipping kernel hands over
/// their gradient a vector at a time: `w − (η·g)`, lane by lane the
/// arithmetic of the optimizer's own update.
struct DescentTileSink: TileSink {
    let weights: UnsafeMutablePointer<Float>, n: Int, rate: Float

    @inline(__always)
    func take(_ sums: SIMD16<Float>, row: Int, column: Int, lanes: Int) {
        let offset = row &* n &+ column
        weights.store(weights.vector(at: offset, lanes: lanes) - rate * sums, at: offset, lanes: lanes)
    }
}

/// A closure as a ``ParameterUpdate`` (for callers that hold a closure; boxing
/// it costs an allocation per call).
struct ClosureUpdate: ParameterUpdate {
    let body: (Range<Int>, UnsafePointer<Float>) -> Void

    func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>) { body(range, gradient) }
}
