import CKernelSupport
import OptBenchKernels

extension MLP {
    /// A part's `∂W₁ = Xᵀ·δ₁` (continuing the sums of the earlier parts in
    /// `gradients` when `accumulate`), by the weight rows each part owns:
    /// part `t` (on thread `t` when there are enough) computes the rows
    /// `firstLayerSplits[t] ..< [t+1]`, the inputs it read in the forward
    /// pass, so that they stay in its cache.
    ///
    /// Without `update` (zero skipping only), the gradient is stored in
    /// `gradients`. With it (the last part), each part hands its rows to
    /// `update` four at a time without storing them (or, for dense inputs,
    /// after the gradient is stored), then updates its share of every other
    /// parameter, whose gradients are final in `gradients`.
    func firstLayerWeightGradient<Update: ParameterUpdate>(
        m: Int, delta: UnsafePointer<Float>, skipsZeros: Bool, gradients: UnsafeMutablePointer<Float>,
        accumulate: Bool, workspace: MLPWorkspace, update: Update?, secondLayerUpdated: Bool = false,
        prefetching loader: ImageBatchLoader?, after part: Range<Int>
    ) {
        let layer = layers[0], n = layer.outputs
        precondition(layer.weightOffset == 0 && layer.biasOffset == layer.inputs * n,
                     "the first layer's weights lead the parameter vector")
        if !skipsZeros {
            precondition(update != nil, "without an update the owned-rows split is only for zero skipping")
            // Dense inputs: the gradient is stored, then each thread updates its rows.
            product(m: layer.inputs, n: n, k: m, a: workspace.transposedInput, lda: m, skipping: nil,
                    b: delta, ldb: n, c: gradients + layer.weightOffset, ldc: n, accumulate: accumulate,
                    workspace: workspace)
        }
        // Read once: the job runs on these threads, and its first `threads` parts prefetch.
        let parts = workspace.firstLayerSplits.count - 1, threads = min(parts, workspace.threads.activeThreadCount)
        workspace.gradientJobStarted(threads: threads)
        workspace.threads.run(parts: parts, threads: threads, FirstLayerWeightGradient(
            m: m, n: n, delta: delta, skipsZeros: skipsZeros, gradients: gradients, accumulate: accumulate,
            workspace: workspace, update: update, loader: loader, samples: part, others: layer.biasOffset..<parameterCount,
            ownedRows: secondLayerRowsOfPartZero(workspace),
            skipped: secondLayerUpdated ? layers[1].weightOffset..<layers[1].biasOffset : nil, threads: threads))
    }

    /// The parameters the thread of part 0 owns after the first layer's
    /// weights when the rows of `W₂` are owned by parts
    /// (``MLPWorkspace/secondLayerSplits``): `W₂`'s rows `0 ..< u`.
    func secondLayerRowsOfPartZero(_ workspace: MLPWorkspace) -> Range<Int>? {
        guard layers.count > 1, workspace.firstLayerSplits.count == 3 else { return nil }
        let start = layers[1].weightOffset
        return start..<(start + workspace.secondLayerSplits[1] * layers[1].outputs)
    }
}

/// The parts of ``MLP/firstLayerWeightGradient(m:delta:skipsZeros:gradients:accumulate:workspace:update:prefetching:after:)``:
/// part `p` computes the weight rows `firstLayerSplits[p] ..< [p+1]`, and,
/// with an update, hands them over and updates its share of the other
/// parameters.
struct FirstLayerWeightGradient<Update: ParameterUpdate>: KernelJob {
    let m: Int, n: Int, delta: UnsafePointer<Float>, skipsZeros: Bool
    let gradients: UnsafeMutablePointer<Float>, accumulate: Bool, workspace: MLPWorkspace
    let update: Update?, loader: ImageBatchLoader?
    /// The samples of the batch this gradient is of: the loader prefetches what follows.
    let samples: Range<Int>
    /// The parameters after the first layer's weights.
    let others: Range<Int>
    /// With two parts: the parameters part 0 updates (the rows of `W₂` its
    /// thread owns, ``MLPWorkspace/secondLayerSplits``); part 1 updates the
    /// others before and after them.
    let ownedRows: Range<Int>?
    /// Parameters among the others already updated (`W₂`, by the second
    /// layer's backward job), or nil.
    let skipped: Range<Int>?

    /// Applies `update` to the parameters of `range` but the `skipped` ones.
    func updateParameters(_ range: Range<Int>, with update: Update) {
        let cut = skipped ?? range.upperBound..<range.upperBound
        let before = range.lowerBound..<max(range.lowerBound, min(range.upperBound, cut.lowerBound))
        let after = min(range.upperBound, max(range.lowerBound, cut.upperBound))..<range.upperBound
        if !before.isEmpty { update.apply(before, gradient: gradients + before.lowerBound) }
        if !after.isEmpty { update.apply(after, gradient: gradients + after.lowerBound) }
    }
    /// The threads the job runs on: part `p` runs on thread `p mod threads`,
    /// and the first `threads` parts prefetch the samples that follow (part
    /// `threads − 1` also sorts them for grouping).
    let threads: Int

    /// With the second layer split by units (``MLPWorkspace/secondLayerSplits``
    /// `= [0, u, H]`), the second layer's backward job left `δ₁`'s columns
    /// `0 ..< u` in part 0's cache and `u ..< H` in part 1's, and each part's
    /// rows of `∂W₁` need all of them at once: asks for the other part's
    /// columns (`m` rows of about 150 values) before the kernel starts, so
    /// that they cross between the cores together rather than as the kernel
    /// reaches them (in-process A/B: about −1 µs a step, most when the
    /// round trip between the cores is long).
    func prefetchOtherDelta(part: Int) {
        guard workspace.secondLayerSplits.count == 3 else { return }
        let u = workspace.secondLayerSplits[1], columns = part == 0 ? u..<n : 0..<u
        guard !columns.isEmpty else { return }
        for r in 0..<m {
            optbench_prefetch(delta + r * n + columns.lowerBound, columns.count * MemoryLayout<Float>.stride)
        }
    }

    func run(part: Int) {
        let splits = workspace.firstLayerSplits, parts = splits.count - 1
        let rows = splits[part]..<splits[part + 1]
        let weights = gradients  // the first layer's weights lead the parameter vector
        if part < threads { loader?.prefetch(thread: part, of: threads, after: samples) }
        if part == threads - 1 { loader?.prepareGrouping(after: samples) }
        if parts == 2 && threads == 2 { prefetchOtherDelta(part: part) }
        guard let update else {
            guard !rows.isEmpty else { return }
            Kernels.sparseMatmulColumns(
                m: rows.count, n: n, columnStart: 0, columnEnd: n, k: m,
                a: workspace.transposedInput + rows.lowerBound * m, lda: m,
                nonzeros: workspace.transposedInputNonzeros.dropping(rowBlocks: rows.lowerBound / Kernels.sparseRows),
                b: delta, ldb: n, c: weights + rows.lowerBound * n, ldc: n,
                epilogue: .none, accumulate: accumulate,
                workspace: workspace.kernelScratch + part * workspace.scratchPerThread)
            return
        }
        if skipsZeros {
            // The update takes the gradient block by block as the kernel finishes it (staged in
            // the product's tile): it is not stored.
            update.apply(SparseRowProduct(rows: rows, n: n, k: m, a: workspace.transposedInput, lda: m,
                                          skippingZerosOf: workspace.transposedInputNonzeros, b: delta, ldb: n,
                                          partial: accumulate ? UnsafePointer(weights) : nil,
                                          tile: workspace.gradientTiles + part * workspace.gradientTileCount,
                                          workspace: workspace.kernelScratch + part * workspace.scratchPerThread),
                         firstParameter: 0)
        } else if !rows.isEmpty {
            update.apply((rows.lowerBound * n)..<(rows.upperBound * n), gradient: weights + rows.lowerBound * n)
        }
        // A share of the other parameters: by the rows of W₂ each part owns, or cut at multiples of 16.
        var start = others.lowerBound + others.count * part / parts / 16 * 16
        var end = part == parts - 1 ? others.upperBound : others.lowerBound + others.count * (part + 1) / parts / 16 * 16
        if let owned = ownedRows, parts == 2 {
            // Part 0: its rows of W₂; part 1: the parameters before them (b₁) and those after.
            (start, end) = part == 0 ? (owned.lowerBound, owned.upperBound) : (owned.upperBound, others.upperBound)
            if part == 1 { updateParameters(others.lowerBound..<owned.lowerBound, with: update) }
        }
        updateParameters(start..<end, with: update)
        workspace.gradientJobPartFinished(part)
    }
}
