import OptBenchKernels

extension MLP {
    /// One forward and backward pass: the mean cross-entropy of the batch and
    /// its gradient with respect to every parameter, written to `gradients`
    /// (same layout as `parameters`).
    ///
    /// Backward through layer `l`, with `δ_l = ∂loss/∂Z_l` (`B × outputs`):
    ///
    ///     ∂W_l = A_{l−1}ᵀ · δ_l         ∂b_l = Σ_rows δ_l
    ///     δ_{l−1} = (δ_l · W_lᵀ) ⊙ [A_{l−1} > 0]
    ///
    /// and `δ_{L−1} = (softmax(Z) − onehot(y)) / B` for the mean loss. The
    /// transposed operands are copied once per step into scratch so that every
    /// product runs on the one fast `A·B` kernel. Large batches are processed
    /// in parts (``samplesPerPart``), with the same results.
    ///
    /// - Returns: the summed (not mean) loss and the number of correct
    ///   predictions, computed from the forward pass before any update.
    @discardableResult
    public func lossAndGradient(
        parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
        batch: Int, workspace: MLPWorkspace
    ) -> CrossEntropyTotals {
        precondition(batch > 0 && batch <= workspace.capacity)
        return lossAndGradient(batch: batch, parameters: parameters, gradients: gradients, workspace: workspace,
                               loader: nil, update: nil as ClosureUpdate?)
    }

    /// ``lossAndGradient(parameters:gradients:batch:workspace:)`` for the
    /// images `indices` of `images` (bytes, ``inputSize`` per image): each part
    /// of the batch is loaded (as ``loadBatch(images:indices:workspace:)``
    /// does) just before it is passed forward, while it fits in cache — or,
    /// when the first layer's pipeline gathers its input
    /// (``MLPWorkspace/gathersInPipeline``), by the pipeline's parts. The
    /// labels are in `workspace.labels` already.
    ///
    /// `grouping`: keys of `images` (``SampleGrouping``) by which each part's
    /// samples are ordered for the first layer's forward product, so that it
    /// skips more zeros. The results are the same to the last bit.
    @discardableResult
    public func lossAndGradient(
        images: UnsafePointer<UInt8>, indices: UnsafeBufferPointer<Int32>,
        parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, workspace: MLPWorkspace,
        grouping: SampleGrouping? = nil
    ) -> CrossEntropyTotals {
        precondition(indices.count > 0 && indices.count <= workspace.capacity)
        return withGroupingKeys(grouping) { keys in
            let loader = ImageBatchLoader(images: images, indices: indices,
                                          next: UnsafeBufferPointer(start: nil, count: 0), inputSize: inputSize,
                                          workspace: workspace, groupingKeys: keys)
            return lossAndGradient(batch: indices.count, parameters: parameters, gradients: gradients,
                                   workspace: workspace, loader: loader, update: nil as ClosureUpdate?)
        }
    }

    /// Calls `body` with the keys of `grouping`, or nil.
    func withGroupingKeys<Result>(_ grouping: SampleGrouping?,
                                          _ body: (UnsafeBufferPointer<UInt32>?) -> Result) -> Result {
        guard let grouping else { return body(nil) }
        return grouping.keys.withUnsafeBufferPointer { body($0) }
    }

    /// ``lossAndGradient(images:indices:parameters:gradients:workspace:grouping:)``
    /// that also applies an optimizer's step: once the batch's loss is known
    /// to be finite, `update.apply(range, gradient:)` is called exactly once for every
    /// parameter, with disjoint `range`s of parameter indices and `gradient`
    /// pointing at their gradient values — possibly from several threads at
    /// once. It runs inside a job of the workspace's pool (``MLPWorkspace/threads``),
    /// so it must not start jobs on that pool (an optimizer's whole-vector `update` would),
    /// and it must read and change only the parameters (and optimizer slots)
    /// of its `range`: other threads are updating the rest.
    ///
    /// The weight gradients that a zero-skipping product computes are handed
    /// to `update` as that product (``ParameterUpdate/apply(_:firstParameter:)``),
    /// so that it takes each value as the kernel finishes it, without the
    /// gradient being stored: the first layer's weights, by the part that
    /// owns their rows (``MLPWorkspace/firstLayerSplits``), when the input is
    /// sparse enough to skip its zeros, and the second layer's weights in
    /// their backward job, when that job is split by units between two
    /// threads. Afterwards those entries of `gradients` are unspecified (they
    /// may hold earlier parts' sums, or, for dense inputs, the gradient);
    /// every other gradient is stored, as usual. This saves a pass over the
    /// largest arrays in memory, and keeps each thread's rows of the weights
    /// in its core's cache. The values handed over are those of
    /// ``lossAndGradient(images:indices:parameters:gradients:workspace:grouping:)``
    /// to the last bit (up to the sign of an exactly zero sum), so an
    /// elementwise update gives the same parameters as applying it
    /// afterwards. Every update is handed its gradients the same way: staged
    /// blocks of four rows through ``ParameterUpdate/apply(_:gradient:)``.
    ///
    /// When the loss is not finite, nothing is updated and `gradients` holds
    /// the whole gradient.
    ///
    /// `next`: the images of the next batch, if known. Each thread asks the
    /// CPU to fetch those it will load into its cache while it computes the
    /// gradient, so that the next batch does not wait for memory.
    ///
    /// `grouping`: as in ``lossAndGradient(images:indices:parameters:gradients:workspace:grouping:)``.
    ///
    /// Allocates nothing: `update` is a value, and every job of the step is
    /// handed to the threads as a value (``KernelJob``).
    @discardableResult
    public func lossAndGradient<Update: ParameterUpdate>(
        images: UnsafePointer<UInt8>, indices: UnsafeBufferPointer<Int32>,
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, workspace: MLPWorkspace,
        prefetching next: UnsafeBufferPointer<Int32> = UnsafeBufferPointer(start: nil, count: 0),
        grouping: SampleGrouping? = nil, update: Update
    ) -> CrossEntropyTotals {
        precondition(indices.count > 0 && indices.count <= workspace.capacity)
        return withGroupingKeys(grouping) { keys in
            let loader = ImageBatchLoader(images: images, indices: indices, next: next, inputSize: inputSize,
                                          workspace: workspace, groupingKeys: keys)
            return lossAndGradient(batch: indices.count, parameters: parameters, gradients: gradients,
                                   workspace: workspace, loader: loader, update: update)
        }
    }

    /// ``lossAndGradient(images:indices:parameters:gradients:workspace:prefetching:grouping:update:)``
    /// with the update as a closure `update(range, gradient)` (boxed: a small
    /// allocation per call).
    @discardableResult
    public func lossAndGradient(
        images: UnsafePointer<UInt8>, indices: UnsafeBufferPointer<Int32>,
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, workspace: MLPWorkspace,
        prefetching next: UnsafeBufferPointer<Int32> = UnsafeBufferPointer(start: nil, count: 0),
        grouping: SampleGrouping? = nil,
        update: (_ range: Range<Int>, _ gradient: UnsafePointer<Float>) -> Void
    ) -> CrossEntropyTotals {
        // `update` runs only while this call does.
        withoutActuallyEscaping(update) { update in
            lossAndGradient(images: images, indices: indices, parameters: parameters, gradients: gradients,
                            workspace: workspace, prefetching: next, grouping: grouping,
                            update: ClosureUpdate(body: update))
        }
    }

    /// The loss and gradient of the first `batch` samples, part by part
    /// (``samplesPerPart``): each part loaded by `loader` (or already in
    /// `workspace.input` without one), passed forward and backward; with
    /// `update`, the step applied as the last part's gradient is computed.
    ///
    /// With a loader, every part is loaded into the first rows of the
    /// workspace and passed through them, so that a large batch runs in
    /// buffers that stay in cache rather than across all of them; without
    /// one, each part stays where it is in the input and the other buffers.
    /// Labels and predictions are always those of the part's samples.
    func lossAndGradient<Update: ParameterUpdate>(
        batch: Int, parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
        workspace: MLPWorkspace, loader: ImageBatchLoader?, update: Update?
    ) -> CrossEntropyTotals {
        let last = layers.count - 1
        var totals = CrossEntropyTotals()
        for part in parts(of: batch) {
            let first = part.lowerBound, m = part.count, accumulate = first > 0
            // The rows of the workspace's buffers that hold this part.
            let slot = loader == nil ? first : 0, rows = slot..<(slot + m)
            let loaded = loader?.load(part, intoRow: slot)
            let grouped = loaded?.grouped
            // With two threads, the output layer and the loss by rows on both (see OutputLayerRows).
            let outputByRows = last > 0 && m >= 8 && workspace.threads.activeThreadCount >= 2
            let transposed = forward(rows: rows, parameters: parameters, workspace: workspace,
                                     inputZerosFound: loader != nil, transposingInput: true, grouped: grouped,
                                     leavingOutputLayer: outputByRows, gathering: loaded?.gather)
            // With two hidden layers or more, the output layer's job also computes δ of the layer
            // before it by rows, and that layer's backward job the output layer's weight gradient.
            let deltaByRows = outputByRows && last >= 2
            if outputByRows {
                let job = OutputLayerRows(
                    layer: layers[last], m: m, input: workspace.activations[last - 1] + slot * layers[last].inputs,
                    logits: workspace.activations[last] + slot * classCount,
                    delta: workspace.deltas[last] + slot * classCount, labels: workspace.labels + first,
                    predictions: workspace.predictions + first, rowLosses: workspace.rowLosses,
                    scale: 1 / Float(batch), parameters: parameters, workspace: workspace,
                    previousDelta: deltaByRows ? workspace.deltas[last - 1] + slot * layers[last].inputs : nil)
                workspace.threads.run(parts: 2, threads: 2, job)
                totals = job.totals(continuing: totals)
            } else {
                totals = Kernels.softmaxCrossEntropy(
                    m: m, n: classCount, logits: workspace.activations[last] + slot * classCount, ldz: classCount,
                    labels: workspace.labels + first, gradient: workspace.deltas[last] + slot * classCount,
                    predictions: workspace.predictions + first, meanOver: batch, continuing: totals)
            }
            // The update goes with the last part's gradient, once the loss is known to be finite.
            let applying = part.upperBound == batch && totals.lossSum.isFinite ? update : nil
            // The update may take W₂'s rows in the second layer's backward job already.
            var secondLayerUpdated = false
            for l in stride(from: deltaByRows ? last - 1 : last, through: 1, by: -1) {
                let updated = backwardHidden(layer: l, rows: rows, parameters: parameters, gradients: gradients,
                                             workspace: workspace, accumulate: accumulate,
                                             withFollowingWeightGradient: deltaByRows && l == last - 1,
                                             update: l == 1 ? applying : nil)
                if l == 1 { secondLayerUpdated = updated }
            }
            // The first layer: ∂W₁ = Xᵀ · δ₁ (skipping the input's zeros when it pays); no δ for the input.
            let layer = layers[0]
            let delta = UnsafePointer(workspace.deltas[0] + slot * layer.outputs)
            var listed = 0
            if transposed {
                listed = workspace.transposedInputNonzeros.listedCount(
                    rowBlocks: (layer.inputs + Kernels.sparseRows - 1) / Kernels.sparseRows)
            } else {
                listed = Kernels.parallelTranspose(m: m, n: layer.inputs, a: workspace.input + slot * layer.inputs,
                                                   lda: layer.inputs, rowOrder: grouped?.position,
                                                   into: workspace.transposedInput,
                                                   findingNonzerosInto: workspace.transposedInputNonzeros,
                                                   threads: workspace.threads)
            }
            let skipsZeros = Self.skipsZeros(listed: listed, rows: layer.inputs, inner: m)
            if last == 0 {
                // Without hidden layers; otherwise the second layer's backward job summed δ₁.
                Kernels.columnSums(m: m, n: layer.outputs, a: delta, lda: layer.outputs,
                                   into: gradients + layer.biasOffset, accumulate: accumulate)
            }
            if applying != nil || (skipsZeros && workspace.firstLayerSplits.count > 2) {
                firstLayerWeightGradient(m: m, delta: delta, skipsZeros: skipsZeros, gradients: gradients,
                                         accumulate: accumulate, workspace: workspace, update: applying,
                                         secondLayerUpdated: secondLayerUpdated, prefetching: loader, after: part)
            } else {
                product(m: layer.inputs, n: layer.outputs, k: m, a: workspace.transposedInput, lda: m,
                        skipping: skipsZeros ? workspace.transposedInputNonzeros : nil,
                        b: delta, ldb: layer.outputs, c: gradients + layer.weightOffset, ldc: layer.outputs,
                        accumulate: accumulate, workspace: workspace)
            }
        }
        return totals
    }
}
