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
    /// Tiles of 4 rows × 64 columns are held in sixteen `SIMD16<Float>`
    /// accumulators (then 4 × 32 and 4 × 16 at the right edge); for each listed
    /// `p`, four vectors of row `p` of `B` are loaded and multiplied by the four
    /// broadcast `A[i, p]` with fused multiply-adds. A last panel narrower than
    /// 16 columns is first copied, zero-padded, into `workspace` (at least
    /// ``matmulWorkspaceCount(k:)`` floats).
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
        let tile = workspace + max(1, k) &* lanes
        let wholeRange = innerRange.count == k
        var j = columnStart
        while j < columnEnd {
            let remaining = columnEnd &- j
            let width = remaining >= 64 ? 64 : remaining >= 32 ? 32 : min(16, remaining)
            var panel = b + j
            var panelLD = ldb
            if width < lanes {
                // The narrow last panel, zero-padded (its rows keep their indices).
                copyPaddedPanel(rows: innerRange, width: width, from: b + j, ldb: ldb, into: workspace)
                panel = UnsafePointer(workspace)
                panelLD = lanes
            }
            var i = 0
            while i < m {
                let rows = min(sparseRows, m &- i)
                var listed = nonzeros.indices(rowBlock: i / sparseRows)
                if !wholeRange { listed = slice(listed, to: innerRange) }
                sparseTile(width: width, rows: rows, listed: listed, a: a + i &* lda, lda: lda, b: panel, ldb: panelLD,
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

    /// `rows` (1...4) rows × 64 columns of `A·B` over the `listed` inner
    /// indices (added to the partial sums at `c` when `accumulate`), handed
    /// raw to `sink` as the block's columns `column ..< column + 64`. Missing
    /// rows reuse the last real row of `A` and are not handed over. The other
    /// kernels below work the same way.
    @inlinable @inline(__always)
    static func sparseKernel4x64<Sink: TileSink>(
        rows: Int, listed: UnsafeBufferPointer<Int32>, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, sink: Sink, column: Int
    ) {
        let a0 = a, a1 = a + min(1, rows - 1) * lda, a2 = a + min(2, rows - 1) * lda, a3 = a + min(3, rows - 1) * lda
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c02 = SIMD16<Float>(), c03 = SIMD16<Float>()
        var c10 = SIMD16<Float>(), c11 = SIMD16<Float>(), c12 = SIMD16<Float>(), c13 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c22 = SIMD16<Float>(), c23 = SIMD16<Float>()
        var c30 = SIMD16<Float>(), c31 = SIMD16<Float>(), c32 = SIMD16<Float>(), c33 = SIMD16<Float>()
        if accumulate {
            func load(_ r: Int, _ offset: Int) -> SIMD16<Float> { partialSums(c, row: r, of: rows, ldc: ldc, offset: offset) }
            c00 = load(0, 0); c01 = load(0, 16); c02 = load(0, 32); c03 = load(0, 48)
            c10 = load(1, 0); c11 = load(1, 16); c12 = load(1, 32); c13 = load(1, 48)
            c20 = load(2, 0); c21 = load(2, 16); c22 = load(2, 32); c23 = load(2, 48)
            c30 = load(3, 0); c31 = load(3, 16); c32 = load(3, 32); c33 = load(3, 48)
        }
        let base = UnsafeRawPointer(b)
        let stride = ldb &* MemoryLayout<Float>.stride
        for index in listed {
            let p = Int(index)
            let row = base + p &* stride
            let b0 = row.loadUnaligned(as: SIMD16<Float>.self)
            let b1 = row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            let b2 = row.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
            let b3 = row.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self)
            var x = SIMD16<Float>(repeating: a0[p])
            c00.addProduct(x, b0); c01.addProduct(x, b1); c02.addProduct(x, b2); c03.addProduct(x, b3)
            x = SIMD16<Float>(repeating: a1[p])
            c10.addProduct(x, b0); c11.addProduct(x, b1); c12.addProduct(x, b2); c13.addProduct(x, b3)
            x = SIMD16<Float>(repeating: a2[p])
            c20.addProduct(x, b0); c21.addProduct(x, b1); c22.addProduct(x, b2); c23.addProduct(x, b3)
            x = SIMD16<Float>(repeating: a3[p])
            c30.addProduct(x, b0); c31.addProduct(x, b1); c32.addProduct(x, b2); c33.addProduct(x, b3)
        }
        @inline(__always) func put(_ r: Int, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>, _ v2: SIMD16<Float>,
                                   _ v3: SIMD16<Float>) {
            sink.take(v0, row: r, column: column, lanes: 16)
            sink.take(v1, row: r, column: column &+ 16, lanes: 16)
            sink.take(v2, row: r, column: column &+ 32, lanes: 16)
            sink.take(v3, row: r, column: column &+ 48, lanes: 16)
        }
        put(0, c00, c01, c02, c03)
        if rows > 1 { put(1, c10, c11, c12, c13) }
        if rows > 2 { put(2, c20, c21, c22, c23) }
        if rows > 3 { put(3, c30, c31, c32, c33) }
    }

    /// `rows` (1...4) rows × 32 columns.
    @inlinable @inline(__always)
    static func sparseKernel4x32<Sink: TileSink>(
        rows: Int, listed: UnsafeBufferPointer<Int32>, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, sink: Sink, column: Int
    ) {
        let a0 = a, a1 = a + min(1, rows - 1) * lda, a2 = a + min(2, rows - 1) * lda, a3 = a + min(3, rows - 1) * lda
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        if accumulate {
            func load(_ r: Int, _ offset: Int) -> SIMD16<Float> { partialSums(c, row: r, of: rows, ldc: ldc, offset: offset) }
            c00 = load(0, 0); c01 = load(0, 16); c10 = load(1, 0); c11 = load(1, 16)
            c20 = load(2, 0); c21 = load(2, 16); c30 = load(3, 0); c31 = load(3, 16)
        }
        let base = UnsafeRawPointer(b)
        let stride = ldb &* MemoryLayout<Float>.stride
        for index in listed {
            let p = Int(index)
            let row = base + p &* stride
            let b0 = row.loadUnaligned(as: SIMD16<Float>.self)
            let b1 = row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            var x = SIMD16<Float>(repeating: a0[p]); c00.addProduct(x, b0); c01.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a1[p]); c10.addProduct(x, b0); c11.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a2[p]); c20.addProduct(x, b0); c21.addProduct(x, b1)
            x = SIMD16<Float>(repeating: a3[p]); c30.addProduct(x, b0); c31.addProduct(x, b1)
        }
        @inline(__always) func put(_ r: Int, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>) {
            sink.take(v0, row: r, column: column, lanes: 16)
            sink.take(v1, row: r, column: column &+ 16, lanes: 16)
        }
        put(0, c00, c01)
        if rows > 1 { put(1, c10, c11) }
        if rows > 2 { put(2, c20, c21) }
        if rows > 3 { put(3, c30, c31) }
    }

    /// `rows` (1...4) rows × 32 columns of `B` at `b` and the `narrow` (1…15)
    /// columns after them, from their zero-padded copy `panel` (16 floats a
    /// row, rows keeping their indices): the last columns of a product in one
    /// pass over the listed indices instead of two. The narrow columns of `C`
    /// are loaded and stored masked.
    @inlinable @inline(__always)
    static func sparseKernel4x32PlusNarrow<Sink: TileSink>(
        rows: Int, narrow: Int, listed: UnsafeBufferPointer<Int32>,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        panel: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, sink: Sink, column: Int
    ) {
        let a0 = a, a1 = a + min(1, rows - 1) * lda, a2 = a + min(2, rows - 1) * lda, a3 = a + min(3, rows - 1) * lda
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c02 = SIMD16<Float>()
        var c10 = SIMD16<Float>(), c11 = SIMD16<Float>(), c12 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c22 = SIMD16<Float>()
        var c30 = SIMD16<Float>(), c31 = SIMD16<Float>(), c32 = SIMD16<Float>()
        if accumulate {
            func load(_ r: Int, _ offset: Int) -> SIMD16<Float> { partialSums(c, row: r, of: rows, ldc: ldc, offset: offset) }
            func loadNarrow(_ r: Int) -> SIMD16<Float> { partialSums(c, row: r, of: rows, ldc: ldc, offset: 32, lanes: narrow) }
            c00 = load(0, 0); c01 = load(0, 16); c02 = loadNarrow(0)
            c10 = load(1, 0); c11 = load(1, 16); c12 = loadNarrow(1)
            c20 = load(2, 0); c21 = load(2, 16); c22 = loadNarrow(2)
            c30 = load(3, 0); c31 = load(3, 16); c32 = loadNarrow(3)
        }
        let base = UnsafeRawPointer(b), panelBase = UnsafeRawPointer(panel)
        let stride = ldb &* MemoryLayout<Float>.stride, panelStride = lanes &* MemoryLayout<Float>.stride
        for index in listed {
            let p = Int(index)
            let row = base + p &* stride
            let b0 = row.loadUnaligned(as: SIMD16<Float>.self)
            let b1 = row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            let b2 = (panelBase + p &* panelStride).loadUnaligned(as: SIMD16<Float>.self)
            var x = SIMD16<Float>(repeating: a0[p]); c00.addProduct(x, b0); c01.addProduct(x, b1); c02.addProduct(x, b2)
            x = SIMD16<Float>(repeating: a1[p]); c10.addProduct(x, b0); c11.addProduct(x, b1); c12.addProduct(x, b2)
            x = SIMD16<Float>(repeating: a2[p]); c20.addProduct(x, b0); c21.addProduct(x, b1); c22.addProduct(x, b2)
            x = SIMD16<Float>(repeating: a3[p]); c30.addProduct(x, b0); c31.addProduct(x, b1); c32.addProduct(x, b2)
        }
        @inline(__always) func put(_ r: Int, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>, _ v2: SIMD16<Float>) {
            sink.take(v0, row: r, column: column, lanes: 16)
            sink.take(v1, row: r, column: column &+ 16, lanes: 16)
            sink.take(v2, row: r, column: column &+ 32, lanes: narrow)
        }
        put(0, c00, c01, c02)
        if rows > 1 { put(1, c10, c11, c12) }
        if rows > 2 { put(2, c20, c21, c22) }
        if rows > 3 { put(3, c30, c31, c32) }
    }

    /// `rows` (1...4) rows × 16 columns; `b` is a panel at least 16 floats wide.
    @inlinable @inline(__always)
    static func sparseKernel4x16<Sink: TileSink>(
        rows: Int, listed: UnsafeBufferPointer<Int32>, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, sink: Sink, column: Int
    ) {
        let a0 = a, a1 = a + min(1, rows - 1) * lda, a2 = a + min(2, rows - 1) * lda, a3 = a + min(3, rows - 1) * lda
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
        if accumulate {
            func load(_ r: Int) -> SIMD16<Float> { partialSums(c, row: r, of: rows, ldc: ldc) }
            c0 = load(0); c1 = load(1); c2 = load(2); c3 = load(3)
        }
        let base = UnsafeRawPointer(b)
        let stride = ldb &* MemoryLayout<Float>.stride
        for index in listed {
            let p = Int(index)
            let b0 = (base + p &* stride).loadUnaligned(as: SIMD16<Float>.self)
            c0.addProduct(SIMD16<Float>(repeating: a0[p]), b0)
            c1.addProduct(SIMD16<Float>(repeating: a1[p]), b0)
            c2.addProduct(SIMD16<Float>(repeating: a2[p]), b0)
            c3.addProduct(SIMD16<Float>(repeating: a3[p]), b0)
        }
        sink.take(c0, row: 0, column: column, lanes: 16)
        if rows > 1 { sink.take(c1, row: 1, column: column, lanes: 16) }
        if rows > 2 { sink.take(c2, row: 2, column: column, lanes: 16) }
        if rows > 3 { sink.take(c3, row: 3, column: column, lanes: 16) }
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
