import Foundation
import Testing
@testable import OptBenchReport

@Suite struct ChartLineTests {
    static func accuracyChart(series: [LineChart.Series]? = nil, yRange: ClosedRange<Double>? = 0...1) -> LineChart {
        let runs = series ?? [
            LineChart.Series(name: "sgd", color: Palette.color(forRun: 0),
                             points: [(1, 0.70), (2, 0.78), (3, 0.81), (4, 0.83), (5, 0.84)]),
            LineChart.Series(name: "adam", color: Palette.color(forRun: 1),
                             points: [(1, 0.82), (2, 0.85), (3, 0.87), (4, 0.86), (5, 0.88)],
                             dashed: true, marker: .init(x: 5, label: "best 5")),
        ]
        return LineChart(title: "Validation accuracy", description: "Accuracy per epoch.", xLabel: "epoch",
                         yLabel: "accuracy", series: runs, yRange: yRange, idPrefix: "val-acc")
    }

    @Test func isWellFormedWithTitleAndDescription() throws {
        let chart = Self.accuracyChart()
        let root = try parseSVG(chart.svg)
        expectAccessibleRoot(root, title: "Validation accuracy", descriptionContains: "Accuracy per epoch.")
        #expect(root.attributes["width"] == "800" && root.attributes["height"] == "420")
        expectFiniteGeometry(root)
        let texts = root.elements("text").map(\.text)
        #expect(texts.contains("epoch") && texts.contains("accuracy"))
        #expect(texts.filter { $0 == "sgd" || $0 == "adam" }.count == 2)  // legend
    }

    @Test func geometryFollowsTheData() {
        let chart = Self.accuracyChart()
        let p = chart.plotArea
        #expect(abs(chart.y(0) - p.maxY) < 1e-9)
        #expect(abs(chart.y(1) - p.minY) < 1e-9)
        #expect(chart.y(0.25) > chart.y(0.75))
        let xs = (1...5).map { chart.x(Double($0)) }
        #expect(zip(xs, xs.dropFirst()).allSatisfy { $0 < $1 })
        #expect(abs(xs.first! - p.minX) < 1e-9 && abs(xs.last! - p.maxX) < 1e-9)
        #expect(p.minX > 0 && p.maxX <= chart.width && p.minY > 0 && p.maxY < chart.height)
    }

    @Test func polylinePointsAreTheMappedData() throws {
        let chart = Self.accuracyChart()
        let root = try parseSVG(chart.svg)
        let lines = root.elements("polyline")
        #expect(lines.map { $0.attributes["data-series"] } == ["sgd", "adam"])
        for (line, series) in zip(lines, chart.series) {
            let pts = parsePoints(line.attributes["points"] ?? "")
            #expect(pts.count == series.points.count)
            for (drawn, data) in zip(pts, series.points) {
                #expect(abs(drawn.0 - chart.x(data.x)) <= 0.006)
                #expect(abs(drawn.1 - chart.y(data.y)) <= 0.006)
            }
            #expect(line.attributes["stroke"] == series.color)
        }
        #expect(lines[0].attributes["stroke-dasharray"] == nil)
        #expect(lines[1].attributes["stroke-dasharray"] != nil)
    }

    @Test func ticksAreNiceAndEpochTicksAreIntegers() {
        let chart = Self.accuracyChart()
        #expect(chart.yTicks == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(chart.xTicks == [1, 2, 3, 4, 5])

        let long = LineChart(title: "Loss", description: "d", xLabel: "epoch", yLabel: "loss",
                             series: [.init(name: "sgd", color: Palette.color(forRun: 0),
                                            points: (1...100).map { (Double($0), 2.3 / Double($0)) })],
                             yRange: nil)
        #expect(long.xTicks.count <= 10 && long.xTicks.count >= 4)
        #expect(long.xTicks.allSatisfy { $0 == $0.rounded() })
        expectNiceTicks(long.xTicks)
        expectNiceTicks(long.yTicks)
        // Automatic y domain covers the data and starts and ends on ticks.
        #expect(long.yDomain.lowerBound <= 0.023 && long.yDomain.upperBound >= 2.3)
        #expect(long.yTicks.first == long.yDomain.lowerBound && long.yTicks.last == long.yDomain.upperBound)
    }

    @Test func valuesOutsideAFixedRangeAreClippedToThePlot() throws {
        let chart = Self.accuracyChart(series: [
            .init(name: "wild", color: Palette.color(forRun: 2), points: [(1, -0.5), (2, 0.5), (3, 1.7), (4, 1e300)],
                  marker: .init(x: 3, label: "best 3")),
        ])
        let root = try parseSVG(chart.svg)
        expectFiniteGeometry(root)
        let line = try #require(root.elements("polyline").first)
        // The line is inside a group clipped by a clipPath whose rectangle is the plot area.
        let group = try #require(line.ancestors.first { $0.attributes["clip-path"] != nil })
        let clipRef = try #require(group.attributes["clip-path"])
        let clip = try #require(root.elements("clipPath").first { "url(#\($0.attributes["id"] ?? ""))" == clipRef })
        let rect = try #require(clip.elements("rect").first)
        let p = chart.plotArea
        #expect(abs(rect.double("x")! - p.x) < 0.01 && abs(rect.double("y")! - p.y) < 0.01)
        #expect(abs(rect.double("width")! - p.width) < 0.01 && abs(rect.double("height")! - p.height) < 0.01)
        // The marker on the out-of-range point stays in the plot.
        let marker = try #require(root.elements("circle", class: "marker").first)
        #expect(p.contains(x: marker.double("cx")!, y: marker.double("cy")!))
        #expect(abs(marker.double("cy")! - p.minY) < 0.01)
        let label = try #require(root.elements("text", class: "marker-label").first)
        #expect(label.text == "best 3")
        #expect(p.contains(x: label.double("x")!, y: label.double("y")!))
    }

    @Test func nonFinitePointsAreSkipped() throws {
        let chart = Self.accuracyChart(series: [
            .init(name: "diverged", color: Palette.color(forRun: 3),
                  points: [(1, 0.5), (2, .nan), (3, .infinity), (.nan, 0.2), (5, 0.6)]),
        ])
        let root = try parseSVG(chart.svg)
        expectFiniteGeometry(root)
        let pts = parsePoints(try #require(root.elements("polyline").first?.attributes["points"]))
        #expect(pts.count == 2)
        #expect(abs(pts[1].0 - chart.x(5)) < 0.01 && abs(pts[1].1 - chart.y(0.6)) < 0.01)
        #expect(!chart.svg.lowercased().contains("nan"))
    }

    @Test func emptySeriesAndNoSeriesStillRender() throws {
        let empty = Self.accuracyChart(series: [.init(name: "none", color: "#000000", points: [])], yRange: nil)
        let root = try parseSVG(empty.svg)
        expectFiniteGeometry(root)
        #expect(root.elements("polyline").isEmpty)
        #expect(root.elements("text").contains { $0.text == "no data" })
        let nothing = LineChart(title: "t", description: "d", xLabel: "x", yLabel: "y", series: [])
        expectFiniteGeometry(try parseSVG(nothing.svg))
        let single = Self.accuracyChart(series: [.init(name: "one", color: "#000000", points: [(1, 0.5)])])
        let singleRoot = try parseSVG(single.svg)
        expectFiniteGeometry(singleRoot)
        #expect(singleRoot.elements("circle").contains { $0.attributes["data-series"] == "one" })
    }

    @Test func escapesTitlesLabelsAndSeriesNames() throws {
        let chart = LineChart(title: #"Loss <train> & "val""#, description: #"a<b & c>"d""#, xLabel: "epoch <n>",
                              yLabel: "loss & co", series: [.init(name: #"adam "β<1>" & co"#, color: "#0072B2",
                                                                   points: [(1, 1), (2, 0.5)])])
        let root = try parseSVG(chart.svg)
        expectAccessibleRoot(root, title: #"Loss <train> & "val""#, descriptionContains: #"a<b & c>"d""#)
        let texts = root.elements("text").map(\.text)
        #expect(texts.contains("epoch <n>") && texts.contains("loss & co") && texts.contains(#"adam "β<1>" & co"#))
        #expect(root.elements("polyline").first?.attributes["data-series"] == #"adam "β<1>" & co"#)
    }

    @Test func legendIsBelowThePlotAndInsideTheCanvas() throws {
        let many = (0..<12).map { i in
            LineChart.Series(name: "optimizer number \(i)", color: Palette.color(forRun: i),
                             points: [(1, 0.5), (2, 0.6)])
        }
        let chart = Self.accuracyChart(series: many)
        let root = try parseSVG(chart.svg)
        let legend = root.elements("text", class: "legend")
        #expect(legend.count == 12)
        #expect(Set(legend.compactMap { $0.double("y") }).count >= 2)  // wrapped into rows
        for item in legend {
            let x = item.double("x")!, y = item.double("y")!
            let w = SVGCanvas.estimatedTextWidth(item.text, fontSize: SVGCanvas.labelFontSize)
            #expect(y > chart.plotArea.maxY + 40 && y <= chart.height)
            #expect(x >= 0 && x + w <= chart.width)
        }
        #expect(chart.plotArea.height > 150)
    }

    @Test func idsDoNotClashBetweenCharts() throws {
        let a = LineChart(title: "a", description: "d", xLabel: "x", yLabel: "y",
                          series: [.init(name: "s", color: "#000", points: [(1, 1), (2, 2)])], idPrefix: "loss")
        let b = LineChart(title: "b", description: "d", xLabel: "x", yLabel: "y",
                          series: [.init(name: "s", color: "#000", points: [(1, 1), (2, 2)])], idPrefix: "acc")
        let idsA = Set(try parseSVG(a.svg).all.compactMap { $0.attributes["id"] })
        let idsB = Set(try parseSVG(b.svg).all.compactMap { $0.attributes["id"] })
        #expect(idsA.count >= 3)
        #expect(idsA.isDisjoint(with: idsB))
    }
}
