import OptBenchKernels

/// An optimizer's step applied to parameters as a training step hands over
/// their gradients (``MLP/lossAndGradient(images:indices:parameters:gradients:workspace:prefetching:grouping:update:)``).
///
/// A value rather than a closure, so that the training step can hand it to
/// its threads without allocating (see ``KernelJob``).
///
/// The pass hands each gradient over in one of two ways, the same for every
/// update: as stored values (``apply(_:gradient:)``), or, for the weights
/// whose gradient a zero-skipping product computes, as that product to run
/// (``apply(_:firstParameter:)``), so that the update can take each value
/// as the kernel finishes it; the default stages each block of four rows
/// and calls ``apply(_:gradient:)`` while it is in cache.
public protocol ParameterUpdate {
    /// Updates the parameters `range` from their gradient values
    /// `gradient[0 ..< range.count]`.
    ///
    /// Called from several threads at once for disjoint ranges, inside a job of
    /// the workspace's pool (``MLPWorkspace/threads``): it must not start jobs on that pool (an
    /// optimizer's whole-vector update would), and must read and change only
    /// the parameters (and optimizer slots) of its `range`.
    func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>)

    /// Runs `product` and updates the parameters whose gradient it computes:
    /// row `r` of the product is the gradient of the parameters
    /// `firstParameter + r·n ..< firstParameter + (r+1)·n` (`n` =
    /// ``SparseRowProduct/n``). The same rules as ``apply(_:gradient:)``
    /// hold for those parameters.
    func apply(_ product: SparseRowProduct, firstParameter: Int)
}

extension ParameterUpdate {
    /// Each block of four rows staged in the product's tile, then handed to
    /// ``apply(_:gradient:)``.
    public func apply(_ product: SparseRowProduct, firstParameter: Int) {
        let n = product.n
        product.run { firstRow, rowCount, values in
            let start = firstParameter + firstRow * n
            apply(start..<(start + rowCount * n), gradient: values)
        }
    }
}

/// A closure as a ``ParameterUpdate`` (for callers that hold a closure; boxing
/// it costs an allocation per call).
struct ClosureUpdate: ParameterUpdate {
    let body: (Range<Int>, UnsafePointer<Float>) -> Void

    func apply(_ range: Range<Int>, gradient: UnsafePointer<Float>) { body(range, gradient) }
}
