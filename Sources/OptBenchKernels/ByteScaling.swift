import CKernelSupport

extension Kernels {
    /// `x / 255` for every byte value, computed in `Double` and rounded once to
    /// `Float`: exactly what Keras feeds the network after `X / 255.0` in NumPy.
    public static let unitScale: [Float] = (0..<256).map { Float(Double($0) / 255.0) }

    /// Gathers the rows `indices` of a byte matrix (rows of `width` bytes) into
    /// a dense `Float` matrix, scaling each byte `v` to `v / 255`.
    ///
    /// Images stay as bytes in memory (a quarter of the size of floats) and are
    /// scaled one batch at a time, 16 bytes at a time, without a division: the
    /// product `e = v·(1/255)` is off by an ulp for half of the byte values,
    /// so it is corrected once with fused multiply-adds,
    ///
    ///     r = v − e·255   (exact)      v/255 = e + r·(1/255)
    ///
    /// which gives exactly ``unitScale`` (the `Double` quotient rounded to
    /// `Float`) for every byte value, as the tests check.
    @inlinable
    public static func gatherScaledRows(
        from bytes: UnsafePointer<UInt8>, width: Int,
        indices: UnsafeBufferPointer<Int32>,
        into output: UnsafeMutablePointer<Float>
    ) {
        let divisor = SIMD16<Float>(repeating: 255), reciprocal = SIMD16<Float>(repeating: 1 / 255)
        for (r, index) in indices.enumerated() {
            let source = bytes + Int(index) &* width
            let target = output + r &* width
            var q = 0
            while q &+ 16 <= width {
                let v = SIMD16<Float>(optbench_bytes_to_floats16(source + q))
                let estimate = v * reciprocal
                let scaled = estimate.addingProduct(v.addingProduct(-estimate, divisor), reciprocal)
                UnsafeMutableRawPointer(target + q).storeBytes(of: scaled, as: SIMD16<Float>.self)
                q &+= 16
            }
            while q < width {
                target[q] = Float(source[q]) / 255
                q &+= 1
            }
        }
    }
}
