import OptBenchOptimizers
import Testing

/// `w ← w − η·sign(g)`: a user's own optimizer, written only over ranges
/// (through the default, staged product entry point), for the registry's tests.
struct SignDescent: GradientOptimizer {
    var learningRate: Float
    var name: String { "signsgd" }
    var hyperparameters: [Hyperparameter] { [Hyperparameter("learning_rate", .float(learningRate))] }
    var slots: [SlotDeclaration] { [] }
    func step(_ t: Int) -> Step { Step(rate: learningRate) }

    struct Step: OptimizerStep {
        let rate: Float
        func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                   slots: UnsafeMutablePointer<Float>, slotStride: Int, count: Int) {
            for i in 0..<count where g[i] != 0 { w[i] -= g[i] > 0 ? rate : -rate }
        }
    }
}

@Suite("The optimizer registry")
struct OptimizerRegistryTests {
    @Test("the standard registry builds the built-in rules with Keras's defaults")
    func standard() throws {
        let registry = OptimizerRegistry.standard
        #expect(registry.names == ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
        let momentum = try #require(try registry.make("momentum") as? SGD)
        #expect(momentum.momentum == 0.9 && !momentum.nesterov && momentum.learningRate == 0.01)
        let nesterov = try #require(try registry.make("NESTEROV") as? SGD)
        #expect(nesterov.nesterov)
        let adam = try #require(try registry.make("adam", settings: [.init(key: "lr", value: "0.0005"),
                                                                     .init(key: "amsgrad", value: "yes")]) as? Adam)
        #expect(adam.learningRate == 0.0005 && adam.amsgrad && adam.beta2 == 0.999)
        let rmsprop = try #require(try registry.make("rmsprop", defaultLearningRate: 0.01) as? RMSprop)
        #expect(rmsprop.learningRate == 0.01)
        // A rate in the settings wins over the run-wide default.
        let sgd = try #require(try registry.make("sgd", settings: [.init(key: "learning_rate", value: "0.2")],
                                                 defaultLearningRate: 0.01) as? SGD)
        #expect(sgd.learningRate == 0.2)
    }

    @Test("an unknown name lists the known ones")
    func unknownName() {
        #expect(throws: OptimizerError.unknownOptimizer("lion", known: ["sgd", "momentum", "nesterov", "rmsprop", "adam"])) {
            try OptimizerRegistry.standard.make("Lion")
        }
    }

    @Test("a hyperparameter the optimizer does not have lists those it has")
    func unknownHyperparameter() {
        #expect(throws: OptimizerError.unknownHyperparameter(optimizer: "sgd", name: "rho",
                                                             known: ["learning_rate", "momentum", "nesterov"])) {
            try OptimizerRegistry.standard.make("sgd", settings: [.init(key: "rho", value: "0.9")])
        }
    }

    @Test("values out of range are rejected with what is required", arguments: [
        ("adam", "beta_1", "1", "must be in [0, 1)"),
        ("rmsprop", "rho", "-0.1", "must be in [0, 1)"),
        ("sgd", "learning_rate", "0", "must be > 0"),
        ("adam", "epsilon", "-1e-7", "must be > 0"),
        ("sgd", "momentum", "nan", "is not a finite number"),
        ("adam", "learning_rate", "1e39", "is not a finite number"),
        ("rmsprop", "centered", "maybe", "must be true or false"),
    ])
    func badValues(name: String, key: String, value: String, requirement: String) {
        #expect(throws: OptimizerError.invalidValue(optimizer: name, name: key, value: value, requirement: requirement)) {
            try OptimizerRegistry.standard.make(name, settings: [.init(key: key, value: value)])
        }
    }

    @Test("a user's optimizer is registered, built by name and applied; a taken name is refused")
    func userOptimizer() throws {
        var registry = OptimizerRegistry.standard
        try registry.register("SignSGD") { (values: inout HyperparameterReader) throws(OptimizerError) in
            SignDescent(learningRate: try values.learningRate(default: 0.001))
        }
        #expect(registry.names.last == "signsgd" && registry.contains("signsgd"))
        let optimizer = try registry.make("signsgd", settings: [.init(key: "lr", value: "0.5")])
        var parameters: [Float] = [1, 1, 1, 1]
        var state = optimizer.makeState(parameterCount: 4)
        optimizer.update(parameters: &parameters, gradients: [3, -0.25, 0, 1e-30], state: &state)
        #expect(parameters == [0.5, 1.5, 1, 0.5])
        #expect(state.step == 1)
        #expect(throws: OptimizerError.alreadyRegistered("adam")) {
            try registry.register("Adam") { _ throws(OptimizerError) in Adam() }
        }
        #expect(throws: OptimizerError.invalidValue(optimizer: "signsgd", name: "learning_rate", value: "-1",
                                                    requirement: "must be > 0")) {
            try registry.make("signsgd", settings: [.init(key: "lr", value: "-1")])
        }
        // The standard registry is unchanged.
        #expect(!OptimizerRegistry.standard.contains("signsgd"))
    }
}
