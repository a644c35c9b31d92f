import OptBenchKernels

/// One step of an optimizer (``GradientOptimizer/step(_:)``): its update rule
/// with every constant fixed, for any run of parameters.
///
/// A model applies a step wherever it has a gradient: after the whole
/// gradient is known (``apply(parameters:gradients:slots:slotStride:count:)``
/// on any range), or while a weight gradient is still being computed
/// (``apply(_:parameters:slots:slotStride:)``, which hands the step a
/// product to run). Both entry points apply one rule, so the parameters are
/// the same to the last bit whichever way a model applies the step. The
/// built-in rules are written once over a run of parameters, as kernels of
/// every instruction-set path (``Kernels/adamUpdate(count:parameters:gradients:m:v:vHat:alpha:oneMinusBeta1:oneMinusBeta2:epsilon:amsgrad:)``
/// and its neighbours), and take a product through the default, staged
/// entry point.
public protocol OptimizerStep {
    /// Updates the `count` parameters `w[0..<count]` from their gradients
    /// `g[0..<count]`; slot `k` of parameter `i` is `slots[k·slotStride + i]`
    /// (the slots of one ``OptimizerState`` offset to the run: `slotStride` is
    /// the state's parameter count).
    func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
               slots: UnsafeMutablePointer<Float>, slotStride: Int, count: Int)

    /// Runs `product`, whose row `r` is the gradient of the `n` parameters
    /// `w[r·n ..< (r+1)·n]` (``SparseRowProduct/n``), and applies the step to
    /// each value as the product finishes it; slots as in
    /// ``apply(parameters:gradients:slots:slotStride:count:)``. The
    /// gradient is not stored anywhere else.
    ///
    /// The default stages each block of four rows in the product's tile and
    /// applies ``apply(parameters:gradients:slots:slotStride:count:)`` to it
    /// while it is in cache.
    func apply(_ product: SparseRowProduct, parameters w: UnsafeMutablePointer<Float>,
               slots: UnsafeMutablePointer<Float>, slotStride: Int)
}

extension OptimizerStep {
    public func apply(_ product: SparseRowProduct, parameters w: UnsafeMutablePointer<Float>,
                      slots: UnsafeMutablePointer<Float>, slotStride: Int) {
        let n = product.n
        product.run { firstRow, rowCount, values in
            apply(parameters: w + firstRow * n, gradients: values, slots: slots + firstRow * n,
                  slotStride: slotStride, count: rowCount * n)
        }
    }
}
