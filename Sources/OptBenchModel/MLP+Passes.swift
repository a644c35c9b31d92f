import CKernelSupport
import OptBenchKernels

extension MLP {
    /// The first layer's products skip the zeros of their `A` (the input, or
    /// its transpose) when the zero-skipping kernel's blocks of four rows of
    /// `A` are nonzero in at most this fraction of the inner indices; above it,
    /// finding the zeros and the smaller tiles cost more than the skipped work
    /// saves (measured with `optbench bench`). Either way the result is the
    /// same to the last bit, up to the sign of an exactly zero sum (see ``Kernels/parallelMatmul(m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:accumulate:workspace:threads:)``).
    ///
    /// In Fashion-MNIST, half of the pixels are 0: four images are nonzero at
    /// about 79% of the pixels, four neighbouring pixels are nonzero in about
    /// 62% of the images, and both of the first layer's products skip the rest.
    public static let zeroSkippingDensity = 0.85

    /// Whether a product whose `A` has `rows` rows, `inner` columns and
    /// `listed` nonzero columns over its row blocks should skip the zeros.
    public static func skipsZeros(listed: Int, rows: Int, inner: Int) -> Bool {
        let blocks = (rows + Kernels.sparseRows - 1) / Kernels.sparseRows
        return Double(listed) <= zeroSkippingDensity * Double(blocks * inner)
    }

    /// Fills `workspace.input` with the images `indices` of `images` (bytes,
    /// ``inputSize`` per image), each byte `v` scaled to `v / 255` (exactly
    /// Keras's `X / 255.0` rounded to `Float`), split across threads.
    public func loadBatch(images: UnsafePointer<UInt8>, indices: UnsafeBufferPointer<Int32>, workspace: MLPWorkspace) {
        precondition(indices.count > 0 && indices.count <= workspace.capacity)
        // The forward pass finds the zeros itself: the caller may change the input first.
        Kernels.parallelGatherScaledRows(from: images, width: inputSize, indices: indices, into: workspace.input,
                                         findingNonzerosInto: nil)
    }

    /// `C = epilogue(A·B)` (added to `C` when `accumulate`) on all threads,
    /// skipping the zeros of `A` that `pattern` lists when it is given.
    func product(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, skipping pattern: NonzeroPattern?,
                 b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                 epilogue: Epilogue = .none, accumulate: Bool = false, workspace: MLPWorkspace) {
        if let pattern {
            Kernels.parallelMatmul(m: m, n: n, k: k, a: a, lda: lda, skippingZerosOf: pattern, b: b, ldb: ldb,
                                   c: c, ldc: ldc, epilogue: epilogue, accumulate: accumulate,
                                   workspace: workspace.kernelScratch)
        } else {
            Kernels.parallelMatmul(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                                   epilogue: epilogue, accumulate: accumulate, workspace: workspace.kernelScratch)
        }
    }

    /// Batches larger than this are passed forward and backward in parts of
    /// this many samples (a multiple of ``Kernels/sparseRows``), so that a
    /// part's activations stay in cache (the products themselves are
    /// cache-blocked). Each sample's activations do not depend on the others,
    /// and the gradients and the loss continue their sums from part to part in
    /// sample order, so the results are those of one pass to the last bit.
    public static let samplesPerPart = 256

    /// Forward pass over the first `batch` rows of `workspace.input`.
    ///
    /// Layer `l` computes `A_l = act(A_{l−1}·W_l + b_l)` (`A_{−1}` = the input)
    /// with the bias and ReLU fused into the matrix product; the last layer
    /// leaves its logits `Z = A_{L−2}·W + b` in `workspace.activations.last`.
    /// The first layer skips the input's zeros when it pays
    /// (``zeroSkippingDensity``).
    public func forward(parameters: UnsafePointer<Float>, batch: Int, workspace: MLPWorkspace) {
        precondition(batch > 0 && batch <= workspace.capacity)
        for part in parts(of: batch) {
            forward(rows: part, parameters: parameters, workspace: workspace, inputZerosFound: false)
        }
    }

    /// The parts of a batch: `0..<batch` in runs of at most ``samplesPerPart``.
    func parts(of batch: Int) -> BatchParts {
        BatchParts(count: batch, size: Self.samplesPerPart)
    }

    /// The forward pass of the samples `rows` (its start a multiple of
    /// ``Kernels/sparseRows``). `inputZerosFound`: the caller has just found
    /// the zeros of these rows of the input (as it loaded them), or the
    /// pipeline will (`gathering`).
    ///
    /// When the first layer skips zeros and its inputs are split into several
    /// parts (``MLPWorkspace/firstLayerSplits``), its product runs as a
    /// pipeline over those rows of its weights, a part per thread; with
    /// `transposingInput`, each part then also transposes its columns of the
    /// input into `workspace.transposedInput` and finds their zeros, filling
    /// the time the pipeline leaves it idle. Returns whether it did.
    ///
    /// `grouped`: the input rows (from row 0) are in that grouped order. The
    /// first layer (and the second, when it joins the pipeline) is computed
    /// in that order into `workspace.groupedActivations`, then put back in
    /// batch order, as is the transposed input: the results are the same.
    ///
    /// `leavingOutputLayer`: stops before the output layer, for a caller that
    /// computes it with the loss (``OutputLayerRows``).
    ///
    /// `gathering`: the input is not loaded yet; the first layer's pipeline
    /// job gathers it (``ImageBatchLoader/gathersInPipeline``), and skips its
    /// zeros.
    @discardableResult
    func forward(rows: Range<Int>, parameters: UnsafePointer<Float>, workspace: MLPWorkspace, inputZerosFound: Bool,
                 transposingInput: Bool = false, grouped: GroupedRows? = nil,
                 leavingOutputLayer: Bool = false, gathering: PipelineGather? = nil) -> Bool {
        let m = rows.count, first = rows.lowerBound
        precondition(first % Kernels.sparseRows == 0, "a part starts at a multiple of \(Kernels.sparseRows) rows")
        precondition(grouped == nil || (first == 0 && m <= Self.samplesPerPart), "a grouped part is loaded at row 0")
        precondition(gathering == nil || workspace.firstLayerSplits.count > 2, "only a pipeline of several parts gathers")
        let pattern = workspace.inputNonzeros.dropping(rowBlocks: first / Kernels.sparseRows)
        var listed = 0
        if gathering != nil {
            listed = 0  // the pipeline lists them, and skips them
        } else if inputZerosFound {
            listed = pattern.listedCount(rowBlocks: (m + Kernels.sparseRows - 1) / Kernels.sparseRows)
        } else {
            listed = Kernels.findNonzeroColumns(m: m, n: inputSize, a: workspace.input + first * inputSize,
                                                lda: inputSize, into: pattern)
        }
        var input = UnsafePointer(workspace.input + first * inputSize)
        var transposed = false
        func epilogue(_ layer: DenseLayerLayout) -> Epilogue {
            layer.activation == .relu ? .biasReLU(parameters + layer.biasOffset) : .bias(parameters + layer.biasOffset)
        }
        var l = 0
        while l < layers.count - (leavingOutputLayer ? 1 : 0) {
            let layer = layers[l]
            let batchOutput = workspace.activations[l] + first * layer.outputs
            // A grouped part's first layer is computed in grouped order, then put back.
            let output = grouped != nil && l == 0 ? workspace.groupedActivations[0] : batchOutput
            let skipsZeros = l == 0 && Self.skipsZeros(listed: listed, rows: m, inner: layer.inputs)
            if skipsZeros && workspace.firstLayerSplits.count > 2 {
                // The second layer's product joins the pipeline's job when it has two parts on
                // two threads (read once: the job runs on exactly these threads).
                let parts = workspace.firstLayerSplits.count - 1, threads = KernelThreads.shared.activeThreadCount
                let secondOutput = layers.count > 1 ? workspace.activations[1] + first * layers[1].outputs : nil
                let next = layers.count - (leavingOutputLayer ? 1 : 0) > 1 && parts == 2 && threads >= 2
                    ? FollowingLayer(layer: layers[1], epilogue: epilogue(layers[1]),
                                     output: grouped != nil ? workspace.groupedActivations[1] : secondOutput!)
                    : nil
                // With the second layer in the job, its parts put both outputs back in batch order.
                let restoring = next != nil
                    ? grouped.map { PipelineRestore(rows: $0, firstLayer: batchOutput, secondLayer: secondOutput!) }
                    : nil
                firstLayerPipeline(m: m, input: input, pattern: pattern, parameters: parameters, output: output,
                                   epilogue: epilogue(layer), workspace: workspace, transposingInput: transposingInput,
                                   threads: threads, then: next, grouped: grouped, restoring: restoring,
                                   gathering: gathering)
                transposed = transposingInput
                if next != nil {
                    input = UnsafePointer(secondOutput!)
                    l += 2
                    continue
                }
            } else {
                product(m: m, n: layer.outputs, k: layer.inputs, a: input, lda: layer.inputs,
                        skipping: skipsZeros ? pattern : nil,
                        b: parameters + layer.weightOffset, ldb: layer.outputs, c: output, ldc: layer.outputs,
                        epilogue: epilogue(layer), workspace: workspace)
            }
            if let grouped, l == 0 {
                grouped.restore(rows: 0..<m, width: layer.outputs, from: output, into: batchOutput)
            }
            input = UnsafePointer(batchOutput)
            l += 1
        }
        return transposed
    }

    /// The first layer's forward product `act(X·W₁ + b₁)` of `m` samples as a
    /// pipeline: thread `t` adds the inputs `firstLayerSplits[t] ..< [t+1]`
    /// of each block of four samples to the sums thread `t − 1` left (see
    /// ``Kernels/pipelinedMatmulPart(_:splits:m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:progress:workspace:startingBlock:finishingBlock:)``),
    /// with the same result as one product. With `transposingInput`, thread
    /// `t` also transposes those columns of `X` (before its share when it has
    /// to wait for the thread before it, after it otherwise). The threads
    /// hand each other the blocks panel by panel (the zero-skipping kernel's
    /// column tiles: 64 columns, then 32, 16 or fewer), so a thread waits at
    /// most a panel's time for the one before it.
    ///
    /// With `next` (two parts on at least two threads), the two parts then
    /// compute the second layer's product `act(A₁·W₂ + b₂)` as a pipeline of
    /// their own over the first layer's units (``FollowingLayer``), each with
    /// its own rows of `W₂`: one hand-over is saved, and the result is that of
    /// a separate product to the bit.
    ///
    /// `grouped`: the input's rows are in this grouped order, and are
    /// transposed back into batch order. `restoring`: part 1 copies each block
    /// of the first layer's output and of the second layer's to their rows
    /// in batch order once they are final.
    ///
    /// `gathering`: each part first gathers its columns of the input itself
    /// (into `input`, which is writable: the part's rows of the workspace's
    /// input) and lists their nonzeros in its own pattern
    /// (``MLPWorkspace/inputNonzerosOfParts``), used instead of `pattern`.
    func firstLayerPipeline(m: Int, input: UnsafePointer<Float>, pattern: NonzeroPattern,
                            parameters: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                            epilogue: Epilogue, workspace: MLPWorkspace, transposingInput: Bool,
                            threads: Int, then next: FollowingLayer? = nil, grouped: GroupedRows? = nil,
                            restoring: PipelineRestore? = nil, gathering: PipelineGather? = nil) {
        struct Pipeline: KernelJob {
            let layer: DenseLayerLayout, m: Int, input: UnsafePointer<Float>, pattern: NonzeroPattern
            let parameters: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, epilogue: Epilogue
            let workspace: MLPWorkspace, transposingInput: Bool, next: FollowingLayer?
            let grouped: GroupedRows?, restoring: PipelineRestore?, gathering: PipelineGather?

            func run(part: Int) {
                let splits = workspace.firstLayerSplits
                let scratch = workspace.kernelScratch + part * workspace.scratchPerThread
                var pattern = self.pattern
                if let gathering {
                    // Part 0, which the others wait for, gathers each block just before it; the others
                    // all of their columns first, while part 0 starts.
                    pattern = workspace.inputNonzerosOfParts[part]
                    if part > 0 { gather(gathering, rows: 0..<m, columns: splits[part]..<splits[part + 1], into: pattern) }
                }
                if transposingInput && part > 0 { transposeColumns(part, splits: splits) }
                Kernels.pipelinedMatmulPart(part, splits: splits, m: m, n: layer.outputs, k: layer.inputs,
                                            a: input, lda: layer.inputs, skippingZerosOf: pattern,
                                            b: parameters + layer.weightOffset, ldb: layer.outputs,
                                            c: output, ldc: layer.outputs, epilogue: epilogue,
                                            progress: workspace.pipeline, workspace: scratch,
                                            startingBlock: { block in
                                                guard part == 0, let gathering else { return }
                                                let first = block * Kernels.sparseRows
                                                gather(gathering, rows: first..<min(m, first + Kernels.sparseRows),
                                                       columns: splits[part]..<splits[part + 1], into: pattern)
                                            },
                                            finishingBlock: { block in
                                                next?.finish(block: block, m: m, input: output, workspace: workspace,
                                                             restoring: restoring)
                                            })
                if transposingInput && part == 0 { transposeColumns(part, splits: splits) }
                guard let next else { return }
                // Part p computes stage p of the second layer's pipeline.
                next.forward(stage: part, m: m, input: output, parameters: parameters, workspace: workspace,
                             restoring: restoring)
            }

            /// Gathers the rows `rows` (whole blocks) of the input's columns `columns` into `input`,
            /// and lists their nonzeros in those row blocks of `pattern`.
            func gather(_ gathering: PipelineGather, rows: Range<Int>, columns: Range<Int>, into pattern: NonzeroPattern) {
                Kernels.gatherScaledColumns(
                    columns, from: gathering.images, width: layer.inputs,
                    indices: UnsafeBufferPointer(rebasing: gathering.samples[rows]),
                    into: UnsafeMutablePointer(mutating: input) + rows.lowerBound * layer.inputs,
                    findingNonzerosInto: pattern.dropping(rowBlocks: rows.lowerBound / Kernels.sparseRows))
            }

            func transposeColumns(_ part: Int, splits: [Int]) {
                Kernels.transposeColumns(splits[part]..<splits[part + 1], m: m, a: input, lda: layer.inputs,
                                         rowOrder: grouped?.position, into: workspace.transposedInput,
                                         findingNonzerosInto: workspace.transposedInputNonzeros)
            }
        }
        let parts = workspace.firstLayerSplits.count - 1
        precondition(next == nil || (parts == 2 && threads >= 2), "a following layer needs two parts on two threads")
        precondition(restoring == nil || next != nil, "only a following layer's rows are restored in the job")
        workspace.pipeline.begin()
        if next != nil { workspace.secondPipeline.begin() }
        KernelThreads.shared.run(parts: parts, threads: threads,
                                 Pipeline(layer: layers[0], m: m, input: input, pattern: pattern, parameters: parameters,
                                          output: output, epilogue: epilogue, workspace: workspace,
                                          transposingInput: transposingInput, next: next, grouped: grouped,
                                          restoring: restoring, gathering: gathering))
    }

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
    private func withGroupingKeys<Result>(_ grouping: SampleGrouping?,
                                          _ body: (UnsafeBufferPointer<UInt32>?) -> Result) -> Result {
        guard let grouping else { return body(nil) }
        return grouping.keys.withUnsafeBufferPointer { body($0) }
    }

    /// ``lossAndGradient(images:indices:parameters:gradients:workspace:grouping:)``
    /// that also applies an optimizer's step: once the batch's loss is known
    /// to be finite, `update.apply(range, gradient:)` is called exactly once for every
    /// parameter, with disjoint `range`s of parameter indices and `gradient`
    /// pointing at their gradient values — possibly from several threads at
    /// once. It runs inside a job of ``KernelThreads/shared``, so it must not
    /// start jobs on that pool (an optimizer's whole-vector `update` would),
    /// and it must read and change only the parameters (and optimizer slots)
    /// of its `range`: other threads are updating the rest.
    ///
    /// The first layer's weight gradient, most of the gradient, is handed to
    /// `update` four rows at a time as it is computed, by the part that owns
    /// those rows (``MLPWorkspace/firstLayerSplits``), without being stored:
    /// afterwards those entries of `gradients` are unspecified (they may hold
    /// earlier parts' sums, or, for dense inputs, the gradient); every other
    /// gradient is stored, as usual. This saves a pass over
    /// the largest arrays in memory, and keeps each thread's rows of the
    /// weights in its core's cache. The values handed over are those of
    /// ``lossAndGradient(images:indices:parameters:gradients:workspace:grouping:)`` to
    /// the last bit, so an elementwise update gives the same parameters as
    /// applying it afterwards. When `update` is plain gradient descent
    /// or SGD with momentum (``ParameterUpdate/descentStep``), the pass applies
    /// it to those weights itself, a vector at a time from the registers of
    /// the zero-skipping kernel (``DescentTileSink``, ``MomentumTileSink``),
    /// without storing the gradient at all, and to the second layer's weights
    /// the same way in its backward job, when that job is split by units
    /// (their gradient is not stored either); the parameters (and
    /// velocities) are the same to the last bit.
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
            let outputByRows = last > 0 && m >= 8 && KernelThreads.shared.activeThreadCount >= 2
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
                KernelThreads.shared.run(parts: 2, threads: 2, job)
                totals = job.totals(continuing: totals)
            } else {
                totals = Kernels.softmaxCrossEntropy(
                    m: m, n: classCount, logits: workspace.activations[last] + slot * classCount, ldz: classCount,
                    labels: workspace.labels + first, gradient: workspace.deltas[last] + slot * classCount,
                    predictions: workspace.predictions + first, meanOver: batch, continuing: totals)
            }
            // The update goes with the last part's gradient, once the loss is known to be finite.
            let applying = part.upperBound == batch && totals.lossSum.isFinite ? update : nil
            // Gradient descent may update W₂'s rows in the second layer's backward job already.
            var secondLayerUpdated = false
            for l in stride(from: deltaByRows ? last - 1 : last, through: 1, by: -1) {
                let updated = backwardHidden(layer: l, rows: rows, parameters: parameters, gradients: gradients,
                                             workspace: workspace, accumulate: accumulate,
                                             withFollowingWeightGradient: deltaByRows && l == last - 1,
                                             descent: l == 1 ? applying?.descentStep : nil)
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
                                                   findingNonzerosInto: workspace.transposedInputNonzeros)
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
        let parts = workspace.firstLayerSplits.count - 1, threads = min(parts, KernelThreads.shared.activeThreadCount)
        workspace.gradientJobStarted(threads: threads)
        KernelThreads.shared.run(parts: parts, threads: threads, FirstLayerWeightGradient(
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

    /// Whether the backward pass computes `δ_{l−1}` for `samples` samples of
    /// `layer` as `(W·δᵀ)ᵀ` (transposing `δ` and the product) rather than as
    /// `δ·Wᵀ` (transposing `W`): when that transposes fewer values.
    public static func transposesDelta(samples: Int, layer: DenseLayerLayout) -> Bool {
        samples * (layer.inputs + layer.outputs) < layer.inputs * layer.outputs
    }

    /// Backward through layer `l > 0` for the samples `rows`: its gradients
    /// `∂W_l = A_{l−1}ᵀ·δ_l`, `∂b_l = Σ_rows δ_l` (added to the earlier parts'
    /// when `accumulate`), and the previous layer's `δ_{l−1} = (δ_l·W_lᵀ) ⊙ [A_{l−1} > 0]`.
    ///
    /// The two products are independent and of the same size (inputs ×
    /// outputs × samples multiply-adds), so with two threads each runs whole on
    /// its own thread, transposing its own operand: one hand-over instead of
    /// four, and no serial transposes. The second layer's (`l = 1`) is split
    /// by its input units instead when its weights' rows are owned
    /// (``MLPWorkspace/secondLayerSplits``): each part computes both products
    /// for its rows of `W₂`. Each element is computed by the same kernel
    /// either way, so the results do not change.
    ///
    /// `withFollowingWeightGradient`: `δ_l` came from the layer after it by
    /// rows (``OutputLayerRows``), which left its own weight gradient to
    /// this job: `∂W_{l+1} = A_lᵀ·δ_{l+1}` and `∂b_{l+1}` are computed here too.
    ///
    /// `descent`: the step's update when it is SGD's (``ParameterUpdate/descentStep``).
    /// For the second layer split by units, each part then applies it to its
    /// rows of `W₂` from the registers as their gradient is computed, after
    /// reading them for `δ₁`, and their gradient is not stored. Returns
    /// whether it did: then the first layer's gradient job leaves `W₂` alone.
    @discardableResult
    func backwardHidden(layer l: Int, rows: Range<Int>, parameters: UnsafePointer<Float>,
                        gradients: UnsafeMutablePointer<Float>, workspace: MLPWorkspace, accumulate: Bool,
                        withFollowingWeightGradient: Bool = false, descent: DescentStep? = nil) -> Bool {
        let layer = layers[l]
        let m = rows.count, first = rows.lowerBound
        let following = withFollowingWeightGradient
            ? HiddenLayerBackward.FollowingGradient(
                layer: layers[l + 1], delta: UnsafePointer(workspace.deltas[l + 1] + first * layers[l + 1].outputs),
                previous: UnsafePointer(workspace.activations[l] + first * layers[l + 1].inputs))
            : nil
        let job = HiddenLayerBackward(
            layer: layer, m: m, delta: UnsafePointer(workspace.deltas[l] + first * layer.outputs),
            previous: UnsafePointer(workspace.activations[l - 1] + first * layer.inputs),
            previousDelta: workspace.deltas[l - 1] + first * layer.inputs,
            parameters: parameters, gradients: gradients, workspace: workspace, accumulate: accumulate,
            previousBiasGradient: l == 1 ? gradients + layers[0].biasOffset : nil,
            unitSplits: l == 1 && workspace.firstLayerSplits.count == 3 ? workspace.secondLayerSplits : nil,
            following: following,
            descent: l == 1 && workspace.firstLayerSplits.count == 3 ? descent : nil)
        let threads = KernelThreads.shared
        let work = layer.inputs * layer.outputs * m
        if threads.threadCount >= 2 && (threads.threadCount == 2 || work < 2_000_000) {
            threads.run(parts: 2, job)
        } else {
            job.weightGradient(scratch: workspace.kernelScratch, threads: threads)
            job.previousDelta(scratch: workspace.kernelScratch, threads: threads)
            job.followingWeightGradient(scratch: workspace.kernelScratch, threads: threads)
            return false
        }
        return job.descent != nil
    }

    /// Forward pass and loss without gradients: the summed cross-entropy and
    /// correct count of the batch; the softmax probabilities and predicted
    /// classes are left in `workspace.probabilities` and `workspace.predictions`.
    @discardableResult
    public func evaluate(parameters: UnsafePointer<Float>, batch: Int, workspace: MLPWorkspace) -> CrossEntropyTotals {
        forward(parameters: parameters, batch: batch, workspace: workspace)
        return softmaxOfBatch(batch, workspace: workspace)
    }

    /// ``evaluate(parameters:batch:workspace:)`` of the images `indices` of
    /// `images` (bytes, ``inputSize`` per image), each part of the batch
    /// loaded as ``loadBatch(images:indices:workspace:)`` does (or by the
    /// first layer's pipeline, when it gathers its input) and, with
    /// `grouping`, its samples ordered for the first layer's product as in
    /// training (``SampleGrouping``): the same results to the last bit. The
    /// labels are in `workspace.labels` already.
    @discardableResult
    public func evaluate(images: UnsafePointer<UInt8>, indices: UnsafeBufferPointer<Int32>,
                         parameters: UnsafePointer<Float>, workspace: MLPWorkspace,
                         grouping: SampleGrouping? = nil) -> CrossEntropyTotals {
        precondition(indices.count > 0 && indices.count <= workspace.capacity)
        return withGroupingKeys(grouping) { keys in
            let loader = ImageBatchLoader(images: images, indices: indices,
                                          next: UnsafeBufferPointer(start: nil, count: 0), inputSize: inputSize,
                                          workspace: workspace, groupingKeys: keys)
            for part in parts(of: indices.count) {
                let loaded = loader.load(part, intoRow: part.lowerBound)
                forward(rows: part, parameters: parameters, workspace: workspace, inputZerosFound: true,
                        grouped: loaded.grouped, gathering: loaded.gather)
            }
            return softmaxOfBatch(indices.count, workspace: workspace)
        }
    }

    /// The softmax cross-entropy of the first `batch` rows of logits, with
    /// the probabilities and predictions left in the workspace.
    private func softmaxOfBatch(_ batch: Int, workspace: MLPWorkspace) -> CrossEntropyTotals {
        Kernels.softmaxCrossEntropy(
            m: batch, n: classCount, logits: workspace.activations[layers.count - 1], ldz: classCount,
            labels: workspace.labels, probabilities: workspace.probabilities,
            predictions: workspace.predictions)
    }
}

/// Backward through a hidden layer (``MLP/backwardHidden(layer:rows:parameters:gradients:workspace:accumulate:withFollowingWeightGradient:)``):
/// its two products, as a job of two parts (each on one thread, with its own
/// scratch) or called one after the other.
private struct HiddenLayerBackward: KernelJob {
    let layer: DenseLayerLayout, m: Int
    /// `δ_l` and `A_{l−1}` of the samples, and where `δ_{l−1}` goes.
    let delta: UnsafePointer<Float>, previous: UnsafePointer<Float>, previousDelta: UnsafeMutablePointer<Float>
    let parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>
    let workspace: MLPWorkspace, accumulate: Bool
    /// For the second layer: where the first layer's bias gradient
    /// `∂b₁ = Σ_rows δ₁` goes, summed as soon as `δ₁` is known (added to the
    /// earlier parts' when `accumulate`).
    let previousBiasGradient: UnsafeMutablePointer<Float>?
    /// When set (``MLPWorkspace/secondLayerSplits``), part `p` computes both
    /// products for the units `unitSplits[p] ..< unitSplits[p+1]` (the rows
    /// of `W` its thread owns), and part 1 also `∂b`.
    let unitSplits: [Int]?
    /// The next layer's weight gradient, computed by part 1 after its share.
    let following: FollowingGradient?
    /// With the units split: gradient descent applied to each part's rows of
    /// `W` from the registers, right after they were read for `δ` (their
    /// gradient is not stored); nil otherwise.
    let descent: DescentStep?

    /// The layer after this one, when its `δ` was computed by rows and its
    /// weight gradient is left to this job: its shape, its `δ` and its
    /// inputs (this layer's output).
    struct FollowingGradient {
        let layer: DenseLayerLayout, delta: UnsafePointer<Float>, previous: UnsafePointer<Float>
    }

    func run(part: Int) {
        let scratch = workspace.kernelScratch + part * workspace.scratchPerThread
        defer { if part == 1 { followingWeightGradient(scratch: scratch, threads: .single) } }
        if let unitSplits {
            unitsPart(unitSplits[part]..<unitSplits[part + 1], part: part, scratch: scratch,
                      operands: workspace.hiddenBackwardScratch + part * workspace.hiddenBackwardScratchPerPart)
            if part == 1 {
                Kernels.columnSums(m: m, n: layer.outputs, a: delta, lda: layer.outputs,
                                   into: gradients + layer.biasOffset, accumulate: accumulate)
            }
            return
        }
        if part == 0 {
            weightGradient(scratch: scratch, threads: .single)
        } else {
            previousDelta(scratch: scratch, threads: .single)
        }
    }

    /// `∂W = A_{l−1}ᵀ · δ` : (inputs × m) · (m × outputs), and `∂b = Σ_rows δ`.
    func weightGradient(scratch: UnsafeMutablePointer<Float>, threads: KernelThreads) {
        Kernels.transpose(m: m, n: layer.inputs, a: previous, lda: layer.inputs, into: workspace.transposed)
        Kernels.parallelMatmul(m: layer.inputs, n: layer.outputs, k: m,
                               a: workspace.transposed, lda: m,
                               b: delta, ldb: layer.outputs,
                               c: gradients + layer.weightOffset, ldc: layer.outputs,
                               accumulate: accumulate, workspace: scratch, threads: threads)
        Kernels.columnSums(m: m, n: layer.outputs, a: delta, lda: layer.outputs,
                           into: gradients + layer.biasOffset, accumulate: accumulate)
    }

    /// `δ_{l−1} = (δ · Wᵀ) ⊙ [A_{l−1} > 0]` : (m × outputs) · (outputs × inputs),
    /// and for the second layer its sum, the first layer's bias gradient.
    func previousDelta(scratch: UnsafeMutablePointer<Float>, threads: KernelThreads) {
        if MLP.transposesDelta(samples: m, layer: layer) {
            // Few samples: (δ·Wᵀ)ᵀ = W·δᵀ transposes δ and the result instead of W,
            // fewer values. Each element is the same sum of the same products in
            // the same order (a·b = b·a), so the result is the same to the bit.
            let deltaT = workspace.transposedWeights, product = deltaT + layer.outputs * m
            Kernels.transpose(m: m, n: layer.outputs, a: delta, lda: layer.outputs, into: deltaT)
            Kernels.parallelMatmul(m: layer.inputs, n: m, k: layer.outputs,
                                   a: parameters + layer.weightOffset, lda: layer.outputs,
                                   b: deltaT, ldb: m, c: product, ldc: m, workspace: scratch, threads: threads)
            Kernels.transpose(m: layer.inputs, n: m, a: product, lda: m, into: previousDelta)
            Kernels.apply(.reluMask(previous, ldh: layer.inputs), m: m, n: layer.inputs, c: previousDelta,
                          ldc: layer.inputs)
            sumPreviousDelta()
            return
        }
        Kernels.transpose(m: layer.inputs, n: layer.outputs, a: parameters + layer.weightOffset,
                          lda: layer.outputs, into: workspace.transposedWeights)
        Kernels.parallelMatmul(m: m, n: layer.inputs, k: layer.outputs,
                               a: delta, lda: layer.outputs,
                               b: workspace.transposedWeights, ldb: layer.inputs,
                               c: previousDelta, ldc: layer.inputs,
                               epilogue: .reluMask(previous, ldh: layer.inputs),
                               workspace: scratch, threads: threads)
        sumPreviousDelta()
    }

    /// The following layer's `∂W = A_lᵀ·δ_{l+1}` and `∂b = Σ_rows δ_{l+1}`,
    /// as ``weightGradient(scratch:threads:)`` computes them, through part 1's
    /// operand scratch.
    func followingWeightGradient(scratch: UnsafeMutablePointer<Float>, threads: KernelThreads) {
        guard let following else { return }
        let next = following.layer
        let previousT = workspace.hiddenBackwardScratch + workspace.hiddenBackwardScratchPerPart
        Kernels.transpose(m: m, n: next.inputs, a: following.previous, lda: next.inputs, into: previousT)
        Kernels.parallelMatmul(m: next.inputs, n: next.outputs, k: m, a: previousT, lda: m,
                               b: following.delta, ldb: next.outputs, c: gradients + next.weightOffset, ldc: next.outputs,
                               accumulate: accumulate, workspace: scratch, threads: threads)
        Kernels.columnSums(m: m, n: next.outputs, a: following.delta, lda: next.outputs,
                           into: gradients + next.biasOffset, accumulate: accumulate)
    }

    /// For the input units `units` (rows `units` of `W`): their rows of
    /// `∂W = A_{l−1}ᵀ·δ`, their columns of `δ_{l−1} = (δ·Wᵀ) ⊙ [A_{l−1} > 0]`
    /// and of its sum `∂b_{l−1}`. `operands`: ``MLPWorkspace/hiddenBackwardScratchPerPart`` floats.
    ///
    /// With ``descent``, `W`'s rows are read for `δ` first, and their gradient
    /// then goes straight into them (``descendRows(_:part:previousT:descent:scratch:tile:)``).
    func unitsPart(_ units: Range<Int>, part: Int, scratch: UnsafeMutablePointer<Float>,
                   operands: UnsafeMutablePointer<Float>) {
        let c = units.count, o = units.lowerBound, inputs = layer.inputs, outputs = layer.outputs
        guard c > 0 else { return }
        let previousT = operands
        Kernels.transpose(m: m, n: c, a: previous + o, lda: inputs, into: previousT)
        guard let descent else {
            Kernels.parallelMatmul(m: c, n: outputs, k: m, a: previousT, lda: m, b: delta, ldb: outputs,
                                   c: gradients + layer.weightOffset + o * outputs, ldc: outputs,
                                   accumulate: accumulate, workspace: scratch, threads: .single)
            previousDeltaColumns(units, scratch: scratch, operands: operands)
            return
        }
        previousDeltaColumns(units, scratch: scratch, operands: operands)
        // The operands after the transposed input are free again: a block's partial sums go there.
        descendRows(units, part: part, previousT: previousT, descent: descent, scratch: scratch, tile: operands + c * m)
    }

    /// Rows `units` of `∂W = A_{l−1}ᵀ·δ` (from `previousT`, those columns of
    /// `A_{l−1}` transposed) applied to `W` by `descent` from the registers of
    /// the zero-skipping kernel (skipping the samples where four units are all
    /// zero: the same sums up to the sign of a zero one), without storing them.
    func descendRows(_ units: Range<Int>, part: Int, previousT: UnsafePointer<Float>, descent: DescentStep,
                     scratch: UnsafeMutablePointer<Float>, tile: UnsafeMutablePointer<Float>) {
        let c = units.count, outputs = layer.outputs
        let first = layer.weightOffset + units.lowerBound * outputs
        let pattern = workspace.unitNonzeros[part]
        Kernels.findNonzeroColumns(m: c, n: m, a: previousT, lda: m, into: pattern)
        descent.descend(0..<c, n: outputs, k: m, a: previousT, lda: m, skippingZerosOf: pattern, b: delta,
                        ldb: outputs, partial: accumulate ? UnsafePointer(gradients + first) : nil, tile: tile,
                        workspace: scratch, firstParameter: first)
    }

    /// Columns `units` of `δ_{l−1}` and of `∂b_{l−1}` (see ``unitsPart(_:part:scratch:operands:)``).
    func previousDeltaColumns(_ units: Range<Int>, scratch: UnsafeMutablePointer<Float>,
                              operands: UnsafeMutablePointer<Float>) {
        let c = units.count, o = units.lowerBound, inputs = layer.inputs, outputs = layer.outputs
        let weights = parameters + layer.weightOffset + o * outputs
        let previousDelta = self.previousDelta + o
        if m * (c + outputs) < c * outputs {
            // Few samples: (δ·Wᵀ)ᵀ = W·δᵀ, as in previousDelta(scratch:threads:).
            let deltaT = operands + c * m, product = deltaT + outputs * m
            Kernels.transpose(m: m, n: outputs, a: delta, lda: outputs, into: deltaT)
            Kernels.parallelMatmul(m: c, n: m, k: outputs, a: weights, lda: outputs, b: deltaT, ldb: m,
                                   c: product, ldc: m, workspace: scratch, threads: .single)
            if let previousBiasGradient {
                // δ, its mask and its sum ∂b in one pass.
                Kernels.transposeMaskingAndSumming(m: c, n: m, a: product, lda: m, mask: previous + o, ldh: inputs,
                                                   into: previousDelta, ldt: inputs, sums: previousBiasGradient + o,
                                                   accumulate: accumulate)
                return
            }
            Kernels.transpose(m: c, n: m, a: product, lda: m, into: previousDelta, ldt: inputs)
            Kernels.apply(.reluMask(previous + o, ldh: inputs), m: m, n: c, c: previousDelta, ldc: inputs)
        } else {
            let weightsT = operands + c * m
            Kernels.transpose(m: c, n: outputs, a: weights, lda: outputs, into: weightsT)
            Kernels.parallelMatmul(m: m, n: c, k: outputs, a: delta, lda: outputs, b: weightsT, ldb: c,
                                   c: previousDelta, ldc: inputs, epilogue: .reluMask(previous + o, ldh: inputs),
                                   workspace: scratch, threads: .single)
        }
        if let previousBiasGradient {
            Kernels.columnSums(m: m, n: c, a: previousDelta, lda: inputs, into: previousBiasGradient + o,
                               accumulate: accumulate)
        }
    }

    /// `∂b_{l−1} = Σ_rows δ_{l−1}`, for the second layer.
    func sumPreviousDelta() {
        guard let previousBiasGradient else { return }
        Kernels.columnSums(m: m, n: layer.inputs, a: previousDelta, lda: layer.inputs,
                           into: previousBiasGradient, accumulate: accumulate)
    }
}

/// The parts of ``MLP/firstLayerWeightGradient(m:delta:skipsZeros:gradients:accumulate:workspace:update:prefetching:after:)``:
/// part `p` computes the weight rows `firstLayerSplits[p] ..< [p+1]`, and,
/// with an update, hands them over and updates its share of the other
/// parameters.
private struct FirstLayerWeightGradient<Update: ParameterUpdate>: KernelJob {
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
        if skipsZeros, let descent = update.descentStep {
            // Gradient descent straight from the kernel's registers: no gradient tile.
            descent.descend(rows, n: n, k: m, a: workspace.transposedInput, lda: m,
                            skippingZerosOf: workspace.transposedInputNonzeros, b: delta, ldb: n,
                            partial: accumulate ? UnsafePointer(gradients) : nil,
                            tile: workspace.gradientTiles + part * workspace.gradientTileCount,
                            workspace: workspace.kernelScratch + part * workspace.scratchPerThread, firstParameter: 0)
        } else if skipsZeros {
            Kernels.sparseMatmulRows(
                rows, n: n, k: m, a: workspace.transposedInput, lda: m,
                skippingZerosOf: workspace.transposedInputNonzeros, b: delta, ldb: n,
                partial: accumulate ? UnsafePointer(weights) : nil,
                tile: workspace.gradientTiles + part * workspace.gradientTileCount,
                workspace: workspace.kernelScratch + part * workspace.scratchPerThread
            ) { firstRow, rowCount, values in
                update.apply((firstRow * n)..<((firstRow + rowCount) * n), gradient: values)
            }
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

/// The second layer, when its forward product joins the first layer's
/// pipeline of two parts (``MLP/firstLayerPipeline(m:input:pattern:parameters:output:epilogue:workspace:transposingInput:threads:then:grouped:restoring:)``):
/// its shape, its fused bias (and ReLU), and where its outputs go.
///
/// Its product `act(A₁·W₂ + b₂)` is a pipeline of two stages over the
/// first layer's units (``MLPWorkspace/secondLayerSplits`` `= [0, u, H]`):
/// part 1 lists each block's nonzero units as soon as it has finished the
/// block in the first layer (``finish(block:m:input:workspace:restoring:)``);
/// stage 0, on part 0 (which finishes its share of the first layer first),
/// then adds the products of the units `0 ..< u`; stage 1, on part 1, adds
/// those of `u ..< H` to its sums and applies the bias and ReLU.
/// Each part reads only its own rows of `W₂` (see ``MLPWorkspace/secondLayerSplits``).
/// The sums are those of one product in the same order, skipping the zeros
/// of `A₁` (the first layer's ReLU leaves about 40% of them; blocks of four
/// samples, grouped, are nonzero at about 75% of the units): the same result
/// as the dense product, up to the sign of a zero sum, which the bias and the
/// ReLU erase.
struct FollowingLayer {
    let layer: DenseLayerLayout, epilogue: Epilogue, output: UnsafeMutablePointer<Float>

    /// Stage `stage` of the product for all `m` rows of the first layer's
    /// output `input`, block by block. `restoring`: stage 1 puts each block
    /// of the second layer's output back in batch order once it is final.
    func forward(stage: Int, m: Int, input: UnsafePointer<Float>, parameters: UnsafePointer<Float>,
                 workspace: MLPWorkspace, restoring: PipelineRestore?) {
        let splits = workspace.secondLayerSplits, k = layer.inputs, n = layer.outputs
        let weights = parameters + layer.weightOffset
        let scratch = workspace.secondLayerScratch + stage * workspace.secondLayerScratchPerStage
        Kernels.preparePipelinedPart(stage, splits: splits, n: n, k: k, b: weights, ldb: n, workspace: scratch)
        let blocks = (m + Kernels.sparseRows - 1) / Kernels.sparseRows
        for block in 0..<blocks {
            if stage == 0 {
                // Once part 1 has finished the block in the first layer's pipeline (and listed its nonzero units).
                workspace.pipeline.waitForBlock(part: 1, block: block)
            }
            Kernels.pipelinedMatmulBlock(stage, splits: splits, block: block, m: m, n: n, k: k, a: input, lda: k,
                                         skippingZerosOf: workspace.hiddenNonzeros, b: weights, ldb: n,
                                         c: output, ldc: n, epilogue: epilogue, progress: workspace.secondPipeline,
                                         workspace: scratch)
            if let restoring {
                let first = block * Kernels.sparseRows, rows = first..<min(m, first + Kernels.sparseRows)
                if stage == 1 {
                    restoring.rows.restore(rows: rows, width: n, from: output, into: restoring.secondLayer)
                }
            }
        }
    }

    /// Run by the first layer's last part (part 1) once block `block` of its
    /// output `input` is final, before it hands the block on: lists the
    /// block's nonzero units for the second layer's product, and puts the
    /// block back in batch order. Part 0, whose stage 0 waits for the block,
    /// is the busier part at that point of the job (in-process A/B: 1.5–2.5
    /// µs a step less).
    func finish(block: Int, m: Int, input: UnsafePointer<Float>, workspace: MLPWorkspace,
                restoring: PipelineRestore?) {
        let k = layer.inputs, first = block * Kernels.sparseRows, rows = first..<min(m, first + Kernels.sparseRows)
        Kernels.findNonzeroColumns(m: rows.count, n: k, a: input + first * k, lda: k,
                                   into: workspace.hiddenNonzeros.dropping(rowBlocks: block))
        if let restoring { restoring.rows.restore(rows: rows, width: k, from: input, into: restoring.firstLayer) }
    }
}

/// Where the rows of a grouped part go back in batch order, when the second
/// layer's product joins the first layer's pipeline: the first layer's
/// output and the second layer's, block by block, by part 1, which
/// finishes both.
struct PipelineRestore {
    let rows: GroupedRows
    let firstLayer: UnsafeMutablePointer<Float>, secondLayer: UnsafeMutablePointer<Float>
}

/// The output layer of a training pass, its rows split between two threads:
/// each part computes the logits `Z = A·W + b` of its rows (the same kernel
/// on fewer rows: the same values) and their softmax cross-entropy — each
/// row's loss, prediction and `δ = (p − onehot(y)) / B` — and the losses are
/// added in batch order afterwards (``totals(continuing:)``), as
/// ``Kernels/softmaxCrossEntropy(m:n:logits:ldz:labels:gradient:probabilities:predictions:meanOver:continuing:)``
/// adds them. Run on one thread, the softmax alone took 2–3 µs of a step
/// while the other thread waited. With two hidden layers or more, each part
/// also computes its rows of the layer before's `δ = (δ_out·Wᵀ) ⊙ [A > 0]`,
/// which saves the output layer's own backward job (its weight gradient
/// goes with the next one, ``FollowingGradient``).
private struct OutputLayerRows: KernelJob {
    let layer: DenseLayerLayout, m: Int, input: UnsafePointer<Float>
    let logits: UnsafeMutablePointer<Float>, delta: UnsafeMutablePointer<Float>
    /// The part's labels, and where its predictions and each row's loss go.
    let labels: UnsafePointer<UInt8>, predictions: UnsafeMutablePointer<Int32>, rowLosses: UnsafeMutablePointer<Float>
    /// `1 / B` for the mean loss over the whole batch.
    let scale: Float
    let parameters: UnsafePointer<Float>, workspace: MLPWorkspace
    /// Where `δ` of the layer before goes, `δ_{L−2} = (δ·Wᵀ) ⊙ [A > 0]`, computed
    /// by rows too (the same kernel on fewer rows: the same values), or nil.
    let previousDelta: UnsafeMutablePointer<Float>?

    func run(part: Int) {
        // Halves at a multiple of 8, the dense kernel's rows.
        let half = min(m, (m / 2 + 4) / 8 * 8), rows = part == 0 ? 0..<half : half..<m
        guard !rows.isEmpty else { return }
        let k = layer.inputs, n = layer.outputs
        Kernels.matmulColumns(m: rows.count, n: n, columnStart: 0, columnEnd: n, k: k,
                              a: input + rows.lowerBound * k, lda: k, b: parameters + layer.weightOffset, ldb: n,
                              c: logits + rows.lowerBound * n, ldc: n, epilogue: .bias(parameters + layer.biasOffset),
                              workspace: workspace.kernelScratch + part * workspace.scratchPerThread)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { exps in
            for i in rows {
                let (loss, argmax) = Kernels.softmaxCrossEntropyRow(
                    n: n, logits: logits + i * n, label: Int(labels[i]), exps: exps.baseAddress!,
                    gradient: delta + i * n, probabilities: nil, scale: scale)
                rowLosses[i] = loss
                predictions[i] = Int32(argmax)
            }
        }
        guard let previousDelta else { return }
        let weightsT = workspace.hiddenBackwardScratch + part * workspace.hiddenBackwardScratchPerPart
        Kernels.transpose(m: k, n: n, a: parameters + layer.weightOffset, lda: n, into: weightsT)
        Kernels.matmulColumns(m: rows.count, n: k, columnStart: 0, columnEnd: k, k: n,
                              a: delta + rows.lowerBound * n, lda: n, b: weightsT, ldb: k,
                              c: previousDelta + rows.lowerBound * k, ldc: k,
                              epilogue: .reluMask(input + rows.lowerBound * k, ldh: k),
                              workspace: workspace.kernelScratch + part * workspace.scratchPerThread)
    }

    /// The rows' losses and correct predictions added to `totals`, in order.
    func totals(continuing totals: CrossEntropyTotals) -> CrossEntropyTotals {
        var totals = totals
        for i in 0..<m {
            totals.lossSum += Double(rowLosses[i])
            if Int(predictions[i]) == Int(labels[i]) { totals.correct += 1 }
        }
        return totals
    }
}

/// `0..<count` in runs of at most `size`: the parts of a batch
/// (``MLP/samplesPerPart``). A sequence of its own rather than a lazy map,
/// whose closure would be allocated on every step.
struct BatchParts: Sequence, IteratorProtocol {
    let count: Int, size: Int
    private var start = 0

    init(count: Int, size: Int) {
        self.count = count
        self.size = size
    }

    mutating func next() -> Range<Int>? {
        guard start < count else { return nil }
        defer { start += size }
        return start..<Swift.min(count, start + size)
    }
}
