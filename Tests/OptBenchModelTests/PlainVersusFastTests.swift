import Foundation
import OptBenchKernels
import OptBenchModel
import Testing

/// The tuned MLP passes against the plain path on ReLU networks. Both sum
/// every product over its inner index in increasing order with the same
/// kernel, so they agree bit for bit (zero-skipping drops only exact zeros).
@Suite("Plain path versus the tuned passes")
struct PlainVersusFastTests {
    static let shapes: [(Int, [Int], Int, Int)] = [
        (784, [300, 100], 10, 32), (784, [300, 100], 10, 7), (100, [], 10, 33), (64, [40], 5, 300), (50, [20, 30, 10], 4, 17),
    ]

    @Test("same loss, gradient and outputs bit for bit", arguments: 0..<shapes.count)
    func sameResults(_ index: Int) throws {
        let (inputSize, hidden, classes, batch) = Self.shapes[index]
        let architecture = MLPArchitecture(inputSize: inputSize, hiddenSizes: hidden, classCount: classes)
        let mlp = MLP(architecture)
        try #require(mlp.fastPathApplies(), "the shared pool has more threads than the tuned passes use")
        let problem = PlainProblem(architecture, batch: batch, seed: UInt64(index + 11))
        let plain = try problem.gradient()

        var fastGradient = [Float](repeating: .nan, count: mlp.parameterCount)
        let workspace = mlp.makeWorkspace(capacity: batch)
        let fastTotals = try Kernels.withFlushToZero {
            try mlp.lossAndGradient(inputs: problem.inputs, labels: problem.labels, batch: batch,
                                parameters: problem.parameters, gradients: &fastGradient, workspace: workspace)
        }
        #expect(fastTotals == plain.totals)
        let differing = (0..<fastGradient.count).filter { fastGradient[$0] != plain.gradient[$0] }
        #expect(differing.isEmpty, "\(differing.count) gradients differ, first at \(differing.first ?? -1)")

        let fastOutputs = try mlp.outputs(inputs: problem.inputs, labels: problem.labels, batch: batch,
                                      parameters: problem.parameters, workspace: workspace)
        let plainOutputs = try problem.network.outputs(inputs: problem.inputs, labels: problem.labels, batch: batch,
                                                   parameters: problem.parameters,
                                                   workspace: problem.network.makeWorkspace(capacity: batch))
        #expect(fastOutputs.totals == plainOutputs.totals)
        #expect(fastOutputs.probabilities == plainOutputs.probabilities)
        #expect(fastOutputs.predictions == plainOutputs.predictions)
    }
}
