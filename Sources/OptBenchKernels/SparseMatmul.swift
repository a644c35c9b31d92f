import CKernelSupport

extension Kernels {
    /// Rows of `C` computed at once by the zero-skipping micro-kernels, and the
    /// row-block size of a ``NonzeroPattern``. Four rows balance the work
    /// skipped (the fewer rows, the more often all of them are zero) against
    /// the loads per multiply-add (the fewer rows, the fewer products share a
    /// loaded row of `B`).
    public static let sparseRows = 4

    /// `C[m×n] = epilogue(A[m×k] · B[k×n])` for the columns `columnStart..<columnEnd`
    /// of `C` (`columnStart` a multiple of 16), visiting for each block of four
    /// rows of `A` only the inner indices `p` that `nonzeros` lists for it
    /// (where some of the four rows is nonzero):
    ///
    ///     C[i, j] = Σ_{p ∈ nonzeros(⌊i/4⌋), increasing} A[i, p] · B[p, j]
    ///
    /// Tiles of 4 rows × 64 columns (the last may be narrower) are computed by
    /// the zero-skipping micro-kernel of the ``KernelPath/current`` path: for
    /// each listed `p`, row `p` of `B` is loaded once and multiplied by the
    /// four broadcast `A[i, p]` with fused multiply-adds. Narrow columns are
    /// read with masked loads, never beyond column `n`. `workspace` (at least
    /// ``matmulWorkspaceCount(k:)`` floats) holds one tile of sums.
    ///
    /// The dense kernel adds the same products in the same order, starting from
    /// +0; the products left out are `0·b`, and adding `0·b` to a sum leaves it
    /// unchanged when `b` is finite — except that a sum which is exactly −0 (a
    /// product that underflowed) becomes +0 in the dense kernel and stays −0
    /// here. So for finite `B` the result equals
    /// ``matmulColumns(m:n:columnStart:columnEnd:k:a:lda:b:ldb:c:ldc:epilogue:accumulate:workspace:)``
    /// bit for bit up to the sign of a zero, which no later step of training
    /// tells apart. With an infinite `B[p, j]` the dense product gives NaN where
    /// `A[i, p] = 0` and this one does not: a diverging run may be reported a
    /// few steps later.
    @inlinable
    public static func sparseMatmulColumns(
        m: Int, n: Int, columnStart: Int, columnEnd: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, nonzeros: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue,
        accumulate: Bool = false,
        workspace: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, columnEnd > columnStart else { return }
        // Blocked like the dense product: the inner dimension in blocks (each row
        // block's list is cut at the block's bounds), the rows in chunks.
        let kBlock = k > blockedInnerThreshold ? innerBlock : max(k, 1)
        let chunk = m * k > chunkedRowsThreshold ? rowChunk : m
        var k0 = 0
        repeat {
            let kEnd = min(k, k0 + kBlock)
            var i0 = 0
            while i0 < m {
                let rows = min(chunk, m - i0)
                // As in the dense product: the epilogue tile by tile for small
                // products, over each chunk afterwards for chunked ones.
                let tileEpilogue = kEnd == k && chunk == m
                sparseMatmulBlock(m: rows, columnStart: columnStart, columnEnd: columnEnd, k: k, innerRange: k0..<kEnd,
                                  a: a + i0 * lda, lda: lda, nonzeros: nonzeros.dropping(rowBlocks: i0 / sparseRows),
                                  b: b, ldb: ldb, c: c + i0 * ldc, ldc: ldc,
                                  epilogue: tileEpilogue ? epilogue : .none, accumulate: k0 > 0 || accumulate,
                                  workspace: workspace)
                if kEnd == k && !tileEpilogue {
                    applyEpilogue(epilogue.droppingRows(i0), rows: rows, width: columnEnd - columnStart,
                                  c: c + i0 * ldc, ldc: ldc, row: 0, column: columnStart)
                }
                i0 += rows
            }
            k0 = kEnd
        } while k0 < k
    }

    /// One block of ``sparseMatmulColumns(m:n:columnStart:columnEnd:k:a:lda:nonzeros:b:ldb:c:ldc:epilogue:accumulate:workspace:)``:
    /// `C (+)= A·B` over the listed inner indices in `innerRange`, adding to `C`
    /// when `accumulate`, then the epilogue.
    @inlinable
    static func sparseMatmulBlock(
        m: Int, columnStart: Int, columnEnd: Int, k: Int, innerRange: Range<Int>,
        a: UnsafePointer<Float>, lda: Int, nonzeros: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue, accumulate: Bool,
        workspace: UnsafeMutablePointer<Float>
    ) {
        let tile = workspace
        let wholeRange = innerRange.count == k
        var j = columnStart
        while j < columnEnd {
            let width = min(sparseTileColumns, columnEnd &- j)
            var i = 0
            while i < m {
                let rows = min(sparseRows, m &- i)
                var listed = nonzeros.indices(rowBlock: i / sparseRows)
                if !wholeRange { listed = slice(listed, to: innerRange) }
                sparseTile(width: width, rows: rows, listed: listed, a: a + i &* lda, lda: lda, b: b + j, ldb: ldb,
                           c: c + i &* ldc + j, ldc: ldc, accumulate: accumulate, tile: tile,
                           sink: MemoryTileSink(c: c + i &* ldc, ldc: ldc), column: j)
                applyEpilogue(epilogue, rows: rows, width: width, c: c, ldc: ldc, row: i, column: j)
                i &+= sparseRows
            }
            j &+= width
        }
    }

    /// The part of an increasing list that lies in `range` (two binary searches).
    @inlinable
    static func slice(_ list: UnsafeBufferPointer<Int32>, to range: Range<Int>) -> UnsafeBufferPointer<Int32> {
        func firstIndex(notBelow bound: Int) -> Int {
            var low = 0, high = list.count
            while low < high {
                let middle = (low + high) / 2
                if Int(list[middle]) < bound { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let start = firstIndex(notBelow: range.lowerBound), end = firstIndex(notBelow: range.upperBound)
        return UnsafeBufferPointer(rebasing: list[start..<end])
    }

    /// One tile of `rows` (1...4) rows × `width` (1...64) columns of `A·B`
    /// over the `listed` inner indices (added to the partial sums at `c` when
    /// `accumulate`), computed by the current path's micro-kernel and handed
    /// to `sink` as the block's columns `column ..< column + width`: stored
    /// by the kernel itself for a ``MemoryTileSink``, otherwise through
    /// `tile` (``matmulWorkspaceCount(k:)`` floats), 16 columns at a time.
    /// Missing rows are not handed over.
    @inlinable @inline(__always)
    static func sparseTile<Sink: TileSink>(
        width: Int, rows: Int, listed: UnsafeBufferPointer<Int32>, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
        tile: UnsafeMutablePointer<Float>, sink: Sink, column: Int
    ) {
        let kernel = optbench_active_kernel_table().pointee.sparse_tile
        let partial = accumulate ? UnsafePointer(c) : nil
        if Sink.self == MemoryTileSink.self {
            // Known when the function is specialised: the kernel stores the sums where the sink would.
            let memory = unsafeBitCast(sink, to: MemoryTileSink.self)
            kernel(rows, width, listed.baseAddress, listed.count, a, lda, b, ldb, partial, ldc,
                   memory.c + column, memory.ldc)
            return
        }
        kernel(rows, width, listed.baseAddress, listed.count, a, lda, b, ldb, partial, ldc, tile, sparseTileColumns)
        for r in 0..<rows {
            let sums = UnsafeRawPointer(tile + r &* sparseTileColumns)
            var q = 0
            while q < width {
                sink.take(sums.loadUnaligned(fromByteOffset: q &* MemoryLayout<Float>.stride, as: SIMD16<Float>.self),
                          row: r, column: column &+ q, lanes: min(lanes, width &- q))
                q &+= lanes
            }
        }
    }

    /// ``parallelMatmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:accumulate:workspace:threads:)``
    /// that skips the inner indices where all four rows of a row block of `A`
    /// are zero, as listed by `pattern` (from ``findNonzeroColumns(m:n:a:lda:into:)``
    /// on this `A`), with ``sparseMatmulColumns(m:n:columnStart:columnEnd:k:a:lda:nonzeros:b:ldb:c:ldc:epilogue:accumulate:workspace:)``.
    ///
    /// For finite `B` the result equals the dense product bit for bit (up to
    /// the sign of an exactly zero sum, see ``sparseMatmulColumns(m:n:columnStart:columnEnd:k:a:lda:nonzeros:b:ldb:c:ldc:epilogue:accumulate:workspace:)``), for any
    /// thread count. Products with few rows and wide outputs are split by
    /// columns (at multiples of 32), the others by rows at the row-block
    /// boundary that gives each thread about as many listed indices.
    public static func parallelMatmul(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, skippingZerosOf pattern: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue = .none,
        accumulate: Bool = false,
        workspace: UnsafeMutablePointer<Float>,
        threads: KernelThreads = .shared
    ) {
        let threadCount = threads.threadCount
        guard threadCount > 1, m * n * k >= parallelThreshold else {
            sparseMatmulColumns(m: m, n: n, columnStart: 0, columnEnd: n, k: k, a: a, lda: lda, nonzeros: pattern,
                                b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue, accumulate: accumulate,
                                workspace: workspace)
            return
        }
        /// One product split by columns (runs of whole 32-wide blocks) or by
        /// row blocks (about as many listed indices per part).
        struct Split: KernelJob {
            let m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, pattern: NonzeroPattern
            let b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: Epilogue
            let accumulate: Bool, workspace: UnsafeMutablePointer<Float>, parts: Int, byColumns: Bool

            func run(part: Int) {
                let scratch = workspace + part * Kernels.matmulWorkspaceCount(k: k)
                if byColumns {
                    let (start, end) = Kernels.columnSplit(part, of: parts, columns: n)
                    Kernels.sparseMatmulColumns(m: m, n: n, columnStart: start, columnEnd: end, k: k, a: a, lda: lda,
                                                nonzeros: pattern, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue,
                                                accumulate: accumulate, workspace: scratch)
                    return
                }
                let rows = Kernels.sparseRows, rowBlocks = (m + rows - 1) / rows
                let start = min(m, pattern.rowBlockBoundary(part, of: parts, rowBlocks: rowBlocks) * rows)
                let end = min(m, pattern.rowBlockBoundary(part + 1, of: parts, rowBlocks: rowBlocks) * rows)
                guard end > start else { return }
                Kernels.sparseMatmulColumns(m: end - start, n: n, columnStart: 0, columnEnd: n, k: k, a: a + start * lda,
                                            lda: lda, nonzeros: pattern.dropping(rowBlocks: start / rows), b: b, ldb: ldb,
                                            c: c + start * ldc, ldc: ldc, epilogue: epilogue.droppingRows(start),
                                            accumulate: accumulate, workspace: scratch)
            }
        }
        let byColumns = splitsByColumns(m: m, n: n, threadCount: threadCount, minimumRows: sparseRows)
        let parts = min(threadCount, byColumns ? (n + 31) / 32 : (m + sparseRows - 1) / sparseRows)
        threads.run(parts: parts, Split(m: m, n: n, k: k, a: a, lda: lda, pattern: pattern, b: b, ldb: ldb, c: c, ldc: ldc,
                                        epilogue: epilogue, accumulate: accumulate, workspace: workspace,
                                        parts: parts, byColumns: byColumns))
    }
}
