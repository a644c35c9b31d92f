import OptBenchKernels

/// The forward and backward passes of one dense layer, as free functions over
/// views of the flat parameter and gradient vectors (llm.c's
/// `matmul_forward`/`matmul_backward`). Matrices are row-major; `B` is the
/// batch size.
///
/// Every product goes through ``Kernels/matmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:workspace:)``,
/// which sums each output over the inner index in increasing order. The work
/// is split across threads only by outputs (rows of a result), so each value
/// is computed by the same operations whatever the thread count.
public enum DenseLayer {
    /// `z = x·W + b`, then `y = act(z)` elementwise.
    ///
    /// - `x` is `(B, in)`, `W` is `(in, out)`, `b` is `(out)`,
    ///   `z` and `y` are `(B, out)`.
    ///
    /// Rows of the batch are split across `threads`.
    public static func forward(
        x: UnsafePointer<Float>, weights w: UnsafePointer<Float>, bias b: UnsafePointer<Float>,
        preActivation z: UnsafeMutablePointer<Float>, output y: UnsafeMutablePointer<Float>,
        batch: Int, inputs: Int, outputs: Int, activation: Activation, threads: KernelThreads
    ) {
        forEachPart(of: batch, work: inputs * outputs, threads: threads) { rows in
            withMatmulScratch(k: inputs) { scratch in
                Kernels.matmul(m: rows.count, n: outputs, k: inputs, a: x + rows.lowerBound * inputs, lda: inputs,
                               b: w, ldb: outputs, c: z + rows.lowerBound * outputs, ldc: outputs,
                               epilogue: .bias(b), workspace: scratch)
            }
            for q in (rows.lowerBound * outputs)..<(rows.upperBound * outputs) { y[q] = activation.value(z[q]) }
        }
    }

    /// Backward through `z = x·W + b`, given `dz = ∂loss/∂z`:
    ///
    ///     dW = xᵀ · dz        db = Σ_rows dz        dx = dz · Wᵀ
    ///
    /// - `x` is `(B, in)`, `W` is `(in, out)`, `dz` is `(B, out)`,
    ///   `dW` is `(in, out)`, `db` is `(out)`, `dx` is `(B, in)` (skipped
    ///   when nil: the first layer needs no input gradient).
    /// - `scratch` holds `max(in·B, out·in)` floats for the transposed
    ///   operands.
    ///
    /// `dW` is split across threads by its rows (each a sum over the batch in
    /// sample order), `dx` by the batch's rows; `db` adds the rows in order.
    public static func backward(
        x: UnsafePointer<Float>, weights w: UnsafePointer<Float>, outputGradient dz: UnsafePointer<Float>,
        weightGradient dw: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
        batch: Int, inputs: Int, outputs: Int, threads: KernelThreads
    ) {
        // xᵀ is (in, B).
        Kernels.transpose(m: batch, n: inputs, a: x, lda: inputs, into: scratch)
        forEachPart(of: inputs, work: batch * outputs, threads: threads) { rows in
            withMatmulScratch(k: batch) { matmulScratch in
                Kernels.matmul(m: rows.count, n: outputs, k: batch, a: scratch + rows.lowerBound * batch, lda: batch,
                               b: dz, ldb: outputs, c: dw + rows.lowerBound * outputs, ldc: outputs,
                               workspace: matmulScratch)
            }
        }
        Kernels.columnSums(m: batch, n: outputs, a: dz, lda: outputs, into: db)
        guard let dx else { return }
        // Wᵀ is (out, in).
        Kernels.transpose(m: inputs, n: outputs, a: w, lda: outputs, into: scratch)
        forEachPart(of: batch, work: outputs * inputs, threads: threads) { rows in
            withMatmulScratch(k: outputs) { matmulScratch in
                Kernels.matmul(m: rows.count, n: inputs, k: outputs, a: dz + rows.lowerBound * outputs, lda: outputs,
                               b: scratch, ldb: inputs, c: dx + rows.lowerBound * inputs, ldc: inputs,
                               workspace: matmulScratch)
            }
        }
    }

    /// Backward through `y = act(z)` in place: `d ← d ⊙ act′(z)`, with `d`
    /// holding `∂loss/∂y` on entry and `∂loss/∂z` on return.
    ///
    /// - `d`, `z` and `y` are `(B, out)` (`count` = `B·out` values).
    ///
    /// For ReLU this selects (`z > 0 ? d : 0`) rather than multiplies, as
    /// TensorFlow's `ReluGrad` does, so a gradient is never `−0` or NaN from
    /// `∞·0` where the unit is off.
    public static func activationBackward(
        gradient d: UnsafeMutablePointer<Float>, preActivation z: UnsafePointer<Float>, output y: UnsafePointer<Float>,
        count: Int, activation: Activation
    ) {
        switch activation {
        case .relu:
            for q in 0..<count where !(z[q] > 0) { d[q] = 0 }
        case .linear, .softmax:
            break
        default:
            for q in 0..<count { d[q] *= activation.derivative(preActivation: z[q], output: y[q]) }
        }
    }

    /// Multiply-adds below which a part is not worth handing to another
    /// thread (a hand-over costs about as much as a few thousand of them,
    /// and far more when the other thread is not running).
    static let minimumWorkPerPart = 1 << 20

    /// Calls `body` with contiguous ranges that split `0..<count` (each item
    /// `work` multiply-adds) into one part per thread of `threads`, or fewer
    /// so that each part has at least ``minimumWorkPerPart``. The split
    /// changes only which thread computes an item, never how.
    static func forEachPart(of count: Int, work: Int, threads: KernelThreads, _ body: (Range<Int>) -> Void) {
        let worthwhile = count.multipliedReportingOverflow(by: max(work, 1))
        let byWork = worthwhile.overflow ? count : worthwhile.partialValue / minimumWorkPerPart
        let parts = max(1, min(threads.threadCount, count, byWork))
        if parts == 1 {
            body(0..<count)
            return
        }
        threads.run(parts: parts) { part in
            let range = (count * part / parts)..<(count * (part + 1) / parts)
            if !range.isEmpty { body(range) }
        }
    }

    /// Scratch for one ``Kernels/matmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:workspace:)``
    /// with inner dimension `k`, for the duration of `body`.
    static func withMatmulScratch(k: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Kernels.matmulWorkspaceCount(k: k)) {
            body($0.baseAddress!)
        }
    }
}
