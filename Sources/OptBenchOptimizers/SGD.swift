import OptBenchKernels

/// Stochastic gradient descent, with optional (Nesterov) momentum: Keras 3's `SGD`.
///
/// Without momentum: `w ← w − η·g`. With momentum `μ > 0` and velocity `v`
/// (zero at the start):
///
///     v ← μ·v − η·g
///     w ← w + v                 (classical)
///     w ← w + μ·v − η·g         (Nesterov)
///
/// Keras defaults: `learning_rate = 0.01`, `momentum = 0`, `nesterov = false`.
/// The reference study's "momentum" optimizer is `SGD(momentum: 0.9)`.
public struct SGD: GradientOptimizer {
    public var learningRate: Float
    public var momentum: Float
    public var nesterov: Bool

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public var name: String { "sgd" }

    public var hyperparameters: [Hyperparameter] {
        [Hyperparameter("learning_rate", .float(learningRate)),
         Hyperparameter("momentum", .float(momentum)),
         Hyperparameter("nesterov", .flag(nesterov))]
    }

    /// Slots: the velocity `v` (from 0) when `momentum > 0`, none otherwise.
    public var slots: [SlotDeclaration] { momentum > 0 ? [SlotDeclaration("velocity")] : [] }

    public func step(_ t: Int) -> Step {
        Step(learningRate: learningRate, momentum: momentum, nesterov: nesterov)
    }

    /// A step of SGD: the same at every `t`.
    public struct Step: OptimizerStep {
        let learningRate: Float, momentum: Float, nesterov: Bool

        /// The rule (``Kernels/sgdUpdate(count:parameters:gradients:velocity:learningRate:momentum:nesterov:)``),
        /// each product and each sum rounded to `Float` (no fused
        /// multiply-add), as Keras computes it; the velocity is slot 0.
        public func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                          slots: UnsafeMutablePointer<Float>, slotStride: Int, count: Int) {
            Kernels.sgdUpdate(count: count, parameters: w, gradients: g, velocity: slots, learningRate: learningRate,
                              momentum: momentum, nesterov: nesterov)
        }
    }
}
