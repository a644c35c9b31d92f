import OptBenchData
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers
import OptBenchTraining
import Testing

/// Training through the plain path: any activation, any pool.
@Suite("Trainer on the plain path")
struct PlainTrainingTests {
    static let train = syntheticImages(count: 300, seed: 11)
    static let validation = syntheticImages(count: 90, seed: 12)
    static let singleThread = KernelThreads(threadCount: 1)

    @Test("every hidden activation trains: the loss falls and the accuracy rises", arguments: Activation.hiddenCases)
    func lossFalls(_ activation: Activation) {
        let model = MLP(MLPArchitecture(inputSize: 16, hiddenSizes: [8], classCount: 3, hiddenActivation: activation))
        let trainer = Trainer(model: model, configuration: TrainingConfiguration(epochs: 4, batchSize: 16, seed: 3))
        let result = trainer.train(optimizer: Adam(learningRate: 0.01), from: model.initialParameters(seed: 4),
                                   on: Self.train, validation: Self.validation)
        #expect(result.divergence == nil)
        #expect(result.history.count == 4)
        let first = result.history.first!, last = result.history.last!
        #expect(last.loss < first.loss, "loss \(first.loss) → \(last.loss)")
        #expect(last.valLoss! < first.valLoss!, "validation loss \(first.valLoss!) → \(last.valLoss!)")
        #expect(last.valAccuracy! > 0.8, "validation accuracy \(last.valAccuracy!)")
    }

    @Test("tanh on 28×28 images, one hidden layer: the loss falls within an epoch")
    func tanhOnImages() {
        let data = imageLikeSet(count: 192, seed: 5)
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [24], classCount: 3, hiddenActivation: .tanh))
        #expect(model.fastPathRefusal() == .activation(.tanh))
        let trainer = Trainer(model: model, configuration: TrainingConfiguration(epochs: 2, batchSize: 32, seed: 1))
        let result = trainer.train(optimizer: SGD(learningRate: 0.05), from: model.initialParameters(seed: 2),
                                   on: data, validation: nil)
        #expect(result.divergence == nil)
        #expect(result.history[1].loss < result.history[0].loss)
    }

    /// The plain steps apply the optimizer's whole-vector update after the
    /// gradient, the fused steps apply the same rule range by range inside
    /// the pass; the gradients agree to the bit, so do the parameters.
    @Test("ReLU: the plain path (another pool) trains to the fused path's parameters, bit for bit",
          arguments: [0, 1, 2])
    func plainMatchesFused(_ optimizerIndex: Int) throws {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [20, 10], classCount: 3))
        try #require(model.fastPathApplies(), "the shared pool has more threads than the tuned passes use")
        let optimizer: any GradientOptimizer = [SGD(learningRate: 0.05), SGD(learningRate: 0.02, momentum: 0.9),
                                               Adam(learningRate: 0.003)][optimizerIndex]
        let data = imageLikeSet(count: 100, seed: 9)
        let validation = imageLikeSet(count: 40, seed: 10)
        let configuration = TrainingConfiguration(epochs: 2, batchSize: 16, seed: 6)
        let initial = model.initialParameters(seed: 8)
        let fused = Trainer(model: model, configuration: configuration)
            .train(optimizer: optimizer, from: initial, on: data, validation: validation)
        let plain = Trainer(model: model, configuration: configuration, threads: Self.singleThread)
            .train(optimizer: optimizer, from: initial, on: data, validation: validation)
        #expect(plain.history.map(\.loss) == fused.history.map(\.loss))
        #expect(plain.history.map(\.valLoss) == fused.history.map(\.valLoss))
        let differing = (0..<initial.count).filter { plain.parameters[$0] != fused.parameters[$0] }
        #expect(differing.isEmpty, "\(differing.count) parameters differ")
    }

    @Test("a DenseNetwork trains through the same Trainer")
    func denseNetwork() {
        let network = DenseNetwork(MLPArchitecture(inputSize: 16, hiddenSizes: [6, 5], classCount: 3,
                                                   hiddenActivation: .sigmoid))
        let trainer = Trainer(model: network, configuration: TrainingConfiguration(epochs: 3, batchSize: 20, seed: 2))
        let result = trainer.train(optimizer: Adam(learningRate: 0.02), from: network.initialParameters(seed: 1),
                                   on: Self.train, validation: Self.validation)
        #expect(result.history.last!.loss < result.history.first!.loss)
        let outputs = network.outputs(of: result.parameters, on: Self.validation, batchSize: 90, threads: Self.singleThread)
        #expect(outputs.loss == result.history.last!.valLoss!)
    }
}
