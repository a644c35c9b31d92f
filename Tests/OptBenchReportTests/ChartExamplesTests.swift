import Foundation
import Testing
@testable import OptBenchReport

/// Realistic examples of every chart, as the report draws them. Each must be
/// well-formed; with `OPTBENCH_SVG_EXAMPLES=/some/dir` in the environment they
/// are also written there, to look at in a browser.
@Suite struct ChartExamplesTests {
    static let optimizers = ["sgd", "sgd+momentum", "rmsprop", "adam", "adamw", "cma-es"]

    static var lineChart: LineChart {
        let series = optimizers.enumerated().flatMap { i, name -> [LineChart.Series] in
            let rate = 0.25 + 0.1 * Double(i)
            let val: [(Double, Double)] = (1...30).map { e in
                let x = Double(e), j = Double(i)
                let y: Double = 0.9 - 0.2 * exp(-rate * x) - 0.004 * j + 0.003 * sin(x + j)
                return (x, y)
            }
            let best = val.max { $0.1 < $1.1 }!.0
            return [LineChart.Series(name: name, color: Palette.color(forRun: i), points: val,
                                     marker: .init(x: best, label: "best \(Int(best))"))]
        }
        return LineChart(title: "Validation accuracy per epoch", description: "Validation accuracy of six optimizers over 30 epochs.",
                         xLabel: "epoch", yLabel: "validation accuracy", series: series, yRange: 0.6...0.92,
                         idPrefix: "val-acc")
    }

    static var lossChart: LineChart {
        let series = optimizers.prefix(3).enumerated().flatMap { i, name -> [LineChart.Series] in
            let k = Double(i + 1)
            let train: [(Double, Double)] = (1...30).map { e in
                let x = Double(e)
                return (x, 0.9 * exp(-0.08 * x * k) + 0.2)
            }
            let val: [(Double, Double)] = (1...30).map { e in
                let x = Double(e)
                return (x, 0.9 * exp(-0.07 * x * k) + 0.3 + 0.002 * x)
            }
            return [LineChart.Series(name: "\(name) train", color: Palette.color(forRun: i), points: train, dashed: true),
                    LineChart.Series(name: "\(name) validation", color: Palette.color(forRun: i), points: val)]
        }
        return LineChart(title: "Loss per epoch", description: "Training (dashed) and validation (solid) loss.",
                         xLabel: "epoch", yLabel: "cross-entropy loss", series: series, idPrefix: "loss")
    }

    static var categories: [BarChart.Category] {
        optimizers.enumerated().map { BarChart.Category(name: $1, color: Palette.color(forRun: $0)) }
    }

    static var scoreChart: BarChart {
        BarChart(title: "Test accuracy and macro F1", description: "Test-set accuracy (solid) and macro F1 (hatched) per optimizer.",
                 categories: categories,
                 series: [.init(name: "accuracy", values: [0.8712, 0.8844, 0.8861, 0.8903, 0.8897, 0.8123]),
                          .init(name: "macro F1", values: [0.8698, 0.8839, 0.8852, 0.8899, 0.8890, 0.8101], style: .hatched)],
                 valueFormat: .decimals(4), yLabel: "score", yRange: 0.8...0.9, idPrefix: "scores")
    }

    static var timeChart: BarChart {
        BarChart(title: "Training time", description: "Wall-clock training seconds per optimizer.", categories: categories,
                 values: [61.3, 63.9, 66.2, 68.4, 69.0, 412.7], valueFormat: .printf("%.1f s"), yLabel: "seconds",
                 idPrefix: "time")
    }

    /// Ten runs with long names: rotated category labels, vertical value labels.
    static var manyScoreChart: BarChart {
        let names = ["sgd lr=0.1", "sgd+nesterov momentum 0.9", "rmsprop", "adam lr=1e-3", "adamw wd=0.01",
                     "adagrad", "adadelta", "lion", "cma-es population 32", "differential evolution"]
        let cats = names.enumerated().map { BarChart.Category(name: $1, color: Palette.color(forRun: $0)) }
        let acc: [Double] = [0.871, 0.884, 0.886, 0.890, 0.889, 0.861, 0.842, 0.887, 0.812, 0.774]
        return BarChart(title: "Test accuracy and macro F1", description: "Ten runs.", categories: cats,
                        series: [.init(name: "accuracy", values: acc),
                                 .init(name: "macro F1", values: acc.map { $0 - 0.003 }, style: .hatched)],
                        valueFormat: .decimals(4), yLabel: "score", yRange: 0.8...0.9, idPrefix: "scores-many")
    }

    static var heatmap: Heatmap {
        Heatmap(title: "Confusion matrix: adam", description: "Test set, 10,000 images.",
                rowLabels: ChartHeatmapTests.classes, columnLabels: ChartHeatmapTests.classes,
                counts: [[856, 0, 16, 28, 4, 1, 88, 0, 7, 0], [3, 968, 1, 21, 4, 0, 2, 0, 1, 0],
                         [17, 1, 807, 12, 98, 0, 63, 0, 2, 0], [24, 6, 10, 895, 36, 0, 25, 0, 4, 0],
                         [1, 1, 89, 30, 838, 0, 39, 0, 2, 0], [0, 0, 0, 1, 0, 961, 0, 25, 2, 11],
                         [131, 1, 83, 32, 74, 0, 667, 0, 12, 0], [0, 0, 0, 0, 0, 12, 0, 965, 0, 23],
                         [4, 0, 3, 5, 2, 2, 3, 4, 977, 0], [0, 0, 0, 0, 0, 7, 1, 38, 0, 954]],
                idPrefix: "cm-adam")
    }

    static var all: [(String, String)] {
        [("line", lineChart.svg), ("loss", lossChart.svg), ("bars-grouped", scoreChart.svg),
         ("bars-time", timeChart.svg), ("bars-many", manyScoreChart.svg), ("heatmap", heatmap.svg)]
    }

    @Test func examplesAreWellFormedAndCanBeWritten() throws {
        var ids = Set<String>()
        for (name, svg) in Self.all {
            let root = try parseSVG(svg)
            expectFiniteGeometry(root)
            let mine = Set(root.all.compactMap { $0.attributes["id"] })
            #expect(ids.isDisjoint(with: mine), "\(name) reuses an id")
            ids.formUnion(mine)
        }
        if let dir = ProcessInfo.processInfo.environment["OPTBENCH_SVG_EXAMPLES"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (name, svg) in Self.all {
                try svg.write(toFile: "\(dir)/\(name).svg", atomically: true, encoding: .utf8)
            }
        }
    }
}
