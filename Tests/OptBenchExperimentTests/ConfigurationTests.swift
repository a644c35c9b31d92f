import Foundation
import OptBench
import Testing

@Suite("ExperimentConfiguration.validate")
struct ConfigurationTests {
    @Test("the defaults are the reference study and are valid")
    func defaults() throws {
        let configuration = ExperimentConfiguration()
        try configuration.validate()
        try configuration.validate(trainingCount: 60_000)
        #expect(configuration.dataset == "fashion-mnist")
        #expect(configuration.epochs == 30 && configuration.batchSize == 32 && configuration.seed == 42)
        #expect(configuration.hiddenSizes == [300, 100] && configuration.validationSize == 5000)
        #expect(configuration.learningRate == nil)
        #expect(configuration.datasetKind == .fashionMNIST)
        #expect(ExperimentConfiguration(dataset: "mnist").datasetKind == .mnist)
    }

    @Test("no hidden layer and no validation set are allowed")
    func edgeValues() throws {
        try ExperimentConfiguration(epochs: 1, batchSize: 1, hiddenSizes: [], validationSize: 0).validate()
        try ExperimentConfiguration(learningRate: 1e-6).validate()
    }

    static let invalid: [(ExperimentConfiguration, String)] = [
        (ExperimentConfiguration(epochs: 0), "--epochs"),
        (ExperimentConfiguration(epochs: -3), "--epochs"),
        (ExperimentConfiguration(batchSize: 0), "--batch-size"),
        (ExperimentConfiguration(batchSize: -1), "--batch-size"),
        (ExperimentConfiguration(hiddenSizes: [300, 0]), "--hidden"),
        (ExperimentConfiguration(hiddenSizes: [-5]), "--hidden"),
        (ExperimentConfiguration(validationSize: -1), "--validation-size"),
        (ExperimentConfiguration(trainSize: 0), "--train-size"),
        (ExperimentConfiguration(learningRate: 0), "--learning-rate"),
        (ExperimentConfiguration(learningRate: -0.1), "--learning-rate"),
        (ExperimentConfiguration(learningRate: .nan), "--learning-rate"),
        (ExperimentConfiguration(learningRate: .infinity), "--learning-rate"),
        (ExperimentConfiguration(learningRate: 1e40), "--learning-rate"),  // overflows Float
        (ExperimentConfiguration(dataset: "cifar"), "--dataset"),
        (ExperimentConfiguration(dataset: "Fashion-MNIST"), "--dataset"),
        (ExperimentConfiguration(optimizers: []), "--optimizers"),
        (ExperimentConfiguration(optimizers: [OptimizerSpec(name: "sgd", settings: [.init(key: "beta_1", value: "0.9")])]),
         "--optimizers"),
        (ExperimentConfiguration(reportDigits: -1), "--digits"),
    ]

    @Test("each bad value is an error that names its option", arguments: 0..<invalid.count)
    func invalidValues(index: Int) {
        let (configuration, option) = Self.invalid[index]
        do {
            try configuration.validate()
            Issue.record("\(option): \(configuration) was accepted")
        } catch {
            #expect(isInvalidOption(error, option), "\(error)")
        }
    }

    @Test("the unknown dataset's error lists the known ones")
    func unknownDatasetMessage() {
        #expect {
            try ExperimentConfiguration(dataset: "cifar").validate()
        } throws: { error in
            let text = "\(error)"
            return text.contains("cifar") && text.contains("fashion-mnist") && text.contains("mnist")
        }
    }

    @Test("the validation set must leave training images", arguments: [(100, 100), (101, 100), (5000, 60)])
    func validationSizeAgainstTrainingCount(validationSize: Int, trainingCount: Int) {
        let configuration = ExperimentConfiguration(validationSize: validationSize)
        do {
            try configuration.validate(trainingCount: trainingCount)
            Issue.record("validation size \(validationSize) of \(trainingCount) images was accepted")
        } catch {
            #expect(isInvalidOption(error, "--validation-size"), "\(error)")
            #expect(error.description.contains("\(trainingCount)"))
        }
    }

    @Test("a validation set smaller than the training set is fine")
    func validationSizeFits() throws {
        try ExperimentConfiguration(validationSize: 99).validate(trainingCount: 100)
        try ExperimentConfiguration(validationSize: 0).validate(trainingCount: 1)
    }

    @Test("Experiment.run validates before training")
    func runValidates() throws {
        let dataset = syntheticDataset(trainCount: 40, testCount: 10)
        var configuration = try smallConfiguration(validationSize: 40)
        #expect(throws: ExperimentError.self) { try Experiment(configuration: configuration).run(dataset: dataset, source: "") }
        configuration.validationSize = 10
        configuration.epochs = 0
        var events = 0
        #expect(throws: ExperimentError.self) {
            try Experiment(configuration: configuration).run(dataset: dataset, source: "", observer: { _ in events += 1 })
        }
        #expect(events == 0)
    }
}

@Suite("Model summary")
struct ModelSummaryTests {
    @Test("the reference network's Keras summary")
    func referenceNetwork() {
        let mlp = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
        #expect(mlp.parameterCount == 266_610)
        let summary = mlp.summary(imageShape: [28, 28])
        #expect(summary.contains("Total params: 266,610 (1.02 MB)"))
        #expect(summary.contains("Trainable params: 266,610 (1.02 MB)"))
        #expect(summary.contains("Non-trainable params: 0 (0.00 B)"))
        let rows = summary.split(separator: "\n").filter { $0.hasPrefix("│") }
        #expect(rows.count == 4)
        let expected = [("flatten (Flatten)", "(None, 784)", "0"), ("dense (Dense)", "(None, 300)", "235,500"),
                        ("dense_1 (Dense)", "(None, 100)", "30,100"), ("dense_2 (Dense)", "(None, 10)", "1,010")]
        for (row, (layer, shape, count)) in zip(rows, expected) {
            let cells = row.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells == [layer, shape, count])
        }
    }

    @Test("the experiment records the model it trains")
    func experimentModel() throws {
        let configuration = ExperimentConfiguration(hiddenSizes: [300, 100])
        let dataset = syntheticDataset(trainCount: 20, testCount: 10, side: 28)
        let (info, model) = Experiment(configuration: configuration).describe(dataset: dataset, source: "memory")
        #expect(model.parameterCount == 266_610)
        #expect(model.layers.map(\.outputs) == [300, 100, 10])
        #expect(model.summary.contains("Total params: 266,610 (1.02 MB)"))
        #expect(info.name == "mnist" && info.source == "memory" && info.classNames.count == 10)
    }
}
