/// The five PNG scanline filters (filter method 0).
///
/// A filter replaces each byte by its difference from a prediction made from the
/// byte to its left (`a`), above (`b`) and above-left (`c`), which deflate then
/// compresses better. Bytes left of the first pixel and above the first row count
/// as zero. All arithmetic is modulo 256.
public enum PNGFilter: UInt8, Sendable, CaseIterable {
    /// No prediction.
    case none = 0
    /// Predicts from the byte to the left, `a`.
    case sub = 1
    /// Predicts from the byte above, `b`.
    case up = 2
    /// Predicts `(a + b) / 2`, rounded down.
    case average = 3
    /// Predicts whichever of `a`, `b`, `c` is closest to `a + b − c`.
    case paeth = 4

    /// The Paeth predictor of the PNG specification, section 9.4.
    @inline(__always)
    static func paethPredictor(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Writes the filtered `row` into `output` (same length as `row`).
    ///
    /// - Parameters:
    ///   - row: the raw bytes of this row.
    ///   - previous: the raw bytes of the row above, or `nil` for the first row.
    ///   - bytesPerPixel: distance to the byte "to the left" (1 or 3 here).
    func apply(
        row: UnsafeBufferPointer<UInt8>, previous: UnsafeBufferPointer<UInt8>?,
        bytesPerPixel bpp: Int, into output: UnsafeMutableBufferPointer<UInt8>
    ) {
        let n = row.count
        switch self {
        case .none:
            for i in 0..<n { output[i] = row[i] }
        case .sub:
            for i in 0..<n { output[i] = row[i] &- (i >= bpp ? row[i - bpp] : 0) }
        case .up:
            if let previous {
                for i in 0..<n { output[i] = row[i] &- previous[i] }
            } else {
                for i in 0..<n { output[i] = row[i] }
            }
        case .average:
            for i in 0..<n {
                let a = i >= bpp ? Int(row[i - bpp]) : 0
                let b = previous.map { Int($0[i]) } ?? 0
                output[i] = row[i] &- UInt8((a + b) / 2)
            }
        case .paeth:
            for i in 0..<n {
                let a = i >= bpp ? row[i - bpp] : 0
                let b = previous?[i] ?? 0
                let c = (i >= bpp ? previous?[i - bpp] : nil) ?? 0
                output[i] = row[i] &- Self.paethPredictor(a, b, c)
            }
        }
    }

    /// Undoes the filter in place: `row` holds filtered bytes on entry and raw bytes
    /// on return; `previous` holds the raw row above (`nil` for the first row).
    func reverse(
        row: UnsafeMutableBufferPointer<UInt8>, previous: UnsafeBufferPointer<UInt8>?, bytesPerPixel bpp: Int
    ) {
        let n = row.count
        switch self {
        case .none:
            break
        case .sub:
            if n > bpp { for i in bpp..<n { row[i] = row[i] &+ row[i - bpp] } }
        case .up:
            if let previous { for i in 0..<n { row[i] = row[i] &+ previous[i] } }
        case .average:
            for i in 0..<n {
                let a = i >= bpp ? Int(row[i - bpp]) : 0
                let b = previous.map { Int($0[i]) } ?? 0
                row[i] = row[i] &+ UInt8((a + b) / 2)
            }
        case .paeth:
            for i in 0..<n {
                let a = i >= bpp ? row[i - bpp] : 0
                let b = previous?[i] ?? 0
                let c = (i >= bpp ? previous?[i - bpp] : nil) ?? 0
                row[i] = row[i] &+ Self.paethPredictor(a, b, c)
            }
        }
    }
}
