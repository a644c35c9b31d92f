import Foundation

/// A line chart of one or more series against a shared x axis, such as loss
/// or accuracy per epoch for every optimizer run.
///
/// The layout is computed once, in the initialiser: the plot area, the axis
/// domains and the ticks. ``x(_:)`` and ``y(_:)`` map data values to SVG
/// coordinates inside ``plotArea``; ``svg`` renders the document.
///
/// - Without a fixed ``yRange`` the y axis is widened to nice 1-2-5 ticks
///   around the finite data. With one, values outside it are drawn but
///   clipped to the plot area by a `clipPath`.
/// - Non-finite points (a diverged loss) are skipped; the line joins the
///   finite points on either side.
/// - The legend sits below the plot, in rows that wrap, so it never covers data.
///
/// ```swift
/// let chart = LineChart(
///     title: "Validation accuracy", description: "Accuracy per epoch for each optimizer.",
///     xLabel: "epoch", yLabel: "accuracy",
///     series: [
///         .init(name: "adam", color: Palette.color(forRun: 0),
///               points: [(1, 0.81), (2, 0.85), (3, 0.86)], marker: .init(x: 3, label: "best 3")),
///     ],
///     yRange: 0...1, idPrefix: "val-acc")
/// let markup = chart.svg
/// ```
public struct LineChart: Sendable {
    /// One data point.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    /// A point to highlight with a circle and a short label, such as the best epoch.
    public struct Marker: Sendable, Equatable {
        /// The x value to mark; the circle sits on the series' point nearest to it.
        public var x: Double
        /// A short label, e.g. `"best 7"`.
        public var label: String
        public init(x: Double, label: String) { self.x = x; self.label = label }
    }

    /// One line.
    public struct Series: Sendable {
        public var name: String
        /// Any SVG colour, e.g. `Palette.color(forRun: i)`.
        public var color: String
        public var points: [Point]
        /// Draw the line dashed (e.g. training curves next to solid validation curves).
        public var dashed: Bool
        public var marker: Marker?

        public init(name: String, color: String, points: [(Double, Double)], dashed: Bool = false,
                    marker: Marker? = nil) {
            self.name = name
            self.color = color
            self.points = points.map { Point(x: $0.0, y: $0.1) }
            self.dashed = dashed
            self.marker = marker
        }

        /// The points whose coordinates are both finite, in order.
        public var finitePoints: [Point] { points.filter { $0.x.isFinite && $0.y.isFinite } }
    }

    public let title: String
    public let description: String
    public let xLabel: String
    public let yLabel: String
    public let series: [Series]
    /// The fixed y range, or `nil` for an automatic one.
    public let yRange: ClosedRange<Double>?
    /// Whether x ticks are integers (epochs).
    public let integerXTicks: Bool
    public let width: Double
    public let height: Double
    /// Prefix of the ids in this chart's SVG; unique per page.
    public let idPrefix: String

    /// The rectangle the data is drawn in.
    public let plotArea: ChartRect
    /// The data range shown on each axis.
    public let xDomain: ClosedRange<Double>
    public let yDomain: ClosedRange<Double>
    /// Tick values on each axis, ascending, all inside the domains.
    public let xTicks: [Double]
    public let yTicks: [Double]
    private let xTickDecimals: Int
    private let yTickDecimals: Int
    private let legendItems: [(index: Int, x: Double, y: Double)]

    private static let legendRowHeight = 20.0
    private static let legendSwatch = 24.0

    public init(title: String, description: String, xLabel: String, yLabel: String, series: [Series],
                yRange: ClosedRange<Double>? = nil, integerXTicks: Bool = true,
                width: Double = 800, height: Double = 420, idPrefix: String = "line-chart") {
        self.title = title
        self.description = description
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yRange = yRange.flatMap { $0.lowerBound.isFinite && $0.upperBound.isFinite ? $0 : nil }
        self.integerXTicks = integerXTicks
        self.width = width
        self.height = height
        self.idPrefix = SVGCanvas.sanitizedID(idPrefix)

        let finite = series.flatMap(\.finitePoints)

        // x domain: the data range itself, ticks inside it.
        var xLo = finite.map(\.x).min() ?? 0, xHi = finite.map(\.x).max() ?? 1
        if xLo == xHi { let d = integerXTicks ? 1.0 : 0.5; xLo -= d; xHi += d }
        xDomain = xLo...xHi
        let xStep = NiceTicks.step(span: xHi - xLo, maxIntervals: 9, integer: integerXTicks)
        xTicks = NiceTicks.ticks(in: xDomain, step: xStep)
        xTickDecimals = xStep.decimals

        // y domain: fixed, or nice bounds around the data.
        if let fixed = self.yRange {
            var lo = fixed.lowerBound, hi = fixed.upperBound
            if lo == hi { lo -= 0.5; hi += 0.5 }
            yDomain = lo...hi
            let s = NiceTicks.step(span: hi - lo, maxIntervals: 5)
            yTicks = NiceTicks.ticks(in: yDomain, step: s)
            yTickDecimals = s.decimals
        } else {
            let nice = NiceTicks.niceRange(lower: finite.map(\.y).min() ?? 0, upper: finite.map(\.y).max() ?? 1)
            yDomain = nice.range
            yTicks = nice.ticks
            yTickDecimals = nice.step.decimals
        }

        // Horizontal layout: y label, y tick labels, plot, small right margin
        // (half of the last x tick label can stick out).
        let decimals = yTickDecimals
        let yTickWidth = yTicks.map {
            SVGCanvas.estimatedTextWidth(SVGCanvas.format($0, decimals: decimals), fontSize: SVGCanvas.tickFontSize)
        }.max() ?? 0
        let left = 28 + 8 + yTickWidth + 8
        let right = 24.0
        let plotWidth = max(40, width - left - right)

        // Legend rows, wrapped to the plot width and centred under it.
        var rows: [[(index: Int, width: Double)]] = [[]]
        var rowWidth = 0.0
        for (i, s) in series.enumerated() {
            let w = LineChart.legendSwatch + 6 + SVGCanvas.estimatedTextWidth(s.name, fontSize: SVGCanvas.labelFontSize) + 18
            if rowWidth + w > plotWidth && !rows[rows.count - 1].isEmpty {
                rows.append([]); rowWidth = 0
            }
            rows[rows.count - 1].append((i, w)); rowWidth += w
        }
        let rowCount = series.isEmpty ? 0 : rows.count
        let top = 44.0
        let bottom = 52 + (rowCount > 0 ? 12 + Double(rowCount) * LineChart.legendRowHeight : 0) + 6
        let plotHeight = max(40, height - top - bottom)
        plotArea = ChartRect(x: left, y: top, width: plotWidth, height: plotHeight)

        var items: [(index: Int, x: Double, y: Double)] = []
        for (r, row) in rows.enumerated() where !row.isEmpty {
            let total = row.reduce(0) { $0 + $1.width } - 18
            var x = left + (plotWidth - total) / 2
            let y = top + plotHeight + 52 + 12 + Double(r) * LineChart.legendRowHeight + LineChart.legendRowHeight / 2
            for item in row {
                items.append((item.index, x, y))
                x += item.width
            }
        }
        legendItems = items
    }

    // MARK: - Geometry

    /// The horizontal SVG coordinate of data value `value`.
    public func x(_ value: Double) -> Double {
        plotArea.minX + (value - xDomain.lowerBound) / (xDomain.upperBound - xDomain.lowerBound) * plotArea.width
    }

    /// The vertical SVG coordinate of data value `value` (the bottom of the
    /// plot for `yDomain.lowerBound`, the top for `yDomain.upperBound`).
    public func y(_ value: Double) -> Double {
        plotArea.maxY - (value - yDomain.lowerBound) / (yDomain.upperBound - yDomain.lowerBound) * plotArea.height
    }

    /// `x(value)`/`y(value)` limited to a band ten plot sizes around the plot,
    /// so a huge outlier (a diverged loss) stays a finite, printable
    /// coordinate. Only points far outside the clip rectangle are moved.
    private func px(_ value: Double) -> Double {
        min(max(x(value), plotArea.minX - 10 * plotArea.width), plotArea.maxX + 10 * plotArea.width)
    }
    private func py(_ value: Double) -> Double {
        min(max(y(value), plotArea.minY - 10 * plotArea.height), plotArea.maxY + 10 * plotArea.height)
    }

    /// The SVG `points` attribute of series `index`: `"x,y x,y ..."`, finite points only.
    public func polylinePoints(ofSeries index: Int) -> String {
        series[index].finitePoints.map { "\(SVGCanvas.format(px($0.x))),\(SVGCanvas.format(py($0.y)))" }
            .joined(separator: " ")
    }

    // MARK: - Rendering

    /// The chart as a standalone SVG document, ready to inline in HTML.
    public var svg: String {
        var c = SVGCanvas(width: width, height: height, idPrefix: idPrefix, title: title, description: description)
        let p = plotArea
        let clipID = c.id("plot-clip")
        c.define("<clipPath id=\"\(clipID)\"><rect x=\"\(f(p.x))\" y=\"\(f(p.y))\" width=\"\(f(p.width))\" height=\"\(f(p.height))\"/></clipPath>")

        c.text(title, x: p.minX, y: 26, size: SVGCanvas.titleFontSize, weight: "600")

        // Grid and tick labels.
        for t in yTicks {
            let yy = y(t)
            c.line(x1: p.minX, y1: yy, x2: p.maxX, y2: yy, stroke: SVGCanvas.gridColor, attributes: [("class", "grid")])
            c.text(SVGCanvas.format(t, decimals: yTickDecimals), x: p.minX - 8, y: yy + 4,
                   anchor: "end", fill: SVGCanvas.mutedTextColor, attributes: [("class", "y-tick")])
        }
        for t in xTicks {
            let xx = x(t)
            c.line(x1: xx, y1: p.minY, x2: xx, y2: p.maxY, stroke: SVGCanvas.gridColor, attributes: [("class", "grid")])
            c.line(x1: xx, y1: p.maxY, x2: xx, y2: p.maxY + 5, stroke: SVGCanvas.axisColor)
            c.text(SVGCanvas.format(t, decimals: xTickDecimals), x: xx, y: p.maxY + 20,
                   anchor: "middle", fill: SVGCanvas.mutedTextColor, attributes: [("class", "x-tick")])
        }
        c.line(x1: p.minX, y1: p.minY, x2: p.minX, y2: p.maxY, stroke: SVGCanvas.axisColor)
        c.line(x1: p.minX, y1: p.maxY, x2: p.maxX, y2: p.maxY, stroke: SVGCanvas.axisColor)

        // Axis titles.
        c.text(xLabel, x: p.minX + p.width / 2, y: p.maxY + 42, size: SVGCanvas.labelFontSize, anchor: "middle")
        c.text(yLabel, x: 18, y: p.minY + p.height / 2, size: SVGCanvas.labelFontSize, anchor: "middle", rotation: -90)

        // Lines, clipped to the plot area.
        c.append("<g clip-path=\"url(#\(clipID))\">")
        for (i, s) in series.enumerated() {
            let pts = s.finitePoints
            if pts.count == 1 {
                c.append(SVGCanvas.element("circle", [("cx", f(px(pts[0].x))), ("cy", f(py(pts[0].y))), ("r", "3"),
                                                      ("fill", s.color), ("data-series", s.name)]))
            } else if pts.count > 1 {
                var attrs: [(String, String)] = [("points", polylinePoints(ofSeries: i)), ("fill", "none"),
                                                 ("stroke", s.color), ("stroke-width", "2"),
                                                 ("stroke-linejoin", "round"), ("stroke-linecap", "round")]
                if s.dashed { attrs.append(("stroke-dasharray", "6 4")) }
                attrs.append(("data-series", s.name))
                c.append(SVGCanvas.element("polyline", attrs))
            }
        }
        c.append("</g>")

        // Markers: a circle on the point nearest each marker's x, kept inside
        // the plot. Circles are drawn first, then the labels, each placed at
        // the first candidate spot (above, below, beside, further away) that
        // overlaps no other label or circle; a label moved away from its
        // circle gets a thin leader line.
        var markers: [(series: Series, label: String, cx: Double, cy: Double)] = []
        for s in series {
            guard let m = s.marker, m.x.isFinite,
                  let point = s.finitePoints.min(by: { abs($0.x - m.x) < abs($1.x - m.x) }) else { continue }
            let cx = min(max(x(point.x), p.minX), p.maxX)
            let cy = min(max(y(point.y), p.minY), p.maxY)
            markers.append((s, m.label, cx, cy))
            c.append(SVGCanvas.element("circle", [("cx", f(cx)), ("cy", f(cy)), ("r", "5"), ("fill", "#FFFFFF"),
                                                  ("stroke", s.color), ("stroke-width", "2.5"),
                                                  ("class", "marker"), ("data-series", s.name)]))
        }
        var occupied = markers.map { ChartRect(x: $0.cx - 6, y: $0.cy - 6, width: 12, height: 12) }
        for m in markers where !m.label.isEmpty {
            let w = SVGCanvas.estimatedTextWidth(m.label, fontSize: SVGCanvas.tickFontSize)
            // (dx, baseline dy, anchor) relative to the circle; the text box is 15 px tall.
            var candidates: [(Double, Double, String)] = [(0, -10, "middle"), (0, 21, "middle"),
                                                          (-9, 4.5, "end"), (9, 4.5, "start")]
            for k in 1...6 {
                let d = Double(k) * 16
                candidates += [(0, -10 - d, "middle"), (0, 21 + d, "middle"), (-9, 4.5 - d, "end"), (-9, 4.5 + d, "end")]
            }
            var chosen: (x: Double, y: Double, anchor: String, box: ChartRect)?
            for (dx, dy, anchor) in candidates {
                var ax = m.cx + dx
                var anchorUsed = anchor
                if anchor == "middle" {
                    if ax + w / 2 > p.maxX { anchorUsed = "end"; ax = m.cx + 6 }
                    else if ax - w / 2 < p.minX { anchorUsed = "start"; ax = m.cx - 6 }
                }
                let left = anchorUsed == "middle" ? ax - w / 2 : anchorUsed == "end" ? ax - w : ax
                let box = ChartRect(x: left, y: m.cy + dy - 12, width: w, height: 15)
                guard box.minX >= p.minX, box.maxX <= p.maxX + 20, box.minY >= p.minY - 8, box.maxY <= p.maxY else { continue }
                if !occupied.contains(where: { $0.intersects(box) }) {
                    chosen = (ax, m.cy + dy, anchorUsed, box); break
                }
            }
            let spot = chosen ?? (m.cx, m.cy - 10, "middle", ChartRect(x: m.cx - w / 2, y: m.cy - 22, width: w, height: 15))
            occupied.append(spot.box)
            let box = spot.box
            let nearestX = min(max(m.cx, box.minX), box.maxX), nearestY = min(max(m.cy, box.minY), box.maxY)
            if hypot(nearestX - m.cx, nearestY - m.cy) > 14 {
                c.line(x1: m.cx, y1: m.cy, x2: nearestX, y2: nearestY, stroke: m.series.color, width: 1,
                       attributes: [("class", "leader")])
            }
            c.text(m.label, x: spot.x, y: spot.y, anchor: spot.anchor, fill: SVGCanvas.textColor, weight: "600",
                   attributes: [("class", "marker-label"), ("data-series", m.series.name), ("stroke", "#FFFFFF"),
                                ("stroke-width", "3"), ("paint-order", "stroke")])
        }

        // Legend below the plot.
        for item in legendItems {
            let s = series[item.index]
            c.line(x1: item.x, y1: item.y, x2: item.x + LineChart.legendSwatch, y2: item.y, stroke: s.color,
                   width: 3, dash: s.dashed ? "6 4" : nil)
            c.text(s.name, x: item.x + LineChart.legendSwatch + 6, y: item.y + 4.5, size: SVGCanvas.labelFontSize,
                   attributes: [("class", "legend")])
        }
        if series.allSatisfy({ $0.finitePoints.isEmpty }) {
            c.text("no data", x: p.minX + p.width / 2, y: p.minY + p.height / 2, size: SVGCanvas.labelFontSize,
                   anchor: "middle", fill: SVGCanvas.mutedTextColor)
        }
        return c.svg
    }

    private func f(_ v: Double) -> String { SVGCanvas.format(v) }
}
