import Foundation
import Testing
@testable import OptBenchReport

@Suite struct ChartHeatmapTests {
    static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                          "Bag", "Ankle boot"]

    /// A plausible confusion matrix: mostly diagonal, some confusions.
    static var counts: [[Int]] {
        (0..<10).map { r in
            (0..<10).map { c in r == c ? 850 + 10 * r : ((r * 7 + c * 3) % 11 == 0 ? 60 : (r + c) % 4) }
        }
    }

    static func chart(counts: [[Int]] = counts, normalization: Heatmap.Normalization = .row) -> Heatmap {
        Heatmap(title: "Confusion matrix: adam", description: "Test set.", rowLabels: classes,
                columnLabels: classes, counts: counts, normalization: normalization, idPrefix: "cm-adam")
    }

    @Test func isWellFormedWithTitleAndDescription() throws {
        let root = try parseSVG(Self.chart().svg)
        expectAccessibleRoot(root, title: "Confusion matrix: adam", descriptionContains: "Test set.")
        #expect(root.elements("desc").first?.text.contains("row-normalised") == true)
        expectFiniteGeometry(root)
        let texts = root.elements("text").map(\.text)
        #expect(texts.contains("true class") && texts.contains("predicted class"))
        let global = try parseSVG(Self.chart(normalization: .global).svg)
        #expect(global.elements("desc").first?.text.contains("largest count") == true)
    }

    @Test func oneCellPerCountWithItsText() throws {
        let chart = Self.chart()
        let root = try parseSVG(chart.svg)
        let cells = root.elements("rect", class: "cell")
        let texts = root.elements("text", class: "count")
        #expect(cells.count == 100 && texts.count == 100)
        for (i, (cell, text)) in zip(cells, texts).enumerated() {
            let r = i / 10, c = i % 10
            #expect(cell.attributes["data-row"] == "\(r)" && cell.attributes["data-column"] == "\(c)")
            #expect(text.text == "\(Self.counts[r][c])")
            // The count is written inside its cell.
            let x = cell.double("x")!, y = cell.double("y")!, s = cell.double("width")!
            #expect(text.double("x")! > x && text.double("x")! < x + s)
            #expect(text.double("y")! > y && text.double("y")! < y + s)
            #expect(abs(cell.double("height")! - s) < 1e-9)
        }
    }

    @Test func largerCountsAreDarkerAndTextStaysReadable() throws {
        let chart = Self.chart(counts: [[0, 5, 50, 945]] + Array(repeating: Array(repeating: 1, count: 4), count: 3))
        let small = Heatmap(title: "t", description: "d", rowLabels: ["a", "b", "c", "d"], columnLabels: ["a", "b", "c", "d"],
                            counts: chart.counts, idPrefix: "small")
        let root = try parseSVG(small.svg)
        let row0 = root.elements("rect", class: "cell").prefix(4).map { brightness($0.attributes["fill"] ?? "") }
        #expect(row0[0] > row0[1] && row0[1] > row0[2] && row0[2] > row0[3])
        #expect(row0[0] > 0.99)           // zero is white
        #expect(row0[3] < 0.25)           // almost all of the row: dark blue (#08306B is 0.17)
        let texts = root.elements("text", class: "count").prefix(4).map { $0.attributes["fill"] }
        #expect(texts[0] != "#FFFFFF" && texts[3] == "#FFFFFF")
        // Row normalisation: a uniform row is the same colour whatever its total.
        #expect(small.fill(row: 1, column: 0) == small.fill(row: 1, column: 3))
        #expect(Heatmap.color(intensity: 0) == "#FFFFFF" && Heatmap.color(intensity: 1) == "#08306B")
        #expect(Heatmap.color(intensity: .nan) == "#FFFFFF")
    }

    @Test func longClassNamesAreRotatedAndStayOnTheCanvas() throws {
        let chart = Self.chart()
        let root = try parseSVG(chart.svg)
        let columns = root.elements("text", class: "column-label")
        #expect(columns.map(\.text) == Self.classes)
        let a = 45 * Double.pi / 180
        for label in columns {
            #expect(label.attributes["transform"]?.hasPrefix("rotate(-45") == true)
            let w = SVGCanvas.estimatedTextWidth(label.text, fontSize: SVGCanvas.tickFontSize)
            let x = label.double("x")!, y = label.double("y")!
            #expect(y > chart.gridArea.maxY)
            #expect(x - w * cos(a) >= 0 && y + w * sin(a) <= chart.height)
        }
        let rows = root.elements("text", class: "row-label")
        #expect(rows.map(\.text) == Self.classes)
        for label in rows {
            let w = SVGCanvas.estimatedTextWidth(label.text, fontSize: SVGCanvas.tickFontSize)
            #expect(label.double("x")! - w >= 24)  // clear of the rotated axis title
            #expect(label.double("x")! < chart.gridArea.minX)
        }
        #expect(chart.gridArea.maxX + 60 <= chart.width)
        #expect(chart.cellSize >= 30)
    }

    @Test func raggedNegativeAndEscapedInputStillRenders() throws {
        let chart = Heatmap(title: "A & <B>", description: "\"quoted\"", rowLabels: ["x<1", "y&z"],
                            columnLabels: ["'a'", "b", "c"], counts: [[3, -2], [1, 2, 3, 4]], idPrefix: "odd")
        let root = try parseSVG(chart.svg)
        expectAccessibleRoot(root, title: "A & <B>", descriptionContains: "\"quoted\"")
        expectFiniteGeometry(root)
        #expect(root.elements("rect", class: "cell").count == 6)
        #expect(root.elements("text", class: "count").map(\.text) == ["3", "0", "0", "1", "2", "3"])
        #expect(root.elements("text", class: "row-label").map(\.text) == ["x<1", "y&z"])
        let empty = Heatmap(title: "t", description: "d", rowLabels: [], columnLabels: [], counts: [])
        expectFiniteGeometry(try parseSVG(empty.svg))
    }
}
