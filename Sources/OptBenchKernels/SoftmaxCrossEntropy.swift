import Foundation

/// Totals of a softmax cross-entropy over a batch.
public struct CrossEntropyTotals: Sendable, Equatable {
    /// `Σᵢ −log softmax(zᵢ)[yᵢ]` over the batch.
    public var lossSum: Double
    /// Number of rows whose largest logit is at the true class.
    public var correct: Int

    public init(lossSum: Double = 0, correct: Int = 0) {
        self.lossSum = lossSum
        self.correct = correct
    }
}

extension Kernels {
    /// Softmax and sparse categorical cross-entropy, computed stably from the
    /// logits, fused with their gradient.
    ///
    /// For each row `z` of the m×n logits with true class `y`:
    ///
    ///     μ = maxⱼ zⱼ,  s = Σⱼ exp(zⱼ − μ),  pⱼ = exp(zⱼ − μ) / s
    ///     loss = −log p_y = log s − (z_y − μ)
    ///
    /// Subtracting the maximum keeps `exp` from overflowing, and the loss never
    /// takes the logarithm of a rounded-to-zero probability. When `gradient` is
    /// given, it receives the gradient of the *mean* loss over the batch with
    /// respect to the logits, `(p − onehot(y)) / m` (what Keras differentiates).
    /// When `probabilities` is given, it receives `p`. The prediction is the
    /// first index of the largest logit (the argmax of the softmax).
    ///
    /// For a batch processed in parts, `meanOver` is the whole batch's size
    /// (the gradient's divisor) and `continuing` the totals of the parts
    /// before: the loss is then summed in the same order as in one pass.
    @inlinable
    public static func softmaxCrossEntropy(
        m: Int, n: Int,
        logits: UnsafePointer<Float>, ldz: Int,
        labels: UnsafePointer<UInt8>,
        gradient: UnsafeMutablePointer<Float>? = nil,
        probabilities: UnsafeMutablePointer<Float>? = nil,
        predictions: UnsafeMutablePointer<Int32>? = nil,
        meanOver batch: Int? = nil,
        continuing: CrossEntropyTotals = CrossEntropyTotals()
    ) -> CrossEntropyTotals {
        var totals = continuing
        let scale = 1 / Float(batch ?? m)
        // exp(zⱼ − μ) of the current row, computed once for the sum, the
        // probabilities and the gradient.
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: max(n, 1)) { exps in
            for i in 0..<m {
                let label = Int(labels[i])
                let (loss, argmax) = softmaxCrossEntropyRow(
                    n: n, logits: logits + i * ldz, label: label, exps: exps.baseAddress!,
                    gradient: gradient.map { $0 + i * n }, probabilities: probabilities.map { $0 + i * n },
                    scale: scale)
                totals.lossSum += Double(loss)
                if argmax == label { totals.correct += 1 }
                predictions?[i] = Int32(argmax)
            }
            return totals
        }
    }

    /// One row of ``softmaxCrossEntropy(m:n:logits:ldz:labels:gradient:probabilities:predictions:meanOver:continuing:)``:
    /// the row's loss `log s − (z_y − μ)` in `Float` (the batch's sum adds it
    /// as a `Double`) and its prediction, with `(p − onehot(y))·scale` into
    /// `gradient` and `p` into `probabilities` when given. `exps` is scratch
    /// for `n` floats.
    @inlinable
    public static func softmaxCrossEntropyRow(
        n: Int, logits z: UnsafePointer<Float>, label: Int, exps: UnsafeMutablePointer<Float>,
        gradient: UnsafeMutablePointer<Float>?, probabilities: UnsafeMutablePointer<Float>?, scale: Float
    ) -> (loss: Float, argmax: Int) {
        var maximum = z[0]
        var argmax = 0
        for j in 1..<n where z[j] > maximum {
            maximum = z[j]
            argmax = j
        }
        var sum: Float = 0
        for j in 0..<n {
            exps[j] = Foundation.exp(z[j] - maximum)
            sum += exps[j]
        }
        let loss = Foundation.log(sum) - (z[label] - maximum)
        let inverse = 1 / sum
        if let probabilities {
            for j in 0..<n { probabilities[j] = exps[j] * inverse }
        }
        if let g = gradient {
            for j in 0..<n {
                let p = exps[j] * inverse
                g[j] = (j == label ? p - 1 : p) * scale
            }
        }
        return (loss, argmax)
    }
}

extension ReferenceKernels {
    /// Softmax cross-entropy the textbook way, in `Double`: the reference for
    /// ``Kernels/softmaxCrossEntropy(m:n:logits:ldz:labels:gradient:probabilities:predictions:meanOver:continuing:)``.
    public static func softmaxCrossEntropy(
        m: Int, n: Int, logits: [Float], labels: [UInt8]
    ) -> (lossSum: Double, probabilities: [Double], gradient: [Double]) {
        var loss = 0.0
        var probabilities = [Double](repeating: 0, count: m * n)
        var gradient = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            let row = (0..<n).map { Double(logits[i * n + $0]) }
            let maximum = row.max()!
            let exps = row.map { Foundation.exp($0 - maximum) }
            let sum = exps.reduce(0, +)
            for j in 0..<n {
                probabilities[i * n + j] = exps[j] / sum
                gradient[i * n + j] = (probabilities[i * n + j] - (j == Int(labels[i]) ? 1 : 0)) / Double(m)
            }
            loss -= Foundation.log(probabilities[i * n + Int(labels[i])])
        }
        return (loss, probabilities, gradient)
    }
}
