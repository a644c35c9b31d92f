import OptBenchKernels

extension MLP {
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
        workspace.threads.run(parts: parts, threads: threads,
                                 Pipeline(layer: layers[0], m: m, input: input, pattern: pattern, parameters: parameters,
                                          output: output, epilogue: epilogue, workspace: workspace,
                                          transposingInput: transposingInput, next: next, grouped: grouped,
                                          restoring: restoring, gathering: gathering))
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
