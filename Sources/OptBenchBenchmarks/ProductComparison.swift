/// One plain product of the training step on one thread, side by side with
/// one core's peak and with OpenBLAS's single-thread `sgemm` on its shape.
public struct ProductComparison: Sendable {
    /// The product's name, as ``MatrixProductCase/name``.
    public var name: String
    public var shape: MatrixShape
    /// optbench's rate on one thread.
    public var gflops: Double
    /// ``gflops`` over one core's peak on the kernel path that ran it; nil
    /// without a peak.
    public var fractionOfPeak: Double?
    /// OpenBLAS's rate on the same shape and one thread; nil without a reference run.
    public var openBLASGflops: Double?

    /// optbench's rate over OpenBLAS's: above 1, optbench is faster.
    public var ratio: Double? { openBLASGflops.map { gflops / $0 } }

    /// The rows of `timings` (the plain products, timed on one thread), in
    /// their order, with the fraction of `peakGflops` and the reference's
    /// rate on each shape when given.
    ///
    /// optbench's products include the epilogue training runs with them
    /// (bias, ReLU or its mask); numpy's `matmul` does the product alone.
    public static func rows(timings: [MatrixProductTiming], peakGflops: Double?,
                            reference: MatmulReferenceResult?) -> [ProductComparison] {
        timings.map { timing in
            let shape = timing.product.shape
            return ProductComparison(
                name: timing.product.name, shape: shape, gflops: timing.gflops,
                fractionOfPeak: peakGflops.flatMap { $0 > 0 ? timing.gflops / $0 : nil },
                openBLASGflops: reference?.timing(of: shape)?.gflops)
        }
    }
}

extension MatrixProductCase {
    /// The product's shape: `C (m×n) = A (m×k) · B (k×n)`.
    public var shape: MatrixShape { MatrixShape(m: m, n: n, k: k) }
}
