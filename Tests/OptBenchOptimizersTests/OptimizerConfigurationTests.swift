import Foundation
import OptBenchOptimizers
import Testing

@Suite("Optimizer defaults, names and hyperparameters")
struct OptimizerConfigurationTests {
    /// Keras 3: `SGD(learning_rate=0.01, momentum=0.0, nesterov=False)`.
    @Test("SGD defaults are Keras's")
    func sgdDefaults() {
        let sgd = SGD()
        #expect(sgd.learningRate == 0.01)
        #expect(sgd.momentum == 0)
        #expect(!sgd.nesterov)
        #expect(sgd.name == "sgd")
        #expect(sgd.makeState(parameterCount: 10).slotCount == 0)
        #expect(SGD(momentum: 0.9).makeState(parameterCount: 10).slotCount == 1)
    }

    /// Keras 3: `RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False)`.
    @Test("RMSprop defaults are Keras's")
    func rmspropDefaults() {
        let rmsprop = RMSprop()
        #expect(rmsprop.learningRate == 0.001)
        #expect(rmsprop.rho == 0.9)
        #expect(rmsprop.momentum == 0)
        #expect(rmsprop.epsilon == 1e-7)
        #expect(!rmsprop.centered)
        #expect(rmsprop.name == "rmsprop")
        #expect(rmsprop.makeState(parameterCount: 10).slotCount == 3)
    }

    /// Keras 3: `Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False)`.
    @Test("Adam defaults are Keras's")
    func adamDefaults() {
        let adam = Adam()
        #expect(adam.learningRate == 0.001)
        #expect(adam.beta1 == 0.9)
        #expect(adam.beta2 == 0.999)
        #expect(adam.epsilon == 1e-7)
        #expect(!adam.amsgrad)
        #expect(adam.name == "adam")
        #expect(adam.makeState(parameterCount: 10).slotCount == 2)
        #expect(Adam(amsgrad: true).makeState(parameterCount: 10).slotCount == 3)
    }

    @Test("hyperparameters are listed in Keras's order with their values")
    func hyperparameterLists() {
        func check(_ list: [Hyperparameter], _ expected: [(String, HyperparameterValue)]) {
            #expect(list.map(\.name) == expected.map(\.0))
            for (h, (name, value)) in zip(list, expected) {
                switch (h.value, value) {
                case let (.number(x), .number(y)):
                    // The values are stored as Float: compare at Float precision.
                    #expect(Float(x) == Float(y), "\(name)")
                case let (.flag(x), .flag(y)):
                    #expect(x == y, "\(name)")
                default:
                    Issue.record("\(name): \(h.value) is not like \(value)")
                }
            }
        }
        check(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true).hyperparameters,
              [("learning_rate", .number(0.1)), ("momentum", .number(0.9)), ("nesterov", .flag(true))])
        check(RMSprop().hyperparameters,
              [("learning_rate", .number(0.001)), ("rho", .number(0.9)), ("momentum", .number(0)),
               ("epsilon", .number(1e-7)), ("centered", .flag(false))])
        check(Adam(amsgrad: true).hyperparameters,
              [("learning_rate", .number(0.001)), ("beta_1", .number(0.9)), ("beta_2", .number(0.999)),
               ("epsilon", .number(1e-7)), ("amsgrad", .flag(true))])
    }

    /// Reports and `results.json` show the values as written (`0.001`), not
    /// as `Double(Float(x))` (`0.0010000000474974513`).
    @Test("hyperparameters print as written")
    func hyperparametersPrintAsWritten() {
        #expect(Adam().hyperparameters.map(\.value.description) == ["0.001", "0.9", "0.999", "1e-07", "false"])
        #expect(SGD().hyperparameters.map(\.value.description) == ["0.01", "0", "false"])
        #expect(RMSprop(momentum: 0.9).hyperparameters.map(\.value.description)
                == ["0.001", "0.9", "0.9", "1e-07", "false"])
    }

    @Test("hyperparameter values print and encode")
    func hyperparameterValues() throws {
        #expect(HyperparameterValue.number(0.001).description == "0.001")
        #expect(HyperparameterValue.number(1e-7).description == "1e-07")
        #expect(HyperparameterValue.number(32).description == "32")
        #expect(HyperparameterValue.flag(true).description == "true")
        let values: [Hyperparameter] = [.init("a", .number(0.5)), .init("b", .flag(false)), .init("c", .number(1))]
        let data = try JSONEncoder().encode(values)
        #expect(try JSONDecoder().decode([Hyperparameter].self, from: data) == values)
    }

    @Test("state slots are laid out one after another")
    func stateLayout() {
        var state = OptimizerState(slotCount: 3, parameterCount: 4)
        #expect(state.values.count == 12 && state.step == 0)
        state.withSlots { base in for q in 0..<12 { base[q] = Float(q) } }
        #expect(state.slot(0) == [0, 1, 2, 3])
        #expect(state.slot(2) == [8, 9, 10, 11])
        var empty = OptimizerState(slotCount: 0, parameterCount: 4)
        empty.withSlots { _ in }   // must not trap on an empty buffer
        #expect(empty.values.isEmpty)
    }
}
