import Foundation

/// A bar chart with one group of bars per category (optimizer run), one bar
/// per series in each group: training seconds per optimizer (one series), or
/// test accuracy and macro F1 side by side (two series, solid and hatched).
///
/// Each category has its own colour (the run's colour in every chart); series
/// are told apart by ``BarStyle``, and a legend names them when there are
/// several. Every bar carries its value, printed with ``ValueFormat``, and
/// the category labels sit below the axis, rotated when they would not fit.
///
/// The y axis starts at zero unless a ``yRange`` says otherwise. A range that
/// starts above zero makes small differences in accuracy visible, but bars no
/// longer compare by area, so the chart then prints a note saying where the
/// axis starts, and the ticks show the true range. A value outside a fixed
/// range draws a bar clipped to the range, and its label ends in ▼ (below the
/// axis) or ▲ (above it).
///
/// ```swift
/// let chart = BarChart(
///     title: "Test accuracy and macro F1", description: "Per optimizer, on the test set.",
///     categories: ["sgd", "adam"].enumerated().map { .init(name: $1, color: Palette.color(forRun: $0)) },
///     series: [.init(name: "accuracy", values: [0.86, 0.88]),
///              .init(name: "macro F1", values: [0.85, 0.88], style: .hatched)],
///     valueFormat: .decimals(4), yLabel: "score", yRange: 0.8...0.9, idPrefix: "scores")
/// ```
public struct BarChart: Sendable {
    /// How the bars of one series are filled.
    public enum BarStyle: Sendable, Equatable {
        /// Filled with the category colour.
        case solid
        /// Diagonal stripes of the category colour on a pale background.
        case hatched
        /// The category colour at 40 % opacity, with a full-colour outline.
        case light
    }

    /// One group of bars, such as one optimizer run.
    public struct Category: Sendable, Equatable {
        public var name: String
        public var color: String
        public init(name: String, color: String) { self.name = name; self.color = color }
    }

    /// One value per category.
    public struct Series: Sendable, Equatable {
        public var name: String
        /// `values[i]` belongs to `categories[i]`; missing or non-finite values draw no bar.
        public var values: [Double]
        public var style: BarStyle
        public init(name: String, values: [Double], style: BarStyle = .solid) {
            self.name = name; self.values = values; self.style = style
        }
    }

    /// How values are printed above the bars.
    public struct ValueFormat: Sendable {
        public let format: @Sendable (Double) -> String
        public init(_ format: @escaping @Sendable (Double) -> String) { self.format = format }

        /// A `printf`-style pattern with one floating-point conversion: `"%.4f"`, `"%.1f s"`.
        public static func printf(_ pattern: String) -> ValueFormat {
            ValueFormat { String(format: pattern, $0) }
        }

        /// A fixed number of decimals and an optional suffix: `.decimals(1, suffix: " s")`.
        public static func decimals(_ count: Int, suffix: String = "") -> ValueFormat {
            ValueFormat { String(format: "%.\(max(0, count))f", $0) + suffix }
        }
    }

    public let title: String
    public let description: String
    public let categories: [Category]
    public let series: [Series]
    public let valueFormat: ValueFormat
    public let yLabel: String
    /// The fixed y range, or `nil` for `0...max` widened to nice ticks.
    public let yRange: ClosedRange<Double>?
    public let width: Double
    public let height: Double
    public let idPrefix: String

    public let plotArea: ChartRect
    public let yDomain: ClosedRange<Double>
    public let yTicks: [Double]
    /// The value bars grow from: 0 if it is inside ``yDomain``, else the nearer end.
    public let baseline: Double
    /// Whether category labels are rotated because they would not fit side by side.
    public let rotatesCategoryLabels: Bool
    /// Whether value labels are written vertically because they are wider than a bar.
    public let rotatesValueLabels: Bool
    private let yTickDecimals: Int
    private let barWidth: Double
    private let groupWidth: Double

    private static let labelAngle = 35.0
    private static let maxLabelCharacters = 28

    /// A chart with several series per category.
    public init(title: String, description: String, categories: [Category], series: [Series],
                valueFormat: ValueFormat = .decimals(4), yLabel: String, yRange: ClosedRange<Double>? = nil,
                width: Double = 800, height: Double = 420, idPrefix: String = "bar-chart") {
        self.title = title
        self.description = description
        self.categories = categories
        self.series = series
        self.valueFormat = valueFormat
        self.yLabel = yLabel
        self.yRange = yRange.flatMap { $0.lowerBound.isFinite && $0.upperBound.isFinite ? $0 : nil }
        self.width = width
        self.height = height
        self.idPrefix = SVGCanvas.sanitizedID(idPrefix)

        let values = series.flatMap { $0.values.prefix(categories.count) }.filter(\.isFinite)
        if let fixed = self.yRange {
            var lo = fixed.lowerBound, hi = fixed.upperBound
            if lo == hi { lo -= 0.5; hi += 0.5 }
            yDomain = lo...hi
            let s = NiceTicks.step(span: hi - lo, maxIntervals: 5)
            yTicks = NiceTicks.ticks(in: yDomain, step: s)
            yTickDecimals = s.decimals
        } else {
            let nice = NiceTicks.niceRange(lower: min(0, values.min() ?? 0), upper: max(0, values.max() ?? 1))
            yDomain = nice.range
            yTicks = nice.ticks
            yTickDecimals = nice.step.decimals
        }
        baseline = min(max(0, yDomain.lowerBound), yDomain.upperBound)

        // Horizontal layout.
        let decimals = yTickDecimals
        let yTickWidth = yTicks.map {
            SVGCanvas.estimatedTextWidth(SVGCanvas.format($0, decimals: decimals), fontSize: SVGCanvas.tickFontSize)
        }.max() ?? 0
        let labels = categories.map { BarChart.shortened($0.name) }
        let labelWidth = labels.map { SVGCanvas.estimatedTextWidth($0, fontSize: SVGCanvas.tickFontSize) }.max() ?? 0
        let n = Double(max(1, categories.count))
        var left = 28 + 8 + yTickWidth + 8
        let right = 16.0
        var slot = (width - left - right) / n
        rotatesCategoryLabels = labelWidth > slot - 8
        let angle = BarChart.labelAngle * .pi / 180
        if rotatesCategoryLabels {
            // A rotated label hangs left of its bar; keep the first one on the canvas.
            let firstWidth = labels.first.map { SVGCanvas.estimatedTextWidth($0, fontSize: SVGCanvas.tickFontSize) } ?? 0
            left = max(left, firstWidth * cos(angle) - slot / 2 + 12)
            slot = (width - left - right) / n
        }
        let plotWidth = max(40, width - left - right)
        let seriesCount = Double(max(1, series.count))
        groupWidth = slot * (series.count > 1 ? 0.8 : 0.62)
        let gap = series.count > 1 ? 2.0 : 0
        barWidth = max(1, (groupWidth - gap * (seriesCount - 1)) / seriesCount)

        // Value labels: horizontal if they fit over a bar, else vertical.
        let valueLabelWidth = series.flatMap { s in
            s.values.prefix(categories.count).filter(\.isFinite).map {
                SVGCanvas.estimatedTextWidth(valueFormat.format($0) + " ▼", fontSize: SVGCanvas.tickFontSize)
            }
        }.max() ?? 0
        rotatesValueLabels = valueLabelWidth > barWidth + (series.count > 1 ? gap : slot - groupWidth) - 2
        let headroom = rotatesValueLabels ? valueLabelWidth + 10 : 20

        // Vertical layout: title, note/legend row, headroom for value labels,
        // plot, category labels.
        let hasHeaderRow = series.count > 1 || yDomain.lowerBound > 0
        let top = (hasHeaderRow ? 52.0 : 34) + headroom
        let labelExtent = rotatesCategoryLabels
            ? labelWidth * sin(angle) + SVGCanvas.tickFontSize * cos(angle) + 18
            : 24
        let bottom = labelExtent + 8
        plotArea = ChartRect(x: left, y: top, width: plotWidth, height: max(40, height - top - bottom))
    }

    /// A chart with one series: one bar per category.
    public init(title: String, description: String, categories: [Category], values: [Double],
                valueFormat: ValueFormat = .decimals(4), yLabel: String, yRange: ClosedRange<Double>? = nil,
                width: Double = 800, height: Double = 420, idPrefix: String = "bar-chart") {
        self.init(title: title, description: description, categories: categories,
                  series: [Series(name: yLabel, values: values)], valueFormat: valueFormat, yLabel: yLabel,
                  yRange: yRange, width: width, height: height, idPrefix: idPrefix)
    }

    // MARK: - Geometry

    /// The vertical SVG coordinate of `value`.
    public func y(_ value: Double) -> Double {
        plotArea.maxY - (value - yDomain.lowerBound) / (yDomain.upperBound - yDomain.lowerBound) * plotArea.height
    }

    /// The horizontal centre of category `index`'s group.
    public func categoryCenter(_ index: Int) -> Double {
        plotArea.minX + (Double(index) + 0.5) * plotArea.width / Double(max(1, categories.count))
    }

    /// The rectangle of the bar for `category` in `series`, with the value
    /// clamped to ``yDomain``; `nil` if the value is missing or not finite.
    public func barRect(category: Int, series seriesIndex: Int) -> ChartRect? {
        guard categories.indices.contains(category), series.indices.contains(seriesIndex) else { return nil }
        let values = series[seriesIndex].values
        guard values.indices.contains(category), values[category].isFinite else { return nil }
        let v = min(max(values[category], yDomain.lowerBound), yDomain.upperBound)
        let gap = series.count > 1 ? 2.0 : 0
        let x = categoryCenter(category) - groupWidth / 2 + Double(seriesIndex) * (barWidth + gap)
        let y0 = y(baseline), y1 = y(v)
        return ChartRect(x: x, y: min(y0, y1), width: barWidth, height: abs(y1 - y0))
    }

    // MARK: - Rendering

    /// The chart as a standalone SVG document.
    public var svg: String {
        var c = SVGCanvas(width: width, height: height, idPrefix: idPrefix, title: title, description: description)
        let p = plotArea

        // Hatch patterns: one per category colour, one grey for the legend.
        if series.contains(where: { $0.style == .hatched }) {
            for (i, cat) in categories.enumerated() {
                c.define(BarChart.hatchPattern(id: c.id("hatch-\(i)"), color: cat.color))
            }
            c.define(BarChart.hatchPattern(id: c.id("hatch-legend"), color: "#666666"))
        }

        c.text(title, x: p.minX, y: 26, size: SVGCanvas.titleFontSize, weight: "600")
        if yDomain.lowerBound > 0 {
            c.text("Note: the y axis starts at \(SVGCanvas.format(yDomain.lowerBound, decimals: yTickDecimals + 2)), not at 0.",
                   x: p.minX, y: 46, fill: SVGCanvas.mutedTextColor, attributes: [("class", "axis-note")])
        }
        if series.count > 1 {
            // Legend, right-aligned on the row under the title.
            let widths = series.map { 14 + 6 + SVGCanvas.estimatedTextWidth($0.name, fontSize: SVGCanvas.labelFontSize) + 16 }
            var x = p.maxX - (widths.reduce(0, +) - 16)
            for (s, w) in zip(series, widths) {
                c.rect(x: x, y: 36, width: 14, height: 14, fill: fill(style: s.style, color: "#666666", hatchID: c.id("hatch-legend")),
                       stroke: "#666666", attributes: s.style == .light ? [("fill-opacity", "0.4")] : [])
                c.text(s.name, x: x + 20, y: 47.5, size: SVGCanvas.labelFontSize, attributes: [("class", "legend")])
                x += w
            }
        }

        for t in yTicks {
            let yy = y(t)
            c.line(x1: p.minX, y1: yy, x2: p.maxX, y2: yy, stroke: SVGCanvas.gridColor, attributes: [("class", "grid")])
            c.text(SVGCanvas.format(t, decimals: yTickDecimals), x: p.minX - 8, y: yy + 4, anchor: "end",
                   fill: SVGCanvas.mutedTextColor, attributes: [("class", "y-tick")])
        }
        c.text(yLabel, x: 18, y: p.minY + p.height / 2, size: SVGCanvas.labelFontSize, anchor: "middle", rotation: -90)

        // Bars and their values.
        for (si, s) in series.enumerated() {
            for (ci, cat) in categories.enumerated() {
                guard let r = barRect(category: ci, series: si) else {
                    if si < series.count, ci < categories.count {
                        // Missing or non-finite: say so where the bar would be.
                        let gap = series.count > 1 ? 2.0 : 0
                        let cx = categoryCenter(ci) - groupWidth / 2 + Double(si) * (barWidth + gap) + barWidth / 2
                        c.text("n/a", x: cx, y: y(baseline) - 6, anchor: "middle", fill: SVGCanvas.mutedTextColor,
                               attributes: [("class", "value-label")])
                    }
                    continue
                }
                var attrs: [(String, String)] = [("class", "bar"), ("data-category", cat.name), ("data-series", s.name)]
                if s.style == .light { attrs.insert(("fill-opacity", "0.4"), at: 0) }
                c.rect(x: r.x, y: r.y, width: r.width, height: r.height,
                       fill: fill(style: s.style, color: cat.color, hatchID: c.id("hatch-\(ci)")),
                       stroke: s.style == .solid ? nil : cat.color, attributes: attrs)
                let value = s.values[ci]
                // A value outside a fixed range gets an arrow pointing to where it really is.
                // (Vertical labels are turned 90° anticlockwise, so their arrows are too.)
                let down = rotatesValueLabels ? " ◀" : " ▼", up = rotatesValueLabels ? " ▶" : " ▲"
                let label = value < yDomain.lowerBound ? valueFormat.format(value) + down
                    : value > yDomain.upperBound ? valueFormat.format(value) + up : valueFormat.format(value)
                // Labels go below only for bars that grow downwards from zero.
                let below = value < baseline && yDomain.lowerBound < baseline
                let cx = r.x + r.width / 2
                let edge = below ? r.maxY : r.minY
                if rotatesValueLabels {
                    c.text(label, x: cx + 4, y: below ? edge + 4 : edge - 4, anchor: below ? "end" : "start",
                           rotation: -90, attributes: [("class", "value-label")])
                } else {
                    c.text(label, x: cx, y: below ? edge + 15 : edge - 5, anchor: "middle",
                           attributes: [("class", "value-label")])
                }
            }
        }
        c.line(x1: p.minX, y1: p.minY, x2: p.minX, y2: p.maxY, stroke: SVGCanvas.axisColor)
        c.line(x1: p.minX, y1: y(baseline), x2: p.maxX, y2: y(baseline), stroke: SVGCanvas.axisColor)
        if baseline != yDomain.lowerBound {
            c.line(x1: p.minX, y1: p.maxY, x2: p.maxX, y2: p.maxY, stroke: SVGCanvas.gridColor)
        }

        // Category labels.
        for (ci, cat) in categories.enumerated() {
            let label = BarChart.shortened(cat.name)
            let cx = categoryCenter(ci)
            if rotatesCategoryLabels {
                c.text(label, x: cx + 4, y: p.maxY + 16, anchor: "end", rotation: -BarChart.labelAngle,
                       attributes: [("class", "category-label")])
            } else {
                c.text(label, x: cx, y: p.maxY + 18, anchor: "middle", attributes: [("class", "category-label")])
            }
        }
        if categories.isEmpty {
            c.text("no data", x: p.minX + p.width / 2, y: p.minY + p.height / 2, size: SVGCanvas.labelFontSize,
                   anchor: "middle", fill: SVGCanvas.mutedTextColor)
        }
        return c.svg
    }

    private func fill(style: BarStyle, color: String, hatchID: String) -> String {
        style == .hatched ? "url(#\(hatchID))" : color
    }

    private static func hatchPattern(id: String, color: String) -> String {
        "<pattern id=\"\(id)\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
            + "<rect x=\"0\" y=\"0\" width=\"6\" height=\"6\" fill=\"#FFFFFF\"/>"
            + "<rect x=\"0\" y=\"0\" width=\"3\" height=\"6\" fill=\"\(SVGCanvas.escape(color))\"/></pattern>"
    }

    /// Very long names are cut with an ellipsis so they cannot push the plot off the canvas.
    static func shortened(_ name: String) -> String {
        name.count > maxLabelCharacters ? String(name.prefix(maxLabelCharacters - 1)) + "…" : name
    }
}
