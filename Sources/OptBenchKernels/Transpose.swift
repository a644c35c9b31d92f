import CKernelSupport

extension Kernels {
    /// `T[n×m] = Aᵀ` for an m×n matrix `A` (row-major, leading dimension `lda`);
    /// `T` has leading dimension `ldt` (at least m; m when nil: dense).
    ///
    /// The products with a transposed operand (`Aᵀ·δ`, `δ·Wᵀ`) transpose one
    /// operand with this and then use the one fast `A·B` kernel. Full 16×16
    /// blocks are transposed in registers (``transpose16x16(_:_:_:)``), the
    /// edges element by element.
    ///
    /// With `rowOrder`, column `i` of `T` is row `rowOrder[i]` of `A` instead
    /// of row `i` (`T[j·m + i] = A[rowOrder[i]·lda + j]`): a matrix whose rows
    /// are in another order is transposed back into the original one.
    @inlinable
    public static func transpose(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, rowOrder: UnsafePointer<Int32>? = nil,
                                 into t: UnsafeMutablePointer<Float>, ldt: Int? = nil) {
        let ldt = ldt ?? m
        precondition(ldt >= m, "a transpose's leading dimension holds its \(m) columns")
        if let rowOrder {
            transpose(m: m, n: n, into: t, ldt: ldt) { a + Int(rowOrder[$0]) &* lda }
        } else {
            transpose(m: m, n: n, into: t, ldt: ldt) { a + $0 &* lda }
        }
    }

    /// ``transpose(m:n:a:lda:rowOrder:into:ldt:)`` with column `i` of `T` taken
    /// from the row `row(i)`.
    @inlinable @inline(__always)
    static func transpose(m: Int, n: Int, into t: UnsafeMutablePointer<Float>, ldt: Int,
                          row: (Int) -> UnsafePointer<Float>) {
        let fullRows = m & ~15, fullColumns = n & ~15
        var i = 0
        while i < fullRows {
            var j = 0
            while j < fullColumns {
                transpose16x16({ row(i &+ $0) + j }, t + (j &* ldt &+ i), ldt)
                j &+= 16
            }
            i &+= 16
        }
        // The right edge (all rows, columns fullColumns..<n) and the bottom edge.
        for i in 0..<m {
            let source = row(i)
            for j in fullColumns..<n { t[j &* ldt &+ i] = source[j] }
        }
        for i in fullRows..<m {
            let source = row(i)
            for j in 0..<fullColumns { t[j &* ldt &+ i] = source[j] }
        }
    }

    /// The gradient through a ReLU and its column sums in one pass over the
    /// transpose of `A` (m×n, leading dimension `lda`):
    ///
    ///     T[i, j] = H[i, j] > 0 ? A[j, i] : 0      (i < n, j < m; T and H n×m)
    ///     s[j]   (+)= Σ_{i increasing} T[i, j]
    ///
    /// what ``transpose(m:n:a:lda:rowOrder:into:ldt:)``, ``apply(_:m:n:c:ldc:)``
    /// with ``Epilogue/reluMask(_:ldh:)`` and ``columnSums(m:n:a:lda:into:accumulate:)``
    /// give one after the other, to the last bit, with `T` written once. With
    /// `accumulate`, the sums continue from the values in `s`.
    @inlinable
    public static func transposeMaskingAndSumming(
        m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, mask h: UnsafePointer<Float>, ldh: Int,
        into t: UnsafeMutablePointer<Float>, ldt: Int, sums s: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let fullColumns = m & ~15, fullRows = n & ~15
        var j = 0
        while j < fullColumns {
            var sum = accumulate ? UnsafeRawPointer(s + j).loadUnaligned(as: SIMD16<Float>.self) : SIMD16<Float>()
            @inline(__always) func put(_ value: SIMD16<Float>, row i: Int) {
                let kept = UnsafeRawPointer(h + (i &* ldh &+ j)).loadUnaligned(as: SIMD16<Float>.self) .> 0
                let masked = SIMD16<Float>().replacing(with: value, where: kept)
                UnsafeMutableRawPointer(t + (i &* ldt &+ j)).storeBytes(of: masked, as: SIMD16<Float>.self)
                sum += masked
            }
            var i = 0
            while i < fullRows {
                // Rows i ..< i+16 of T for these 16 columns, through a scratch block in registers.
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { block in
                    transpose16x16({ a + ((j &+ $0) &* lda &+ i) }, block.baseAddress!, 16)
                    for q in 0..<16 {
                        put(UnsafeRawPointer(block.baseAddress! + q &* 16).loadUnaligned(as: SIMD16<Float>.self),
                            row: i &+ q)
                    }
                }
                i &+= 16
            }
            while i < n {
                var value = SIMD16<Float>()
                for q in 0..<16 { value[q] = a[(j &+ q) &* lda &+ i] }
                put(value, row: i)
                i &+= 1
            }
            UnsafeMutableRawPointer(s + j).storeBytes(of: sum, as: SIMD16<Float>.self)
            j &+= 16
        }
        while j < m {
            var sum: Float = accumulate ? s[j] : 0
            for i in 0..<n {
                let value: Float = h[i &* ldh &+ j] > 0 ? a[j &* lda &+ i] : 0
                t[i &* ldt &+ j] = value
                sum += value
            }
            s[j] = sum
            j &+= 1
        }
    }

    /// Transposes one 16×16 block (row `r` at `source(r)`) into `target`
    /// (leading dimension `targetLD`), with the path's block kernel
    /// (transpose_block.h: sixteen rows in sixteen vectors, four rounds of
    /// "unzip row pairs").
    @inlinable @inline(__always)
    static func transpose16x16(_ source: (Int) -> UnsafePointer<Float>,
                               _ target: UnsafeMutablePointer<Float>, _ targetLD: Int) {
        // The path's C block transpose (transpose_block.h), from the rows' addresses.
        let transpose = optbench_active_kernel_table().pointee.transpose_16x16
        withUnsafeTemporaryAllocation(of: UnsafePointer<Float>.self, capacity: 16) { rows in
            for r in 0..<16 { rows[r] = source(r) }
            transpose(rows.baseAddress!, target, targetLD)
        }
    }

    /// Column sums `s[j] = Σᵢ A[i, j]` of an m×n matrix: the bias gradient
    /// `db = Σ_batch δ`. Rows are added in order, so the result does not depend
    /// on vectorisation.
    ///
    /// With `accumulate`, the sums continue from the values in `s`.
    @inlinable
    public static func columnSums(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, into s: UnsafeMutablePointer<Float>,
                                  accumulate: Bool = false) {
        if !accumulate { for j in 0..<n { s[j] = 0 } }
        for i in 0..<m {
            let row = a + i &* lda
            // One vector (`lanes` = 16) or the partial vector at the end.
            @inline(__always) func add(_ j: Int, _ lanes: Int) {
                s.store(s.vector(at: j, lanes: lanes) + row.vector(at: j, lanes: lanes), at: j, lanes: lanes)
            }
            var j = 0
            while j &+ 16 <= n {
                add(j, 16)
                j &+= 16
            }
            if j < n { add(j, n &- j) }
        }
    }
}
