import Foundation
import OptBenchData
import OptBenchExperiment
import OptBenchTraining
import Testing

@testable import OptBenchReport

@Suite("ReportFigures")
struct ReportFiguresTests {
    let inputs: ReportInputs
    let figures: ReportFigures

    init() throws {
        let built = try ReportFixture.built()
        inputs = built.inputs
        figures = built.figures
    }

    /// Run labels in order, with their palette colours.
    var runColors: [(label: String, color: String)] {
        inputs.result.runs.enumerated().map { ($0.element.label, Palette.color(forRun: $0.offset)) }
    }

    @Test("every figure in report order, with distinct file names")
    func names() {
        #expect(figures.all.map(\.name) == [
            "training_images", "validation_loss", "validation_accuracy", "test_scores", "training_time",
            "learning_curves_sgd", "learning_curves_rmsprop_learning_rate_0.5", "learning_curves_adam",
            "confusion_sgd", "confusion_adam", "predictions_sgd",
        ])
        #expect(Set(figures.learningCurves.keys) == ["sgd", ReportFixture.divergedLabel, "adam"])
        #expect(Set(figures.confusion.keys) == ["sgd", "adam"])
        #expect(Set(figures.predictions.keys) == ["sgd"])
    }

    @Test("every figure's SVG is well-formed XML with a non-empty title and description")
    func wellFormed() throws {
        for figure in figures.all {
            let root = try parseSVG(figure.svg)
            #expect(root.name == "svg", "\(figure.name)")
            #expect(root.attributes["role"] == "img", "\(figure.name)")
            let titles = root.children.filter { $0.name == "title" }
            let descs = root.children.filter { $0.name == "desc" }
            #expect(titles.count == 1 && descs.count == 1, "\(figure.name)")
            #expect(titles.first?.text.isEmpty == false, "\(figure.name)")
            #expect(descs.first?.text.isEmpty == false, "\(figure.name)")
            #expect(figure.svg.contains("<title") && figure.svg.contains("<desc"), "\(figure.name)")
            if figure.png == nil { expectFiniteGeometry(root) }  // image grids size their background as 100 %
        }
        let validationLoss = try parseSVG(figures.validationLoss.svg)
        #expect(validationLoss.children.first { $0.name == "desc" }?.text.contains("sgd, rmsprop(learning_rate=0.5), adam") == true)
    }

    @Test("only the image grids have PNGs; each decodes to the grid's size and is the image the SVG embeds")
    func pngs() throws {
        let withPNG = figures.all.filter { $0.png != nil }.map(\.name)
        #expect(withPNG == ["training_images", "predictions_sgd"])

        for figure in [figures.trainingImages, try #require(figures.predictions["sgd"])] {
            let png = try #require(figure.png)
            let decoded = try PNGDecoder().decode(png)
            // 40 images of 8×8 at scale 3 in 10 columns and 4 rows, each framed (2 px) and spaced.
            #expect(decoded.width >= 10 * (24 + 4) && decoded.height >= 4 * (24 + 4), "\(figure.name)")
            #expect(decoded.colorType == .rgb, "\(figure.name)")

            // The grid's size, as the SVG lays it out, is the PNG's size.
            let root = try parseSVG(figure.svg)
            let image = try #require(root.elements("image").first)
            #expect(image.attributes["width"] == "\(decoded.width)" && image.attributes["height"] == "\(decoded.height)",
                    "\(figure.name)")
            #expect((root.double("width") ?? 0) >= Double(decoded.width), "\(figure.name)")
            let href = try #require(image.attributes["href"])
            let prefix = "data:image/png;base64,"
            #expect(href.hasPrefix(prefix))
            #expect(Data(base64Encoded: String(href.dropFirst(prefix.count))).map { [UInt8]($0) } == png)
        }
    }

    @Test("the prediction grid marks exactly the wrong predictions")
    func predictionCaptions() throws {
        let root = try parseSVG(try #require(figures.predictions["sgd"]).svg)
        let captions = root.elements("text").filter { $0.attributes["class"] == "caption" }
        #expect(captions.count == 40)
        let red = Set(captions.indices.filter { captions[$0].attributes["fill"] == Palette.wrong })
        #expect(red == ReportFixture.sgdMistakes)
        let title = root.children.first { $0.name == "title" }?.text
        #expect(title == "Predictions of sgd on the first 40 test images")
    }

    @Test("each run keeps its palette colour in the validation charts, both bar charts and its learning curves")
    func colours() throws {
        for figure in [figures.validationLoss, figures.validationAccuracy] {
            let root = try parseSVG(figure.svg)
            for (label, color) in runColors {
                let lines = root.elements("polyline").filter { $0.attributes["data-series"] == label }
                #expect(lines.count == 1, "\(figure.name) \(label)")
                #expect(lines.first?.attributes["stroke"] == color, "\(figure.name) \(label)")
                let markers = root.elements("circle", class: "marker").filter { $0.attributes["data-series"] == label }
                #expect(markers.count == 1 && markers.first?.attributes["stroke"] == color, "\(figure.name) \(label)")
            }
        }

        let scores = try parseSVG(figures.scores.svg)
        let patterns = Dictionary(uniqueKeysWithValues: scores.elements("pattern").compactMap { p in
            p.attributes["id"].map { ($0, p.children.last?.attributes["fill"] ?? "") }
        })
        for (label, color) in runColors {
            let bars = scores.elements("rect", class: "bar").filter { $0.attributes["data-category"] == label }
            if label == ReportFixture.divergedLabel {
                #expect(bars.isEmpty, "a run without test results has no score bars")
                continue
            }
            let solid = bars.first { $0.attributes["data-series"] == "test accuracy" }
            let hatched = bars.first { $0.attributes["data-series"] == "macro F1" }
            #expect(solid?.attributes["fill"] == color, "scores \(label)")
            #expect(hatched?.attributes["stroke"] == color, "scores \(label)")
            let fill = hatched?.attributes["fill"] ?? ""
            #expect(fill.hasPrefix("url(#") && fill.hasSuffix(")"), "scores \(label)")
            #expect(patterns[String(fill.dropFirst(5).dropLast())] == color, "hatch of \(label)")
        }

        let time = try parseSVG(figures.trainingTime.svg)
        for (label, color) in runColors {
            let bars = time.elements("rect", class: "bar").filter { $0.attributes["data-category"] == label }
            #expect(bars.count == 1 && bars.first?.attributes["fill"] == color, "time \(label)")
        }

        for (label, color) in runColors {
            let root = try parseSVG(try #require(figures.learningCurves[label]).svg)
            let stroke = { (series: String) in
                root.elements("polyline").first { $0.attributes["data-series"] == series }?.attributes["stroke"]
            }
            #expect(stroke("loss") == color, "curves \(label)")
            #expect(stroke("val_loss") == color, "curves \(label)")
            #expect(stroke("accuracy") == "#555555", "curves \(label)")
            #expect(stroke("val_accuracy") == "#555555", "curves \(label)")
            #expect(root.elements("polyline").first { $0.attributes["data-series"] == "val_loss" }?
                .attributes["stroke-dasharray"] != nil, "val_loss is dashed")
        }
    }

    @Test("the validation-loss lines follow the data and each circle sits on the run's best epoch")
    func validationLossGeometry() throws {
        let root = try parseSVG(figures.validationLoss.svg)
        for run in inputs.result.runs {
            let losses = run.history.compactMap(\.valLoss)
            let line = try #require(root.elements("polyline").first { $0.attributes["data-series"] == run.label })
            let points = parsePoints(line.attributes["points"] ?? "")
            #expect(points.count == losses.count, "\(run.label)")
            guard points.count == losses.count else { continue }
            for i in 1..<points.count {
                #expect(points[i].0 > points[i - 1].0, "\(run.label): x grows with the epoch")
                // SVG y grows downwards: a higher loss is drawn higher up.
                if losses[i] > losses[i - 1] { #expect(points[i].1 < points[i - 1].1, "\(run.label) epoch \(i + 1)") }
                if losses[i] < losses[i - 1] { #expect(points[i].1 > points[i - 1].1, "\(run.label) epoch \(i + 1)") }
            }
            let best = try #require(run.bestEpoch)
            let marker = try #require(root.elements("circle", class: "marker").first { $0.attributes["data-series"] == run.label })
            #expect(abs((marker.double("cx") ?? .nan) - points[best - 1].0) < 0.02, "\(run.label) marker x")
            #expect(abs((marker.double("cy") ?? .nan) - points[best - 1].1) < 0.02, "\(run.label) marker y")
            // The lowest point of the line (largest SVG y) is the marked one.
            let lowest = points.indices.max { points[$0].1 < points[$1].1 }
            #expect(lowest == best - 1, "\(run.label)")
            let label = root.elements("text", class: "marker-label").first { $0.attributes["data-series"] == run.label }
            #expect(label?.text == "best \(best)", "\(run.label)")
        }
    }

    @Test("the marker geometry is the chart's own mapping of (best epoch, its validation loss)")
    func markerMatchesChartMapping() throws {
        let runs = inputs.result.runs
        let chart = LineChart(
            title: "t", description: "d", xLabel: "epoch", yLabel: "validation loss",
            series: runs.enumerated().map { index, run in
                LineChart.Series(name: run.label, color: Palette.color(forRun: index),
                                 points: run.history.compactMap { r in r.valLoss.map { (Double(r.epoch), $0) } },
                                 marker: run.bestEpoch.map { LineChart.Marker(x: Double($0), label: "best \($0)") })
            }, idPrefix: "val-loss")
        let root = try parseSVG(figures.validationLoss.svg)
        let adamIndex = try #require(runs.firstIndex { $0.label == "adam" })
        let line = try #require(root.elements("polyline").first { $0.attributes["data-series"] == "adam" })
        #expect(line.attributes["points"] == chart.polylinePoints(ofSeries: adamIndex))
        let marker = try #require(root.elements("circle", class: "marker").first { $0.attributes["data-series"] == "adam" })
        #expect(marker.attributes["cx"] == SVGCanvas.format(chart.x(3)))
        #expect(marker.attributes["cy"] == SVGCanvas.format(chart.y(0.40)))
    }

    @Test("the validation-accuracy chart marks the same epochs")
    func validationAccuracyMarkers() throws {
        let root = try parseSVG(figures.validationAccuracy.svg)
        for run in inputs.result.runs {
            let line = try #require(root.elements("polyline").first { $0.attributes["data-series"] == run.label })
            let points = parsePoints(line.attributes["points"] ?? "")
            let best = try #require(run.bestEpoch)
            let marker = try #require(root.elements("circle", class: "marker").first { $0.attributes["data-series"] == run.label })
            #expect(abs((marker.double("cx") ?? .nan) - points[best - 1].0) < 0.02, "\(run.label)")
            #expect(abs((marker.double("cy") ?? .nan) - points[best - 1].1) < 0.02, "\(run.label)")
        }
    }

    @Test("the confusion matrices show the run's counts with the class names")
    func confusion() throws {
        let root = try parseSVG(try #require(figures.confusion["sgd"]).svg)
        let texts = root.elements("text").map(\.text)
        for name in ReportFixture.classNames { #expect(texts.contains(name), "\(name)") }
        let counts = root.elements("text", class: "count").map(\.text)
        #expect(counts.count == 100)
        #expect(counts.count == 100 && counts[6 * 10 + 0] == "25")  // Shirt taken for T-shirt/top
        #expect(counts.count == 100 && counts[6 * 10 + 6] == "55" && counts[6 * 10 + 7] == "20")
        #expect(root.children.first { $0.name == "title" }?.text == "Confusion matrix: sgd")
    }

    @Test("the figures are the same when built twice")
    func deterministic() throws {
        let again = ReportFigures(try ReportFixture.inputs())
        #expect(again.all.map(\.name) == figures.all.map(\.name))
        #expect(again.all.map(\.svg) == figures.all.map(\.svg))
        #expect(again.all.map(\.png) == figures.all.map(\.png))
    }

    @Test("labels whose output file names would clash are refused before any run, so figure names are distinct")
    func fileNameCollision() throws {
        // A default label with settings and a custom label that map to the same file name.
        #expect(throws: ExperimentError.self) { try OptimizerSpec.parseList("sgd(momentum=0.9),sgd_momentum_0.9=adam") }
        // Labels that differ only in case would clash on case-insensitive file systems.
        #expect(throws: ExperimentError.self) { try OptimizerSpec.parseList("SGD=sgd,sgd") }
        let specs = try OptimizerSpec.parseList("sgd(momentum=0.9),other=adam")
        var result = try ReportFixture.result(includeDiverged: false)
        result.runs[0].label = specs[0].label
        result.runs[1].label = specs[1].label
        let names = ReportFigures(ReportFixture.smallInputs(result)).all.map(\.name)
        #expect(Set(names).count == names.count, "\(names)")
    }
}
