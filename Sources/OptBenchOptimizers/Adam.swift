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
    public struct Step: VectorizedOptimizerStep {
        let alpha: Float, oneMinusBeta1: Float, oneMinusBeta2: Float, epsilon: Float, amsgrad: Bool

        /// The rule on one vector (slots `m`, `v`, `v̂`).
        @inline(__always)
        public func apply(_ gi: SIMD16<Float>, parameters w: UnsafeMutablePointer<Float>,
                          slots: UnsafeMutablePointer<Float>, slotStride: Int, lanes: Int) {
            let alpha = alpha, oneMinusBeta1 = oneMinusBeta1, oneMinusBeta2 = oneMinusBeta2, eps = epsilon
            let m = slots, v = slots + slotStride, vHat = slots + 2 * slotStride
            var mi = m.vector(at: 0, lanes: lanes)
            mi += (gi - mi) * oneMinusBeta1
            m.store(mi, at: 0, lanes: lanes)
            var vi = v.vector(at: 0, lanes: lanes)
            vi += (gi * gi - vi) * oneMinusBeta2
            v.store(vi, at: 0, lanes: lanes)
            if amsgrad {
                vi = pointwiseMax(vHat.vector(at: 0, lanes: lanes), vi)
                vHat.store(vi, at: 0, lanes: lanes)
            }
            w.store(w.vector(at: 0, lanes: lanes) - Kernels.divide(mi * alpha, Kernels.squareRoot(vi) + eps),
                    at: 0, lanes: lanes)
        }

        public func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                          slots: UnsafeMutablePointer<Float>, slotStride: Int, count: Int) {
            applyVectorwise(parameters: w, gradients: g, slots: slots, slotStride: slotStride, count: count)
        }

        public func apply(_ product: SparseRowProduct, parameters w: UnsafeMutablePointer<Float>,
                          slots: UnsafeMutablePointer<Float>, slotStride: Int) {
            applyFromRegisters(product, parameters: w, slots: slots, slotStride: slotStride)
        }
    }
}
