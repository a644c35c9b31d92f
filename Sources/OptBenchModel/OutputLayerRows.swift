import OptBenchKernels

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
struct OutputLayerRows: KernelJob {
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
