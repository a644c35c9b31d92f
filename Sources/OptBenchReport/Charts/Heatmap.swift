import Foundation

/// A confusion matrix drawn as a grid of coloured cells, each with its count.
///
/// Rows are true classes, columns predicted classes. A cell's colour runs
/// from white to dark blue with its ``Normalization``:
///
/// - ``Normalization/row`` (default): the count as a fraction of its row's
///   total, so every class is on the same scale however many samples it has;
///   the diagonal shows per-class recall.
/// - ``Normalization/global``: the count as a fraction of the largest count.
///
/// The fraction goes through a square root before it becomes a colour, so a
/// 5 % confusion is visibly tinted rather than almost white; counts are printed
/// in every cell anyway (white on dark cells, near-black on light ones). The
/// chart appends a sentence saying all this to the accessible description.
///
/// Column labels are rotated −45° so long class names ("Ankle boot",
/// "T-shirt/top") never overlap.
///
/// ```swift
/// let chart = Heatmap(title: "Confusion matrix: adam", description: "Test set, 10,000 images.",
///                     rowLabels: names, columnLabels: names, counts: matrix, idPrefix: "cm-adam")
/// ```
public struct Heatmap: Sendable {
    /// What a cell's colour intensity is relative to.
    public enum Normalization: Sendable, Equatable {
        case row
        case global
    }

    public let title: String
    public let description: String
    public let rowLabels: [String]
    public let columnLabels: [String]
    /// `counts[row][column]`; missing entries count as 0, negative ones are drawn as 0.
    public let counts: [[Int]]
    public let normalization: Normalization
    public let rowAxisTitle: String
    public let columnAxisTitle: String
    public let width: Double
    public let height: Double
    public let idPrefix: String

    /// The rectangle covered by the cells.
    public let gridArea: ChartRect
    /// The side of one (square) cell.
    public let cellSize: Double

    /// The lightest and darkest colours of the scale.
    public static let lowColor = (r: 255.0, g: 255.0, b: 255.0)
    public static let highColor = (r: 8.0, g: 48.0, b: 107.0)   // #08306B
    private static let angle = 45.0

    public init(title: String, description: String, rowLabels: [String], columnLabels: [String], counts: [[Int]],
                normalization: Normalization = .row, rowAxisTitle: String = "true class",
                columnAxisTitle: String = "predicted class", width: Double = 640, height: Double = 600,
                idPrefix: String = "heatmap") {
        self.title = title
        self.description = description
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.counts = counts
        self.normalization = normalization
        self.rowAxisTitle = rowAxisTitle
        self.columnAxisTitle = columnAxisTitle
        self.width = width
        self.height = height
        self.idPrefix = SVGCanvas.sanitizedID(idPrefix)

        let rows = Double(max(1, rowLabels.count)), cols = Double(max(1, columnLabels.count))
        let rowLabelWidth = rowLabels.map { SVGCanvas.estimatedTextWidth($0, fontSize: SVGCanvas.tickFontSize) }.max() ?? 0
        let colLabelWidth = columnLabels.map { SVGCanvas.estimatedTextWidth($0, fontSize: SVGCanvas.tickFontSize) }.max() ?? 0
        let a = Heatmap.angle * .pi / 180
        let left = 30 + rowLabelWidth + 10
        let right = 70.0  // colour scale
        let top = 44.0
        let bottom = 10 + colLabelWidth * sin(a) + SVGCanvas.tickFontSize + 30
        cellSize = max(4, min((width - left - right) / cols, (height - top - bottom) / rows))
        gridArea = ChartRect(x: left, y: top, width: cellSize * cols, height: cellSize * rows)
    }

    /// The count at `row`, `column`, 0 if missing or negative.
    public func count(row: Int, column: Int) -> Int {
        guard counts.indices.contains(row), counts[row].indices.contains(column) else { return 0 }
        return max(0, counts[row][column])
    }

    /// The colour intensity of a cell in 0...1, before the square root.
    public func fraction(row: Int, column: Int) -> Double {
        let denominator: Int
        switch normalization {
        case .row: denominator = columnLabels.indices.reduce(0) { $0 + count(row: row, column: $1) }
        case .global:
            denominator = rowLabels.indices.flatMap { r in columnLabels.indices.map { count(row: r, column: $0) } }.max() ?? 0
        }
        return denominator > 0 ? Double(count(row: row, column: column)) / Double(denominator) : 0
    }

    /// The colour intensity used for a cell, in 0...1: `sqrt(fraction)`.
    public func intensity(row: Int, column: Int) -> Double { fraction(row: row, column: column).squareRoot() }

    /// The fill colour of a cell, `#RRGGBB`.
    public func fill(row: Int, column: Int) -> String { Heatmap.color(intensity: intensity(row: row, column: column)) }

    /// The scale colour for an intensity in 0...1 (clamped).
    public static func color(intensity: Double) -> String {
        let t = intensity.isFinite ? min(max(intensity, 0), 1) : 0
        func channel(_ lo: Double, _ hi: Double) -> Int { Int((lo + (hi - lo) * t).rounded()) }
        let r = channel(lowColor.r, highColor.r), g = channel(lowColor.g, highColor.g), b = channel(lowColor.b, highColor.b)
        return "#" + [r, g, b].map { String(format: "%02X", $0) }.joined()
    }

    /// The description with a sentence on the colour scale appended.
    public var fullDescription: String {
        let scale = normalization == .row
            ? "Cell colour is row-normalised: the count as a fraction of its true class's total, from white (0) to dark blue (all of the row), on a square-root scale."
            : "Cell colour is the count relative to the largest count, from white (0) to dark blue (the largest), on a square-root scale."
        return (description.isEmpty ? "" : description + " ") + scale + " Each cell shows its count."
    }

    /// The matrix as a standalone SVG document.
    public var svg: String {
        var c = SVGCanvas(width: width, height: height, idPrefix: idPrefix, title: title, description: fullDescription)
        let g = gridArea, s = cellSize
        c.text(title, x: 16, y: 26, size: SVGCanvas.titleFontSize, weight: "600")

        let fontSize = min(SVGCanvas.tickFontSize, max(7, s * 0.32))
        for r in rowLabels.indices {
            for col in columnLabels.indices {
                let x = g.minX + Double(col) * s, y = g.minY + Double(r) * s
                let n = count(row: r, column: col)
                c.rect(x: x, y: y, width: s, height: s, fill: fill(row: r, column: col), stroke: "#FFFFFF",
                       attributes: [("stroke-width", "1"), ("class", "cell"), ("data-row", "\(r)"), ("data-column", "\(col)")])
                c.text("\(n)", x: x + s / 2, y: y + s / 2 + fontSize * 0.35, size: fontSize, anchor: "middle",
                       fill: intensity(row: r, column: col) > 0.55 ? "#FFFFFF" : SVGCanvas.textColor,
                       attributes: [("class", "count")])
            }
        }
        c.rect(x: g.minX, y: g.minY, width: g.width, height: g.height, fill: "none", stroke: "#BBBBBB")

        for (r, label) in rowLabels.enumerated() {
            c.text(label, x: g.minX - 8, y: g.minY + (Double(r) + 0.5) * s + 4, anchor: "end",
                   attributes: [("class", "row-label")])
        }
        for (col, label) in columnLabels.enumerated() {
            let x = g.minX + (Double(col) + 0.5) * s + 4, y = g.maxY + 12
            c.text(label, x: x, y: y, anchor: "end", rotation: -Heatmap.angle, attributes: [("class", "column-label")])
        }
        let colLabelWidth = columnLabels.map { SVGCanvas.estimatedTextWidth($0, fontSize: SVGCanvas.tickFontSize) }.max() ?? 0
        c.text(columnAxisTitle, x: g.minX + g.width / 2,
               y: g.maxY + 12 + colLabelWidth * sin(Heatmap.angle * .pi / 180) + SVGCanvas.tickFontSize + 12,
               size: SVGCanvas.labelFontSize, anchor: "middle", weight: "600")
        c.text(rowAxisTitle, x: 18, y: g.minY + g.height / 2, size: SVGCanvas.labelFontSize, anchor: "middle",
               weight: "600", rotation: -90)

        // Colour scale: a vertical gradient bar right of the grid, dark at the top.
        let gradientID = c.id("scale")
        c.define("<linearGradient id=\"\(gradientID)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
                 + (0...10).map { i -> String in
                     let t = Double(i) / 10
                     return "<stop offset=\"\(SVGCanvas.format(t))\" stop-color=\"\(Heatmap.color(intensity: t.squareRoot()))\"/>"
                 }.joined() + "</linearGradient>")
        let barX = g.maxX + 18, barH = min(g.height, 200.0)
        c.rect(x: barX, y: g.minY, width: 12, height: barH, fill: "url(#\(gradientID))", stroke: "#BBBBBB",
               attributes: [("class", "scale")])
        let topLabel: String
        switch normalization {
        case .row: topLabel = "100%"
        case .global:
            topLabel = "\(rowLabels.indices.flatMap { r in columnLabels.indices.map { count(row: r, column: $0) } }.max() ?? 0)"
        }
        c.text(topLabel, x: barX + 16, y: g.minY + 10, fill: SVGCanvas.mutedTextColor)
        c.text(normalization == .row ? "0%" : "0", x: barX + 16, y: g.minY + barH, fill: SVGCanvas.mutedTextColor)
        if normalization == .row {
            c.text("of row", x: barX + 16, y: g.minY + 26, fill: SVGCanvas.mutedTextColor)
        }
        return c.svg
    }
}
