import Foundation
import OptBench
import Testing

@Suite("optbench: --activation")
struct CLIActivationTests {
    @Test("--activation tanh trains through the plain path, and every output names the activation")
    func tanh() throws {
        let sandbox = Sandbox()
        SyntheticIDX().write(into: sandbox.file("data"))
        let run = try sandbox.run(CLIRunTests.arguments(sandbox) + ["--activation", "tanh"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
        let result = try ResultsFile.read(path: sandbox.file("out/results.json"))
        #expect(result.configuration.activation == .tanh)
        #expect(result.model.layers.map(\.activation) == [.tanh, .softmax])
        for history in result.runs.map(\.history) {
            #expect(history.count == 2 && history[1].loss < history[0].loss, "\(history)")
        }
        let summary = try String(contentsOfFile: sandbox.file("out/model_summary.txt"), encoding: .utf8)
        #expect(summary.contains("Hidden activation: tanh (output: softmax)"))
        let report = try String(contentsOfFile: sandbox.file("out/report.html"), encoding: .utf8)
        #expect(report.contains("Hidden activation: tanh"))
    }
}
