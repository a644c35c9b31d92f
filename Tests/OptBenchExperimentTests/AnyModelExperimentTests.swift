import Foundation
import OptBench
import Testing

@Suite("Experiment with any Model")
struct AnyModelExperimentTests {
    static let dataset = syntheticDataset()

    @Test("a DenseNetwork runs through the experiment; tanh learns; the MLP with tanh gives the same runs")
    func denseNetwork() throws {
        var configuration = try smallConfiguration()
        configuration.activation = .tanh
        let experiment = Experiment(configuration: configuration)
        let architecture = MLPArchitecture(inputSize: Self.dataset.featureCount, hiddenSizes: configuration.hiddenSizes,
                                           classCount: Self.dataset.classCount, hiddenActivation: .tanh)
        let network = DenseNetwork(architecture)
        let (_, described) = experiment.describe(dataset: Self.dataset, source: "memory")
        let result = try experiment.run(model: network, described: described, dataset: Self.dataset, source: "memory")
        #expect(result.runs.count == 2)
        for run in result.runs {
            #expect(run.history.last!.loss < run.history.first!.loss, "\(run.history)")
            #expect(run.test != nil)
        }
        // The configuration's MLP with tanh takes the plain path: the same numbers.
        let viaMLP = try experiment.run(dataset: Self.dataset, source: "memory")
        #expect(viaMLP.runs.map { $0.history.map(\.loss) } == result.runs.map { $0.history.map(\.loss) })
        #expect(viaMLP.runs.map(\.test?.accuracy) == result.runs.map(\.test?.accuracy))
        #expect(viaMLP.model.summary.contains("Hidden activation: tanh"))
    }

    @Test("a model that does not fit the dataset is an error naming it")
    func mismatch() throws {
        let experiment = Experiment(configuration: try smallConfiguration())
        let network = DenseNetwork(MLPArchitecture(inputSize: 5, hiddenSizes: [], classCount: 10))
        let described = ModelInfo(layers: network.layers, parameterCount: network.parameterCount, summary: "")
        #expect(throws: ExperimentError.self) {
            try experiment.run(model: network, described: described, dataset: Self.dataset, source: "memory")
        }
    }
}
