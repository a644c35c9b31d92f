/// Where the zero-skipping micro-kernels put the finished sums of a tile of
/// four rows (``Kernels/sparseMatmulRows(_:n:k:a:lda:skippingZerosOf:b:ldb:partial:tile:workspace:sink:)``):
/// stored to memory (``MemoryTileSink``), or handed, 16 columns at a time
/// while the tile is still in L1 cache, to a consumer such as an optimizer
/// step applied to the weights whose gradient they are.
public protocol TileSink {
    /// Lanes `0 ..< lanes` (1…16) of `sums`: row `row` (0…3) of the block,
    /// columns `column ..< column + lanes`.
    func take(_ sums: SIMD16<Float>, row: Int, column: Int, lanes: Int)
}

/// Stores a block's sums to `c` (row `r`, column `j` at `c[r·ldc + j]`).
public struct MemoryTileSink: TileSink {
    public let c: UnsafeMutablePointer<Float>, ldc: Int

    @inlinable
    public init(c: UnsafeMutablePointer<Float>, ldc: Int) {
        self.c = c
        self.ldc = ldc
    }

    @inlinable @inline(__always)
    public func take(_ sums: SIMD16<Float>, row: Int, column: Int, lanes: Int) {
        c.store(sums, at: row &* ldc &+ column, lanes: lanes)
    }
}
