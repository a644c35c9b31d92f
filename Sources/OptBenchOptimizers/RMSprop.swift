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
    public var slots: [SlotDeclaration] {
        [SlotDeclaration("velocity"), SlotDeclaration("momentum"), SlotDeclaration("average_gradient")]
    }

    public func step(_ t: Int) -> Step {
        Step(learningRate: learningRate, rho: rho, oneMinusRho: complementAsKeras(rho), momentum: momentum,
             epsilon: epsilon, centered: centered)
    }

    /// A step of RMSprop: the same at every `t`.
    public struct Step: OptimizerStep {
        let learningRate: Float, rho: Float, oneMinusRho: Float, momentum: Float, epsilon: Float, centered: Bool

        /// The rule (``Kernels/rmspropUpdate(count:parameters:gradients:meanSquare:momentumSlot:averageGradient:learningRate:rho:oneMinusRho:momentum:epsilon:centered:)``)
        /// on slots `s`, `m`, `ḡ`.
        public func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                          slots: UnsafeMutablePointer<Float>, slotStride: Int, count: Int) {
            Kernels.rmspropUpdate(count: count, parameters: w, gradients: g, meanSquare: slots,
                                  momentumSlot: slots + slotStride, averageGradient: slots + 2 * slotStride,
                                  learningRate: learningRate, rho: rho, oneMinusRho: oneMinusRho, momentum: momentum,
                                  epsilon: epsilon, centered: centered)
        }
    }
}
