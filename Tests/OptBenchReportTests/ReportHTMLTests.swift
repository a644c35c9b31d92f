import Foundation
import OptBenchExperiment
import OptBenchTraining
import Testing

@testable import OptBenchReport

/// An SVG document as `inlineSVGs` extracts it: without the newline after `</svg>`.
private func trimmedSVG(_ svg: String) -> String { svg.hasSuffix("\n") ? String(svg.dropLast()) : svg }

@Suite("HTMLReport.html")
struct ReportHTMLTests {
    let inputs: ReportInputs
    let figures: ReportFigures
    let page: String

    init() throws {
        let built = try ReportFixture.built()
        inputs = built.inputs
        figures = built.figures
        page = built.page
    }

    static let runSections = ["run-1-sgd", "run-2-rmsprop-learning-rate-0-5", "run-3-adam"]
    static let sections = ["configuration", "data", "model", "comparison", "analysis"] + runSections

    @Test("an HTML5 page with a title naming the dataset and the number of runs")
    func document() {
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(page.hasSuffix("</body>\n</html>\n"))
        #expect(page.contains("<meta charset=\"utf-8\">"))
        #expect(page.contains("<title>OptBench report: fashion-mnist, 3 optimizers</title>"))
        #expect(occurrences(of: "<style>", in: page) == 1)
    }

    @Test("every section is there once, in order, and the navigation links to each")
    func sections() throws {
        var previous = page.startIndex
        for id in Self.sections {
            #expect(occurrences(of: "<section id=\"\(id)\"", in: page) == 1, "section \(id)")
            #expect(page.contains("<li><a href=\"#\(id)\">"), "nav link to \(id)")
            let position = try #require(page.range(of: "<section id=\"\(id)\"")).lowerBound
            #expect(position > previous, "section \(id) out of order")
            previous = position
        }
        #expect(occurrences(of: "<section ", in: page) == Self.sections.count)
        #expect(occurrences(of: "</section>", in: page) == Self.sections.count)
        // Every in-page link resolves to an element id.
        let ids = Set(elementIDs(in: page))
        for part in page.components(separatedBy: "href=\"#").dropFirst() {
            let target = String(part.prefix { $0 != "\"" })
            #expect(ids.contains(target), "link to #\(target) has no target")
        }
    }

    @Test("element ids are unique across the page, inline SVGs included")
    func uniqueIDs() {
        let ids = elementIDs(in: page)
        let duplicates = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(!ids.isEmpty)
        #expect(duplicates.isEmpty, "duplicate ids: \(duplicates)")
    }

    @Test("the configuration tables: settings and every run's hyperparameters")
    func configuration() throws {
        let section = try #require(reportSection("configuration", in: page))
        #expect(section.contains("<tr><td>epochs</td><td>10</td></tr>"))
        #expect(section.contains("<tr><td>batch size</td><td>32</td></tr>"))
        #expect(section.contains("<tr><td>hidden layers</td><td>30, 10</td></tr>"))
        #expect(section.contains("<tr><td>training set</td><td>the first 500 of the rest</td></tr>"))
        #expect(section.contains("<tr><td>sgd</td><td>sgd</td><td>learning_rate=0.01</td></tr>"))
        #expect(section.contains("<tr><td>adam</td><td>adam</td><td>learning_rate=0.001, amsgrad=false</td></tr>"))
        #expect(section.contains("<tr><td>rmsprop(learning_rate=0.5)</td><td>rmsprop</td><td>learning_rate=0.5</td></tr>"))
    }

    @Test("the data and model sections: shapes, the training-image grid, the escaped model summary")
    func dataAndModel() throws {
        let data = try #require(reportSection("data", in: page))
        #expect(data.contains("<pre>X_train_full shape = (600, 8, 8)\ny_train_full shape = (600,)\nX_test shape = (40, 8, 8)\n</pre>"))
        #expect(data.contains("<figure>" + figures.trainingImages.svg + "</figure>"))
        let model = try #require(reportSection("model", in: page))
        #expect(model.contains("Model: &quot;sequential&quot; &lt;dense&gt; &amp; co"))
        #expect(!page.contains("<dense>"))
    }

    @Test("the comparison table has one row per run, the diverged one marked")
    func comparisonTable() throws {
        let section = try #require(reportSection("comparison", in: page))
        func row(_ cells: [String]) -> String {
            "<tr><td>\(cells[0])</td>" + cells.dropFirst().map { "<td class=\"num\">\($0)</td>" }.joined() + "</tr>"
        }
        #expect(section.contains(row(["sgd", "0.8812", "0.8790", "0.8800", "0.1188", "10", "10.2"])))
        #expect(section.contains(row(["rmsprop(learning_rate=0.5)", "diverged", "", "", "", "1", "2.1"])))
        #expect(section.contains(row(["adam", "0.8655", "0.8601", "0.8611", "0.1345", "3", "16.3"])))
        let tableRows = section.components(separatedBy: "<tbody>").last?.components(separatedBy: "</tbody>").first ?? ""
        #expect(occurrences(of: "<tr>", in: tableRows) == 3)
        // Rows in run order.
        let sgd = try #require(section.range(of: "<tr><td>sgd</td>")).lowerBound
        let adam = try #require(section.range(of: "<tr><td>adam</td>")).lowerBound
        #expect(sgd < adam)
        #expect(section.contains("ranking by test accuracy:"))
        #expect(section.contains("ranking by macro F1:"))
    }

    @Test("the comparison section holds the four comparison charts")
    func comparisonCharts() throws {
        let section = try #require(reportSection("comparison", in: page))
        for figure in [figures.validationLoss, figures.validationAccuracy, figures.scores, figures.trainingTime] {
            #expect(section.contains("<figure>" + figure.svg + "</figure>"), "\(figure.name)")
        }
        #expect(inlineSVGs(in: section).count == 4)
    }

    @Test("the analysis section holds every paragraph, escaped")
    func analysis() throws {
        let section = try #require(reportSection("analysis", in: page))
        let paragraphs = Analysis.paragraphs(for: inputs.result)
        #expect(paragraphs.count >= 5)
        for paragraph in paragraphs {
            #expect(section.contains("<p>" + HTML.escape(paragraph) + "</p>"), "\(paragraph)")
        }
        #expect(occurrences(of: "<p>", in: section) == paragraphs.count)
        #expect(section.contains("adam overfits from epoch 4 on"))
    }

    @Test("each run section: colour swatch, classification report (escaped), confusion matrix, most confused pairs")
    func runSections() throws {
        let sgd = try #require(reportSection("run-1-sgd", in: page))
        #expect(sgd.contains("<span class=\"swatch\" style=\"background:\(Palette.color(forRun: 0))\"></span>Optimizer: sgd</h2>"))
        #expect(sgd.contains("sgd with learning_rate=0.01; 10.2 s of training, 1.00 s per epoch (median).</p>"))
        #expect(sgd.contains("<pre>report of sgd: &lt;b&gt;precision&lt;/b&gt; &amp; recall\n     T-shirt/top       0.85\n</pre>"))
        #expect(sgd.contains("<p>Most confused pairs of classes:</p>"))
        #expect(sgd.contains("<li>Shirt taken for T-shirt/top: 25 times (25.0% of the 100 Shirt images)</li>"))
        #expect(occurrences(of: "<li>", in: sgd) == 5)
        #expect(sgd.contains(try #require(figures.confusion["sgd"]).svg))
        #expect(sgd.contains(try #require(figures.learningCurves["sgd"]).svg))

        let adam = try #require(reportSection("run-3-adam", in: page))
        #expect(adam.contains("style=\"background:\(Palette.color(forRun: 2))\""))
        #expect(adam.contains("<pre>report of adam: &apos;quoted&apos; &quot;double&quot; &lt;i&gt;\n</pre>"))
        #expect(adam.contains("<li>T-shirt/top taken for Trouser: 15 times (15.0% of the 100 T-shirt/top images)</li>"))
        #expect(adam.contains(try #require(figures.confusion["adam"]).svg))
        #expect(!page.contains("<b>precision"))
        #expect(!page.contains("<i>\n"))
    }

    @Test("runs with test results list the class indices when the report rows are class indices")
    func classLegend() throws {
        let legend = "<p class=\"subtitle\">Classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, "
            + "6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.</p>"
        #expect(try #require(reportSection("run-1-sgd", in: page)).contains(legend))
        #expect(try #require(reportSection("run-3-adam", in: page)).contains(legend))
        #expect(occurrences(of: legend, in: page) == 2)

        var result = inputs.result
        result.configuration.reportClassNames = true
        var named = inputs
        named.result = result
        let page = HTMLReport.html(named, figures: figures)  // the figures do not depend on the setting
        #expect(!page.contains("Classes: 0 "))
        #expect(page.contains("Most confused pairs"))
    }

    @Test("the diverged run's section says so and has no test results")
    func divergedSection() throws {
        let message = "<p class=\"diverged\">diverged in epoch 3 (step 17): the loss became NaN or infinite; no test results.</p>"
        let diverged = try #require(reportSection("run-2-rmsprop-learning-rate-0-5", in: page))
        #expect(diverged.contains("<h2><span class=\"swatch\" style=\"background:\(Palette.color(forRun: 1))\"></span>Optimizer: rmsprop(learning_rate=0.5)</h2>"))
        #expect(diverged.contains(message))
        #expect(occurrences(of: "class=\"diverged\"", in: page) == 1)
        #expect(!diverged.contains("Classification report"))
        #expect(!diverged.contains("Most confused pairs"))
        #expect(inlineSVGs(in: diverged) == [trimmedSVG(try #require(figures.learningCurves[ReportFixture.divergedLabel]).svg)])
    }

    @Test("the prediction grid appears only for runs with predictions")
    func predictionGrids() throws {
        let grid = try #require(figures.predictions["sgd"])
        let sgd = try #require(reportSection("run-1-sgd", in: page))
        #expect(sgd.contains("<h3>The first 40 test images</h3>\n<figure>" + grid.svg + "</figure>"))
        for id in ["run-3-adam", "run-2-rmsprop-learning-rate-0-5"] {
            let section = try #require(reportSection(id, in: page))
            #expect(!section.contains("test images</h3>"), "\(id)")
            #expect(!section.contains("data:image/png"), "\(id)")
        }
        #expect(occurrences(of: "data:image/png;base64,", in: page) == 2)  // training images + sgd's predictions
    }

    @Test("one inline SVG per figure, each well-formed XML with a title and a description")
    func inlineFigures() throws {
        let blocks = inlineSVGs(in: page)
        #expect(blocks.count == figures.all.count)
        // Page order: the training images, the four comparison charts, then per run its curves, matrix and grid.
        var expected = [figures.trainingImages, figures.validationLoss, figures.validationAccuracy, figures.scores,
                        figures.trainingTime]
        for run in inputs.result.runs {
            expected += [figures.learningCurves[run.label], figures.confusion[run.label], figures.predictions[run.label]]
                .compactMap { $0 }
        }
        #expect(blocks == expected.map { trimmedSVG($0.svg) })
        for block in blocks {
            let root = try parseSVG(block)
            #expect(root.name == "svg")
            #expect(root.children.filter { $0.name == "title" }.count == 1)
            #expect(root.children.filter { $0.name == "desc" }.count == 1)
        }
    }

    @Test("the page loads nothing from outside: no external links, scripts, styles or images")
    func selfContained() {
        let lower = page.lowercased()
        for forbidden in ["src=\"http", "href=\"http", "src='http", "href='http", "<link", "<script", "url(http",
                          "url(\"http", "@import", "<iframe", "src=\"//", "href=\"//"] {
            #expect(!lower.contains(forbidden), "\(forbidden)")
        }
        // Images are data URIs; in-page links are fragments.
        for part in page.components(separatedBy: "href=\"").dropFirst() {
            #expect(part.hasPrefix("#") || part.hasPrefix("data:image/png;base64,"), "\(part.prefix(40))")
        }
    }

    @Test("two runs whose labels differ only in case or punctuation still get distinct section and SVG ids")
    func slugCollision() throws {
        var result = try ReportFixture.result(includeDiverged: false)
        result.runs[1].label = "SGD"  // a valid custom label (`SGD=sgd`); slug "sgd" like the first run's
        let inputs = ReportFixture.smallInputs(result)
        let page = HTMLReport.html(inputs, figures: ReportFigures(inputs))
        let ids = elementIDs(in: page)
        let duplicates = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(duplicates.isEmpty, "duplicate ids: \(duplicates)")
    }
}
