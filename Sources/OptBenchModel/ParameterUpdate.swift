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

    /// When the update is gradient descent, with or without momentum (see
    /// ``DescentStep``), its constants and the vectors it changes: the
    /// training step then applies it to the first layer's weights (and the
    /// second layer's, when the step is split between two threads) straight
    /// from the registers that hold their gradient, without storing it.
    /// Nil (the default) for any other update.
    var descentStep: DescentStep? { get }
}

extension ParameterUpdate {
    public var descentStep: DescentStep? { nil }
}

/// Gradient descent with momentum `μ` (none when `μ = 0`), computed as
/// Keras's SGD (and this package's) computes it, each product and each sum
/// rounded to `Float`, no fused multiply-add:
///
///     μ = 0:  w ← w − (η·g)
///     μ > 0:  v ← (μ·v) − (η·g);  w ← w + v                 (w + ((μ·v) − (η·g)) with Nesterov)
///
/// (``ParameterUpdate/descentStep``).
public struct DescentStep {
    /// The learning rate `η` and the momentum `μ`.
    public let rate: Float, momentum: Float
    public let nesterov: Bool
    /// The whole parameter vector, and the velocity `v` of each parameter
    /// (same indices; unused when `μ = 0`).
    public let parameters: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>

    public init(rate: Float, momentum: Float, nesterov: Bool, parameters: UnsafeMutablePointer<Float>,
                velocity: UnsafeMutablePointer<Float>) {
        self.rate = rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.parameters = parameters
        self.velocity = velocity
    }
}

extension DescentStep {
    /// The rows `rows` of `A·B`, skipping the zeros of `A` (``Kernels/sparseMatmulRows(_:n:k:a:lda:skippingZerosOf:b:ldb:partial:tile:workspace:sink:)``),
    /// as the gradient of the parameters from `firstParameter` on (row `r`
    /// at `firstParameter + r·n`), applied to them from the registers by
    /// ``DescentTileSink`` or, with momentum, ``MomentumTileSink``.
    func descend(_ rows: Range<Int>, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                 skippingZerosOf pattern: NonzeroPattern, b: UnsafePointer<Float>, ldb: Int,
                 partial: UnsafePointer<Float>?, tile: UnsafeMutablePointer<Float>,
                 workspace: UnsafeMutablePointer<Float>, firstParameter: Int) {
        let weights = parameters + firstParameter, velocity = self.velocity + firstParameter
        guard momentum > 0 else {
            Kernels.sparseMatmulRows(rows, n: n, k: k, a: a, lda: lda, skippingZerosOf: pattern, b: b, ldb: ldb,
                                     partial: partial, tile: tile, workspace: workspace) { row in
                DescentTileSink(weights: weights + row * n, n: n, rate: rate)
            }
            return
        }
        Kernels.sparseMatmulRows(rows, n: n, k: k, a: a, lda: lda, skippingZerosOf: pattern, b: b, ldb: ldb,
                                 partial: partial, tile: tile, workspace: workspace) { row in
            MomentumTileSink(weights: weights + row * n, velocity: velocity + row * n, n: n, rate: rate,
                             momentum: momentum, nesterov: nesterov)
        }
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

/// ``DescentTileSink`` with momentum: `v ← (μ·v) − (η·g)`, then
/// `w ← w + v` (Nesterov: `w ← w + ((μ·v) − (η·g))` with the new `v`).
struct MomentumTileSink: TileSink {
    let weights: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>, n: Int
    let rate: Float, momentum: Float, nesterov: Bool

    @inline(__always)
    func take(_ sums: SIMD16<Float>, row: Int, column: Int, lanes: Int) {
        let offset = row &* n &+ column
        let v = momentum * velocity.vector(at: offset, lanes: lanes) - rate * sums
        velocity.store(v, at: offset, lanes: lanes)
        let step = nesterov ? momentum * v - rate * sums : v
        weights.store(weights.vector(at: offset, lanes: lanes) + step, at: offset, lanes: lanes)
    }
}

/// A closure as a ``ParameterUpdate`` (for callers that hold a closure; boxing
/// it costs an allocation per call).
struct ClosureUpdate: ParameterUpdate {
    let body: (Range<Int>, UnsafePointer<Float>) -> Void

    func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>) { body(range, gradient) }
}
