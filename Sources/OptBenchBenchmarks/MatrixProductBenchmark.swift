import OptBenchKernels
import OptBenchModel

/// One of the model's matrix products, as the training step runs it.
public struct MatrixProductCase: Sendable {
    /// e.g. `forward dense (B×784 · 784×300)`.
    public var name: String
    public var m: Int
    public var n: Int
    public var k: Int
    public var epilogue: String

    /// `2·m·n·k`.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// Throughput of one product.
public struct MatrixProductTiming: Sendable {
    public var product: MatrixProductCase
    public var secondsPerCall: Double
    public var gflops: Double { product.flops / secondsPerCall / 1e9 }
}

public enum MatrixProductBenchmark {
    /// The products of one training step of `model` with batch `batch`:
    /// forward `A·W + b` per layer, backward `Aᵀ·δ` per layer and `δ·Wᵀ` for
    /// every layer but the first.
    public static func cases(model: MLP, batch: Int) -> [MatrixProductCase] {
        var cases: [MatrixProductCase] = []
        for (l, layer) in model.layers.enumerated() {
            cases.append(MatrixProductCase(name: "forward L\(l + 1)  X·W (\(batch)×\(layer.inputs) · \(layer.inputs)×\(layer.outputs))",
                                           m: batch, n: layer.outputs, k: layer.inputs,
                                           epilogue: layer.activation == .relu ? "biasReLU" : "bias"))
        }
        for (l, layer) in model.layers.enumerated().reversed() {
            cases.append(MatrixProductCase(name: "backward L\(l + 1) Xᵀ·δ (\(layer.inputs)×\(batch) · \(batch)×\(layer.outputs))",
                                           m: layer.inputs, n: layer.outputs, k: batch, epilogue: "none"))
            if l > 0 {
                cases.append(MatrixProductCase(name: "backward L\(l + 1) δ·Wᵀ (\(batch)×\(layer.outputs) · \(layer.outputs)×\(layer.inputs))",
                                               m: batch, n: layer.inputs, k: layer.outputs, epilogue: "reluMask"))
            }
        }
        return cases
    }

    /// Times `Kernels.parallelMatmul` (as the model calls it) on random
    /// operands of the case's shape, with the threads of `threads`.
    public static func run(_ product: MatrixProductCase, minimumSeconds: Double = 0.3,
                           threads: KernelThreads = .shared) -> MatrixProductTiming {
        var rng = SeededGenerator(seed: 1)
        let a = (0..<(product.m * product.k)).map { _ in rng.nextUnitFloat() - 0.5 }
        let b = (0..<(product.k * product.n)).map { _ in rng.nextUnitFloat() - 0.5 }
        let bias = (0..<product.n).map { _ in rng.nextUnitFloat() - 0.5 }
        let mask = (0..<(product.m * product.n)).map { _ in rng.nextUnitFloat() - 0.5 }
        var c = [Float](repeating: 0, count: product.m * product.n)
        var workspace = [Float](repeating: 0, count: Kernels.parallelMatmulWorkspaceCount(k: product.k, threads: threads))
        let seconds = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bias.withUnsafeBufferPointer { bias in
                    mask.withUnsafeBufferPointer { mask in
                        c.withUnsafeMutableBufferPointer { c in
                            workspace.withUnsafeMutableBufferPointer { w in
                                let epilogue: Epilogue
                                switch product.epilogue {
                                case "biasReLU": epilogue = .biasReLU(bias.baseAddress!)
                                case "bias": epilogue = .bias(bias.baseAddress!)
                                case "reluMask": epilogue = .reluMask(mask.baseAddress!, ldh: product.n)
                                default: epilogue = .none
                                }
                                return threads.withPinnedCaller {
                                    Kernels.withFlushToZero {
                                        Stopwatch.measure(minimumSeconds: minimumSeconds) {
                                            Kernels.parallelMatmul(m: product.m, n: product.n, k: product.k,
                                                                   a: a.baseAddress!, lda: product.k,
                                                                   b: b.baseAddress!, ldb: product.n,
                                                                   c: c.baseAddress!, ldc: product.n,
                                                                   epilogue: epilogue, workspace: w.baseAddress!,
                                                                   threads: threads)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return MatrixProductTiming(product: product, secondsPerCall: seconds)
    }
}
