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
}

/// A closure as a ``ParameterUpdate`` (for callers that hold a closure; boxing
/// it costs an allocation per call).
struct ClosureUpdate: ParameterUpdate {
    let body: (Range<Int>, UnsafePointer<Float>) -> Void

    func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>) { body(range, gradient) }
}
