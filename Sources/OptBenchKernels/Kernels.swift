/// The fast numerical kernels: the only code in OptBench that knows about SIMD
/// registers and cache blocking.
///
/// Matrices are row-major `Float` arrays; `ld` is the leading dimension (the
/// distance in elements between the starts of two rows). Every kernel has a
/// plain twin in ``ReferenceKernels`` that the tests compare it with.
public enum Kernels {
    /// Rows of `C` computed at once by the register-blocked micro-kernel.
    public static let microRows = 8
    /// Width in floats of one SIMD register used by the kernels.
    public static let lanes = 16

    /// Floats of scratch memory that ``matmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:workspace:)``
    /// needs for an inner dimension `k`: one zero-padded column panel of `B`.
    @inlinable
    public static func matmulWorkspaceCount(k: Int) -> Int { max(1, k) * lanes + microRows * lanes }

    /// `C[m×n] = epilogue(A[m×k] · B[k×n])`.
    ///
    /// `C` is computed in tiles of 8 rows × 32 columns held in sixteen
    /// `SIMD16<Float>` accumulators: for each `p` in `0..<k`, two vectors of row
    /// `p` of `B` are loaded and multiplied by eight broadcast values `A[i, p]`
    /// with fused multiply-adds. The columns are the outer loop, so each 32-wide
    /// panel of `B` stays in cache while every row block of `A` passes over it.
    /// A last panel narrower than 16 columns is first copied, zero-padded, into
    /// `workspace` (at least ``matmulWorkspaceCount(k:)`` floats).
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
    /// adding to `C` when `accumulate`, then the epilogue.
    @inlinable
    static func matmulBlock(
        m: Int, columnStart: Int, columnEnd: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue, accumulate: Bool,
        workspace: UnsafeMutablePointer<Float>
    ) {
        let tile = workspace + max(1, k) * lanes
        var j = columnStart
        while j + 32 <= columnEnd {
            var i = 0
            while i < m {
                let rows = min(microRows, m - i)
                microKernel8x32(rows: rows, k: k, a: a + i * lda, lda: lda,
                                b: b + j, ldb: ldb, c: c + i * ldc + j, ldc: ldc, accumulate: accumulate)
                applyEpilogue(epilogue, rows: rows, width: 32, c: c, ldc: ldc, row: i, column: j)
                i += microRows
            }
            j += 32
        }
        while j < columnEnd {
            let width = min(lanes, columnEnd - j)
            let panel: UnsafePointer<Float>
            let panelLD: Int
            if width == lanes {
                panel = b + j
                panelLD = ldb
            } else {
                copyPaddedPanel(rows: 0..<k, width: width, from: b + j, ldb: ldb, into: workspace)
                panel = UnsafePointer(workspace)
                panelLD = lanes
            }
            var i = 0
            while i < m {
                let rows = min(microRows, m - i)
                if width == lanes {
                    microKernel8x16(rows: rows, k: k, a: a + i * lda, lda: lda,
                                    b: panel, ldb: panelLD, c: c + i * ldc + j, ldc: ldc, accumulate: accumulate)
                } else {
                    // Compute the tile 16 wide into scratch, keep its first `width` columns.
                    let out = c + i * ldc + j
                    if accumulate { loadNarrowTile(rows: rows, width: width, from: out, ldc: ldc, into: tile) }
                    microKernel8x16(rows: rows, k: k, a: a + i * lda, lda: lda,
                                    b: panel, ldb: panelLD, c: tile, ldc: lanes, accumulate: accumulate)
                    storeNarrowTile(rows: rows, width: width, from: tile, into: out, ldc: ldc)
                }
                applyEpilogue(epilogue, rows: rows, width: width, c: c, ldc: ldc, row: i, column: j)
                i += microRows
            }
            j += width
        }
    }

    /// Copies rows `rows` of the `width` (< 16) columns at `b` into `target`,
    /// each row zero-padded to 16 floats (row `p` at `target + 16p`): the last,
    /// narrow panel of `B`, for the 16-wide micro-kernels.
    @inlinable
    static func copyPaddedPanel(rows: Range<Int>, width: Int, from b: UnsafePointer<Float>, ldb: Int,
                                into target: UnsafeMutablePointer<Float>) {
        // A masked load of each row (zeros beyond `width`), a whole vector stored.
        for p in rows {
            UnsafeMutableRawPointer(target + p &* lanes).storeBytes(of: b.vector(at: p &* ldb, lanes: width),
                                                                    as: SIMD16<Float>.self)
        }
    }

    /// The 16 partial sums of `C` at row `r`, `offset` columns in, from which
    /// an accumulating micro-kernel starts (only the first `lanes`, zeros
    /// above, for a narrow last tile); zeros for a row beyond the `rows` of a
    /// partial tile (it is never stored).
    @inlinable @inline(__always)
    static func partialSums(_ c: UnsafeMutablePointer<Float>, row r: Int, of rows: Int, ldc: Int,
                            offset: Int = 0, lanes: Int = 16) -> SIMD16<Float> {
        r < rows ? c.vector(at: r &* ldc &+ offset, lanes: lanes) : SIMD16<Float>()
    }

    /// Copies the `rows × width` (< 16) tile of `C` at `c` into the 16-wide
    /// scratch `tile`, zero-padded: the partial sums of a narrow last panel.
    @inlinable
    static func loadNarrowTile(rows: Int, width: Int, from c: UnsafePointer<Float>, ldc: Int,
                               into tile: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            UnsafeMutableRawPointer(tile + r &* lanes).storeBytes(of: c.vector(at: r &* ldc, lanes: width),
                                                                  as: SIMD16<Float>.self)
        }
    }

    /// Stores the first `width` columns of the 16-wide scratch `tile` to the
    /// `rows × width` tile of `C` at `c`.
    @inlinable
    static func storeNarrowTile(rows: Int, width: Int, from tile: UnsafePointer<Float>,
                                into c: UnsafeMutablePointer<Float>, ldc: Int) {
        for r in 0..<rows {
            c.store(UnsafeRawPointer(tile + r &* lanes).loadUnaligned(as: SIMD16<Float>.self), at: r &* ldc, lanes: width)
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

    /// `rows` (1...8) rows × 32 columns of `A·B`, stored raw to `c`. Missing
    /// rows reuse the last real row of `A` and are not stored.
    @inlinable @inline(__always)
    static func microKernel8x32(
        rows: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        let a0 = a
        let a1 = a + min(1, rows - 1) * lda
        let a2 = a + min(2, rows - 1) * lda
        let a3 = a + min(3, rows - 1) * lda
        let a4 = a + min(4, rows - 1) * lda
        let a5 = a + min(5, rows - 1) * lda
        let a6 = a + min(6, rows - 1) * lda
        let a7 = a + min(7, rows - 1) * lda
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>()
        var c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>()
        var c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>()
        var c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        var c60 = SIMD16<Float>(), c61 = SIMD16<Float>()
        var c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
        if accumulate {
            func load(_ r: Int, _ offset: Int) -> SIMD16<Float> { partialSums(c, row: r, of: rows, ldc: ldc, offset: offset) }
            c00 = load(0, 0); c01 = load(0, 16); c10 = load(1, 0); c11 = load(1, 16)
            c20 = load(2, 0); c21 = load(2, 16); c30 = load(3, 0); c31 = load(3, 16)
            c40 = load(4, 0); c41 = load(4, 16); c50 = load(5, 0); c51 = load(5, 16)
            c60 = load(6, 0); c61 = load(6, 16); c70 = load(7, 0); c71 = load(7, 16)
        }
        var bp = UnsafeRawPointer(b)
        let stride = ldb * MemoryLayout<Float>.stride
        for p in 0..<k {
            let b0 = bp.loadUnaligned(as: SIMD16<Float>.self)
            let b1 = bp.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            bp += stride
            var x = SIMD16<Float>(repeating: a0[p]); c00.addProduct(x, b0); c01.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a1[p]); c10.addProduct(x, b0); c11.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a2[p]); c20.addProduct(x, b0); c21.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a3[p]); c30.addProduct(x, b0); c31.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a4[p]); c40.addProduct(x, b0); c41.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a5[p]); c50.addProduct(x, b0); c51.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a6[p]); c60.addProduct(x, b0); c61.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a7[p]); c70.addProduct(x, b0); c71.addProduct(x, b1)
        }
        // Raw stores only: an epilogue in this function would make the compiler
        // spill the accumulators. ``applyEpilogue`` runs over the tile after.
        let out = UnsafeMutableRawPointer(c)
        let rowBytes = ldc * MemoryLayout<Float>.stride
        out.storeBytes(of: c00, as: SIMD16<Float>.self)
        out.storeBytes(of: c01, toByteOffset: 64, as: SIMD16<Float>.self)
        if rows > 1 { out.storeBytes(of: c10, toByteOffset: rowBytes, as: SIMD16<Float>.self)
                      out.storeBytes(of: c11, toByteOffset: rowBytes + 64, as: SIMD16<Float>.self) }
        if rows > 2 { out.storeBytes(of: c20, toByteOffset: 2 * rowBytes, as: SIMD16<Float>.self)
                      out.storeBytes(of: c21, toByteOffset: 2 * rowBytes + 64, as: SIMD16<Float>.self) }
        if rows > 3 { out.storeBytes(of: c30, toByteOffset: 3 * rowBytes, as: SIMD16<Float>.self)
                      out.storeBytes(of: c31, toByteOffset: 3 * rowBytes + 64, as: SIMD16<Float>.self) }
        if rows > 4 { out.storeBytes(of: c40, toByteOffset: 4 * rowBytes, as: SIMD16<Float>.self)
                      out.storeBytes(of: c41, toByteOffset: 4 * rowBytes + 64, as: SIMD16<Float>.self) }
        if rows > 5 { out.storeBytes(of: c50, toByteOffset: 5 * rowBytes, as: SIMD16<Float>.self)
                      out.storeBytes(of: c51, toByteOffset: 5 * rowBytes + 64, as: SIMD16<Float>.self) }
        if rows > 6 { out.storeBytes(of: c60, toByteOffset: 6 * rowBytes, as: SIMD16<Float>.self)
                      out.storeBytes(of: c61, toByteOffset: 6 * rowBytes + 64, as: SIMD16<Float>.self) }
        if rows > 7 { out.storeBytes(of: c70, toByteOffset: 7 * rowBytes, as: SIMD16<Float>.self)
                      out.storeBytes(of: c71, toByteOffset: 7 * rowBytes + 64, as: SIMD16<Float>.self) }
    }

    /// `rows` (1...8) rows × 16 columns of `A·B`, stored raw to `c`; `b` is a
    /// panel at least 16 floats wide.
    @inlinable @inline(__always)
    static func microKernel8x16(
        rows: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        let a0 = a
        let a1 = a + min(1, rows - 1) * lda
        let a2 = a + min(2, rows - 1) * lda
        let a3 = a + min(3, rows - 1) * lda
        let a4 = a + min(4, rows - 1) * lda
        let a5 = a + min(5, rows - 1) * lda
        let a6 = a + min(6, rows - 1) * lda
        let a7 = a + min(7, rows - 1) * lda
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
        var c4 = SIMD16<Float>(), c5 = SIMD16<Float>(), c6 = SIMD16<Float>(), c7 = SIMD16<Float>()
        if accumulate {
            func load(_ r: Int) -> SIMD16<Float> { partialSums(c, row: r, of: rows, ldc: ldc) }
            c0 = load(0); c1 = load(1); c2 = load(2); c3 = load(3)
            c4 = load(4); c5 = load(5); c6 = load(6); c7 = load(7)
        }
        var bp = UnsafeRawPointer(b)
        let stride = ldb * MemoryLayout<Float>.stride
        for p in 0..<k {
            let b0 = bp.loadUnaligned(as: SIMD16<Float>.self)
            bp += stride
            c0.addProduct(SIMD16<Float>(repeating: a0[p]), b0)
            c1.addProduct(SIMD16<Float>(repeating: a1[p]), b0)
            c2.addProduct(SIMD16<Float>(repeating: a2[p]), b0)
            c3.addProduct(SIMD16<Float>(repeating: a3[p]), b0)
            c4.addProduct(SIMD16<Float>(repeating: a4[p]), b0)
            c5.addProduct(SIMD16<Float>(repeating: a5[p]), b0)
            c6.addProduct(SIMD16<Float>(repeating: a6[p]), b0)
            c7.addProduct(SIMD16<Float>(repeating: a7[p]), b0)
        }
        let out = UnsafeMutableRawPointer(c)
        let rowBytes = ldc * MemoryLayout<Float>.stride
        out.storeBytes(of: c0, as: SIMD16<Float>.self)
        if rows > 1 { out.storeBytes(of: c1, toByteOffset: rowBytes, as: SIMD16<Float>.self) }
        if rows > 2 { out.storeBytes(of: c2, toByteOffset: 2 * rowBytes, as: SIMD16<Float>.self) }
        if rows > 3 { out.storeBytes(of: c3, toByteOffset: 3 * rowBytes, as: SIMD16<Float>.self) }
        if rows > 4 { out.storeBytes(of: c4, toByteOffset: 4 * rowBytes, as: SIMD16<Float>.self) }
        if rows > 5 { out.storeBytes(of: c5, toByteOffset: 5 * rowBytes, as: SIMD16<Float>.self) }
        if rows > 6 { out.storeBytes(of: c6, toByteOffset: 6 * rowBytes, as: SIMD16<Float>.self) }
        if rows > 7 { out.storeBytes(of: c7, toByteOffset: 7 * rowBytes, as: SIMD16<Float>.self) }
    }
}
