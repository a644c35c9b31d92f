/// A set of images with one class label each: a training, validation or test split.
///
/// Pixels stay unsigned bytes, as in the files: the 60,000 Fashion-MNIST training
/// images take 47 MB this way and would take 188 MB as `Float`. Scaling to
/// `[0, 1]` happens per batch, where the floats are needed.
///
/// ```swift
/// let (train, validation) = dataset.train.split(at: 55_000)
/// let firstImage = train.pixels(ofImage: 0)   // 784 bytes for 28×28 images
/// ```
public struct LabeledImages: Sendable, Equatable {
    /// All pixels, `count × rows × columns` bytes: image after image, each row-major.
    public let pixels: [UInt8]
    /// One class index per image.
    public let labels: [UInt8]
    /// Image height in pixels.
    public let rows: Int
    /// Image width in pixels.
    public let columns: Int

    /// Creates a set of images from their pixels and labels.
    ///
    /// The sizes must agree (`pixels.count == labels.count * rows * columns`, and
    /// `rows`, `columns` positive): this is a programming error, checked with a
    /// precondition. Data read from files is validated by ``IDXReader`` and
    /// ``Dataset`` before it gets here, with errors instead of traps.
    public init(pixels: [UInt8], labels: [UInt8], rows: Int, columns: Int) {
        precondition(rows > 0 && columns > 0, "image size must be positive, got \(rows)×\(columns)")
        precondition(
            pixels.count == labels.count * rows * columns,
            "\(pixels.count) pixels do not make \(labels.count) images of \(rows)×\(columns)")
        self.pixels = pixels
        self.labels = labels
        self.rows = rows
        self.columns = columns
    }

    /// Number of images (and labels).
    public var count: Int { labels.count }

    /// Pixels per image, `rows * columns`: the input width of a model.
    public var featureCount: Int { rows * columns }

    /// Whether there are no images.
    public var isEmpty: Bool { labels.isEmpty }

    /// The `featureCount` pixels of image `index` (which must be in `0..<count`).
    public func pixels(ofImage index: Int) -> ArraySlice<UInt8> {
        precondition(index >= 0 && index < count, "image index \(index) out of range 0..<\(count)")
        return pixels[index * featureCount..<(index + 1) * featureCount]
    }

    /// The first `n` images and the rest, in order.
    ///
    /// `n` is clamped to `0...count`, like `Array.prefix(_:)`: splitting 100
    /// images at 150 gives all 100 and an empty tail.
    public func split(at n: Int) -> (head: LabeledImages, tail: LabeledImages) {
        (prefix(n), dropFirst(n))
    }

    /// The first `n` images (all of them if there are fewer; none if `n <= 0`).
    public func prefix(_ n: Int) -> LabeledImages {
        let n = min(max(n, 0), count)
        return LabeledImages(
            validatedPixels: Array(pixels[0..<n * featureCount]), labels: Array(labels[0..<n]),
            rows: rows, columns: columns)
    }

    /// All but the first `n` images (none if there are fewer; all if `n <= 0`).
    public func dropFirst(_ n: Int) -> LabeledImages {
        let n = min(max(n, 0), count)
        return LabeledImages(
            validatedPixels: Array(pixels[(n * featureCount)...]), labels: Array(labels[n...]),
            rows: rows, columns: columns)
    }

    /// The images at `indices`, in that order; an index may repeat.
    ///
    /// Useful for shuffled or stratified splits. Every index must be in
    /// `0..<count` (a programming error otherwise, like an array subscript).
    public func subset<Indices: Sequence>(indices: Indices) -> LabeledImages where Indices.Element == Int {
        var newPixels: [UInt8] = []
        var newLabels: [UInt8] = []
        newPixels.reserveCapacity(indices.underestimatedCount * featureCount)
        newLabels.reserveCapacity(indices.underestimatedCount)
        for index in indices {
            newPixels.append(contentsOf: pixels(ofImage: index))
            newLabels.append(labels[index])
        }
        return LabeledImages(validatedPixels: newPixels, labels: newLabels, rows: rows, columns: columns)
    }

    /// For values whose sizes are already known to agree.
    init(validatedPixels: [UInt8], labels: [UInt8], rows: Int, columns: Int) {
        self.pixels = validatedPixels
        self.labels = labels
        self.rows = rows
        self.columns = columns
    }
}
