import OptBenchOptimizers
import Testing

/// Keras's Adagrad (`initial_accumulator_value = 0.1`), with a Nadam-like
/// running product as a scalar, to test declared slots and scalars.
struct AccumulatingDescent: GradientOptimizer {
    var name: String { "adagrad" }
    var hyperparameters: [Hyperparameter] { [] }
    var slots: [SlotDeclaration] { [SlotDeclaration("accumulator", initialValue: 0.1)] }
    var scalars: [ScalarDeclaration] { [ScalarDeclaration("u_product", initialValue: 1)] }
    func step(_ t: Int) -> Step { Step() }

    /// `a ← a + g²; w ← w − 0.01·g / √a` (Adagrad without ε).
    struct Step: OptimizerStep {
        func apply(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>,
                   slots: UnsafeMutablePointer<Float>, slotStride: Int, count: Int) {
            for i in 0..<count {
                slots[i] += g[i] * g[i]
                w[i] -= 0.01 * g[i] / slots[i].squareRoot()
            }
        }
    }
}

@Suite("Optimizer state: declared slots and scalars")
struct OptimizerStateTests {
    @Test("slots start at their declared values and scalars at theirs")
    func initialValues() {
        let optimizer = AccumulatingDescent()
        var state = optimizer.makeState(parameterCount: 3)
        #expect(state.slotCount == 1 && state.slotNames == ["accumulator"])
        #expect(state.slot(named: "accumulator") == [0.1, 0.1, 0.1])
        #expect(state.slot(named: "velocity") == nil)
        #expect(state[scalar: "u_product"] == 1 && state.scalarNames == ["u_product"])
        state[scalar: "u_product"] = 0.5
        state[scalar: "missing"] = 2
        #expect(state.scalars == [0.5])
        var parameters: [Float] = [1, 1, 1]
        optimizer.update(parameters: &parameters, gradients: [0.3, 0, -0.3], state: &state)
        // 0.1 + 0.09 = 0.19 in Float, then the step with √0.19.
        let a: Float = 0.1 + 0.3 * 0.3
        #expect(state.slot(0) == [a, 0.1, a])
        #expect(parameters == [1 - 0.01 * 0.3 / a.squareRoot(), 1, 1 + 0.01 * 0.3 / a.squareRoot()])
    }

    @Test("the built-in rules name their slots as Keras does, all starting at zero")
    func builtInSlots() {
        #expect(SGD(momentum: 0.9).makeState(parameterCount: 2).slotNames == ["velocity"])
        #expect(SGD().makeState(parameterCount: 2).slotNames.isEmpty)
        #expect(Adam(amsgrad: true).makeState(parameterCount: 2).slotNames == ["momentum", "velocity", "velocity_hat"])
        #expect(RMSprop().makeState(parameterCount: 2).slotNames == ["velocity", "momentum", "average_gradient"])
        #expect(Adam().makeState(parameterCount: 5).values.allSatisfy { $0 == 0 })
        #expect(Adam().makeState(parameterCount: 5).scalars.isEmpty)
    }
}

@Suite("Checking optimizers and states")
struct OptimizerCheckTests {
    @Test("a state for another parameter count or another optimizer is a typed error")
    func stateMismatch() throws {
        let adam = Adam()
        try adam.check(adam.makeState(parameterCount: 4), count: 4)
        #expect(throws: OptimizerError.self) { try adam.check(adam.makeState(parameterCount: 4), count: 5) }
        #expect(throws: OptimizerError.self) { try adam.check(SGD(momentum: 0.9).makeState(parameterCount: 4), count: 4) }
        #expect(throws: OptimizerError.self) { try adam.check(Adam(amsgrad: true).makeState(parameterCount: 4), count: 4) }
    }

    @Test("hyperparameters built in code are checked against the registry's ranges")
    func hyperparameterRanges() throws {
        try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true).checkHyperparameters()
        try Adam(learningRate: 1e-4, beta2: 0.99, amsgrad: true).checkHyperparameters()
        try RMSprop(rho: 0.95, centered: true).checkHyperparameters()
        #expect(throws: OptimizerError.invalidValue(optimizer: "sgd", name: "learning_rate", value: "-0.1",
                                                    requirement: "must be > 0")) {
            try SGD(learningRate: -0.1).checkHyperparameters()
        }
        #expect(throws: OptimizerError.invalidValue(optimizer: "adam", name: "beta_1", value: "1",
                                                    requirement: "must be in [0, 1)")) {
            try Adam(beta1: 1).checkHyperparameters()
        }
        #expect(throws: OptimizerError.invalidValue(optimizer: "rmsprop", name: "epsilon", value: "0",
                                                    requirement: "must be > 0")) {
            try RMSprop(epsilon: 0).checkHyperparameters()
        }
        // Not in the registry: nothing to check against.
        try AccumulatingDescent().checkHyperparameters()
    }
}
