import Foundation
import OptBenchExperiment
import OptBenchTraining
import Testing

@testable import OptBenchReport

@Suite("Analysis.paragraphs")
struct AnalysisParagraphsTests {
    private func expectPhrases(_ text: String, _ phrases: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for phrase in phrases {
            #expect(text.contains(phrase), "'\(phrase)' missing from: \(text)", sourceLocation: sourceLocation)
        }
    }

    private func paragraph(startingWith prefix: String, in paragraphs: [String],
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let matches = paragraphs.filter { $0.hasPrefix(prefix) }
        #expect(matches.count == 1, "paragraphs starting with '\(prefix)': \(paragraphs)", sourceLocation: sourceLocation)
        return try #require(matches.first, sourceLocation: sourceLocation)
    }

    @Test("the overfitting run: from which epoch, how much the loss rose, the gap and the epochs it needs")
    func overfittingParagraph() throws {
        let paragraphs = Analysis.paragraphs(for: try ReportFixture.result())
        let text = try paragraph(startingWith: "adam overfits", in: paragraphs)
        expectPhrases(text, ["adam overfits from epoch 4 on", "lowest at epoch 3 (0.4000)", "rose 25% to 0.5000 by epoch 10",
                             "training accuracy ended 11.7 points above its validation accuracy",
                             "About 3 epochs are enough for it"])
        #expect(!paragraphs.contains { $0.hasPrefix("sgd overfits") })
        #expect(!paragraphs.contains { $0.contains("adam would still improve") || $0.contains("adam has levelled off") })
    }

    @Test("the still-improving run: needs more epochs than were trained")
    func stillImprovingParagraph() throws {
        let paragraphs = Analysis.paragraphs(for: try ReportFixture.result())
        let text = try paragraph(startingWith: "sgd would still improve", in: paragraphs)
        let fall = String(format: "%.4f", -leastSquaresSlope(ReportFixture.sgdValLoss))
        #expect(fall == "0.0444")
        expectPhrases(text, ["sgd would still improve with more epochs", "lowest at epoch 10 (0.5850)",
                             "fell by \(fall) per epoch over the last 10 epochs", "It needs more than 10 epochs"])
        #expect(!paragraphs.contains { $0.contains("sgd has levelled off") })
    }

    @Test("a run that levelled off gets its own sentence")
    func levelledOffParagraph() throws {
        let losses = [1.0, 0.8, 0.7, 0.65, 0.62, 0.60, 0.61, 0.605, 0.61, 0.618]
        var result = try ReportFixture.result(includeDiverged: false)
        result.runs[0].history = ReportFixture.history(valLosses: losses)
        result.runs[0].bestEpoch = 6
        let paragraphs = Analysis.paragraphs(for: result)
        let text = try paragraph(startingWith: "sgd has levelled off", in: paragraphs)
        expectPhrases(text, ["sgd has levelled off", "lowest validation loss came at epoch 6 (0.6000)", "ended at 0.6180 (+3%)",
                             "About 6 epochs are enough for it"])
        #expect(!paragraphs.contains { $0.hasPrefix("sgd would still improve") || $0.hasPrefix("sgd overfits") })
    }

    @Test("the diverged run is named with its epoch and comes first")
    func divergedParagraph() throws {
        let paragraphs = Analysis.paragraphs(for: try ReportFixture.result())
        #expect(paragraphs.first == "rmsprop(learning_rate=0.5) diverged in epoch 3: its loss became NaN or infinite, "
            + "so it has no test results; try a smaller learning rate.")
        let without = Analysis.paragraphs(for: try ReportFixture.result(includeDiverged: false))
        #expect(!without.contains { $0.contains("diverged") })
    }

    @Test("a diverged run is not described as having levelled off or as needing some number of epochs")
    func divergedRunHasNoCurveVerdict() throws {
        let paragraphs = Analysis.paragraphs(for: try ReportFixture.result())
        let label = ReportFixture.divergedLabel
        let about = paragraphs.filter { $0.hasPrefix(label) }
        #expect(about.count == 1, "paragraphs about the diverged run: \(about)")
        #expect(!paragraphs.contains { $0.hasPrefix("\(label) has levelled off") })
    }

    @Test("ranking by accuracy, and F1 agreeing")
    func rankingAgrees() throws {
        let paragraphs = Analysis.paragraphs(for: try ReportFixture.result())
        let text = try paragraph(startingWith: "By test accuracy", in: paragraphs)
        #expect(text == "By test accuracy the ranking is sgd, adam; sgd is best (0.8812) and adam last (0.8655), 1.6 points apart. "
            + "Ranking by macro F1 gives the same order: the classes are balanced, so accuracy and F1 agree.")
        // The diverged run has no test results and is not ranked.
        #expect(!text.contains(ReportFixture.divergedLabel))
    }

    @Test("ranking by accuracy, and F1 giving another order")
    func rankingDisagrees() throws {
        let paragraphs = Analysis.paragraphs(for: try ReportFixture.result(f1Disagrees: true))
        let text = try paragraph(startingWith: "By test accuracy", in: paragraphs)
        #expect(text.hasPrefix("By test accuracy the ranking is sgd, adam; sgd is best (0.8812) and adam last (0.8655)"))
        #expect(text.contains("By macro F1 the order is adam, sgd: places 1, 2 differ, "
            + "because F1 also weighs how evenly an optimizer does across classes."))
        #expect(!text.contains("gives the same order"))
    }

    @Test("with three tested runs only the places that differ are listed")
    func rankingDisagreesInPart() throws {
        var result = try ReportFixture.result(includeDiverged: false)
        var third = result.runs[1]
        third.label = "nadam"
        third.test?.accuracy = 0.80
        third.test?.macroF1 = 0.80
        result.runs.append(third)
        result.runs[0].test?.macroF1 = 0.85  // sgd below adam (0.8601) by F1, both above nadam
        let text = try paragraph(startingWith: "By test accuracy", in: Analysis.paragraphs(for: result))
        #expect(text.hasPrefix("By test accuracy the ranking is sgd, adam, nadam; sgd is best (0.8812) and nadam last (0.8000), 8.1 points apart."))
        #expect(text.contains("By macro F1 the order is adam, sgd, nadam: places 1, 2 differ,"))
    }

    @Test("when the runs tie on accuracy, the one named last is the last of the ranking, not the best")
    func rankingWithTie() throws {
        var result = try ReportFixture.result(includeDiverged: false)
        result.runs[0].test?.accuracy = 0.87
        result.runs[1].test?.accuracy = 0.87
        let text = try paragraph(startingWith: "By test accuracy", in: Analysis.paragraphs(for: result))
        #expect(text.hasPrefix("By test accuracy the ranking is sgd, adam; "))
        #expect(text.contains("sgd is best (0.8700) and adam last (0.8700), 0.0 points apart."), "\(text)")
    }

    @Test("run time: the fastest and slowest median epoch, and how much longer the slowest takes")
    func runTimeDiffers() throws {
        let paragraphs = Analysis.paragraphs(for: try ReportFixture.result())
        #expect(paragraphs.last == "Run time: a median epoch took 1.00 s with sgd and 1.60 s with adam. "
            + "The slowest takes 60% longer per epoch; weigh that against the epochs each needs.")
    }

    @Test("run time: runs within 25 % of each other cost about the same")
    func runTimeSimilar() throws {
        var result = try ReportFixture.result()
        result.runs[2].medianEpochSeconds = 1.2
        let text = try paragraph(startingWith: "Run time:", in: Analysis.paragraphs(for: result))
        #expect(text.hasPrefix("Run time: a median epoch took 1.00 s with sgd and 1.20 s with adam. They cost about the same per epoch"))
        #expect(!text.contains("longer per epoch"))
    }

    @Test("a single run gets no ranking and no run-time comparison")
    func singleRun() throws {
        var result = try ReportFixture.result(includeDiverged: false)
        result.runs.removeLast()
        let paragraphs = Analysis.paragraphs(for: result)
        #expect(paragraphs.count == 1)
        #expect(paragraphs.first?.hasPrefix("sgd would still improve") == true)
    }

    @Test("the paragraphs come in order: divergence, overfitting, still improving, ranking, run time")
    func order() throws {
        let paragraphs = Analysis.paragraphs(for: try ReportFixture.result())
        let prefixes = [ReportFixture.divergedLabel + " diverged", "adam overfits", "sgd would still improve",
                        "By test accuracy", "Run time:"]
        let positions = prefixes.map { prefix in paragraphs.firstIndex { $0.hasPrefix(prefix) } ?? -1 }
        #expect(!positions.contains(-1), "\(paragraphs)")
        #expect(positions == positions.sorted(), "\(paragraphs)")
    }
}
