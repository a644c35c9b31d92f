import CKernelSupport

extension Kernels {
    /// `x / 255` for every byte value, computed in `Double` and rounded once to
    /// `Float`: exactly what Keras feeds the network after `X / 255.0` in NumPy.
    public static let unitScale: [Float] = (0..<256).map { Float(Double($0) / 255.0) }

    /// Gathers the rows `indices` of a byte matrix (rows of `width` bytes) into
    /// a dense `Float` matrix, scaling each byte `v` to `v / 255`.
    ///
    /// Images stay as bytes in memory (a quarter of the size of floats) and are
    /// scaled one batch at a time, 16 bytes at a time, without a division
    /// where the CPU has fused multiply-adds (`optbench_scale_bytes16`: a
    /// product and one correction); either way the result is exactly
    /// ``unitScale`` (the `Double` quotient rounded to `Float`) for every byte
    /// value, as the tests check.
    @inlinable
    public static func gatherScaledRows(
        from bytes: UnsafePointer<UInt8>, width: Int,
        indices: UnsafeBufferPointer<Int32>,
        into output: UnsafeMutablePointer<Float>
    ) {
        gatherScaledColumns(0..<width, from: bytes, width: width, indices: indices, into: output,
                            findingNonzerosInto: nil)
    }

    /// ``gatherScaledRows(from:width:indices:into:)`` of the columns `columns`
    /// only (into the same columns of `output`, whose rows are `width` apart),
    /// then (with `pattern`) ``findNonzeroColumns(m:columns:a:lda:into:)`` of
    /// those columns.
    ///
    /// Each thread of a product split by the inner dimension (the columns of
    /// the input) loads the columns it reads itself: no line of the input then
    /// passes from one core's cache to the other's.
    @inlinable
    public static func gatherScaledColumns(
        _ columns: Range<Int>, from bytes: UnsafePointer<UInt8>, width: Int,
        indices: UnsafeBufferPointer<Int32>,
        into output: UnsafeMutablePointer<Float>, findingNonzerosInto pattern: NonzeroPattern?
    ) {
        precondition(columns.lowerBound >= 0 && columns.upperBound <= width, "columns within the rows")
        for (r, index) in indices.enumerated() {
            let source = bytes + Int(index) &* width
            let target = output + r &* width
            var q = columns.lowerBound
            while q &+ 16 <= columns.upperBound {
                let scaled = SIMD16<Float>(optbench_scale_bytes16(source + q))
                UnsafeMutableRawPointer(target + q).storeBytes(of: scaled, as: SIMD16<Float>.self)
                q &+= 16
            }
            while q < columns.upperBound {
                target[q] = Float(source[q]) / 255
                q &+= 1
            }
        }
        if let pattern {
            findNonzeroColumns(m: indices.count, columns: columns, a: output, lda: width, into: pattern)
        }
    }
}
