import OptBenchKernels

/// RMSprop: Keras 3's `RMSprop`, including its `momentum` and `centered` options.
///
/// With `s` the moving average of squared gradients (zero at the start):
///
///     s ← ρ·s + (1 − ρ)·g²
///     Δ = η·g / √(s + ε)                     (ε inside the root, no bias correction)
///
/// `1 − ρ` is computed as Keras does, in double precision from the decimal
/// value (`complementAsKeras`). `centered` also tracks `ḡ ← ρ·ḡ + (1 − ρ)·g` and uses `√(s − ḡ² + ε)`.
/// With `momentum μ > 0`: `m ← μ·m + Δ; w ← w − m`; otherwise `w ← w − Δ`.
///
/// Keras defaults: `learning_rate = 0.001`, `rho = 0.9`, `momentum = 0`,
/// `epsilon = 1e-7`, `centered = false`.
public struct RMSprop: GradientOptimizer {
    public var learningRate: Float
    public var rho: Float
    public var momentum: Float
    public var epsilon: Float
    public var centered: Bool

    public init(learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0,
                epsilon: Float = 1e-7, centered: Bool = false) {
        self.learningRate = learningRate
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
    }

    public var name: String { "rmsprop" }

    public var hyperparameters: [Hyperparameter] {
        [Hyperparameter("learning_rate", .float(learningRate)),
         Hyperparameter("rho", .float(rho)),
         Hyperparameter("momentum", .float(momentum)),
         Hyperparameter("epsilon", .float(epsilon)),
         Hyperparameter("centered", .flag(centered))]
    }

    /// Slots: `s`, the momentum `m`, and the mean gradient `ḡ` (the last two
    /// are only used when their options are on).
    public func makeState(parameterCount: Int) -> OptimizerState {
        OptimizerState(slotCount: 3, parameterCount: parameterCount)
    }

    public func update(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                       count: Int, state: inout OptimizerState) {
        precondition(state.parameterCount == count && state.slotCount >= 3,
                     "the optimizer state was made for another parameter count or other settings (use makeState)")
        state.step += 1
        let lr = learningRate, rho = rho, oneMinusRho = complementAsKeras(rho), mu = momentum, eps = epsilon, centered = centered
        state.withSlots { base in
            let s = base, m = base + count, average = base + 2 * count
            Kernels.parallelChunks(count: count) { start, end in
                // One vector (`lanes` = 16) or the partial vector at the end.
                @inline(__always) func step(_ i: Int, _ lanes: Int) {
                    let gi = g.vector(at: i, lanes: lanes)
                    let si = rho * s.vector(at: i, lanes: lanes) + oneMinusRho * (gi * gi)
                    s.store(si, at: i, lanes: lanes)
                    var denominator = si
                    if centered {
                        let ai = rho * average.vector(at: i, lanes: lanes) + oneMinusRho * gi
                        average.store(ai, at: i, lanes: lanes)
                        denominator -= ai * ai
                    }
                    let increment = Kernels.divide(lr * gi, Kernels.squareRoot(denominator + eps))
                    if mu > 0 {
                        let mi = mu * m.vector(at: i, lanes: lanes) + increment
                        m.store(mi, at: i, lanes: lanes)
                        w.store(w.vector(at: i, lanes: lanes) - mi, at: i, lanes: lanes)
                    } else {
                        w.store(w.vector(at: i, lanes: lanes) - increment, at: i, lanes: lanes)
                    }
                }
                var i = start
                while i &+ 16 <= end {
                    step(i, 16)
                    i &+= 16
                }
                if i < end { step(i, end &- i) }
            }
        }
    }
}
