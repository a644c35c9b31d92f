import Foundation
import OptBenchData
import OptBenchKernels
import OptBenchModel
import OptBenchOptimizers
import OptBenchTraining
import Testing

@Suite("Trainer")
struct TrainerTests {
    static let train = syntheticImages(count: 600, seed: 1)
    static let validation = syntheticImages(count: 150, seed: 2)

    func trainer(epochs: Int = 8, batchSize: Int = 32, seed: UInt64 = 7, shuffle: Bool = true) -> Trainer {
        Trainer(model: tinyModel, configuration: TrainingConfiguration(
            epochs: epochs, batchSize: batchSize, seed: seed, shuffle: shuffle))
    }

    /// The classes are separable by construction; chance is 1/3. Adam with a
    /// learning rate of 0.01 gets there in a few epochs.
    @Test("Adam learns the synthetic set: validation accuracy above 90%, falling loss")
    func learns() {
        let eventLog = EventLog()
        let result = trainer().train(optimizer: Adam(learningRate: 0.01), from: tinyModel.initialParameters(seed: 1),
                                     on: Self.train, validation: Self.validation, observer: eventLog.record)
        #expect(result.divergence == nil)
        #expect(result.history.map(\.epoch) == Array(1...8))
        let last = result.history.last!
        #expect(last.valAccuracy! > 0.9, "validation accuracy \(last.valAccuracy!)")
        #expect(last.accuracy > 0.9)
        #expect(last.loss < result.history[0].loss)
        #expect(last.valLoss! < log(3.0) / 2, "validation loss \(last.valLoss!) (chance is ln 3)")
        // The first epoch starts near chance: ln 3 ≈ 1.0986.
        #expect(result.history[0].loss < 1.3)
        #expect(result.history.allSatisfy { $0.seconds >= 0 })
        #expect(abs(result.seconds - result.history.reduce(0) { $0 + $1.seconds }) < 1e-9)
        #expect(eventLog.epochs == result.history)
        #expect(eventLog.flushedAtEveryEvent, "the trainer must run with subnormals flushed to zero")
        #expect(!Kernels.flushesToZero, "and restore the mode after")
    }

    @Test("the same seed reproduces history and parameters bit for bit")
    func reproducible() {
        let initial = tinyModel.initialParameters(seed: 3)
        func run(seed: UInt64) -> TrainingResult {
            trainer(epochs: 3, seed: seed).train(optimizer: RMSprop(learningRate: 0.005, momentum: 0.5, centered: true),
                                                 from: initial, on: Self.train, validation: Self.validation)
        }
        let a = run(seed: 11), b = run(seed: 11), c = run(seed: 12)
        #expect(a.parameters.bits == b.parameters.bits)
        func withoutTimes(_ h: [EpochRecord]) -> [EpochRecord] { h.map { var r = $0; r.seconds = 0; return r } }
        #expect(withoutTimes(a.history) == withoutTimes(b.history))
        // Another shuffle seed visits other batches.
        #expect(a.parameters != c.parameters)
    }

    /// Keras's `fit`: the epoch's loss is the running mean of the batches' mean
    /// losses weighted by batch size, each taken before its batch's update;
    /// accuracy likewise. Checked against the loop written out by hand, which
    /// also reproduces the final parameters bit for bit (so the trainer visits
    /// exactly `order(epoch:count:)`, keeps the last partial batch, and updates
    /// once per batch), for batch sizes with a partial last batch, of 1, and
    /// larger than the set.
    @Test("history and parameters equal the hand-written Keras loop",
          arguments: [(600, 32), (55, 32), (20, 1), (20, 25), (64, 32), (600, 7)])
    func matchesHandWrittenLoop(count: Int, batchSize: Int) {
        let data = Self.train.prefix(count)
        let trainer = trainer(epochs: 2, batchSize: batchSize)
        let optimizer = Adam(learningRate: 0.01)
        let initial = tinyModel.initialParameters(seed: 5)
        let log = EventLog()
        let result = trainer.train(optimizer: optimizer, from: initial, on: data, validation: nil, observer: log.record)
        let hand = HandTraining(trainer: trainer, optimizer: optimizer, initial: initial, on: data)

        #expect(result.parameters.bits == hand.parameters.bits)
        let steps = (count + batchSize - 1) / batchSize
        #expect(hand.batches.map(\.count) == [steps, steps])
        #expect(hand.batches[0].last!.size == count - (steps - 1) * batchSize)
        for record in result.history {
            let expected = hand.epochLoss(record.epoch)
            #expect(abs(record.loss - expected) <= 1e-12 * expected, "epoch \(record.epoch): \(record.loss) vs \(expected)")
            #expect(abs(record.accuracy - hand.epochAccuracy(record.epoch)) <= 1e-12)
            #expect(record.valLoss == nil && record.valAccuracy == nil)
        }
        // The progress events carry the running means; the last one of an epoch
        // is the epoch's record.
        for epoch in 1...2 {
            let events = log.steps.filter { $0.epoch == epoch }
            #expect(events.map(\.step) == Array(1...steps))
            #expect(events.allSatisfy { $0.steps == steps })
            var weighted = 0.0, seen = 0, correct = 0
            for (event, batch) in zip(events, hand.batches[epoch - 1]) {
                weighted += batch.meanLoss * Double(batch.size)
                seen += batch.size
                correct += batch.correct
                #expect(abs(event.loss - weighted / Double(seen)) <= 1e-12 * event.loss)
                #expect(abs(event.accuracy - Double(correct) / Double(seen)) <= 1e-12)
            }
            #expect(events.last!.loss == result.history[epoch - 1].loss)
            #expect(events.last!.accuracy == result.history[epoch - 1].accuracy)
        }
    }

    /// The trainer applies each step's update while computing the gradient
    /// (the first layer's rows as they come); every rule must give the
    /// parameters of the plain loop — gradient, then update — to the bit,
    /// on image-sized inputs, where the first layer is split among threads.
    @Test("every optimizer's update applied during the gradient pass equals the plain loop",
          arguments: [SGD(), SGD(momentum: 0.9), SGD(momentum: 0.8, nesterov: true),
                      RMSprop(), RMSprop(momentum: 0.5, centered: true), Adam(), Adam(amsgrad: true)] as [any GradientOptimizer])
    func fusedUpdateMatchesPlainLoop(optimizer: any GradientOptimizer) {
        let model = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [24], classCount: 3))
        let data = imageLikeSet(count: 80, seed: 3)
        let trainer = Trainer(model: model, configuration: TrainingConfiguration(epochs: 2, batchSize: 16, seed: 5))
        let initial = model.initialParameters(seed: 6)
        let result = trainer.train(optimizer: optimizer, from: initial, on: data, validation: nil)
        let hand = HandTraining(trainer: trainer, optimizer: optimizer, initial: initial, on: data)
        let differ = zip(result.parameters, hand.parameters).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differ == 0, "\(optimizer.name): \(differ) of \(initial.count) parameters differ")
        #expect(result.history.map(\.loss) == (1...2).map { hand.epochLoss($0) })
    }

    /// 55 samples in batches of 32 are 2 steps (32 + 23): ⌈n/b⌉ `.stepEnded`
    /// events per epoch, then `.epochEnded`.
    @Test("steps per epoch are ⌈n/b⌉, with the events in order")
    func stepsPerEpoch() {
        let log = EventLog()
        _ = trainer(epochs: 2, batchSize: 32).train(optimizer: SGD(), from: tinyModel.initialParameters(seed: 1),
                                                    on: Self.train.prefix(55), validation: Self.validation.prefix(10),
                                                    observer: log.record)
        let kinds = log.events.map { event -> String in
            switch event {
            case let .stepEnded(epoch, step, steps, _, _, _): "s\(epoch).\(step)/\(steps)"
            case let .epochEnded(record): "e\(record.epoch)"
            case .diverged: "d"
            }
        }
        #expect(kinds == ["s1.1/2", "s1.2/2", "e1", "s2.1/2", "s2.2/2", "e2"])
        let configuration = TrainingConfiguration(batchSize: 32)
        #expect(configuration.stepsPerEpoch(sampleCount: 55) == 2)
        #expect(configuration.stepsPerEpoch(sampleCount: 64) == 2)
        #expect(configuration.stepsPerEpoch(sampleCount: 65) == 3)
        #expect(configuration.stepsPerEpoch(sampleCount: 1) == 1)
        #expect(configuration.stepsPerEpoch(sampleCount: 55_000) == 1_719)
    }

    @Test("batch sizes of 1 and larger than the set work", arguments: [1, 25])
    func extremeBatchSizes(batchSize: Int) {
        let log = EventLog()
        let result = trainer(epochs: 1, batchSize: batchSize).train(
            optimizer: SGD(learningRate: 0.1), from: tinyModel.initialParameters(seed: 1),
            on: Self.train.prefix(20), validation: Self.validation, observer: log.record)
        #expect(result.divergence == nil)
        #expect(log.steps.count == (batchSize == 1 ? 20 : 1))
        #expect(result.history.count == 1)
        #expect(result.history[0].loss.isFinite && result.history[0].valLoss!.isFinite)
    }

    /// A learning rate of 1e30 sends the weights to ~1e28 after one step; the
    /// next logits overflow and the loss becomes NaN. Training stops there and
    /// says where.
    @Test("a diverging run stops with a Divergence and tells the observer")
    func divergence() {
        let log = EventLog()
        let result = trainer(epochs: 3).train(optimizer: SGD(learningRate: 1e30), from: tinyModel.initialParameters(seed: 1),
                                              on: Self.train, validation: Self.validation, observer: log.record)
        let divergence = try! #require(result.divergence)
        #expect(divergence.epoch == 1)
        #expect(divergence.step >= 2 && divergence.step <= 19)
        #expect(log.divergences == [divergence])
        if case .diverged = log.events.last {} else { Issue.record("the last event is not .diverged") }
        #expect(result.history.count == divergence.epoch - 1)
        #expect(log.steps.count == divergence.step - 1, "every step before the divergent one was reported")
        #expect(divergence.description.contains("epoch 1"))
    }

    @Test("zero epochs train nothing")
    func zeroEpochs() {
        let initial = tinyModel.initialParameters(seed: 1)
        let log = EventLog()
        let result = trainer(epochs: 0).train(optimizer: Adam(), from: initial, on: Self.train, validation: nil,
                                              observer: log.record)
        #expect(result.history.isEmpty && log.events.isEmpty && result.divergence == nil)
        #expect(result.parameters == initial)
    }

    /// The validation columns are the model's outputs on the validation set
    /// with the parameters at the end of the epoch.
    @Test("validation loss and accuracy are the outputs after the epoch")
    func validationColumns() {
        let result = trainer(epochs: 1).train(optimizer: Adam(learningRate: 0.01), from: tinyModel.initialParameters(seed: 1),
                                              on: Self.train, validation: Self.validation)
        let outputs = Kernels.withFlushToZero { tinyModel.outputs(parameters: result.parameters, on: Self.validation) }
        #expect(result.history[0].valLoss == outputs.loss)
        #expect(result.history[0].valAccuracy == outputs.accuracy)
    }
}

@Suite("Shuffling")
struct ShuffleTests {
    func trainer(seed: UInt64, shuffle: Bool = true) -> Trainer {
        Trainer(model: tinyModel, configuration: TrainingConfiguration(seed: seed, shuffle: shuffle))
    }

    @Test("each epoch's order is a permutation", arguments: [1, 2, 7, 55, 1000])
    func permutation(count: Int) {
        for epoch in 1...3 {
            let order = trainer(seed: 42).order(epoch: epoch, count: count)
            #expect(order.sorted() == Array(0..<Int32(count)))
        }
    }

    @Test("same seed and epoch, same order; another epoch or seed, another order")
    func determinism() {
        let a = trainer(seed: 42), b = trainer(seed: 42), c = trainer(seed: 43)
        for epoch in 1...3 {
            #expect(a.order(epoch: epoch, count: 500) == b.order(epoch: epoch, count: 500))
            #expect(a.order(epoch: epoch, count: 500) != c.order(epoch: epoch, count: 500))
        }
        #expect(a.order(epoch: 1, count: 500) != a.order(epoch: 2, count: 500))
        #expect(a.order(epoch: 2, count: 500) != a.order(epoch: 3, count: 500))
        // The order does not depend on the model or the batch size.
        let other = Trainer(model: MLP(MLPArchitecture(inputSize: 5, hiddenSizes: [], classCount: 2)),
                            configuration: TrainingConfiguration(batchSize: 7, seed: 42))
        #expect(other.order(epoch: 2, count: 500) == a.order(epoch: 2, count: 500))
        // A shuffle actually shuffles: few fixed points (about 1 expected).
        let order = a.order(epoch: 1, count: 500)
        #expect(order.enumerated().filter { Int32($0.offset) == $0.element }.count < 10)
    }

    @Test("without shuffling every epoch is in order")
    func noShuffle() {
        let t = trainer(seed: 42, shuffle: false)
        #expect(t.order(epoch: 1, count: 10) == Array(0..<10))
        #expect(t.order(epoch: 5, count: 10) == Array(0..<10))
        #expect(trainer(seed: 42).order(epoch: 1, count: 0).isEmpty)
    }

    /// With `shuffle: false` the trainer visits the samples in order: the
    /// hand-written loop in order reproduces it; with shuffling it does not.
    @Test("the trainer uses the order it reports")
    func usesOrder() {
        let data = TrainerTests.train.prefix(100)
        let initial = tinyModel.initialParameters(seed: 2)
        let optimizer = SGD(learningRate: 0.1)
        let unshuffled = Trainer(model: tinyModel, configuration: TrainingConfiguration(epochs: 1, batchSize: 16, shuffle: false))
        let shuffled = Trainer(model: tinyModel, configuration: TrainingConfiguration(epochs: 1, batchSize: 16, shuffle: true))
        let inOrder = HandTraining(trainer: unshuffled, optimizer: optimizer, initial: initial, on: data)
        #expect(unshuffled.train(optimizer: optimizer, from: initial, on: data, validation: nil).parameters.bits
                == inOrder.parameters.bits)
        #expect(shuffled.train(optimizer: optimizer, from: initial, on: data, validation: nil).parameters.bits
                != inOrder.parameters.bits)
    }
}

@Suite("Model outputs and records")
struct OutputsTests {
    static let data = syntheticImages(count: 70, seed: 9)
    static let parameters = tinyModel.initialParameters(seed: 4)

    /// The batch size changes only the order of the loss sum.
    @Test("outputs do not depend on the batch size", arguments: [1, 7, 64, 256])
    func batchSizes(batchSize: Int) {
        let reference = tinyModel.outputs(parameters: Self.parameters, on: Self.data, batchSize: 70)
        let outputs = tinyModel.outputs(parameters: Self.parameters, on: Self.data, batchSize: batchSize)
        #expect(outputs.predictions == reference.predictions)
        #expect(outputs.accuracy == reference.accuracy)
        #expect(abs(outputs.loss - reference.loss) <= 1e-12 * reference.loss)
        #expect(outputs.probabilities.isEmpty)
    }

    @Test("probabilities are the softmax, predictions their argmax, loss their mean −log p_y")
    func probabilities() {
        let outputs = tinyModel.outputs(parameters: Self.parameters, on: Self.data, batchSize: 16, keepProbabilities: true)
        #expect(outputs.probabilities.count == 70 * 3)
        var loss = 0.0, correct = 0
        for s in 0..<70 {
            let p = Array(outputs.probabilities[(s * 3)..<(s * 3 + 3)])
            #expect(abs(p.reduce(0, +) - 1) < 1e-6)
            #expect(outputs.predictions[s] == p.firstIndex(of: p.max()!)!)
            loss -= Foundation.log(Double(p[Int(Self.data.labels[s])]))
            if outputs.predictions[s] == Int(Self.data.labels[s]) { correct += 1 }
        }
        #expect(abs(outputs.loss - loss / 70) < 1e-5)
        #expect(outputs.accuracy == Double(correct) / 70)
    }

    @Test("a small given workspace limits the batch size without changing results")
    func smallWorkspace() {
        let workspace = MLPWorkspace(model: tinyModel, capacity: 5)
        let small = tinyModel.outputs(parameters: Self.parameters, on: Self.data, batchSize: 256, workspace: workspace)
        let reference = tinyModel.outputs(parameters: Self.parameters, on: Self.data, batchSize: 5)
        #expect(small.predictions == reference.predictions && small.loss == reference.loss)
    }

    @Test("configuration defaults and JSON keys")
    func configuration() throws {
        let c = TrainingConfiguration()
        #expect(c.epochs == 30 && c.batchSize == 32 && c.seed == 42 && c.shuffle && c.evaluationBatchSize == 256)
        let json = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        #expect(json.contains("\"batch_size\":32") && json.contains("\"evaluation_batch_size\":256"))
        #expect(try JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8)) == c)
        let record = EpochRecord(epoch: 1, loss: 0.5, accuracy: 0.75, valLoss: 0.25, valAccuracy: 0.875, seconds: 2)
        let recordJSON = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        #expect(recordJSON.contains("\"val_loss\":0.25") && recordJSON.contains("\"val_accuracy\":0.875"))
        #expect(try JSONDecoder().decode(EpochRecord.self, from: Data(recordJSON.utf8)) == record)
    }
}
