import OptBenchData
import Testing

@testable import OptBenchReport

/// `count` synthetic 28×28 images whose pixels differ from image to image and
/// cover 0...255; labels cycle through 0...9.
func gridTestImages(count: Int = 40, rows: Int = 28, columns: Int = 28) -> LabeledImages {
    var pixels: [UInt8] = []
    for image in 0..<count {
        for y in 0..<rows {
            for x in 0..<columns { pixels.append(UInt8(truncatingIfNeeded: image * 37 + x * 9 + y * 5)) }
        }
    }
    return LabeledImages(pixels: pixels, labels: (0..<count).map { UInt8($0 % 10) }, rows: rows, columns: columns)
}

@Suite("ImageGrid")
struct ImageGridTests {
    @Test("the PNG decodes to the size the layout implies")
    func size() throws {
        let grid = ImageGrid(images: gridTestImages(), columns: 10, scale: 3, columnSpacing: 4, borderWidth: 2)
        // 10 cells of 84 + 2·2 px, 9 gaps of 4 px, margins of 4 px; 4 rows likewise.
        let expectedWidth = 10 * (28 * 3 + 4) + 9 * 4 + 2 * 4
        let expectedHeight = 4 * (28 * 3 + 4) + 3 * 4 + 2 * 4
        let decoded = try PNGDecoder().decode(grid.png)
        #expect(decoded.width == expectedWidth && decoded.height == expectedHeight)
        #expect(grid.width == expectedWidth && grid.height == expectedHeight)
        #expect(decoded.colorType == .rgb)
        #expect(decoded == grid.image)
        #expect(grid.cells.count == 40)
    }

    @Test("each cell shows 255 − source pixel, scaled by nearest neighbour")
    func pixelsAreInvertedAndScaled() throws {
        let images = gridTestImages(count: 23)
        let scale = 3
        let grid = ImageGrid(images: images, columns: 10, scale: scale, columnSpacing: 5, rowSpacing: 17, borderWidth: 2)
        let decoded = try PNGDecoder().decode(grid.png)
        for index in [0, 9, 10, 22] {
            let cell = grid.cells[index]
            #expect(cell.width == 28 * scale && cell.height == 28 * scale)
            let source = Array(images.pixels(ofImage: index))
            for (sx, sy) in [(0, 0), (27, 0), (13, 14), (27, 27), (5, 21)] {
                for (dx, dy) in [(0, 0), (scale - 1, scale - 1), (1, 2)] {
                    let value = 255 - source[sy * 28 + sx]
                    let pixel = decoded.pixel(x: cell.x + sx * scale + dx, y: cell.y + sy * scale + dy)
                    #expect(Array(pixel) == [value, value, value], "image \(index) source (\(sx), \(sy))")
                }
            }
        }
        // Cells sit on a regular lattice.
        #expect(grid.cells[1].x - grid.cells[0].x == 84 + 4 + 5)
        #expect(grid.cells[10].y - grid.cells[0].y == 84 + 4 + 17)
        #expect(grid.cells[10].x == grid.cells[0].x)
    }

    @Test("a cell's border is drawn in its colour, other cells keep the background")
    func borders() throws {
        let red = try #require(RGBColor(hex: Palette.wrong))
        var borders = [RGBColor?](repeating: nil, count: 12)
        borders[3] = red
        borders[11] = .lightGray
        let grid = ImageGrid(images: gridTestImages(count: 12), columns: 5, scale: 2, borderWidth: 3, borders: borders)
        let decoded = try PNGDecoder().decode(grid.png)
        let frame = grid.frame(ofCell: 3)
        #expect(frame == grid.cells[3].outset(by: 3))
        let redPixel = [red.red, red.green, red.blue]
        for (x, y) in [(frame.x, frame.y), (frame.maxX - 1, frame.maxY - 1), (frame.x + 2, frame.y + 20),
                       (Int(frame.midX), frame.maxY - 3)] {
            #expect(Array(decoded.pixel(x: x, y: y)) == redPixel, "(\(x), \(y))")
        }
        // Just outside the frame, and in an unframed cell's frame area: white.
        #expect(Array(decoded.pixel(x: frame.x - 1, y: frame.y)) == [255, 255, 255])
        let plain = grid.frame(ofCell: 2)
        #expect(Array(decoded.pixel(x: plain.x, y: plain.y)) == [255, 255, 255])
        let gray = grid.frame(ofCell: 11)
        #expect(Array(decoded.pixel(x: gray.x + 1, y: gray.y + 1)) == [0xCC, 0xCC, 0xCC])
    }

    @Test("fewer images than columns give a narrower grid; count limits the images")
    func partialRows() throws {
        let three = ImageGrid(images: gridTestImages(count: 3), columns: 10, scale: 1, columnSpacing: 2, borderWidth: 0)
        #expect(three.width == 3 * 28 + 2 * 2 + 2 * 2)
        #expect(three.height == 28 + 2 * 2)
        let some = ImageGrid(images: gridTestImages(count: 40), count: 12, columns: 10, scale: 1)
        #expect(some.cells.count == 12)
        #expect(some.cells[11].y > some.cells[9].y)
    }

    @Test("RGBColor parses and prints hex colours")
    func colors() {
        #expect(RGBColor(hex: "#C62828") == RGBColor(red: 0xC6, green: 0x28, blue: 0x28))
        #expect(RGBColor(hex: "0af") == RGBColor(red: 0x00, green: 0xAA, blue: 0xFF))
        #expect(RGBColor(hex: "red") == nil)
        #expect(RGBColor(hex: "#12345") == nil)
        #expect(RGBColor(red: 1, green: 171, blue: 255).hex == "#01ABFF")
    }
}
