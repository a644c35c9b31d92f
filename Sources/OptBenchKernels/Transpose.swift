extension Kernels {
    /// `T[n×m] = Aᵀ` for an m×n matrix `A` (row-major, leading dimension `lda`);
    /// `T` is dense (leading dimension m).
    ///
    /// The products with a transposed operand (`dZ·Wᵀ`, `Xᵀ·dZ`) transpose their
    /// smaller operand with this and then use the one fast `A·B` kernel.
    @inlinable
    public static func transpose(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, into t: UnsafeMutablePointer<Float>) {
        // Blocked so that both the reads and the writes stay in cache.
        let block = 32
        var i0 = 0
        while i0 < m {
            let i1 = min(i0 + block, m)
            var j0 = 0
            while j0 < n {
                let j1 = min(j0 + block, n)
                for i in i0..<i1 {
                    for j in j0..<j1 { t[j * m + i] = a[i * lda + j] }
                }
                j0 = j1
            }
            i0 = i1
        }
    }

    /// Column sums `s[j] = Σᵢ A[i, j]` of an m×n matrix: the bias gradient
    /// `db = Σ_batch dZ`.
    @inlinable
    public static func columnSums(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, into s: UnsafeMutablePointer<Float>) {
        for j in 0..<n { s[j] = 0 }
        for i in 0..<m {
            let row = a + i * lda
            for j in 0..<n { s[j] += row[j] }
        }
    }
}
