import Foundation
import OptBench
import Testing

@Suite("optbench report: the HTML report and its rebuild")
struct CLIReportTests {
    @Test("a run writes report.html and figures/; 'optbench report' rebuilds them byte for byte without training")
    func rebuild() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        let run = try sandbox.run(CLIRunTests.arguments(sandbox) + ["--quiet"])
        #expect(run.status == 0, "\(run)")
        let report = sandbox.file("out/report.html")
        let original = try String(contentsOfFile: report, encoding: .utf8)
        let figures = TemporaryFiles.list(sandbox.file("out/figures"))
        #expect(figures.contains("training_images.svg") && figures.contains("training_images.png"))
        #expect(figures.contains("validation_loss.svg") && figures.contains("validation_accuracy.svg"))
        #expect(figures.contains("test_scores.svg") && figures.contains("training_time.svg"))
        for file in CLIRunTests.files {
            #expect(figures.contains("learning_curves_\(file).svg"))
            #expect(figures.contains("confusion_\(file).svg"))
            #expect(figures.contains("predictions_\(file).svg") && figures.contains("predictions_\(file).png"))
        }

        try FileManager.default.removeItem(atPath: report)
        try FileManager.default.removeItem(atPath: sandbox.file("out/figures"))
        let history = try String(contentsOfFile: sandbox.file("out/history/\(CLIRunTests.files[0]).csv"), encoding: .utf8)
        let rebuilt = try sandbox.run(["report", sandbox.file("out"), "--data-dir", sandbox.file("data")])
        #expect(rebuilt.status == 0, "\(rebuilt)")
        #expect(rebuilt.stdoutLines == ["report: \(report)"])
        #expect(try String(contentsOfFile: report, encoding: .utf8) == original)
        #expect(TemporaryFiles.list(sandbox.file("out/figures")) == figures)
        // Nothing was trained again.
        #expect(try String(contentsOfFile: sandbox.file("out/history/\(CLIRunTests.files[0]).csv"), encoding: .utf8) == history)
    }

    @Test("'optbench report' on a folder without results: one error line naming it")
    func missingResults() throws {
        let sandbox = Sandbox()
        let missing = try sandbox.run(["report", sandbox.file("nowhere")])
        #expect(missing.status != 0)
        #expect(missing.stderrLines == ["optbench: error: \(sandbox.file("nowhere")): cannot read: no such folder"])
        try FileManager.default.createDirectory(atPath: sandbox.file("empty"), withIntermediateDirectories: true)
        let empty = try sandbox.run(["report", sandbox.file("empty")])
        #expect(empty.status != 0)
        #expect(empty.stderrLines.count == 1)
        #expect(empty.stderrLines.first?.contains("results.json") == true)
        #expect(!FileManager.default.fileExists(atPath: sandbox.file("empty/report.html")))
    }
}

enum TemporaryFiles {
    static func list(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}
