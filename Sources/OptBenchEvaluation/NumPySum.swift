/// Summation in the same order as NumPy's `np.sum` of a contiguous `float64`
/// array, so that averages match NumPy (and scikit-learn) bit for bit.
///
/// NumPy adds with pairwise summation: fewer than 8 values are added left to
/// right; up to 128 values go into 8 interleaved partial sums
/// (`r[j] = x[j] + x[j+8] + x[j+16] + …`), which are combined as
/// `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))` before the leftover
/// `n mod 8` values are added in order; longer arrays are split in two (at a
/// multiple of 8 near the middle) and the halves summed recursively. The error
/// grows like `O(log n)` instead of `O(n)`, and the result differs from a
/// left-to-right sum in the last bits — enough to flip a printed digit when a
/// value sits on a rounding boundary.
enum NumPySum {
    /// `np.sum(values)` for a contiguous `float64` array.
    static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwise($0[...]) }
    }

    private static func pairwise(_ x: Slice<UnsafeBufferPointer<Double>>) -> Double {
        let n = x.count
        let base = x.startIndex
        if n < 8 {
            var result = 0.0
            for i in x.indices { result += x[i] }
            return result
        } else if n <= 128 {
            var r = (0..<8).map { x[base + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += x[base + i + j] }
                i += 8
            }
            var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                result += x[base + i]
                i += 1
            }
            return result
        } else {
            var half = n / 2
            half -= half % 8
            return pairwise(x[base..<(base + half)]) + pairwise(x[(base + half)...])
        }
    }
}
