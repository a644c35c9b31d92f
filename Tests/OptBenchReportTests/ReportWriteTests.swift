import Foundation
import OptBenchExperiment
import Testing

@testable import OptBenchReport

@Suite("HTMLReport.write")
struct ReportWriteTests {
    static let expectedFiles = [
        "figures/confusion_adam.svg", "figures/confusion_sgd.svg",
        "figures/learning_curves_adam.svg", "figures/learning_curves_rmsprop_learning_rate_0.5.svg",
        "figures/learning_curves_sgd.svg",
        "figures/predictions_sgd.png", "figures/predictions_sgd.svg",
        "figures/test_scores.svg", "figures/training_images.png", "figures/training_images.svg",
        "figures/training_time.svg", "figures/validation_accuracy.svg", "figures/validation_loss.svg",
        "report.html",
    ]

    private func contents(of folder: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for file in try filesUnder(folder) {
            out[file] = try #require(FileManager.default.contents(atPath: folder + "/" + file), "\(file)")
        }
        return out
    }

    @Test("writes report.html and every figure (SVG, and PNG for the grids) into a new folder, and nothing else")
    func writesFiles() throws {
        let parent = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = parent + "/nested/out"  // does not exist yet
        let path = try HTMLReport.write(try ReportFixture.inputs(), to: OutputFolder(path: folder))
        #expect(path == folder + "/report.html")

        let files = try filesUnder(folder)
        #expect(files == Self.expectedFiles)
        #expect(!files.contains { ($0 as NSString).lastPathComponent.hasPrefix(".") || $0.contains("tmp") },
                "temporary files left: \(files)")
        for sub in [folder, folder + "/figures"] {
            let entries = try FileManager.default.contentsOfDirectory(atPath: sub)
            #expect(!entries.contains { $0.hasPrefix(".") }, "\(sub): \(entries)")
        }

        // The files are the page and the figures, byte for byte (built separately from the same inputs).
        let built = try ReportFixture.built()
        let written = try contents(of: folder)
        #expect(written["report.html"] == Data(built.page.utf8))
        for figure in built.figures.all {
            #expect(written["figures/\(figure.name).svg"] == Data(figure.svg.utf8), "\(figure.name).svg")
            if let png = figure.png {
                let file = try #require(written["figures/\(figure.name).png"], "\(figure.name).png")
                #expect(file == Data(png), "\(figure.name).png")
                let decoded = try PNGDecoder().decode(file)
                #expect(decoded.width > 0 && decoded.height > 0)
            }
        }
    }

    @Test("writing twice gives identical bytes, and no temporary files")
    func deterministic() throws {
        let folder = try makeTemporaryFolder("twice")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try HTMLReport.write(try ReportFixture.inputs(), to: OutputFolder(path: folder))
        let once = try contents(of: folder)
        try HTMLReport.write(try ReportFixture.inputs(), to: OutputFolder(path: folder))
        let twice = try contents(of: folder)

        #expect(once.keys.sorted() == Self.expectedFiles)
        #expect(twice.keys.sorted() == Self.expectedFiles)
        for file in Self.expectedFiles {
            #expect(once[file] != nil && once[file] == twice[file], "\(file) changed when rewritten")
        }
        // The same bytes as a report built elsewhere in this process.
        #expect(once["report.html"] == Data(try ReportFixture.built().page.utf8))
    }
}
