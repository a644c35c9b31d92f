import CKernelSupport

extension Kernels {
    /// Runs `body` with subnormal floats flushed to zero on this thread, then
    /// restores the previous floating-point mode.
    ///
    /// Optimizer states such as RMSprop's `s ← ρ·s + (1 − ρ)·g²` decay towards
    /// zero and pass through the subnormal range, where x86 CPUs take a slow
    /// microcode path for every operation (a whole training epoch ran 2–3×
    /// slower here). TensorFlow flushes subnormals to zero on its CPU threads
    /// for the same reason, so doing the same keeps OptBench both fast and
    /// faithful to Keras. Every thread that runs kernels must call this.
    @inlinable
    public static func withFlushToZero<R>(_ body: () throws -> R) rethrows -> R {
        let previous = optbench_enable_flush_to_zero()
        defer { optbench_restore_float_environment(previous) }
        return try body()
    }

    /// Whether this thread currently flushes subnormals to zero.
    public static var flushesToZero: Bool { optbench_flushes_to_zero() != 0 }
}
