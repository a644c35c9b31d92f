import OptBenchData

/// Small grayscale images tiled into one RGB picture, dark on light, with an
/// optional coloured frame per image: the pixels behind the report's image figures.
///
/// Images are scaled up by an integer factor (nearest neighbour, so pixels stay
/// sharp squares) and drawn as matplotlib's `cmap="binary"` draws them: pixel value
/// 0 is white, 255 black (`255 − value`). For Fashion-MNIST, whose backgrounds are
/// 0, that gives dark garments on white.
///
/// Layout, in pixels (`b` is ``borderWidth``, `s` the scale):
///
///     margin │ b │ image (columns·s) │ b │ columnSpacing │ b │ image │ b │ … │ margin
///
/// Rows are separated by `rowSpacing`, which ``ImageGridFigure`` makes tall enough
/// for captions. Every cell reserves room for its frame even when it has none, so
/// the cells line up.
///
/// ```swift
/// let grid = ImageGrid(images: dataset.test.prefix(40), columns: 10, scale: 3,
///                      borders: wrong.map { $0 ? RGBColor(hex: Palette.wrong) : nil })
/// try Data(grid.png).write(to: URL(fileURLWithPath: "predictions.png"))
/// let firstCell = grid.cells[0]   // where image 0 is, to place its caption
/// ```
public struct ImageGrid: Sendable, Equatable {
    /// A rectangle in image pixels, origin top left.
    public struct Rect: Sendable, Equatable {
        /// Left edge.
        public var x: Int
        /// Top edge.
        public var y: Int
        /// Width.
        public var width: Int
        /// Height.
        public var height: Int

        /// Creates a rectangle.
        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        /// One past the right edge, `x + width`.
        public var maxX: Int { x + width }
        /// One past the bottom edge, `y + height`.
        public var maxY: Int { y + height }
        /// Horizontal centre.
        public var midX: Double { Double(x) + Double(width) / 2 }

        /// Whether pixel (`px`, `py`) lies inside.
        public func contains(x px: Int, y py: Int) -> Bool {
            px >= x && px < maxX && py >= y && py < maxY
        }

        /// The rectangle grown by `amount` on every side.
        public func outset(by amount: Int) -> Rect {
            Rect(x: x - amount, y: y - amount, width: width + 2 * amount, height: height + 2 * amount)
        }
    }

    /// The rendered picture (RGB).
    public let image: PNGImage
    /// ``image`` encoded as a PNG file.
    public let png: [UInt8]
    /// Where each scaled source image lies in ``image``, in input order (frames excluded).
    public let cells: [Rect]
    /// Images per row.
    public let columns: Int
    /// Width of the frame around each cell, in pixels.
    public let borderWidth: Int

    /// Width of the picture in pixels.
    public var width: Int { image.width }
    /// Height of the picture in pixels.
    public var height: Int { image.height }

    /// Cell `index`'s rectangle including its frame.
    public func frame(ofCell index: Int) -> Rect { cells[index].outset(by: borderWidth) }

    /// Renders the first `count` images of `images`.
    ///
    /// - Parameters:
    ///   - images: the source images (8-bit grayscale, any size).
    ///   - count: how many to draw (default: all); at most `images.count`.
    ///   - columns: images per row (rows follow from `count`); with fewer images than
    ///     columns the picture is only as wide as needed.
    ///   - scale: integer zoom factor, nearest neighbour (3 turns 28×28 into 84×84).
    ///   - columnSpacing: pixels between the frames of neighbouring cells in a row.
    ///   - rowSpacing: pixels between rows (default `columnSpacing`).
    ///   - margin: pixels around the whole grid (default `columnSpacing`).
    ///   - borderWidth: frame width reserved around every cell.
    ///   - borders: one frame colour per drawn image, `nil` for none; an empty array
    ///     means no frames at all.
    ///   - background: colour of the spacing and of cells without a frame.
    ///   - encoder: the PNG encoder for ``png``.
    public init(
        images: LabeledImages, count: Int? = nil, columns: Int = 10, scale: Int = 3,
        columnSpacing: Int = 4, rowSpacing: Int? = nil, margin: Int? = nil, borderWidth: Int = 2,
        borders: [RGBColor?] = [], background: RGBColor = .white, encoder: PNGEncoder = PNGEncoder()
    ) {
        let count = count ?? images.count
        let rowSpacing = rowSpacing ?? columnSpacing
        let margin = margin ?? columnSpacing
        precondition(count > 0 && count <= images.count, "count \(count) must be in 1...\(images.count)")
        precondition(columns > 0 && scale > 0, "columns and scale must be positive")
        precondition(columnSpacing >= 0 && rowSpacing >= 0 && margin >= 0 && borderWidth >= 0, "spacings must be >= 0")
        precondition(borders.isEmpty || borders.count == count, "\(borders.count) borders for \(count) images")

        let usedColumns = min(columns, count)
        let rows = (count + columns - 1) / columns
        let imageWidth = images.columns * scale, imageHeight = images.rows * scale
        let slotWidth = imageWidth + 2 * borderWidth, slotHeight = imageHeight + 2 * borderWidth
        let width = 2 * margin + usedColumns * slotWidth + (usedColumns - 1) * columnSpacing
        let height = 2 * margin + rows * slotHeight + (rows - 1) * rowSpacing

        var cells: [Rect] = []
        cells.reserveCapacity(count)
        for index in 0..<count {
            let column = index % columns, row = index / columns
            cells.append(Rect(
                x: margin + column * (slotWidth + columnSpacing) + borderWidth,
                y: margin + row * (slotHeight + rowSpacing) + borderWidth,
                width: imageWidth, height: imageHeight))
        }

        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            func fill(_ rect: Rect, _ color: RGBColor) {
                for y in rect.y..<rect.maxY {
                    var offset = (y * width + rect.x) * 3
                    for _ in 0..<rect.width {
                        out[offset] = color.red
                        out[offset + 1] = color.green
                        out[offset + 2] = color.blue
                        offset += 3
                    }
                }
            }
            fill(Rect(x: 0, y: 0, width: width, height: height), background)
            images.pixels.withUnsafeBufferPointer { source in
                for (index, cell) in cells.enumerated() {
                    if !borders.isEmpty, let border = borders[index], borderWidth > 0 {
                        fill(cell.outset(by: borderWidth), border)
                    }
                    let imageStart = index * images.featureCount
                    for y in 0..<imageHeight {
                        let sourceRow = imageStart + (y / scale) * images.columns
                        var offset = ((cell.y + y) * width + cell.x) * 3
                        for x in 0..<imageWidth {
                            let value = 255 - source[sourceRow + x / scale]
                            out[offset] = value
                            out[offset + 1] = value
                            out[offset + 2] = value
                            offset += 3
                        }
                    }
                }
            }
        }

        self.image = PNGImage(validatedWidth: width, height: height, colorType: .rgb, pixels: pixels)
        self.png = encoder.encode(image)
        self.cells = cells
        self.columns = columns
        self.borderWidth = borderWidth
    }
}
