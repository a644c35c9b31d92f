/// Plain, obviously-correct implementations of every kernel.
///
/// The fast kernels in ``Kernels`` are tested against these on awkward shapes.
/// Matrices are row-major; `ld` is the leading dimension (distance in elements
/// between the starts of two consecutive rows).
public enum ReferenceKernels {
    /// `C[m×n] = epilogue(op(A)·op(B))`, where `op(A)` is `A` (m×k) or `Aᵀ`
    /// (A stored k×m) and `op(B)` is `B` (k×n) or `Bᵀ` (B stored n×k).
    public static func matmul(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue = .none
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let aip = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += aip * bpj
                }
                switch epilogue {
                case .none: break
                case .bias(let bias): sum += bias[j]
                case .biasReLU(let bias): sum = max(0, sum + bias[j])
                case .reluMask(let h, let ldh): if !(h[i * ldh + j] > 0) { sum = 0 }
                }
                c[i * ldc + j] = sum
            }
        }
    }

    /// Column sums: `s[j] = Σᵢ A[i, j]` for an m×n matrix.
    public static func columnSums(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, into s: UnsafeMutablePointer<Float>) {
        for j in 0..<n {
            var sum: Float = 0
            for i in 0..<m { sum += a[i * lda + j] }
            s[j] = sum
        }
    }

    /// `C[m×n] = A·B`, or `C += A·B` with `accumulate`, each element the chain
    /// of fused multiply-adds over the inner indices `listed` (increasing),
    /// starting from +0 (or from `C`):
    ///
    ///     c = fma(A[i, p_last], B[p_last, j], … fma(A[i, p_0], B[p_0, j], c₀) …)
    ///
    /// This is what the micro-kernels of every ``KernelPath`` compute, to the
    /// bit, whatever their tile shape (the dense kernels over `listed = 0..<k`,
    /// the zero-skipping ones over a row block's nonzero columns). It differs
    /// from ``matmul(m:n:k:a:lda:transposeA:b:ldb:transposeB:c:ldc:epilogue:)``,
    /// which rounds each product before adding it.
    public static func fusedMatmul(
        m: Int, n: Int, listed: some Sequence<Int>,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool = false
    ) {
        let inner = Array(listed)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = accumulate ? c[i * ldc + j] : 0
                for p in inner { sum = sum.addingProduct(a[i * lda + p], b[p * ldb + j]) }
                c[i * ldc + j] = sum
            }
        }
    }

    /// The columns `columns` where some of the `rows` rows at `a` is nonzero
    /// (NaN counts, −0 does not), in increasing order: a row block's list
    /// of ``Kernels/findNonzeroColumns(m:columns:a:lda:into:)``.
    public static func nonzeroColumns(rows: Int, columns: Range<Int>, a: UnsafePointer<Float>, lda: Int) -> [Int] {
        columns.filter { q in (0..<rows).contains { r in a[r * lda + q] != 0 } }
    }
}
