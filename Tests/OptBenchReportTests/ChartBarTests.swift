import Foundation
import Testing
@testable import OptBenchReport

@Suite struct ChartBarTests {
    static let names = ["sgd", "momentum", "rmsprop", "adam"]
    static var categories: [BarChart.Category] {
        names.enumerated().map { BarChart.Category(name: $1, color: Palette.color(forRun: $0)) }
    }

    @Test func isWellFormedWithTitleDescriptionAndValueLabels() throws {
        let chart = BarChart(title: "Training time", description: "Seconds per optimizer.", categories: Self.categories,
                             values: [41.2, 43.0, 47.85, 52.3], valueFormat: .printf("%.1f s"), yLabel: "seconds",
                             idPrefix: "time")
        let root = try parseSVG(chart.svg)
        expectAccessibleRoot(root, title: "Training time", descriptionContains: "Seconds per optimizer.")
        expectFiniteGeometry(root)
        #expect(root.elements("rect", class: "bar").count == 4)
        #expect(root.elements("text", class: "value-label").map(\.text) == ["41.2 s", "43.0 s", "47.9 s", "52.3 s"])
        #expect(root.elements("text", class: "category-label").map(\.text) == Self.names)
        #expect(root.elements("rect", class: "bar").map { $0.attributes["fill"] } == (0..<4).map { Palette.color(forRun: $0) })
        // Automatic range starts at 0 with nice ticks; no note needed.
        #expect(chart.yDomain.lowerBound == 0 && chart.yDomain.upperBound >= 52.3)
        expectNiceTicks(chart.yTicks)
        #expect(root.elements("text", class: "axis-note").isEmpty)
        // Labels sit above their bars.
        for (bar, label) in zip(root.elements("rect", class: "bar"), root.elements("text", class: "value-label")) {
            #expect(label.double("y")! < bar.double("y")!)
        }
    }

    @Test func barHeightsAreProportionalToValueMinusAxisMinimum() throws {
        let values = [0.85, 0.90, 0.95, 1.0]
        let chart = BarChart(title: "Accuracy", description: "d", categories: Self.categories, values: values,
                             yLabel: "accuracy", yRange: 0.8...1.0)
        let root = try parseSVG(chart.svg)
        let heights = root.elements("rect", class: "bar").map { $0.double("height")! }
        #expect(heights.count == 4)
        for (h, v) in zip(heights, values) {
            #expect(abs(h - (v - 0.8) / 0.2 * chart.plotArea.height) < 0.02)
        }
        #expect(abs(heights[2] / heights[0] - 3) < 0.01)
        // All bars stand on the bottom of the plot.
        for bar in root.elements("rect", class: "bar") {
            #expect(abs(bar.double("y")! + bar.double("height")! - chart.plotArea.maxY) < 0.02)
        }
        // The axis shows its true range and says it does not start at 0.
        #expect(chart.yTicks.first == 0.8 && abs(chart.yTicks.last! - 1.0) < 1e-12)
        expectNiceTicks(chart.yTicks)
        let note = try #require(root.elements("text", class: "axis-note").first)
        #expect(note.text.contains("0.8"))
        #expect(root.elements("text", class: "y-tick").first?.text == "0.8")
    }

    @Test func groupedBarsUseHatchingForTheSecondSeries() throws {
        let chart = BarChart(title: "Test accuracy and macro F1", description: "d", categories: Self.categories,
                             series: [.init(name: "accuracy", values: [0.84, 0.86, 0.87, 0.88]),
                                      .init(name: "macro F1", values: [0.83, 0.86, 0.86, 0.88], style: .hatched)],
                             valueFormat: .decimals(4), yLabel: "score", yRange: 0.8...0.9, idPrefix: "scores")
        let root = try parseSVG(chart.svg)
        expectFiniteGeometry(root)
        let bars = root.elements("rect", class: "bar")
        #expect(bars.count == 8)
        let patternIDs = Set(root.elements("pattern").compactMap { $0.attributes["id"] })
        let hatched = bars.filter { $0.attributes["data-series"] == "macro F1" }
        #expect(hatched.count == 4)
        for bar in hatched {
            let fill = bar.attributes["fill"] ?? ""
            #expect(fill.hasPrefix("url(#scores-"))
            #expect(patternIDs.contains(String(fill.dropFirst(5).dropLast())))
        }
        // Within a group the bars are side by side, not overlapping.
        for ci in 0..<4 {
            let a = try #require(chart.barRect(category: ci, series: 0))
            let b = try #require(chart.barRect(category: ci, series: 1))
            #expect(a.maxX <= b.minX)
            #expect(!a.intersects(b))
        }
        // The legend names both series.
        #expect(root.elements("text", class: "legend").map(\.text) == ["accuracy", "macro F1"])
        // Four wide groups: the values fit horizontally and do not overlap.
        #expect(!chart.rotatesValueLabels)
        let boxes = root.elements("text", class: "value-label").map { label -> ChartRect in
            let w = SVGCanvas.estimatedTextWidth(label.text, fontSize: SVGCanvas.tickFontSize)
            return ChartRect(x: label.double("x")! - w / 2, y: label.double("y")! - 12, width: w, height: 14)
        }
        #expect(boxes.count == 8)
        for i in boxes.indices { for j in boxes.indices where j > i { #expect(!boxes[i].intersects(boxes[j])) } }
    }

    @Test func valueLabelsTurnVerticalWhenWiderThanTheBars() throws {
        let cats = (0..<10).map { BarChart.Category(name: "opt\($0)", color: Palette.color(forRun: $0)) }
        let chart = BarChart(title: "t", description: "d", categories: cats,
                             series: [.init(name: "accuracy", values: Array(repeating: 0.8812, count: 10)),
                                      .init(name: "macro F1", values: Array(repeating: 0.8791, count: 10), style: .light)],
                             valueFormat: .decimals(4), yLabel: "score", yRange: 0.8...0.9)
        #expect(chart.rotatesValueLabels)
        let root = try parseSVG(chart.svg)
        let labels = root.elements("text", class: "value-label")
        #expect(labels.count == 20)
        #expect(labels.allSatisfy { $0.attributes["transform"]?.hasPrefix("rotate(-90") == true })
        // Vertical labels end below the title area.
        for label in labels {
            let w = SVGCanvas.estimatedTextWidth(label.text, fontSize: SVGCanvas.tickFontSize)
            #expect(label.double("y")! - w >= 52)
        }
    }

    @Test func escapesCategoryNamesAndRotatesLongOnes() throws {
        let cats = ["adam <lr=1e-3> & \"warmup\"", "sgd with nesterov momentum 0.9", "rmsprop 'centred'",
                    "adagrad", "adamw decoupled weight decay", "lion", "lbfgs", "cma-es population 32"]
            .enumerated().map { BarChart.Category(name: $1, color: Palette.color(forRun: $0)) }
        let chart = BarChart(title: "A <b> & \"c\"", description: "d", categories: cats,
                             values: Array(repeating: 1.0, count: cats.count), yLabel: "s")
        let root = try parseSVG(chart.svg)
        #expect(root.elements("title").first?.text == "A <b> & \"c\"")
        let labels = root.elements("text", class: "category-label")
        #expect(labels.first?.text == "adam <lr=1e-3> & \"warmup\"")
        #expect(chart.rotatesCategoryLabels)
        for label in labels {
            #expect(label.attributes["transform"]?.hasPrefix("rotate(-35") == true)
            // The rotated label's far end stays on the canvas.
            let w = SVGCanvas.estimatedTextWidth(label.text, fontSize: SVGCanvas.tickFontSize)
            let x = label.double("x")!, y = label.double("y")!
            #expect(x - w * cos(35 * Double.pi / 180) >= 0)
            #expect(y + w * sin(35 * Double.pi / 180) <= chart.height)
        }
        let short = BarChart(title: "t", description: "d", categories: Self.categories, values: [1, 2, 3, 4], yLabel: "s")
        #expect(!short.rotatesCategoryLabels)
        #expect(try parseSVG(short.svg).elements("text", class: "category-label").allSatisfy { $0.attributes["transform"] == nil })
    }

    @Test func valuesOutsideAFixedRangeAreMarked() throws {
        let chart = BarChart(title: "t", description: "d", categories: Self.categories, values: [0.77, 0.85, 1.2, 0.9],
                             valueFormat: .decimals(2), yLabel: "accuracy", yRange: 0.8...1.0)
        let root = try parseSVG(chart.svg)
        let labels = root.elements("text", class: "value-label")
        #expect(labels.map(\.text) == ["0.77 ▼", "0.85", "1.20 ▲", "0.90"])
        let bars = root.elements("rect", class: "bar")
        #expect(bars.count == 4)
        #expect(bars[0].double("height") == 0)
        #expect(abs(bars[2].double("y")! - chart.plotArea.minY) < 0.01)  // clamped to the top
        // The label of a value below the axis stays inside the plot, not among the category labels.
        #expect(labels[0].double("y")! < chart.plotArea.maxY)
    }

    @Test func nonFiniteAndMissingValuesDrawNoBar() throws {
        let chart = BarChart(title: "t", description: "d", categories: Self.categories, values: [1, .nan, .infinity],
                             yLabel: "s")
        let root = try parseSVG(chart.svg)
        expectFiniteGeometry(root)
        #expect(root.elements("rect", class: "bar").count == 1)
        #expect(root.elements("text", class: "value-label").filter { $0.text == "n/a" }.count == 3)
        #expect(chart.barRect(category: 1, series: 0) == nil)
        #expect(chart.yDomain.upperBound.isFinite)

        let empty = BarChart(title: "t", description: "d", categories: [], values: [], yLabel: "s")
        expectFiniteGeometry(try parseSVG(empty.svg))
    }

    @Test func negativeValuesGrowDownFromZero() throws {
        let chart = BarChart(title: "t", description: "d", categories: Self.categories, values: [-2, 3, -1, 4],
                             valueFormat: .decimals(0), yLabel: "delta")
        #expect(chart.yDomain.lowerBound < 0 && chart.baseline == 0)
        let r0 = try #require(chart.barRect(category: 0, series: 0))
        let r1 = try #require(chart.barRect(category: 1, series: 0))
        #expect(abs(r0.minY - chart.y(0)) < 1e-9 && abs(r1.maxY - chart.y(0)) < 1e-9)
        #expect(abs(r0.height / r1.height - 2.0 / 3.0) < 1e-9)
        expectFiniteGeometry(try parseSVG(chart.svg))
    }
}
