import Foundation
import OptBenchExperiment
import OptBenchTraining

/// One figure of a report: its file name (without extension) under
/// `figures/`, its SVG, and for image grids the grid as a PNG.
public struct ReportFigure: Sendable {
    public var name: String
    public var svg: String
    public var png: [UInt8]?
}

/// Every figure of a report, built from its inputs. Each run keeps its
/// ``Palette`` colour in every chart.
public struct ReportFigures: Sendable {
    /// The first 40 training images with their class names (the study's first figure).
    public let trainingImages: ReportFigure
    /// Validation loss of every run, each run's best epoch marked.
    public let validationLoss: ReportFigure
    /// Validation accuracy of every run, each run's best epoch marked.
    public let validationAccuracy: ReportFigure
    /// Test accuracy and macro F1 per run.
    public let scores: ReportFigure
    /// Training seconds per run.
    public let trainingTime: ReportFigure
    /// Per run label: loss, accuracy, val_loss and val_accuracy against epoch (the study's history plot).
    public let learningCurves: [String: ReportFigure]
    /// Per run label: the confusion matrix on the test set.
    public let confusion: [String: ReportFigure]
    /// Per run label: the first 40 test images with predicted and true class.
    public let predictions: [String: ReportFigure]

    /// Every figure, in report order.
    public var all: [ReportFigure] {
        let runs = inputsOrder
        return [trainingImages, validationLoss, validationAccuracy, scores, trainingTime]
            + runs.compactMap { learningCurves[$0] } + runs.compactMap { confusion[$0] } + runs.compactMap { predictions[$0] }
    }

    private let inputsOrder: [String]

    public init(_ inputs: ReportInputs) {
        let result = inputs.result
        let runs = result.runs
        let classNames = result.dataset.classNames
        inputsOrder = runs.map(\.label)
        func file(_ prefix: String, _ label: String) -> String { prefix + "_" + OutputFolder.fileName(for: label) }

        let training = ImageGridFigure.trainingImages(
            images: inputs.trainingImages, classNames: classNames,
            count: min(ReportInputs.gridCount, inputs.trainingImages.count),
            title: "The first \(min(ReportInputs.gridCount, inputs.trainingImages.count)) training images")
        trainingImages = ReportFigure(name: "training_images", svg: training.svg, png: training.png)

        validationLoss = ReportFigure(name: "validation_loss", svg: LineChart(
            title: "Validation loss of every optimizer",
            description: "Validation loss against epoch for \(runs.map(\.label).joined(separator: ", ")); a circle marks each optimizer's lowest validation loss, where overfitting starts.",
            xLabel: "epoch", yLabel: "validation loss",
            series: runs.enumerated().map { index, run in
                LineChart.Series(name: run.label, color: Palette.color(forRun: index),
                                 points: run.history.compactMap { r in r.valLoss.map { (Double(r.epoch), $0) } },
                                 marker: run.bestEpoch.map { LineChart.Marker(x: Double($0), label: "best \($0)") })
            }, idPrefix: "val-loss").svg)
        validationAccuracy = ReportFigure(name: "validation_accuracy", svg: LineChart(
            title: "Validation accuracy of every optimizer",
            description: "Validation accuracy against epoch for \(runs.map(\.label).joined(separator: ", ")); a circle marks each optimizer's epoch of lowest validation loss.",
            xLabel: "epoch", yLabel: "validation accuracy",
            series: runs.enumerated().map { index, run in
                LineChart.Series(name: run.label, color: Palette.color(forRun: index),
                                 points: run.history.compactMap { r in r.valAccuracy.map { (Double(r.epoch), $0) } },
                                 marker: run.bestEpoch.map { LineChart.Marker(x: Double($0), label: "best \($0)") })
            }, idPrefix: "val-accuracy").svg)

        let tested = runs.enumerated().filter { $0.element.test != nil }
        let categories = tested.map { BarChart.Category(name: $0.element.label, color: Palette.color(forRun: $0.offset)) }
        let accuracies = tested.map { $0.element.test!.accuracy }
        let f1s = tested.map { $0.element.test!.macroF1 }
        let low = (accuracies + f1s).min() ?? 0
        let floor = max(0, (low * 20).rounded(.down) / 20 - 0.05)
        scores = ReportFigure(name: "test_scores", svg: BarChart(
            title: "Test accuracy and macro F1",
            description: "Test accuracy (solid) and macro F1 (hatched) per optimizer; the axis starts at \(floor) so that differences are visible.",
            categories: categories,
            series: [BarChart.Series(name: "test accuracy", values: accuracies),
                     BarChart.Series(name: "macro F1", values: f1s, style: .hatched)],
            valueFormat: .decimals(4), yLabel: "score", yRange: floor...1, idPrefix: "scores").svg)
        trainingTime = ReportFigure(name: "training_time", svg: BarChart(
            title: "Training time",
            description: "Seconds of training (validation included) per optimizer over \(result.configuration.epochs) epochs.",
            categories: runs.enumerated().map { BarChart.Category(name: $0.element.label, color: Palette.color(forRun: $0.offset)) },
            values: runs.map(\.trainSeconds), valueFormat: .decimals(1, suffix: " s"), yLabel: "seconds",
            idPrefix: "time").svg)

        var curves: [String: ReportFigure] = [:]
        var matrices: [String: ReportFigure] = [:]
        var grids: [String: ReportFigure] = [:]
        for (index, run) in runs.enumerated() {
            let color = Palette.color(forRun: index)
            func series(_ name: String, _ value: (EpochRecord) -> Double?, dashed: Bool, shade: String) -> LineChart.Series {
                LineChart.Series(name: name, color: shade,
                                 points: run.history.compactMap { r in value(r).map { (Double(r.epoch), $0) } }, dashed: dashed)
            }
            let slug = "\(index + 1)-" + HTML.slug(run.label)
            curves[run.label] = ReportFigure(name: file("learning_curves", run.label), svg: LineChart(
                title: "Learning curves: \(run.label)",
                description: "Training loss, training accuracy, validation loss and validation accuracy of \(run.label) against epoch; the y axis runs from 0 to 1 as in the reference study (a loss above 1 leaves the chart at the top).",
                xLabel: "epoch", yLabel: "value",
                series: [series("loss", \.loss, dashed: false, shade: color),
                         series("accuracy", \.accuracy, dashed: false, shade: "#555555"),
                         series("val_loss", \.valLoss, dashed: true, shade: color),
                         series("val_accuracy", \.valAccuracy, dashed: true, shade: "#555555")],
                yRange: 0...1, idPrefix: "curves-\(slug)").svg)
            if let test = run.test {
                matrices[run.label] = ReportFigure(name: file("confusion", run.label), svg: Heatmap(
                    title: "Confusion matrix: \(run.label)",
                    description: "Test images of each true class (rows) by predicted class (columns) for \(run.label).",
                    rowLabels: classNames, columnLabels: classNames, counts: test.confusionMatrix,
                    idPrefix: "confusion-\(slug)").svg)
            }
            if let predicted = inputs.predictions[run.label], !predicted.isEmpty {
                let count = min(predicted.count, inputs.testImages.count)
                let figure = ImageGridFigure.predictions(
                    images: inputs.testImages, predicted: Array(predicted.prefix(count)), classNames: classNames,
                    count: count, title: "Predictions of \(run.label) on the first \(count) test images")
                grids[run.label] = ReportFigure(name: file("predictions", run.label), svg: figure.svg, png: figure.png)
            }
        }
        learningCurves = curves
        confusion = matrices
        predictions = grids
    }
}
