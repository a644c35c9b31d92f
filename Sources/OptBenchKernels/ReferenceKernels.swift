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
}
