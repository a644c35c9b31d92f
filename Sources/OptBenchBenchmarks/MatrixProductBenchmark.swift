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
    /// For the first layer's products as training runs them: the real `A`
    /// (a batch of images, or its transpose), whose zeros the product finds
    /// and skips; `nil` for a dense product of random operands.
    public var sparseInput: [Float]? = nil

    public init(name: String, m: Int, n: Int, k: Int, epilogue: String, sparseInput: [Float]? = nil) {
        self.name = name
        self.m = m
        self.n = n
        self.k = k
        self.epilogue = epilogue
        self.sparseInput = sparseInput
    }

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

    /// The first layer's two products as training runs them on real inputs:
    /// `images` (`batch × model.inputSize`, scaled) times `W`, and its
    /// transpose times `δ`, each skipping the zeros of its `A`.
    public static func sparseInputCases(model: MLP, images: [Float], batch: Int) -> [MatrixProductCase] {
        guard let layer = model.layers.first else { return [] }
        precondition(images.count == batch * layer.inputs)
        var transposed = [Float](repeating: 0, count: images.count)
        for r in 0..<batch {
            for p in 0..<layer.inputs { transposed[p * batch + r] = images[r * layer.inputs + p] }
        }
        return [
            MatrixProductCase(name: "forward L1  X·W (\(batch)×\(layer.inputs) · \(layer.inputs)×\(layer.outputs)) zeros skipped",
                              m: batch, n: layer.outputs, k: layer.inputs,
                              epilogue: layer.activation == .relu ? "biasReLU" : "bias", sparseInput: images),
            MatrixProductCase(name: "backward L1 Xᵀ·δ (\(layer.inputs)×\(batch) · \(batch)×\(layer.outputs)) zeros skipped",
                              m: layer.inputs, n: layer.outputs, k: batch, epilogue: "none", sparseInput: transposed),
        ]
    }

    /// Whether training skips the zeros of this product's real `A`
    /// (``MLP/zeroSkippingDensity``); otherwise it runs the dense product.
    public static func skipsZerosInTraining(_ product: MatrixProductCase) -> Bool {
        guard let a = product.sparseInput else { return false }
        let pattern = NonzeroPattern.allocate(rows: product.m, columns: product.k)
        defer { pattern.deallocate() }
        let listed = a.withUnsafeBufferPointer {
            Kernels.findNonzeroColumns(m: product.m, n: product.k, a: $0.baseAddress!, lda: product.k, into: pattern)
        }
        return MLP.skipsZeros(listed: listed, rows: product.m, inner: product.k)
    }

    /// Times `Kernels.parallelMatmul` (as the model calls it) on random
    /// operands of the case's shape (or the case's real `A`, whose zero
    /// columns are found and skipped within the timing), with the threads of `threads`.
    public static func run(_ product: MatrixProductCase, minimumSeconds: Double = 0.3,
                           threads: KernelThreads = .shared) -> MatrixProductTiming {
        var rng = SeededGenerator(seed: 1)
        let a = product.sparseInput ?? (0..<(product.m * product.k)).map { _ in rng.nextUnitFloat() - 0.5 }
        let pattern = NonzeroPattern.allocate(rows: product.m, columns: product.k)
        defer { pattern.deallocate() }

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
                                            if product.sparseInput != nil {
                                                Kernels.findNonzeroColumns(m: product.m, n: product.k, a: a.baseAddress!,
                                                                           lda: product.k, into: pattern)
                                                Kernels.parallelMatmul(
                                                    m: product.m, n: product.n, k: product.k,
                                                    a: a.baseAddress!, lda: product.k, skippingZerosOf: pattern,
                                                    b: b.baseAddress!, ldb: product.n,
                                                    c: c.baseAddress!, ldc: product.n,
                                                    epilogue: epilogue, workspace: w.baseAddress!, threads: threads)
                                                return
                                            }
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
