import ArgumentParser
import Foundation
import OptBench

/// `optbench report <folder>`: rebuilds `report.html` and `figures/` from a run's
/// `results.json` without training.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild report.html and figures/ of an output folder from its results.json, without training.",
        discussion: """
            Reads <folder>/results.json and <folder>/predictions/<optimizer>.csv, loads the \
            dataset the run used (for the image grids; found as 'optbench run' finds it, or \
            with --data-dir), and writes <folder>/report.html and <folder>/figures/.
            """)

    @Argument(help: "An output folder of 'optbench run'.")
    var folder: String

    @Option(name: .customLong("data-dir"), help: "Folder holding the dataset's IDX files (default: where the run found them).")
    var dataDir: String?

    @Flag(help: "Print only errors and the report's path.")
    var quiet = false

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExperimentError.cannotRead(folder, "no such folder")
        }
        let inputs = try ReportInputs.load(folder: folder, dataDirectory: dataDir)
        let path = try HTMLReport.write(inputs, to: OutputFolder(path: folder))
        print("report: \(path)")
    }
}
