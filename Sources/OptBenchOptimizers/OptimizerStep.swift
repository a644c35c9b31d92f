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
/// entry point; a rule written in Swift for one vector can be a
/// ``VectorizedOptimizerStep``.
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
    /// applies ``apply(parameters:gradients:slots:slotStride:count:)`` to it;
    /// a ``VectorizedOptimizerStep`` applies its rule to each vector straight
    /// from the kernel's registers.
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

/// An optimizer step whose rule is written for one vector of up to 16
/// parameters; the range update and the update from a product's registers
/// both apply it (``applyVectorwise(parameters:gradients:slots:slotStride:count:)``,
/// ``applyFromRegisters(_:parameters:slots:slotStride:)``).
///
/// A conforming step implements the vector rule and may forward the two
/// ``OptimizerStep`` requirements to those helpers, which the compiler then
/// specialises for it (the built-in steps do):
///
/// ```swift
/// /// w ← w − η·g, as a rule on one vector.
/// struct DescentStep: VectorizedOptimizerStep {
///     let rate: Float
///     func apply(_ g: SIMD16<Float>, parameters w: UnsafeMutablePointer<Float>,
///                slots: UnsafeMutablePointer<Float>, slotStride: Int, lanes: Int) {
///         w.store(w.vector(at: 0, lanes: lanes) - rate * g, at: 0, lanes: lanes)
///     }
/// }
/// ```
public protocol VectorizedOptimizerStep: OptimizerStep {
    /// Updates the `lanes` (1…16) parameters `w[0 ..< lanes]` from their
    /// gradients, lanes `0 ..< lanes` of `g` (the others are unspecified);
    /// slot `k` of parameter `i` is `slots[k·slotStride + i]`. Reads and
    /// writes only those parameters and their slots
    /// (``VectorAccess``'s masked loads and stores).
    func apply(_ g: SIMD16<Float>, parameters w: UnsafeMutablePointer<Float>,
               slots: UnsafeMutablePointer<Float>, slotStride: Int, lanes: Int)
}

extension VectorizedOptimizerStep {
    /// ``OptimizerStep/apply(parameters:gradients:slots:slotStride:count:)``
    /// as the vector rule over each run of 16 parameters, then the rest.
    @inline(__always)
    public func applyVectorwise(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                                slots: UnsafeMutablePointer<Float>, slotStride: Int, count: Int) {
        var i = 0
        while i &+ 16 <= count {
            apply(g.vector(at: i, lanes: 16), parameters: w + i, slots: slots + i, slotStride: slotStride, lanes: 16)
            i &+= 16
        }
        if i < count {
            apply(g.vector(at: i, lanes: count &- i), parameters: w + i, slots: slots + i, slotStride: slotStride,
                  lanes: count &- i)
        }
    }

    /// ``OptimizerStep/apply(_:parameters:slots:slotStride:)`` with the
    /// vector rule applied to each vector of sums as it leaves the kernel's
    /// registers (``StepTileSink``): no gradient is stored.
    @inline(__always)
    public func applyFromRegisters(_ product: SparseRowProduct, parameters w: UnsafeMutablePointer<Float>,
                                   slots: UnsafeMutablePointer<Float>, slotStride: Int) {
        let n = product.n
        product.run { firstRow in
            StepTileSink(step: self, parameters: w + firstRow &* n, slots: slots + firstRow &* n,
                         slotStride: slotStride, n: n)
        }
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

/// Applies a step's vector rule to a block of four rows of a weight matrix
/// (`n` columns, the first at `parameters`) as a zero-skipping kernel hands
/// over their gradient a vector at a time.
struct StepTileSink<Step: VectorizedOptimizerStep>: TileSink {
    let step: Step
    let parameters: UnsafeMutablePointer<Float>, slots: UnsafeMutablePointer<Float>, slotStride: Int, n: Int

    @inline(__always)
    func take(_ sums: SIMD16<Float>, row: Int, column: Int, lanes: Int) {
        let offset = row &* n &+ column
        step.apply(sums, parameters: parameters + offset, slots: slots + offset, slotStride: slotStride, lanes: lanes)
    }
}
