/// The content of an IDX images file: `count` images of `rows` × `columns`
/// unsigned bytes, stored row-major one image after another.
public struct IDXImages: Sendable, Equatable {
    /// All pixels, `count * rows * columns` bytes, row-major.
    public var pixels: [UInt8]
    /// Number of images.
    public var count: Int
    /// Image height in pixels.
    public var rows: Int
    /// Image width in pixels.
    public var columns: Int

    /// Wraps already-validated IDX content; used by ``IDXReader``.
    init(pixels: [UInt8], count: Int, rows: Int, columns: Int) {
        self.pixels = pixels
        self.count = count
        self.rows = rows
        self.columns = columns
    }
}
