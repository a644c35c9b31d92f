/// The rows `rows` of a product `A·B` that skips the zeros of `A`, as a value
/// to be computed later by whoever consumes its sums: the arguments of
/// ``Kernels/sparseMatmulRows(_:n:k:a:lda:skippingZerosOf:b:ldb:partial:tile:workspace:sink:)``.
///
/// A model hands one to an optimizer's step when a weight gradient is to be
/// applied as it is computed: the step runs it with a ``TileSink`` of its own
/// (its rule applied to each finished vector of sums), and since the kernel
/// is inlinable, the kernel and the rule are then compiled together for that
/// step. Row `r` of the product has its `n` values at `r·n ..< (r+1)·n`
/// relative to whatever the consumer indexes (the parameters whose gradient
/// it is). The values are those of the whole product to the last bit, up to
/// the sign of an exactly zero sum.
public struct SparseRowProduct {
    /// The rows of `A` (and of the product): starts at a multiple of ``Kernels/sparseRows``.
    public let rows: Range<Int>
    /// The product's columns, and the inner dimension.
    public let n: Int, k: Int
    public let a: UnsafePointer<Float>, lda: Int
    /// The nonzeros of `A` by blocks of four rows.
    public let pattern: NonzeroPattern
    public let b: UnsafePointer<Float>, ldb: Int
    /// Sums to continue (`partial[r·n + j]` for row `r`), or nil.
    public let partial: UnsafePointer<Float>?
    /// `4·n` floats for a block's partial sums (and the staged sums of ``run(finished:)``).
    public let tile: UnsafeMutablePointer<Float>
    /// ``Kernels/matmulWorkspaceCount(k:)`` floats.
    public let workspace: UnsafeMutablePointer<Float>

    @inlinable
    public init(rows: Range<Int>, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                skippingZerosOf pattern: NonzeroPattern, b: UnsafePointer<Float>, ldb: Int,
                partial: UnsafePointer<Float>?, tile: UnsafeMutablePointer<Float>,
                workspace: UnsafeMutablePointer<Float>) {
        self.rows = rows
        self.n = n
        self.k = k
        self.a = a
        self.lda = lda
        self.pattern = pattern
        self.b = b
        self.ldb = ldb
        self.partial = partial
        self.tile = tile
        self.workspace = workspace
    }

    /// Computes the product, handing each block's sums (from the kernel's scratch tile) to
    /// `sink(firstRow)` (row `r` of the block is row `firstRow + r`).
    @inlinable @inline(__always)
    public func run<Sink: TileSink>(sink: (_ firstRow: Int) -> Sink) {
        Kernels.sparseMatmulRows(rows, n: n, k: k, a: a, lda: lda, skippingZerosOf: pattern, b: b, ldb: ldb,
                                 partial: partial, tile: tile, workspace: workspace, sink: sink)
    }

    /// Computes the product, staging each block of four rows in ``tile`` and
    /// handing it to `finished(firstRow, rowCount, values)` while it is in cache.
    @inlinable
    public func run(finished: (_ firstRow: Int, _ rowCount: Int, _ values: UnsafePointer<Float>) -> Void) {
        Kernels.sparseMatmulRows(rows, n: n, k: k, a: a, lda: lda, skippingZerosOf: pattern, b: b, ldb: ldb,
                                 partial: partial, tile: tile, workspace: workspace, finished: finished)
    }
}
