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

    /// Splits the concatenation of `a` and `b` into its even and odd elements.
    @inlinable @inline(__always)
    static func unzip(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> (SIMD16<Float>, SIMD16<Float>) {
        let c = SIMD32<Float>(lowHalf: a, highHalf: b)
        return (c.evenHalf, c.oddHalf)
    }

    /// Transposes one 16×16 block (row `r` at `source(r)`) held in sixteen vectors: four rounds of
    /// "unzip row pairs" (row `i` ← even elements of rows `2i, 2i+1`, row
    /// `i+8` ← odd ones) move element `(r, c)` to `(c, r)`.
    @inlinable @inline(__always)
    static func transpose16x16(_ source: (Int) -> UnsafePointer<Float>,
                               _ target: UnsafeMutablePointer<Float>, _ targetLD: Int) {
        var r0 = UnsafeRawPointer(source(0)).loadUnaligned(as: SIMD16<Float>.self)
        var r1 = UnsafeRawPointer(source(1)).loadUnaligned(as: SIMD16<Float>.self)
        var r2 = UnsafeRawPointer(source(2)).loadUnaligned(as: SIMD16<Float>.self)
        var r3 = UnsafeRawPointer(source(3)).loadUnaligned(as: SIMD16<Float>.self)
        var r4 = UnsafeRawPointer(source(4)).loadUnaligned(as: SIMD16<Float>.self)
        var r5 = UnsafeRawPointer(source(5)).loadUnaligned(as: SIMD16<Float>.self)
        var r6 = UnsafeRawPointer(source(6)).loadUnaligned(as: SIMD16<Float>.self)
        var r7 = UnsafeRawPointer(source(7)).loadUnaligned(as: SIMD16<Float>.self)
        var r8 = UnsafeRawPointer(source(8)).loadUnaligned(as: SIMD16<Float>.self)
        var r9 = UnsafeRawPointer(source(9)).loadUnaligned(as: SIMD16<Float>.self)
        var r10 = UnsafeRawPointer(source(10)).loadUnaligned(as: SIMD16<Float>.self)
        var r11 = UnsafeRawPointer(source(11)).loadUnaligned(as: SIMD16<Float>.self)
        var r12 = UnsafeRawPointer(source(12)).loadUnaligned(as: SIMD16<Float>.self)
        var r13 = UnsafeRawPointer(source(13)).loadUnaligned(as: SIMD16<Float>.self)
        var r14 = UnsafeRawPointer(source(14)).loadUnaligned(as: SIMD16<Float>.self)
        var r15 = UnsafeRawPointer(source(15)).loadUnaligned(as: SIMD16<Float>.self)
        for _ in 0..<4 {
            let (n0, n8) = unzip(r0, r1)
            let (n1, n9) = unzip(r2, r3)
            let (n2, n10) = unzip(r4, r5)
            let (n3, n11) = unzip(r6, r7)
            let (n4, n12) = unzip(r8, r9)
            let (n5, n13) = unzip(r10, r11)
            let (n6, n14) = unzip(r12, r13)
            let (n7, n15) = unzip(r14, r15)
            r0 = n0; r1 = n1; r2 = n2; r3 = n3
            r4 = n4; r5 = n5; r6 = n6; r7 = n7
            r8 = n8; r9 = n9; r10 = n10; r11 = n11
            r12 = n12; r13 = n13; r14 = n14; r15 = n15
        }
        UnsafeMutableRawPointer(target + 0 &* targetLD).storeBytes(of: r0, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 1 &* targetLD).storeBytes(of: r1, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 2 &* targetLD).storeBytes(of: r2, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 3 &* targetLD).storeBytes(of: r3, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 4 &* targetLD).storeBytes(of: r4, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 5 &* targetLD).storeBytes(of: r5, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 6 &* targetLD).storeBytes(of: r6, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 7 &* targetLD).storeBytes(of: r7, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 8 &* targetLD).storeBytes(of: r8, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 9 &* targetLD).storeBytes(of: r9, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 10 &* targetLD).storeBytes(of: r10, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 11 &* targetLD).storeBytes(of: r11, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 12 &* targetLD).storeBytes(of: r12, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 13 &* targetLD).storeBytes(of: r13, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 14 &* targetLD).storeBytes(of: r14, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(target + 15 &* targetLD).storeBytes(of: r15, as: SIMD16<Float>.self)
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
