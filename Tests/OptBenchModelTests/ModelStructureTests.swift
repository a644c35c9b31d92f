import Foundation
import OptBenchModel
import Testing

@Suite("Model layout and initialisation")
struct ModelStructureTests {
    static let study = MLP(MLPArchitecture(inputSize: 784, hiddenSizes: [300, 100], classCount: 10))

    @Test("the study's network has 266,610 parameters laid out layer by layer")
    func layout() {
        let mlp = Self.study
        #expect(mlp.parameterCount == 266_610)
        #expect(mlp.architecture.layerWidths == [784, 300, 100, 10])
        #expect(mlp.inputSize == 784 && mlp.classCount == 10)
        #expect(mlp.layers.count == 3)
        let expected: [(inputs: Int, outputs: Int, weight: Int, bias: Int, activation: Activation)] = [
            (784, 300, 0, 235_200, .relu),
            (300, 100, 235_500, 265_500, .relu),
            (100, 10, 265_600, 266_600, .softmax),
        ]
        for (layer, e) in zip(mlp.layers, expected) {
            #expect(layer.inputs == e.inputs && layer.outputs == e.outputs)
            #expect(layer.weightOffset == e.weight)
            #expect(layer.biasOffset == e.bias)
            #expect(layer.activation == e.activation)
        }
        #expect(mlp.layers.map(\.parameterCount) == [235_500, 30_100, 1_010])
        #expect(mlp.layers.map(\.parameterCount).reduce(0, +) == mlp.parameterCount)
    }

    @Test("a network without hidden layers is one softmax layer")
    func noHiddenLayers() {
        let mlp = MLP(MLPArchitecture(inputSize: 4, hiddenSizes: [], classCount: 3))
        #expect(mlp.parameterCount == 15)
        #expect(mlp.layers.count == 1)
        #expect(mlp.layers[0].activation == .softmax && mlp.layers[0].biasOffset == 12)
    }

    /// Keras's GlorotUniform: every weight in `[−L, L]` with
    /// `L = √(6 / (fan_in + fan_out))`, biases zero. For the 235,200 weights of
    /// the first layer, the sample mean has standard deviation
    /// `L/√(3N) ≈ 8.9e-5` and the sample variance a relative standard deviation
    /// of about `√(0.8/N) ≈ 1.8e-3`: the tolerances `|mean| < 5·L/√(3N)` and
    /// `|var/(L²/3) − 1| < 1%` are about five standard deviations.
    @Test("Glorot-uniform weights and zero biases")
    func glorot() {
        let mlp = Self.study
        let parameters = mlp.initialParameters(seed: 42)
        #expect(parameters.count == mlp.parameterCount)
        for layer in mlp.layers {
            let limit = (6.0 / Double(layer.inputs + layer.outputs)).squareRoot()
            let weights = parameters[layer.weightOffset..<layer.biasOffset].map(Double.init)
            let biases = parameters[layer.biasOffset..<(layer.biasOffset + layer.outputs)]
            #expect(biases.allSatisfy { $0 == 0 })
            #expect(weights.allSatisfy { abs($0) <= limit * (1 + 1e-7) }, "a weight beyond ±\(limit)")
            // The whole range is used: for N uniform draws, the largest falls
            // below L·(1 − 20/N) with probability e⁻¹⁰.
            let n = Double(weights.count)
            #expect(weights.max()! > limit * (1 - 20 / n) && weights.min()! < -limit * (1 - 20 / n))
            let mean = weights.reduce(0, +) / n
            let variance = weights.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            if layer.inputs == 784 {
                #expect(abs(mean) < 5 * limit / (3 * n).squareRoot(), "mean \(mean)")
                #expect(abs(variance / (limit * limit / 3) - 1) < 0.01, "variance \(variance)")
            } else {
                #expect(abs(mean) < 5 * limit / (3 * n).squareRoot(), "mean \(mean)")
                #expect(abs(variance / (limit * limit / 3) - 1) < 5 * (0.8 / n).squareRoot())
            }
        }
    }

    @Test("the same seed gives the same bits; another seed other weights")
    func seeds() {
        let mlp = Self.study
        let a = mlp.initialParameters(seed: 42)
        let b = mlp.initialParameters(seed: 42)
        let c = mlp.initialParameters(seed: 43)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        let layer = mlp.layers[0]
        let differing = (layer.weightOffset..<layer.biasOffset).filter { a[$0] != c[$0] }.count
        #expect(differing > 235_000, "seed 43 should change almost every weight, changed \(differing)")
        // Layers draw from one stream in order: layer 2 is not a copy of layer 1.
        let second = mlp.layers[1]
        #expect(Array(a[second.weightOffset..<(second.weightOffset + 100)]) != Array(a[0..<100]))
    }
}

@Suite("Seeded generator")
struct SeededGeneratorTests {
    /// xoshiro256** seeded with SplitMix64 from `seed + stream·0xD1B54A32D192ED03`,
    /// computed independently in Python (the SplitMix64 step of that script gives
    /// the published first output 0xE220A8397B1DCDAF for seed 0).
    @Test("reproduces the reference xoshiro256** sequence")
    func referenceSequence() {
        var g = SeededGenerator(seed: 42)
        #expect([g.next(), g.next(), g.next()] == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
        var s = SeededGenerator(seed: 42, stream: 7)
        #expect([s.next(), s.next()] == [0xAB0B_230F_7FC4_8E9A, 0x048B_0576_8622_55CA])
        var z = SeededGenerator(seed: 0)
        #expect([z.next(), z.next()] == [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A])
    }

    @Test("unit floats are k·2⁻²⁴ in [0, 1)")
    func unitFloats() {
        var g = SeededGenerator(seed: 1)
        var copy = g
        var sum = 0.0
        for _ in 0..<10_000 {
            let u = g.nextUnitFloat()
            #expect(u >= 0 && u < 1)
            #expect(u == Float(copy.next() >> 40) * 0x1p-24)
            sum += Double(u)
        }
        #expect(abs(sum / 10_000 - 0.5) < 0.02)
    }

    @Test("nextInt(below:) stays in range and covers it")
    func integers() {
        var g = SeededGenerator(seed: 2)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<7_000 {
            let k = g.nextInt(below: 7)
            #expect((0..<7).contains(k))
            counts[k] += 1
        }
        // Each count is Binomial(7000, 1/7): mean 1000, sd 29.
        #expect(counts.allSatisfy { abs($0 - 1000) < 150 }, "\(counts)")
        #expect(g.nextInt(below: 1) == 0)
    }
}
