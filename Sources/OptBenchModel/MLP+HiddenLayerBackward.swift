import OptBenchKernels

extension MLP {
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
    /// `update`: the step's update, when this is the last part of the batch
    /// and the loss is finite. For the second layer split by units, each part
    /// then hands its rows of `W₂` to it as their gradient is computed
    /// (``ParameterUpdate/apply(_:firstParameter:)``), after reading them for
    /// `δ₁`, and their gradient is not stored. Returns whether it did: then
    /// the first layer's gradient job leaves `W₂` alone.
    @discardableResult
    func backwardHidden<Update: ParameterUpdate>(
        layer l: Int, rows: Range<Int>, parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
        workspace: MLPWorkspace, accumulate: Bool, withFollowingWeightGradient: Bool = false, update: Update?
    ) -> Bool {
        let layer = layers[l]
        let m = rows.count, first = rows.lowerBound
        let following = withFollowingWeightGradient
            ? HiddenLayerBackward<Update>.FollowingGradient(
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
            update: l == 1 && workspace.firstLayerSplits.count == 3 ? update : nil)
        let threads = workspace.threads
        let work = layer.inputs * layer.outputs * m
        if threads.threadCount >= 2 && (threads.threadCount == 2 || work < 2_000_000) {
            threads.run(parts: 2, job)
        } else {
            job.weightGradient(scratch: workspace.kernelScratch, threads: threads)
            job.previousDelta(scratch: workspace.kernelScratch, threads: threads)
            job.followingWeightGradient(scratch: workspace.kernelScratch, threads: threads)
            return false
        }
        return job.update != nil
    }
}

/// Backward through a hidden layer (``MLP/backwardHidden(layer:rows:parameters:gradients:workspace:accumulate:withFollowingWeightGradient:update:)``):
/// its two products, as a job of two parts (each on one thread, with its own
/// scratch) or called one after the other.
struct HiddenLayerBackward<Update: ParameterUpdate>: KernelJob {
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
    /// With the units split: the step's update, handed each part's rows of
    /// `W`'s gradient as they are computed, right after they were read for
    /// `δ` (their gradient is not stored); nil otherwise.
    let update: Update?

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
    /// With ``update``, `W`'s rows are read for `δ` first, and their gradient
    /// then goes straight into them (``updateRows(_:part:previousT:update:scratch:tile:)``).
    func unitsPart(_ units: Range<Int>, part: Int, scratch: UnsafeMutablePointer<Float>,
                   operands: UnsafeMutablePointer<Float>) {
        let c = units.count, o = units.lowerBound, inputs = layer.inputs, outputs = layer.outputs
        guard c > 0 else { return }
        let previousT = operands
        Kernels.transpose(m: m, n: c, a: previous + o, lda: inputs, into: previousT)
        guard let update else {
            Kernels.parallelMatmul(m: c, n: outputs, k: m, a: previousT, lda: m, b: delta, ldb: outputs,
                                   c: gradients + layer.weightOffset + o * outputs, ldc: outputs,
                                   accumulate: accumulate, workspace: scratch, threads: .single)
            previousDeltaColumns(units, scratch: scratch, operands: operands)
            return
        }
        previousDeltaColumns(units, scratch: scratch, operands: operands)
        // The operands after the transposed input are free again: a block's partial sums go there.
        updateRows(units, part: part, previousT: previousT, update: update, scratch: scratch, tile: operands + c * m)
    }

    /// Rows `units` of `∂W = A_{l−1}ᵀ·δ` (from `previousT`, those columns of
    /// `A_{l−1}` transposed) handed to `update` as the zero-skipping kernel
    /// computes them (skipping the samples where four units are all zero:
    /// the same sums up to the sign of a zero one), without storing them.
    func updateRows(_ units: Range<Int>, part: Int, previousT: UnsafePointer<Float>, update: Update,
                    scratch: UnsafeMutablePointer<Float>, tile: UnsafeMutablePointer<Float>) {
        let c = units.count, outputs = layer.outputs
        let first = layer.weightOffset + units.lowerBound * outputs
        let pattern = workspace.unitNonzeros[part]
        Kernels.findNonzeroColumns(m: c, n: m, a: previousT, lda: m, into: pattern)
        update.apply(SparseRowProduct(rows: 0..<c, n: outputs, k: m, a: previousT, lda: m, skippingZerosOf: pattern,
                                      b: delta, ldb: outputs, partial: accumulate ? UnsafePointer(gradients + first) : nil,
                                      tile: tile, workspace: scratch),
                     firstParameter: first)
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
