@testable import OptBenchModel
import OptBenchKernels
import Testing

/// How the first hidden layer's units (the rows of `W₂`) are split between
/// the two parts of a training step (``MLPWorkspace/secondLayerSplits``).
@Suite("Second layer's rows owned by the parts")
struct SecondLayerSplitTests {
    @Test("two runs from 0 to the unit count, cut near the middle at a multiple of 16")
    func splits() {
        for units in 1...600 {
            let splits = MLPWorkspace.secondLayerSplits(units: units)
            #expect(splits.count == 3 && splits[0] == 0 && splits[2] == units, "\(units): \(splits)")
            #expect(splits[1] <= units && (splits[1] % 16 == 0 || splits[1] == units), "\(units): \(splits)")
            #expect(abs(splits[1] - units / 2) <= 15, "\(units): \(splits)")
        }
        #expect(MLPWorkspace.secondLayerSplits(units: 300) == [0, 160, 300])
        #expect(MLPWorkspace.secondLayerSplits(units: 7) == [0, 7, 7])
    }

    @Test("a workspace of a model with two hidden layers or more splits its first hidden layer")
    func workspace() {
        let deep = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))
        #expect(MLPWorkspace(model: deep, capacity: 32).secondLayerSplits == [0, 160, 300])
        let shallow = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [], classCount: 10))
        #expect(MLPWorkspace(model: shallow, capacity: 32).secondLayerSplits.isEmpty)
    }
}
