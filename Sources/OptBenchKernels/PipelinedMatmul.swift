extension Kernels {
    /// Part `part` of `C[m×n] = epilogue(A[m×k]·B[k×n])` split over the inner
    /// dimension: part `p` adds, for every block of four rows of `C`, the
    /// products of the inner indices `splits[p] ..< splits[p+1]` that `pattern`
    /// lists, to the sums part `p − 1` left in `C`; the last part applies the
    /// epilogue.
    ///
    ///     C[i, j] = (…((Σ_{q ∈ part 0} A[i,q]·B[q,j]) + Σ_{q ∈ part 1} …) + …)
    ///
    /// is the sum of ``sparseMatmulColumns(m:n:columnStart:columnEnd:k:a:lda:nonzeros:b:ldb:c:ldc:epilogue:accumulate:workspace:)``
    /// in the same order, so the result is the same to the last bit. The
    /// parts form a pipeline over the row blocks: part `p` waits in
    /// `progress` for part `p − 1` to publish a block (each of its column
    /// panels in turn, when `progress` keeps panels), so the parts of one
    /// job must run in one ``KernelThreads/run(parts:_:)`` (on any number of
    /// threads: part `p` never runs before part `p − 1` on the same thread),
    /// after `progress.begin()`.
    ///
    /// Why: each part reads only its rows `splits[p] ..< splits[p+1]` of `B`.
    /// When `B` is a layer's weights and each thread also updates those rows,
    /// the weights stay in the cache of the core that owns them.
    ///
    /// - Parameters:
    ///   - splits: `parts + 1` increasing inner indices from 0 to `k`.
    ///   - workspace: ``matmulWorkspaceCount(k:)`` floats for this part.
    ///   - startingBlock: run by this part before it starts each row block
    ///     (for instance to load its rows of `A` and list their nonzeros).
    ///   - finishingBlock: run by the last part for each row block once the
    ///     block is final (epilogue applied), before its last panel is
    ///     published (the earlier panels already are).
    @inlinable
    public static func pipelinedMatmulPart(
        _ part: Int, splits: [Int],
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, skippingZerosOf pattern: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue, progress: PipelineProgress,
        workspace: UnsafeMutablePointer<Float>,
        startingBlock: (_ block: Int) -> Void = { _ in },
        finishingBlock: (_ block: Int) -> Void = { _ in }
    ) {
        preparePipelinedPart(part, splits: splits, n: n, k: k, b: b, ldb: ldb, workspace: workspace)
        for block in 0..<(m + sparseRows - 1) / sparseRows {
            startingBlock(block)
            pipelinedMatmulBlock(part, splits: splits, block: block, m: m, n: n, k: k, a: a, lda: lda,
                                 skippingZerosOf: pattern, b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue,
                                 progress: progress, workspace: workspace, finishingBlock: finishingBlock)
        }
    }

    /// Prepares `workspace` for part `part` of a pipelined product
    /// (``pipelinedMatmulPart(_:splits:m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:progress:workspace:startingBlock:finishingBlock:)``)
    /// run block by block (``pipelinedMatmulBlock(_:splits:block:m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:progress:workspace:finishingBlock:)``):
    /// checks the splits (the kernels need no other preparation: narrow
    /// columns are read with masked loads).
    @inlinable
    public static func preparePipelinedPart(_ part: Int, splits: [Int], n: Int, k: Int,
                                            b: UnsafePointer<Float>, ldb: Int, workspace: UnsafeMutablePointer<Float>) {
        precondition(splits.count >= part + 2 && splits.first == 0 && splits.last == k,
                     "the splits run from 0 to k, one more than the parts")
    }

    /// Block `block` (rows `4·block ..< 4·block + 4` of `C`) of part `part`
    /// of ``pipelinedMatmulPart(_:splits:m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:progress:workspace:startingBlock:finishingBlock:)``,
    /// after ``preparePipelinedPart(_:splits:n:k:b:ldb:workspace:)``: waits
    /// for part `part − 1` to publish the block, adds this part's products,
    /// applies the epilogue if this is the last part, and publishes the
    /// block. `pattern` must list the block's nonzeros (at least in this
    /// part's inner range) before the call: it is read before the wait. The
    /// last part runs `finishingBlock(block)` before it publishes the block's
    /// last panel.
    @inlinable
    public static func pipelinedMatmulBlock(
        _ part: Int, splits: [Int], block: Int,
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, skippingZerosOf pattern: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue, progress: PipelineProgress,
        workspace: UnsafeMutablePointer<Float>,
        finishingBlock: (_ block: Int) -> Void = { _ in }
    ) {
        let inner = splits[part]..<splits[part + 1]
        let last = part == splits.count - 2
        let tile = workspace
        let i = block &* sparseRows, rows = min(sparseRows, m &- i)
        let listed = slice(pattern.indices(rowBlock: block), to: inner)
        let sink = MemoryTileSink(c: c + i &* ldc, ldc: ldc)
        if progress.panelsPerBlock == 1 {
            if part > 0 { progress.waitForBlock(part: part - 1, block: block) }
            sparseRowBlock(rows: rows, n: n, listed: listed, a: a + i &* lda, lda: lda, b: b, ldb: ldb,
                           c: c + i &* ldc, ldc: ldc, accumulate: part > 0, tile: tile, sink: sink)
            if last {
                applyEpilogue(epilogue, rows: rows, width: n, c: c, ldc: ldc, row: i, column: 0)
                finishingBlock(block)
            }
            progress.publish(part: part, block: block, panel: progress.panelsPerBlock - 1)
            return
        }
        // Panel by panel: the next part may start the block once its first panel is done.
        precondition(progress.panelsPerBlock == pipelinePanels(columns: n),
                     "a pipeline of \(n) columns needs \(pipelinePanels(columns: n)) panels per block")
        sparseRowBlock(rows: rows, n: n, listed: listed, a: a + i &* lda, lda: lda, b: b, ldb: ldb,
                       c: c + i &* ldc, ldc: ldc, accumulate: part > 0, tile: tile, sink: sink,
                       beforePanel: { panel in
                           if part > 0 { progress.wait(part: part - 1, block: block, panel: panel) }
                       },
                       afterPanel: { panel, columns in
                           if last {
                               applyEpilogue(epilogue, rows: rows, width: columns.count, c: c, ldc: ldc, row: i,
                                             column: columns.lowerBound)
                               if columns.upperBound == n { finishingBlock(block) }
                           }
                           progress.publish(part: part, block: block, panel: panel)
                       })
    }

    /// The number of column panels ``sparseRowBlock(rows:n:listed:a:lda:b:ldb:c:ldc:accumulate:tile:sink:beforePanel:afterPanel:)``
    /// cuts `n` columns into: tiles of 64, then 32 or 16, the last 33 to 47
    /// columns in one, the last `n mod 16` in one. A ``PipelineProgress``
    /// with this many panels per block pipelines a product of `n` columns
    /// panel by panel.
    @inlinable
    public static func pipelinePanels(columns n: Int) -> Int {
        var panels = 0, j = 0
        while j < n {
            j &+= panelWidth(remaining: n &- j)
            panels &+= 1
        }
        return max(panels, 1)
    }

    /// The width of the next column panel of the zero-skipping row kernel
    /// when `remaining` columns are left: 64, 32, 16 or fewer, or all of
    /// them when 33 to 47 are left (32 and the narrow rest in one pass).
    @inlinable @inline(__always)
    static func panelWidth(remaining: Int) -> Int {
        remaining > 32 && remaining < 48 ? remaining : remaining >= 64 ? 64 : remaining >= 32 ? 32 : min(16, remaining)
    }

    /// The rows `rows` of `A[·×k]·B[k×n]`, skipping the zeros of `A` that
    /// `pattern` lists, one block of four rows at a time: each block is
    /// computed into `tile` (`4 × n` floats, leading dimension `n`) — starting
    /// from the block's rows of `partial` when given, as
    /// ``sparseMatmulColumns(m:n:columnStart:columnEnd:k:a:lda:nonzeros:b:ldb:c:ldc:epilogue:accumulate:workspace:)``
    /// does with `accumulate` — and handed to `finished(firstRow, rowCount, tile)`
    /// while it is in cache. The values are those of the whole product to the
    /// last bit.
    ///
    /// A layer's weight gradient computed this way can be applied to its
    /// weights block by block, without ever being stored.
    ///
    /// - Parameters:
    ///   - rows: starts at a multiple of ``sparseRows``.
    ///   - partial: sums to continue (`partial[i·n + j]` for row `i`), or nil.
    ///   - workspace: ``matmulWorkspaceCount(k:)`` floats.
    @inlinable
    public static func sparseMatmulRows(
        _ rows: Range<Int>, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, skippingZerosOf pattern: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        partial: UnsafePointer<Float>?, tile: UnsafeMutablePointer<Float>,
        workspace: UnsafeMutablePointer<Float>,
        finished: (_ firstRow: Int, _ rowCount: Int, _ values: UnsafePointer<Float>) -> Void
    ) {
        sparseMatmulRowBlocks(rows, n: n, k: k, a: a, lda: lda, skippingZerosOf: pattern, b: b, ldb: ldb,
                              partial: partial, tile: tile, workspace: workspace,
                              sink: { _ in MemoryTileSink(c: tile, ldc: n) },
                              afterBlock: { firstRow, rowCount in finished(firstRow, rowCount, tile) })
    }

    /// ``sparseMatmulRows(_:n:k:a:lda:skippingZerosOf:b:ldb:partial:tile:workspace:finished:)``
    /// that hands each block's sums to `sink(firstRow)` (row `r` of the block
    /// is row `firstRow + r`) 16 columns at a time, from the path's kernel's
    /// scratch tile while it is in cache, instead of storing them.
    /// The values are the same to the last bit.
    @inlinable
    public static func sparseMatmulRows<Sink: TileSink>(
        _ rows: Range<Int>, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, skippingZerosOf pattern: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        partial: UnsafePointer<Float>?, tile: UnsafeMutablePointer<Float>,
        workspace: UnsafeMutablePointer<Float>,
        sink: (_ firstRow: Int) -> Sink
    ) {
        sparseMatmulRowBlocks(rows, n: n, k: k, a: a, lda: lda, skippingZerosOf: pattern, b: b, ldb: ldb,
                              partial: partial, tile: tile, workspace: workspace, sink: sink,
                              afterBlock: { _, _ in })
    }

    /// The blocks of four rows of both ``sparseMatmulRows(_:n:k:a:lda:skippingZerosOf:b:ldb:partial:tile:workspace:sink:)``
    /// variants: each block's partial sums (when given) copied into `tile`,
    /// its sums handed to `sink(firstRow)`, then `afterBlock(firstRow, rowCount)`.
    @inlinable @inline(__always)
    static func sparseMatmulRowBlocks<Sink: TileSink>(
        _ rows: Range<Int>, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, skippingZerosOf pattern: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        partial: UnsafePointer<Float>?, tile: UnsafeMutablePointer<Float>,
        workspace: UnsafeMutablePointer<Float>,
        sink: (_ firstRow: Int) -> Sink, afterBlock: (_ firstRow: Int, _ rowCount: Int) -> Void
    ) {
        guard !rows.isEmpty else { return }
        precondition(rows.lowerBound % sparseRows == 0, "the rows start at a multiple of \(sparseRows)")
        let narrowTile = workspace
        var i = rows.lowerBound
        while i < rows.upperBound {
            let count = min(sparseRows, rows.upperBound &- i)
            if let partial { tile.update(from: partial + i &* n, count: count &* n) }
            sparseRowBlock(rows: count, n: n, listed: pattern.indices(rowBlock: i / sparseRows), a: a + i &* lda,
                           lda: lda, b: b, ldb: ldb, c: tile, ldc: n,
                           accumulate: partial != nil, tile: narrowTile, sink: sink(i))
            afterBlock(i, count)
            i &+= sparseRows
        }
    }

    /// All `n` columns of `rows` (1...4) rows of `A·B` over the `listed` inner
    /// indices, panel by panel (``panelWidth(remaining:)``: 64, then 32 and
    /// 16 columns, the last 33 to 47 in one), each through ``sparseTile(width:rows:listed:a:lda:b:ldb:c:ldc:accumulate:tile:sink:column:)``
    /// with the scratch `tile`. Adds to `C` when `accumulate`.
    ///
    /// `beforePanel(p)` runs before panel `p` (``pipelinePanels(columns:)``
    /// of them) is computed, `afterPanel(p, columns)` after it is handed over.
    @inlinable @inline(__always)
    static func sparseRowBlock<Sink: TileSink>(
        rows: Int, n: Int, listed: UnsafeBufferPointer<Int32>, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, tile: UnsafeMutablePointer<Float>, sink: Sink,
        beforePanel: (_ panel: Int) -> Void = { _ in },
        afterPanel: (_ panel: Int, _ columns: Range<Int>) -> Void = { _, _ in }
    ) {
        var j = 0, panel = 0
        while j < n {
            let width = panelWidth(remaining: n &- j)
            beforePanel(panel)
            sparseTile(width: width, rows: rows, listed: listed, a: a, lda: lda, b: b + j, ldb: ldb,
                       c: c + j, ldc: ldc, accumulate: accumulate, tile: tile, sink: sink, column: j)
            afterPanel(panel, j..<(j &+ width))
            j &+= width
            panel &+= 1
        }
    }
}
