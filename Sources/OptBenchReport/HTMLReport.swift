import Foundation
import OptBenchEvaluation
import OptBenchExperiment
import OptBenchTraining

/// `report.html`: one self-contained page (inline CSS and SVG, images as data
/// URIs) that opens offline in any browser, with every figure also written to
/// `figures/`.
public enum HTMLReport {
    /// Writes `report.html` and `figures/` into `folder`; returns the report's path.
    @discardableResult
    public static func write(_ inputs: ReportInputs, to folder: OutputFolder) throws -> String {
        let figures = ReportFigures(inputs)
        for figure in figures.all {
            try AtomicFile.write(figure.svg, to: folder.file("figures/\(figure.name).svg"))
            if let png = figure.png {
                try AtomicFile.write(Data(png), to: folder.file("figures/\(figure.name).png"))
            }
        }
        let path = folder.file("report.html")
        try AtomicFile.write(html(inputs, figures: figures), to: path)
        return path
    }

    /// The page.
    public static func html(_ inputs: ReportInputs, figures: ReportFigures) -> String {
        let result = inputs.result
        let configuration = result.configuration
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>OptBench report: \(HTML.escape(result.dataset.name)), \(result.runs.count) optimizers</title>
            <style>
            \(HTML.style)
            </style>
            </head>
            <body>
            <h1>OptBench report</h1>
            <p class="subtitle">\(HTML.escape(result.dataset.name)): \(result.runs.map { HTML.escape($0.label) }.joined(separator: ", ")) \
            trained for \(configuration.epochs) epochs from the same initial weights (seed \(configuration.seed)); \
            run from \(HTML.escape(result.started)) to \(HTML.escape(result.finished)).</p>

            """
        page += "<nav><ul>\n"
        let sections = [("configuration", "Configuration"), ("data", "Data"), ("model", "Model"),
                        ("comparison", "Comparison"), ("analysis", "Analysis")]
            + result.runs.enumerated().map { (runID($0.offset, $0.element.label), "Optimizer: \($0.element.label)") }
        for (id, title) in sections { page += "<li><a href=\"#\(id)\">\(HTML.escape(title))</a></li>\n" }
        page += "</ul></nav>\n"

        // Configuration
        page += "<section id=\"configuration\">\n<h2>Configuration</h2>\n"
        var settings: [[String]] = [
            ["dataset", configuration.dataset],
            ["data", result.dataset.source],
            ["epochs", "\(configuration.epochs)"],
            ["batch size", "\(configuration.batchSize)"],
            ["seed", "\(configuration.seed)"],
            ["hidden layers", configuration.hiddenSizes.map(String.init).joined(separator: ", ")],
            ["hidden activation", configuration.activation.rawValue],
            ["validation set", "the first \(configuration.validationSize) training images"],
        ]
        if let trainSize = configuration.trainSize { settings.append(["training set", "the first \(trainSize) of the rest"]) }
        if let rate = configuration.learningRate { settings.append(["learning rate for all", "\(rate)"]) }
        page += HTML.table(header: ["setting", "value"], rows: settings)
        page += HTML.table(header: ["optimizer", "rule", "hyperparameters"], rows: result.runs.map { run in
            [run.label, run.optimizer, run.hyperparameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")]
        })
        page += "</section>\n"

        // Data
        page += "<section id=\"data\">\n<h2>Data</h2>\n<pre>\(HTML.escape(ReportText.datasetShapes(result.dataset.shapes)))</pre>\n"
        page += "<figure>\(figures.trainingImages.svg)</figure>\n</section>\n"

        // Model
        page += "<section id=\"model\">\n<h2>Model</h2>\n<pre>\(HTML.escape(result.model.summary))</pre>\n</section>\n"

        // Comparison
        page += "<section id=\"comparison\">\n<h2>Comparison</h2>\n"
        page += comparisonTable(result)
        page += "<pre>\(HTML.escape(rankings(result)))</pre>\n"
        for figure in [figures.validationLoss, figures.validationAccuracy, figures.scores, figures.trainingTime] {
            page += "<figure>\(figure.svg)</figure>\n"
        }
        page += "</section>\n"

        // Analysis
        page += "<section id=\"analysis\" class=\"analysis\">\n<h2>Analysis</h2>\n"
        for paragraph in Analysis.paragraphs(for: result) { page += "<p>\(HTML.escape(paragraph))</p>\n" }
        page += "</section>\n"

        // One section per optimizer
        for (index, run) in result.runs.enumerated() {
            page += "<section id=\"\(runID(index, run.label))\">\n"
            page += "<h2><span class=\"swatch\" style=\"background:\(Palette.color(forRun: index))\"></span>"
            page += "Optimizer: \(HTML.escape(run.label))</h2>\n"
            page += "<p>\(HTML.escape(run.optimizer)) with \(HTML.escape(run.hyperparameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))); "
            page += String(format: "%.1f s of training, %.2f s per epoch (median).</p>\n", run.trainSeconds, run.medianEpochSeconds)
            if let divergence = run.divergence {
                page += "<p class=\"diverged\">\(HTML.escape(divergence.description)); no test results.</p>\n"
            }
            if let curves = figures.learningCurves[run.label] { page += "<figure>\(curves.svg)</figure>\n" }
            if let test = run.test {
                page += "<h3>Classification report (test set)</h3>\n<pre>\(HTML.escape(test.classificationReport))</pre>\n"
                if !result.configuration.reportClassNames {
                    let legend = result.dataset.classNames.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")
                    page += "<p class=\"subtitle\">Classes: \(HTML.escape(legend)).</p>\n"
                }
                if let confusion = figures.confusion[run.label] { page += "<figure>\(confusion.svg)</figure>\n" }
                page += mostConfused(test, classNames: result.dataset.classNames)
            }
            if let grid = figures.predictions[run.label] {
                page += "<h3>The first \(ReportInputs.gridCount) test images</h3>\n<figure>\(grid.svg)</figure>\n"
            }
            page += "</section>\n"
        }
        page += "<footer><p class=\"subtitle\">Written by optbench; figures also in figures/.</p></footer>\n</body>\n</html>\n"
        return page
    }

    /// The id of run `index`'s section: unique even for labels that differ
    /// only in case or punctuation.
    static func runID(_ index: Int, _ label: String) -> String { "run-\(index + 1)-\(HTML.slug(label))" }

    static func comparisonTable(_ result: ExperimentResult) -> String {
        let rows = result.runs.map { run -> [String] in
            guard let test = run.test else {
                return [run.label, "diverged", "", "", "", run.bestEpoch.map(String.init) ?? "-", String(format: "%.1f", run.trainSeconds)]
            }
            return [run.label, String(format: "%.4f", test.accuracy), String(format: "%.4f", test.macroF1),
                    String(format: "%.4f", test.weightedF1), String(format: "%.4f", test.loss),
                    run.bestEpoch.map(String.init) ?? "-", String(format: "%.1f", run.trainSeconds)]
        }
        return HTML.table(header: ["optimizer", "test accuracy", "macro F1", "weighted F1", "test loss",
                                   "lowest val_loss at epoch", "training seconds"],
                          rows: rows, numericColumns: [1, 2, 3, 4, 5, 6])
    }

    /// The ranking part of `comparison.txt`.
    static func rankings(_ result: ExperimentResult) -> String {
        let text = ReportText.comparison(result)
        guard let start = text.range(of: "ranking by") else { return text }
        return String(text[start.lowerBound...])
    }

    static func mostConfused(_ test: TestResult, classNames: [String]) -> String {
        guard let matrix = try? ConfusionMatrix(counts: test.confusionMatrix) else { return "" }
        let pairs = matrix.mostConfusedPairs(limit: 5)
        guard !pairs.isEmpty else { return "" }
        func name(_ i: Int) -> String { i < classNames.count ? classNames[i] : "\(i)" }
        var out = "<p>Most confused pairs of classes:</p>\n<ul>\n"
        for pair in pairs {
            let support = matrix.rowSums[pair.trueClass]
            out += "<li>\(HTML.escape(name(pair.trueClass))) taken for \(HTML.escape(name(pair.predictedClass))): "
            out += String(format: "%d times (%.1f%% of the %d %@ images)</li>\n", pair.count,
                          support > 0 ? Double(pair.count) / Double(support) * 100 : 0, support, HTML.escape(name(pair.trueClass)))
        }
        return out + "</ul>\n"
    }
}
