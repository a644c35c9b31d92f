import OptBench
import Testing

@Suite("OptimizerSpec parsing")
struct OptimizerSpecParsingTests {
    @Test("the default list is the reference study's four optimizers, unlabelled and unset")
    func defaults() throws {
        let specs = try OptimizerSpec.parseList("sgd,momentum,rmsprop,adam")
        #expect(specs.map(\.name) == ["sgd", "momentum", "rmsprop", "adam"])
        #expect(specs.map(\.label) == ["sgd", "momentum", "rmsprop", "adam"])
        #expect(specs.allSatisfy { $0.settings.isEmpty })
        #expect(ExperimentConfiguration().optimizers == specs)
    }

    @Test("hyperparameters in parentheses, in order, with the entry as label")
    func hyperparameters() throws {
        let specs = try OptimizerSpec.parseList("adam(learning_rate=0.0005, beta_2=0.99)")
        try #require(specs.count == 1)
        #expect(specs[0].name == "adam")
        #expect(specs[0].settings == [.init(key: "learning_rate", value: "0.0005"), .init(key: "beta_2", value: "0.99")])
        #expect(specs[0].label == "adam(learning_rate=0.0005,beta_2=0.99)")
        let adam = try #require(try specs[0].make(learningRate: nil) as? Adam)
        #expect(adam.learningRate == 0.0005)
        #expect(adam.beta2 == 0.99)
        #expect(adam.beta1 == Adam().beta1)
        #expect(adam.epsilon == Adam().epsilon)
        #expect(adam.amsgrad == false)
    }

    @Test("'lr' is short for learning_rate")
    func lrAlias() throws {
        let spec = try OptimizerSpec.parse("sgd(lr=0.1)")
        #expect(spec.settings == [.init(key: "learning_rate", value: "0.1")])
        let sgd = try #require(try spec.make(learningRate: nil) as? SGD)
        #expect(sgd.learningRate == 0.1)
        #expect(throws: ExperimentError.self) { try OptimizerSpec.parse("sgd(lr=0.1, learning_rate=0.2)") }
    }

    @Test("a label before '=' names the run")
    func labels() throws {
        let specs = try OptimizerSpec.parseList("sgd, fast=sgd(lr=0.1), slow-adam.v2 = adam(lr=1e-4)")
        #expect(specs.map(\.label) == ["sgd", "fast", "slow-adam.v2"])
        #expect(specs.map(\.name) == ["sgd", "sgd", "adam"])
        #expect(specs[1].settings == [.init(key: "learning_rate", value: "0.1")])
        #expect(specs[1].description == "fast")
    }

    @Test("commas inside parentheses belong to their entry")
    func commasInsideParentheses() throws {
        let specs = try OptimizerSpec.parseList("adam(lr=0.002,beta_1=0.8,amsgrad=true),rmsprop(rho=0.95, centered=yes),nesterov")
        #expect(specs.map(\.name) == ["adam", "rmsprop", "nesterov"])
        #expect(specs[0].settings.map(\.key) == ["learning_rate", "beta_1", "amsgrad"])
        let adam = try #require(try specs[0].make(learningRate: nil) as? Adam)
        #expect(adam.learningRate == 0.002 && adam.beta1 == 0.8 && adam.amsgrad)
        let rmsprop = try #require(try specs[1].make(learningRate: nil) as? RMSprop)
        #expect(rmsprop.rho == 0.95 && rmsprop.centered)
    }

    @Test("names are case-insensitive and whitespace around entries is ignored")
    func caseAndWhitespace() throws {
        let specs = try OptimizerSpec.parseList("  SGD ,\tAdam ")
        #expect(specs.map(\.name) == ["sgd", "adam"])
        #expect(specs.map(\.label) == ["sgd", "adam"])
    }

    @Test("the same label twice is rejected, whether implicit or explicit",
          arguments: ["sgd,sgd", "adam,momentum,adam", "a=sgd,a=adam", "sgd,sgd=adam", "sgd(lr=0.1),sgd(lr=0.1)"])
    func duplicateLabels(list: String) {
        expectOptimizersError(list, mentioning: "twice")
    }

    @Test("two runs of one optimizer are allowed under two labels")
    func sameOptimizerTwoLabels() throws {
        let specs = try OptimizerSpec.parseList("sgd,other=sgd")
        #expect(specs.map(\.label) == ["sgd", "other"])
    }

    @Test("bad entries are --optimizers errors", arguments: [
        ("bogus", "bogus"),                         // unknown optimizer
        ("sgd,bogus(lr=0.1)", "bogus"),
        ("sgd(beta_1=0.9)", "beta_1"),              // a hyperparameter of another optimizer
        ("adam(momentum=0.9)", "momentum"),
        ("rmsprop(nesterov=true)", "nesterov"),
        ("adam(lr=fast)", "fast"),                  // not a number
        ("sgd(learning_rate=nan)", "nan"),          // not finite
        ("sgd(learning_rate=inf)", "inf"),
        ("sgd(learning_rate=1e40)", "1e40"),        // finite as Double, not as Float
        ("adam(epsilon=-inf)", "-inf"),
        ("sgd(learning_rate=0)", "learning_rate"),  // rate ≤ 0
        ("sgd(lr=-0.1)", "learning_rate"),
        ("momentum(momentum=1)", "momentum"),       // fractions outside [0, 1)
        ("sgd(momentum=-0.1)", "momentum"),
        ("rmsprop(rho=1.0)", "rho"),
        ("rmsprop(rho=-0.5)", "rho"),
        ("adam(beta_1=1)", "beta_1"),
        ("adam(beta_2=1.5)", "beta_2"),
        ("adam(beta_2=-0.1)", "beta_2"),
        ("adam(epsilon=0)", "epsilon"),             // epsilon ≤ 0
        ("rmsprop(epsilon=-1e-7)", "epsilon"),
        ("sgd(nesterov=maybe)", "maybe"),           // bad flag
        ("adam(amsgrad=2)", "amsgrad"),
        ("sgd(lr=0.1", "("),                        // unbalanced parentheses
        ("sgd(lr=0.1))", ")"),
        ("sgd)", ")"),
        ("sgd(lr=0.1)x", "sgd(lr=0.1)x"),
        ("sgd(lr)", "lr"),                          // not key=value
        ("sgd(lr=)", "lr="),
        ("", "empty"),                              // nothing
        ("sgd,,adam", "empty"),
        ("a b=sgd", "label"),                       // bad label
    ])
    func badEntries(list: String, mentioning word: String) {
        expectOptimizersError(list, mentioning: word)
    }
}

@Suite("OptimizerSpec.make")
struct OptimizerSpecMakeTests {
    @Test("--learning-rate applies to every optimizer that does not set its own")
    func sharedLearningRate() throws {
        let specs = try OptimizerSpec.parseList("sgd,momentum,nesterov,rmsprop,adam,own=adam(lr=0.5)")
        let rates = try specs.map { spec -> Float in
            let optimizer = try spec.make(learningRate: 0.05)
            let rate = optimizer.hyperparameters.first { $0.name == "learning_rate" }?.value
            guard case .number(let x) = rate else { return .nan }
            return Float(x)
        }
        #expect(rates == [0.05, 0.05, 0.05, 0.05, 0.05, 0.5])
    }

    @Test("without --learning-rate, Keras's default rates")
    func defaultRates() throws {
        let sgd = try #require(try OptimizerSpec(name: "sgd").make(learningRate: nil) as? SGD)
        #expect(sgd.learningRate == 0.01 && sgd.momentum == 0 && !sgd.nesterov)
        let rmsprop = try #require(try OptimizerSpec(name: "rmsprop").make(learningRate: nil) as? RMSprop)
        #expect(rmsprop.learningRate == 0.001 && rmsprop.rho == 0.9)
        let adam = try #require(try OptimizerSpec(name: "adam").make(learningRate: nil) as? Adam)
        #expect(adam.learningRate == 0.001 && adam.beta1 == 0.9 && adam.beta2 == 0.999)
    }

    @Test("momentum is SGD with momentum 0.9, nesterov adds Nesterov's update")
    func momentumAndNesterov() throws {
        let momentum = try #require(try OptimizerSpec(name: "momentum").make(learningRate: nil) as? SGD)
        #expect(momentum.momentum == 0.9 && !momentum.nesterov && momentum.learningRate == 0.01)
        #expect(momentum.name == "sgd")
        let nesterov = try #require(try OptimizerSpec(name: "nesterov").make(learningRate: 0.2) as? SGD)
        #expect(nesterov.momentum == 0.9 && nesterov.nesterov && nesterov.learningRate == 0.2)
        let custom = try #require(try OptimizerSpec.parse("momentum(momentum=0.5, nesterov=true)").make(learningRate: nil) as? SGD)
        #expect(custom.momentum == 0.5 && custom.nesterov)
    }

    @Test("a spec built in code is checked by make")
    func makeChecks() {
        #expect(throws: ExperimentError.self) { try OptimizerSpec(name: "lion").make(learningRate: nil) }
        #expect(throws: ExperimentError.self) {
            try OptimizerSpec(name: "sgd", settings: [.init(key: "rho", value: "0.9")]).make(learningRate: nil)
        }
    }
}

/// Expects `parseList(list)` to throw an `--optimizers` error whose text contains `word`.
func expectOptimizersError(_ list: String, mentioning word: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let specs = try OptimizerSpec.parseList(list)
        Issue.record("'\(list)' was accepted as \(specs)", sourceLocation: sourceLocation)
    } catch {
        #expect(isInvalidOption(error, "--optimizers"), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.contains(word), "'\(error.description)' does not mention '\(word)'",
                sourceLocation: sourceLocation)
    }
}
