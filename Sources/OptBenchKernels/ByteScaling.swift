extension Kernels {
    /// `x / 255` for every byte value, computed in `Double` and rounded once to
    /// `Float`: exactly what Keras feeds the network after `X / 255.0` in NumPy.
    public static let unitScale: [Float] = (0..<256).map { Float(Double($0) / 255.0) }

    /// Gathers the rows `indices` of a byte matrix (rows of `width` bytes) into
    /// a dense `Float` matrix, scaling each byte `v` to `v / 255`.
    ///
    /// Images stay as bytes in memory (a quarter of the size of floats) and are
    /// scaled one batch at a time.
    @inlinable
    public static func gatherScaledRows(
        from bytes: UnsafePointer<UInt8>, width: Int,
        indices: UnsafeBufferPointer<Int32>,
        into output: UnsafeMutablePointer<Float>
    ) {
        unitScale.withUnsafeBufferPointer { table in
            for (r, index) in indices.enumerated() {
                let source = bytes + Int(index) * width
                let target = output + r * width
                for q in 0..<width { target[q] = table[Int(source[q])] }
            }
        }
    }
}
