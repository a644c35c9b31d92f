import Foundation
import OptBenchKernels

/// Adam: Keras 3's `Adam`, with its `amsgrad` option.
///
/// With first and second moment estimates `m`, `v` (zero at the start) and the
/// step `t` counted from 1:
///
///     m ← m + (g − m)·(1 − β₁)            (= β₁·m + (1 − β₁)·g)
///     v ← v + (g² − v)·(1 − β₂)           (= β₂·v + (1 − β₂)·g²)
///     α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
///     w ← w − α·m / (√v + ε)              (ε added to the uncorrected √v)
///
/// The moment updates are written in Keras's form, which rounds differently in
/// `Float` from the textbook form, and `1 − β` is computed as Keras does, in
/// double precision from the decimal value (`complementAsKeras`). With `amsgrad`, `v̂ ← max(v̂, v)` replaces
/// `v` in the denominator. Keras defaults: `learning_rate = 0.001`,
/// `beta_1 = 0.9`, `beta_2 = 0.999`, `epsilon = 1e-7`, `amsgrad = false`.
public struct Adam: GradientOptimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var amsgrad: Bool

    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-7, amsgrad: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
    }

    public var name: String { "adam" }

    public var hyperparameters: [Hyperparameter] {
        [Hyperparameter("learning_rate", .float(learningRate)),
         Hyperparameter("beta_1", .float(beta1)),
         Hyperparameter("beta_2", .float(beta2)),
         Hyperparameter("epsilon", .float(epsilon)),
         Hyperparameter("amsgrad", .flag(amsgrad))]
    }

    /// Slots: `m`, `v`, and `v̂` (only with `amsgrad`).
    public var slots: [SlotDeclaration] {
        [SlotDeclaration("momentum"), SlotDeclaration("velocity")] + (amsgrad ? [SlotDeclaration("velocity_hat")] : [])
    }

    /// The bias-corrected step size `α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)`, in `Float`
    /// as Keras computes it.
    public func stepSize(at t: Int) -> Float {
        let beta1Power = Foundation.pow(beta1, Float(t))
        let beta2Power = Foundation.pow(beta2, Float(t))
        return learningRate * (1 - beta2Power).squareRoot() / (1 - beta1Power)
    }

    public func step(_ t: Int) -> Step {
        Step(alpha: stepSize(at: t), oneMinusBeta1: complementAsKeras(beta1), oneMinusBeta2: complementAsKeras(beta2),
             epsilon: epsilon, amsgrad: amsgrad)
    }

    /// Step `t` of Adam: its bias-corrected step size `α` fixed.
    public struct Step: OptimizerStep {
        let alpha: Float, oneMinusBeta1: Float, oneMinusBeta2: Float, epsilon: Float, amsgrad: Bool

        /// The rule (``Kernels/adamUpdate(count:parameters:gradients:m:v:vHat:alpha:oneMinusBeta1:oneMinusBeta2:epsilon:amsgrad:)``)
        /// on slots `m`, `v` and, with AMSGrad, `v̂`.
        public func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                          slots: UnsafeMutablePointer<Float>, slotStride: Int, count: Int) {
            Kernels.adamUpdate(count: count, parameters: w, gradients: g, m: slots, v: slots + slotStride,
                               vHat: slots + (amsgrad ? 2 * slotStride : 0), alpha: alpha, oneMinusBeta1: oneMinusBeta1,
                               oneMinusBeta2: oneMinusBeta2, epsilon: epsilon, amsgrad: amsgrad)
        }
    }
}
