import Foundation
import OptBenchKernels
import OptBenchModel
import Testing

/// One configuration of the plain path's gradient check.
struct PlainCase: CustomTestStringConvertible, Sendable {
    let inputSize: Int
    let hidden: [Int]
    let classes: Int
    let batch: Int
    let activation: Activation
    var testDescription: String { "\(activation) \(inputSize)-\(hidden.map(String.init).joined(separator: "-"))-\(classes) ×\(batch)" }
    var architecture: MLPArchitecture {
        MLPArchitecture(inputSize: inputSize, hiddenSizes: hidden, classCount: classes, hiddenActivation: activation)
    }

    static let shapes: [(Int, [Int], Int, Int)] = [(6, [], 3, 4), (5, [7], 3, 5), (9, [17, 4], 4, 3), (4, [3, 5, 6], 2, 7)]
    static let all: [PlainCase] = Activation.hiddenCases.flatMap { activation in
        shapes.map { PlainCase(inputSize: $0.0, hidden: $0.1, classes: $0.2, batch: $0.3, activation: activation) }
    }
}

@Suite("Plain path")
struct PlainNetworkTests {
    @Test("every parameter's gradient matches central differences of the Double loss", arguments: PlainCase.all)
    func finiteDifferences(_ c: PlainCase) throws {
        let problem = PlainProblem(c.architecture, batch: c.batch, seed: UInt64(c.inputSize * 31 + c.batch))
        let (totals, gradient) = try problem.gradient()
        let layers = problem.network.layers
        let inputs = problem.inputs.map(Double.init)
        var parameters = problem.parameters.map(Double.init)
        let loss = doubleMeanLoss(layers: layers, parameters: parameters, inputs: inputs, labels: problem.labels,
                                  batch: c.batch)
        #expect(abs(totals.lossSum / Double(c.batch) - loss) < 1e-5 * max(1, loss))
        let h = 1e-6
        for q in 0..<parameters.count {
            let saved = parameters[q]
            parameters[q] = saved + h
            let plus = doubleMeanLoss(layers: layers, parameters: parameters, inputs: inputs, labels: problem.labels,
                                      batch: c.batch)
            parameters[q] = saved - h
            let minus = doubleMeanLoss(layers: layers, parameters: parameters, inputs: inputs, labels: problem.labels,
                                       batch: c.batch)
            parameters[q] = saved
            let difference = (plus - minus) / (2 * h)
            #expect(abs(Double(gradient[q]) - difference) <= 2e-6 + 1e-3 * abs(difference),
                    "parameter \(q): gradient \(gradient[q]), finite difference \(difference)")
        }
    }

    @Test("1, 2 and 3 threads give the same loss and gradient, bit for bit",
          arguments: [Activation.relu, .tanh, .gelu], [1, 5, 37])
    func threadCounts(activation: Activation, batch: Int) throws {
        // Wide enough that every product is split among the threads
        // (DenseLayer.minimumWorkPerPart), down to a batch of 5.
        let problem = PlainProblem(MLPArchitecture(inputSize: 700, hiddenSizes: [600, 90], classCount: 10,
                                                   hiddenActivation: activation), batch: batch, seed: 3)
        let one = try problem.gradient(threads: TestPools.one)
        for pool in [TestPools.two, TestPools.three, KernelThreads.shared] {
            let other = try problem.gradient(threads: pool)
            #expect(other.totals == one.totals)
            #expect(other.gradient.map(\.bitPattern) == one.gradient.map(\.bitPattern))
        }
        let workspace = problem.network.makeWorkspace(capacity: batch)
        let outputs = try problem.network.outputs(inputs: problem.inputs, labels: problem.labels, batch: batch,
                                              parameters: problem.parameters, workspace: workspace,
                                              threads: TestPools.three)
        #expect(outputs.totals == one.totals)
        #expect(outputs.probabilities.count == batch * 10)
    }

    @Test("the MLP's fast-path conditions are checked in one place")
    func fastPathConditions() {
        let relu = MLP(MLPArchitecture(inputSize: 8, hiddenSizes: [4], classCount: 3))
        let tanh = MLP(MLPArchitecture(inputSize: 8, hiddenSizes: [4], classCount: 3, hiddenActivation: .tanh))
        let linearOnly = MLP(MLPArchitecture(inputSize: 8, hiddenSizes: [], classCount: 3, hiddenActivation: .tanh))
        #expect(tanh.fastPathRefusal() == .activation(.tanh))
        #expect(relu.fastPathRefusal(threads: TestPools.one) == .threadPool)
        // Without hidden layers the activation plays no part.
        #expect(linearOnly.fastPathRefusal(threads: TestPools.one) == .threadPool)
        if KernelThreads.shared.threadCount <= MLP.fastPathThreadLimit {
            #expect(relu.fastPathApplies())
            #expect(linearOnly.fastPathApplies())
        } else {
            #expect(relu.fastPathRefusal() == .threadCount(KernelThreads.shared.threadCount))
        }
    }
}

/// The array entry points refuse bad arguments with a typed error before
/// writing anything.
@Suite("Model input errors")
struct ModelInputErrorTests {
    @Test("each bad argument throws its error; the gradient is left alone")
    func badArguments() throws {
        let network = DenseNetwork(MLPArchitecture(inputSize: 3, hiddenSizes: [4], classCount: 2))
        let workspace = network.makeWorkspace(capacity: 2)
        let parameters = network.initialParameters(seed: 1)
        let inputs: [Float] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
        var gradients = [Float](repeating: .nan, count: network.parameterCount)
        func gradient(_ x: [Float], _ y: [UInt8], batch: Int, _ p: [Float]) throws(ModelInputError) {
            try network.lossAndGradient(inputs: x, labels: y, batch: batch, parameters: p, gradients: &gradients,
                                        workspace: workspace)
        }
        #expect(throws: ModelInputError.emptyBatch(batch: 0)) { try gradient(inputs, [0, 1], batch: 0, parameters) }
        #expect(throws: ModelInputError.inputsTooShort(count: 5, needed: 6)) {
            try gradient(Array(inputs.prefix(5)), [0, 1], batch: 2, parameters)
        }
        #expect(throws: ModelInputError.labelsTooShort(count: 1, needed: 2)) { try gradient(inputs, [0], batch: 2, parameters) }
        #expect(throws: ModelInputError.labelOutOfRange(index: 1, label: 2, classCount: 2)) {
            try gradient(inputs, [1, 2], batch: 2, parameters)
        }
        #expect(throws: ModelInputError.wrongParameterCount(count: 3, expected: network.parameterCount)) {
            try gradient(inputs, [0, 1], batch: 2, [1, 2, 3])
        }
        #expect(gradients.allSatisfy { $0.isNaN }, "a refused call wrote gradients")
        #expect(throws: ModelInputError.labelOutOfRange(index: 0, label: 7, classCount: 2)) {
            try network.outputs(inputs: inputs, labels: [7, 0], batch: 2, parameters: parameters, workspace: workspace)
        }
        try gradient(inputs, [0, 1], batch: 2, parameters)
        #expect(gradients.allSatisfy { $0.isFinite })
    }
}
