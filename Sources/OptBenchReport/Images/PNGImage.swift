/// An 8-bit image as PNG stores it: grayscale or RGB samples, row-major.
///
/// ```swift
/// let image = try PNGImage(width: 2, height: 1, colorType: .grayscale, pixels: [0, 255])
/// let bytes = PNGEncoder().encode(image)            // a complete .png file
/// let back = try PNGDecoder().decode(bytes)          // == image
/// ```
public struct PNGImage: Sendable, Equatable {
    /// The two PNG colour types OptBench writes and reads, both with 8 bits per sample.
    public enum ColorType: UInt8, Sendable, CaseIterable {
        /// One sample per pixel (PNG colour type 0).
        case grayscale = 0
        /// Red, green and blue samples per pixel (PNG colour type 2).
        case rgb = 2

        /// Samples (bytes) per pixel: 1 or 3.
        public var channels: Int { self == .grayscale ? 1 : 3 }
    }

    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Grayscale or RGB.
    public let colorType: ColorType
    /// `height × width × channels` bytes, row after row; RGB pixels are `r, g, b`.
    public let pixels: [UInt8]

    /// Samples per pixel: 1 for grayscale, 3 for RGB.
    public var channels: Int { colorType.channels }

    /// Bytes per row of pixels, `width × channels`.
    public var bytesPerRow: Int { width * channels }

    /// Creates an image, checking that the sizes agree.
    ///
    /// - Throws: ``PNGError/invalidDimensions(width:height:)`` unless both sizes are
    ///   in `1...2147483647`; ``PNGError/pixelCountMismatch(expected:actual:)`` unless
    ///   `pixels.count == width × height × channels`.
    public init(width: Int, height: Int, colorType: ColorType, pixels: [UInt8]) throws(PNGError) {
        let limit = Int(Int32.max)
        guard width > 0, height > 0, width <= limit, height <= limit else {
            throw .invalidDimensions(width: width, height: height)
        }
        let (rowBytes, o1) = width.multipliedReportingOverflow(by: colorType.channels)
        let (expected, o2) = rowBytes.multipliedReportingOverflow(by: height)
        guard !o1, !o2 else { throw .invalidDimensions(width: width, height: height) }
        guard pixels.count == expected else {
            throw .pixelCountMismatch(expected: expected, actual: pixels.count)
        }
        self.init(validatedWidth: width, height: height, colorType: colorType, pixels: pixels)
    }

    /// For sizes already known to agree.
    init(validatedWidth width: Int, height: Int, colorType: ColorType, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = pixels
    }

    /// The samples of pixel (`x`, `y`): one byte for grayscale, three for RGB.
    public func pixel(x: Int, y: Int) -> ArraySlice<UInt8> {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        let start = (y * width + x) * channels
        return pixels[start..<start + channels]
    }
}
