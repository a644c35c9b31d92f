import CKernelSupport

/// The fast numerical kernels: the only code in OptBench that knows about SIMD
/// registers and cache blocking.
///
/// Matrices are row-major `Float` arrays; `ld` is the leading dimension (the
/// distance in elements between the starts of two rows). Every kernel has a
/// plain twin in ``ReferenceKernels`` that the tests compare it with.
public enum Kernels {
    /// The row granularity at which a dense product is split across threads:
    /// the tallest tile of any path's dense micro-kernel (8 rows; the AVX2
    /// path's tiles are 6 rows, see ``KernelPath``).
    public static let microRows = 8
    /// Width in floats of one SIMD register used by the kernels.
    public static let lanes = 16

    /// Floats of scratch memory that the products need (whatever the inner
    /// dimension `k`): one tile of sums of a zero-skipping micro-kernel,
    /// 4 rows × 64 columns.
    @inlinable
    public static func matmulWorkspaceCount(k: Int) -> Int { sparseRows * sparseTileColumns }

    /// The leading dimension of the tile a zero-skipping micro-kernel writes.
    public static let sparseTileColumns = Int(OPTBENCH_SPARSE_TILE_COLUMNS)

    /// `C[m×n] = epilogue(A[m×k] · B[k×n])`.
    ///
    /// `C` is computed in column panels 32 wide (the last may be narrower):
    /// for each panel, the micro-kernel of the ``KernelPath/current`` path
    /// computes tiles of up to 8 rows (6 on the AVX2 path) with fused
    /// multiply-adds, each row of `B` loaded once per tile and multiplied by
    /// the broadcast values `A[i, p]`. The columns are the outer loop, so
    /// each panel of `B` stays in cache while every row block of `A` passes
    /// over it. A narrow last panel is read with masked loads, never beyond
    /// column `n`. `workspace` is not used (it is kept for the callers that
    /// pass it; ``matmulWorkspaceCount(k:)`` floats).
    ///
    /// Each element of `C` is the sum over `p` in increasing order, so the result
    /// does not depend on how the work is split across threads.
    @inlinable
    public static func matmul(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue = .none,
        workspace: UnsafeMutablePointer<Float>
    ) {
        matmulColumns(m: m, n: n, columnStart: 0, columnEnd: n, k: k, a: a, lda: lda,
                      b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue, workspace: workspace)
    }

    /// The part of ``matmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:workspace:)`` that
    /// computes the columns `columnStart..<columnEnd` of `C` (`columnStart` a
    /// multiple of 16): the unit of work handed to a thread.
    ///
    /// With `accumulate`, `C = epilogue(C + A·B)`: the sums continue from `C`
    /// (as if the inner dimension went on), for products split into batches.
    @inlinable
    public static func matmulColumns(
        m: Int, n: Int, columnStart: Int, columnEnd: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue,
        accumulate: Bool = false,
        workspace: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, columnEnd > columnStart else { return }
        if k == 0 {
            // A·B is the zero matrix; only the epilogue remains.
            for i in 0..<m {
                for j in columnStart..<columnEnd {
                    c[i * ldc + j] = applyEpilogue(accumulate ? c[i * ldc + j] : 0, epilogue, row: i, column: j)
                }
            }
            return
        }
        // Large products are blocked so that their operands stay in cache: the
        // inner dimension in blocks of `innerBlock` (the partial sums wait in C,
        // so every element is still summed in order), and the rows in chunks.
        let kBlock = k > blockedInnerThreshold ? innerBlock : k
        let chunk = m * k > chunkedRowsThreshold ? rowChunk : m
        var k0 = 0
        while k0 < k {
            let kLength = min(kBlock, k - k0)
            let last = k0 + kLength == k
            var i0 = 0
            while i0 < m {
                let rows = min(chunk, m - i0)
                // Small products apply the epilogue tile by tile (still in L1);
                // chunked ones over the chunk afterwards, row by row, which reads
                // the ReLU mask sequentially.
                let tileEpilogue = last && chunk == m
                matmulBlock(m: rows, columnStart: columnStart, columnEnd: columnEnd, k: kLength,
                            a: a + i0 * lda + k0, lda: lda, b: b + k0 * ldb, ldb: ldb,
                            c: c + i0 * ldc, ldc: ldc, epilogue: tileEpilogue ? epilogue : .none,
                            accumulate: k0 > 0 || accumulate, workspace: workspace)
                if last && !tileEpilogue {
                    applyEpilogue(epilogue.droppingRows(i0), rows: rows, width: columnEnd - columnStart,
                                  c: c + i0 * ldc, ldc: ldc, row: 0, column: columnStart)
                }
                i0 += rows
            }
            k0 += kLength
        }
    }

    /// Inner dimensions above this are summed in blocks of ``innerBlock``.
    public static let blockedInnerThreshold = 1024
    /// Block of the inner dimension of a large product: a 32-column panel of
    /// 256 rows of `B` is 32 kB.
    public static let innerBlock = 256
    /// Products whose `A` has more elements than this (1 MB) are computed in
    /// chunks of ``rowChunk`` rows, so that a chunk of `A` stays in cache while
    /// the panels of `B` pass over it.
    public static let chunkedRowsThreshold = 262_144
    public static let rowChunk = 128

    /// One block of ``matmulColumns(m:n:columnStart:columnEnd:k:a:lda:b:ldb:c:ldc:epilogue:accumulate:workspace:)``:
    /// `C (+)= A·B` for all `m` rows and the columns `columnStart..<columnEnd`,
    /// adding to `C` when `accumulate`, then the epilogue tile by tile.
    @inlinable
    static func matmulBlock(
        m: Int, columnStart: Int, columnEnd: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue, accumulate: Bool,
        workspace: UnsafeMutablePointer<Float>
    ) {
        // Read once: the tile height and the kernel come from the same path.
        let kernels = optbench_active_kernel_table().pointee
        let tileRows = kernels.dense_rows, tile = kernels.dense_tile
        var j = columnStart
        while j < columnEnd {
            let width = min(32, columnEnd &- j)
            var i = 0
            while i < m {
                let rows = min(tileRows, m &- i)
                tile(rows, width, k, a + i &* lda, lda, b + j, ldb, c + (i &* ldc &+ j), ldc, accumulate ? 1 : 0)
                applyEpilogue(epilogue, rows: rows, width: width, c: c, ldc: ldc, row: i, column: j)
                i &+= tileRows
            }
            j &+= width
        }
    }

    /// Whether a product is split across threads by columns (at multiples of
    /// 32) rather than by rows: when it has few rows and enough 32-column
    /// blocks for every thread, or fewer rows than `minimumRows` (one row
    /// block of its micro-kernel).
    @inlinable
    static func splitsByColumns(m: Int, n: Int, threadCount: Int, minimumRows: Int) -> Bool {
        m < 64 * threadCount && (n >= 128 && (n + 31) / 32 >= threadCount || m < 2 * minimumRows)
    }

    @inlinable @inline(__always)
    static func applyEpilogue(_ x: Float, _ epilogue: Epilogue, row: Int, column: Int) -> Float {
        switch epilogue {
        case .none: return x
        case .bias(let bias): return x + bias[column]
        case .biasReLU(let bias): return max(0, x + bias[column])
        case .reluMask(let h, let ldh): return h[row * ldh + column] > 0 ? x : 0
        }
    }

    /// Applies the epilogue to the `rows × width` tile of `C` at (`row`, `column`),
    /// right after the micro-kernel wrote it (it is still in L1 cache).
    @inlinable @inline(__always)
    static func applyEpilogue(_ epilogue: Epilogue, rows: Int, width: Int,
                              c: UnsafeMutablePointer<Float>, ldc: Int, row: Int, column: Int) {
        switch epilogue {
        case .none:
            return
        case .bias(let bias):
            for r in row..<(row + rows) {
                let out = c + r * ldc + column, b = bias + column
                for q in 0..<width { out[q] += b[q] }
            }
        case .biasReLU(let bias):
            for r in row..<(row + rows) {
                let out = c + r * ldc + column, b = bias + column
                for q in 0..<width { out[q] = max(0, out[q] + b[q]) }
            }
        case .reluMask(let h, let ldh):
            for r in row..<(row + rows) {
                let out = c + r * ldc + column, mask = UnsafePointer(h + r * ldh + column)
                var q = 0
                while q + lanes <= width {
                    // Branch-free: keep where H > 0, else 0 (NaN in H gives 0, as `H > 0` is false).
                    let kept = UnsafeRawPointer(mask + q).loadUnaligned(as: SIMD16<Float>.self) .> 0
                    let value = UnsafeRawPointer(out + q).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(out + q).storeBytes(of: SIMD16<Float>().replacing(with: value, where: kept),
                                                                as: SIMD16<Float>.self)
                    q += lanes
                }
                while q < width {
                    if !(mask[q] > 0) { out[q] = 0 }
                    q += 1
                }
            }
        }
    }
}
