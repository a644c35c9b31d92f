import Foundation
import OptBench
import Testing

/// The README's "As a library" examples, line for line (the pipeline's on a short
/// run): each must compile against the public API and do what the README says.
/// Change a test here whenever its example in README.md changes.
@Suite("README examples")
struct ReadmeExampleTests {
    @Test("an optimizer alone: Adam minimises Σ (wᵢ − i)²")
    func optimizerExample() {
        var w = [Float](repeating: 0, count: 8)
        let adam = Adam(learningRate: 0.1)
        var state = adam.makeState(parameterCount: w.count)
        for _ in 0..<1000 {
            let gradient = w.indices.map { 2 * (w[$0] - Float($0)) }
            adam.update(parameters: &w, gradients: gradient, state: &state)
        }
        for i in w.indices {
            #expect(abs(w[i] - Float(i)) < 0.01, "w[\(i)] = \(w[i])")
        }
    }

    @Test("the model on your own data, with any optimizer")
    func modelExample() {
        let mlp = MLP(MLPArchitecture(inputSize: 2, hiddenSizes: [16], classCount: 2))
        var parameters = mlp.initialParameters(seed: 7)
        var gradients = [Float](repeating: 0, count: mlp.parameterCount)
        let workspace = MLPWorkspace(model: mlp, capacity: 4)
        let points: [Float] = [0.5, 0.5, -0.5, -0.5, 0.9, -0.1, -0.8, 0.2]   // 4 × 2, row by row
        for (i, x) in points.enumerated() { workspace.input[i] = x }
        for (i, label) in [1, 0, 1, 0].enumerated() { workspace.labels[i] = UInt8(label) }
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        var state = sgd.makeState(parameterCount: mlp.parameterCount)
        var losses: [Double] = []
        var lastCorrect = 0
        for _ in 0..<100 {
            let totals = mlp.lossAndGradient(parameters: parameters, gradients: &gradients, batch: 4, workspace: workspace)
            sgd.update(parameters: &parameters, gradients: gradients, state: &state)
            losses.append(totals.lossSum)
            lastCorrect = totals.correct
            if totals.correct == 4 { break }
        }
        #expect(lastCorrect == 4, "the four points are classified after \(losses.count) steps")
        #expect(losses.count < 100)
    }

    @Test("evaluation alone: scikit-learn's report")
    func evaluationExample() throws {
        let report = try ClassificationReport(trueLabels: [0, 1, 2, 2, 1], predictedLabels: [0, 2, 2, 2, 1], classCount: 3)
        let expected = """
                          precision    recall  f1-score   support

                       0       1.00      1.00      1.00         1
                       1       1.00      0.50      0.67         2
                       2       0.67      1.00      0.80         2

                accuracy                           0.80         5
               macro avg       0.89      0.83      0.82         5
            weighted avg       0.87      0.80      0.79         5

            """
        #expect(report.text == expected)
    }

    @Test("the whole pipeline: training the MLP in about ten lines of Swift",
          .tags(.slow), .skippedInQuickRuns,
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")
                       || ProcessInfo.processInfo.environment["OPTBENCH_DATA_DIR"] != nil,
                   "the Fashion-MNIST files are not installed"))
    func pipelineExample() throws {
        let (data, _) = try Dataset.load(.fashionMNIST, dataDirectory: nil)
        let (valid, train) = data.train.split(at: 5000)
        let mlp = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
        let trainer = Trainer(model: mlp, configuration: TrainingConfiguration(epochs: 1, batchSize: 32, seed: 42))
        var epochs: [Int] = []
        let run = trainer.train(optimizer: Adam(), from: mlp.initialParameters(seed: 42),
                                on: train.prefix(3000), validation: valid.prefix(500)) { event in
            if case .epochEnded(let epoch) = event { epochs.append(epoch.epoch) }
        }
        let test = mlp.outputs(parameters: run.parameters, on: data.test)
        let report = try ClassificationReport(trueLabels: data.test.labels.map(Int.init), predictedLabels: test.predictions,
                                              classCount: 10, targetNames: data.classNames)
        #expect(epochs == [1])
        #expect(report.text.contains("Ankle boot"))
        #expect(test.accuracy > 0.7)
    }
}
