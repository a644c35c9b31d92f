import Foundation
import OptBenchModel
import Testing

@Suite("Activations")
struct ActivationTests {
    static let points: [Float] = [-12, -6, -3.5, -1.25, -0.5, -0.03, 0.02, 0.4, 1, 2.5, 5, 11]

    @Test("the Float value matches the Double definition", arguments: Activation.hiddenCases)
    func valueMatchesDouble(_ activation: Activation) {
        for x in Self.points {
            let exact = activation.value(Double(x))
            let value = Double(activation.value(x))
            #expect(abs(value - exact) <= 4e-7 * max(1, abs(exact)), "\(activation)(\(x)) = \(value), expected \(exact)")
        }
    }

    @Test("the derivative matches central differences of the Double definition", arguments: Activation.hiddenCases)
    func derivativeMatchesFiniteDifferences(_ activation: Activation) {
        for x in Self.points {
            let h = 1e-5
            let difference = (activation.value(Double(x) + h) - activation.value(Double(x) - h)) / (2 * h)
            let derivative = Double(activation.derivative(preActivation: x, output: activation.value(x)))
            #expect(abs(derivative - difference) <= 2e-6 + 1e-5 * abs(difference),
                    "\(activation)′(\(x)) = \(derivative), finite difference \(difference)")
        }
    }

    @Test("Keras's values: gelu(1), gelu(−1), approximate gelu(1), sigmoid and tanh")
    func kerasValues() {
        // keras.activations.gelu(np.float32([1, -1])) and approximate=True; Φ(1) = 0.841344746.
        #expect(abs(Activation.gelu.value(Float(1)) - 0.8413447) < 1e-6)
        #expect(abs(Activation.gelu.value(Float(-1)) - -0.15865526) < 1e-6)
        #expect(abs(Activation.geluApproximate.value(Float(1)) - 0.8411920) < 1e-6)
        #expect(Activation.sigmoid.value(Float(0)) == 0.5)
        #expect(Activation.tanh.value(Float(0)) == 0)
        #expect(Activation.linear.value(Float(-3.25)) == -3.25)
    }

    @Test("no overflow or NaN at large |x|; ReLU's derivative is 0 at the kink")
    func extremes() {
        for activation in Activation.hiddenCases {
            for x: Float in [-1e30, -200, -90, 90, 200, 1e30] {
                let y = activation.value(x)
                #expect(!y.isNaN, "\(activation)(\(x)) is NaN")
                #expect(!activation.derivative(preActivation: x, output: y).isNaN, "\(activation)′(\(x)) is NaN")
            }
        }
        #expect(Activation.sigmoid.value(Float(-200)) >= 0 && Activation.sigmoid.value(Float(-200)) < 1e-30)
        #expect(Activation.sigmoid.value(Float(200)) == 1)
        #expect(Activation.gelu.value(Float(-200)) == 0)
        #expect(Activation.geluApproximate.value(Float(1e30)) == 1e30)
        #expect(Activation.relu.derivative(preActivation: 0, output: 0) == 0)
    }

    @Test("Keras's spellings round-trip, and old JSON without an activation decodes as ReLU")
    func spellings() throws {
        #expect(Activation.hiddenCases.map(\.rawValue) == ["relu", "tanh", "sigmoid", "gelu", "gelu_approximate", "linear"])
        let old = #"{"inputSize": 4, "hiddenSizes": [3], "classCount": 2}"#
        let decoded = try JSONDecoder().decode(MLPArchitecture.self, from: Data(old.utf8))
        #expect(decoded == MLPArchitecture(inputSize: 4, hiddenSizes: [3], classCount: 2, hiddenActivation: .relu))
        let tanh = MLPArchitecture(inputSize: 4, hiddenSizes: [3], classCount: 2, hiddenActivation: .tanh)
        #expect(try JSONDecoder().decode(MLPArchitecture.self, from: JSONEncoder().encode(tanh)) == tanh)
        #expect(MLP(tanh).layers.map(\.activation) == [.tanh, .softmax])
    }
}
