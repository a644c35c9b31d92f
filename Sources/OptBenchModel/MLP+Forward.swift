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
                                         findingNonzerosInto: nil, threads: workspace.threads)
    }

    /// `C = epilogue(A·B)` (added to `C` when `accumulate`) on all threads,
    /// skipping the zeros of `A` that `pattern` lists when it is given.
    func product(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, skipping pattern: NonzeroPattern?,
                 b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                 epilogue: Epilogue = .none, accumulate: Bool = false, workspace: MLPWorkspace) {
        if let pattern {
            Kernels.parallelMatmul(m: m, n: n, k: k, a: a, lda: lda, skippingZerosOf: pattern, b: b, ldb: ldb,
                                   c: c, ldc: ldc, epilogue: epilogue, accumulate: accumulate,
                                   workspace: workspace.kernelScratch, threads: workspace.threads)
        } else {
            Kernels.parallelMatmul(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                                   epilogue: epilogue, accumulate: accumulate, workspace: workspace.kernelScratch,
                                   threads: workspace.threads)
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
                let parts = workspace.firstLayerSplits.count - 1, threads = workspace.threads.activeThreadCount
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
