import CKernelSupport

/// The built-in optimizers' update rules over a run of parameters, on the
/// kernel path in use (the C rules of optimizer_rules.h, one copy per
/// instruction-set path, which agree bit for bit). The optimizers module
/// documents each rule's hyperparameters; these are the loops.
extension Kernels {
    /// SGD: `w ← w − (η·g)`, or with momentum `μ > 0`
    /// `v ← (μ·v) − (η·g)`, `w ← w + v` (Nesterov: `w ← w + ((μ·v) − (η·g))`).
    @inlinable
    public static func sgdUpdate(count: Int, parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                                 velocity: UnsafeMutablePointer<Float>, learningRate: Float, momentum: Float,
                                 nesterov: Bool) {
        guard count > 0 else { return }
        optbench_active_kernel_table().pointee.sgd_update(count, w, g, velocity, learningRate, momentum, nesterov ? 1 : 0)
    }

    /// RMSprop: `s ← ρ·s + (1−ρ)·g²`; centred: `a ← ρ·a + (1−ρ)·g`, `d = s − a²`
    /// (else `d = s`); `inc = (η·g) / √(d + ε)`; with momentum `m ← μ·m + inc`,
    /// `w ← w − m`, else `w ← w − inc`.
    @inlinable
    public static func rmspropUpdate(count: Int, parameters w: UnsafeMutablePointer<Float>,
                                     gradients g: UnsafePointer<Float>, meanSquare: UnsafeMutablePointer<Float>,
                                     momentumSlot: UnsafeMutablePointer<Float>,
                                     averageGradient: UnsafeMutablePointer<Float>, learningRate: Float, rho: Float,
                                     oneMinusRho: Float, momentum: Float, epsilon: Float, centered: Bool) {
        guard count > 0 else { return }
        optbench_active_kernel_table().pointee.rmsprop_update(count, w, g, meanSquare, momentumSlot, averageGradient,
                                                              learningRate, rho, oneMinusRho, momentum, epsilon,
                                                              centered ? 1 : 0)
    }

    /// Adam: `m ← m + (g − m)·(1−β₁)`, `v ← v + (g² − v)·(1−β₂)`; with AMSGrad
    /// `v̂ ← max(v̂, v)` (keeping `v̂` where `v` is NaN) and `v ← v̂`;
    /// `w ← w − (m·α) / (√v + ε)` with `α` the step's bias-corrected rate.
    /// `vHat` is read only with `amsgrad`.
    @inlinable
    public static func adamUpdate(count: Int, parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                                  m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                                  vHat: UnsafeMutablePointer<Float>, alpha: Float, oneMinusBeta1: Float,
                                  oneMinusBeta2: Float, epsilon: Float, amsgrad: Bool) {
        guard count > 0 else { return }
        optbench_active_kernel_table().pointee.adam_update(count, w, g, m, v, vHat, alpha, oneMinusBeta1, oneMinusBeta2, epsilon,
                                                           amsgrad ? 1 : 0)
    }
}
