/// Keys that bring images with similar zero patterns together, so that the
/// first layer's zero-skipping product, which works on blocks of four
/// samples, skips more.
///
/// The forward product `X·W₁` visits, for each block of four samples, the
/// pixels where any of the four is nonzero. In Fashion-MNIST each image is
/// nonzero at half of its pixels, but four images of a shuffled batch together
/// at 79% of them. Sorting a batch's samples by how wide the object is, then
/// where its top is, then how many pixels it has, before cutting the blocks,
/// brings that to 65%: trousers go with trousers, bags with pullovers.
///
/// Each sample's activations are computed from its own pixels alone, so the
/// order in which the forward product visits the samples does not change a
/// single bit of them (``MLP/lossAndGradient(images:indices:parameters:gradients:workspace:prefetching:grouping:update:)``
/// puts them back in batch order before anything sums over samples).
///
/// ```swift
/// let grouping = SampleGrouping(train)   // one key per image, computed once
/// ```
public struct SampleGrouping: Sendable, Equatable {
    /// One key per image: images with close keys tend to be zero at the same
    /// pixels. Bits 24–31 hold the number of columns where the image is
    /// nonzero (at most 255), bits 16–23 its first nonzero row (at most 255;
    /// the row count for a blank image), bits 0–15 its nonzero pixels (at
    /// most 65,535).
    public let keys: [UInt32]

    /// Keys given directly (one per image).
    public init(keys: [UInt32]) {
        self.keys = keys
    }

    /// The keys of `count` images of `rows × columns` bytes each, row-major,
    /// stored one after the other at `images`.
    public init(images: UnsafePointer<UInt8>, count: Int, rows: Int, columns: Int) {
        precondition(count >= 0 && rows > 0 && columns > 0, "images of a positive size")
        var flags = [Bool](repeating: false, count: columns)
        keys = flags.withUnsafeMutableBufferPointer { usedColumns in
            (0..<count).map {
                SampleGrouping.key(of: images + $0 * rows * columns, rows: rows, columns: columns,
                                   usedColumns: usedColumns.baseAddress!)
            }
        }
    }

    /// The key of one image of `rows × columns` bytes; `usedColumns` is
    /// scratch for `columns` flags.
    static func key(of image: UnsafePointer<UInt8>, rows: Int, columns: Int,
                    usedColumns: UnsafeMutablePointer<Bool>) -> UInt32 {
        usedColumns.update(repeating: false, count: columns)
        var top = rows, nonzeros = 0
        for r in 0..<rows {
            let row = image + r * columns
            var count = 0
            for c in 0..<columns where row[c] != 0 {
                count += 1
                usedColumns[c] = true
            }
            if count > 0 && top == rows { top = r }
            nonzeros += count
        }
        var width = 0
        for c in 0..<columns where usedColumns[c] { width += 1 }
        return UInt32(min(width, 255)) << 24 | UInt32(min(top, 255)) << 16 | UInt32(min(nonzeros, 65_535))
    }

    /// Writes to `order` the positions `0..<indices.count` sorted by the keys
    /// of the images `indices` (ties in position order), so that `order[g]`
    /// is the position in `indices` of the `g`-th sample in grouped order.
    /// `scratch` holds at least `indices.count` values. Allocates nothing.
    ///
    /// An insertion sort: batches are small, and a part of a large batch
    /// (``MLP/samplesPerPart``) takes microseconds against the part's
    /// milliseconds of products.
    public static func order(keys: UnsafeBufferPointer<UInt32>, indices: UnsafeBufferPointer<Int32>,
                             into order: UnsafeMutablePointer<Int32>, scratch: UnsafeMutablePointer<UInt64>) {
        let count = indices.count
        for position in 0..<count {
            let image = Int(indices[position])
            precondition(image >= 0 && image < keys.count, "image \(image) has no grouping key")
            // The key above, the position below: ties keep their order.
            let value = UInt64(keys[image]) << 32 | UInt64(position)
            var slot = position
            while slot > 0 && scratch[slot - 1] > value {
                scratch[slot] = scratch[slot - 1]
                slot -= 1
            }
            scratch[slot] = value
        }
        for g in 0..<count { order[g] = Int32(truncatingIfNeeded: scratch[g] & 0xFFFF_FFFF) }
    }
}
