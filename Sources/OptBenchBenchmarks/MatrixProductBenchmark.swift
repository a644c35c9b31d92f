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
    /// How a product with a `sparseInput` is split among threads.
    public var split: FirstLayerSplit = .balanced

    /// The ways the first layer's products are split among threads.
    public enum FirstLayerSplit: Sendable {
        /// By rows of `C` (or columns), balancing the skipped work: the plain
        /// zero-skipping product.
        case balanced
        /// The forward product `X·W₁` as training runs it: a pipeline over the
        /// rows of `W₁` each thread owns (inner dimension split).
        case pipelineOverWeightRows
        /// The weight gradient `Xᵀ·δ` as training runs it: each thread the
        /// rows of `W₁` it owns, four at a time into a tile (from which
        /// training applies the update).
        case ownedWeightRows
    }

    public init(name: String, m: Int, n: Int, k: Int, epilogue: String, sparseInput: [Float]? = nil,
                split: FirstLayerSplit = .balanced) {
        self.name = name
        self.m = m
        self.n = n
        self.k = k
        self.epilogue = epilogue
        self.sparseInput = sparseInput
        self.split = split
    }

    /// `2·m·n·k`.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

/// Throughput of one product.
public struct MatrixProductTiming: Sendable {
    public var product: MatrixProductCase
    public var secondsPerCall: Double
    public var gflops: Double { product.flops / secondsPerCall / 1e9 }

    public init(product: MatrixProductCase, secondsPerCall: Double) {
        self.product = product
        self.secondsPerCall = secondsPerCall
    }
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
            if l > 0 && MLP.transposesDelta(samples: batch, layer: layer) {
                // Few samples: training computes (δ·Wᵀ)ᵀ = W·δᵀ, then masks.
                cases.append(MatrixProductCase(name: "backward L\(l + 1) W·δᵀ (\(layer.inputs)×\(layer.outputs) · \(layer.outputs)×\(batch))",
                                               m: layer.inputs, n: batch, k: layer.outputs, epilogue: "none"))
            } else if l > 0 {
                cases.append(MatrixProductCase(name: "backward L\(l + 1) δ·Wᵀ (\(batch)×\(layer.outputs) · \(layer.outputs)×\(layer.inputs))",
                                               m: batch, n: layer.inputs, k: layer.outputs, epilogue: "reluMask"))
            }
        }
        return cases
    }

    /// The first layer's two products on real inputs: `images` (`batch ×
    /// model.inputSize`, scaled) times `W`, and its transpose times `δ`, each
    /// skipping the zeros of its `A` — split among threads as the plain
    /// zero-skipping product does, and as training does (see
    /// ``MatrixProductCase/FirstLayerSplit``).
    public static func sparseInputCases(model: MLP, images: [Float], batch: Int) -> [MatrixProductCase] {
        guard let layer = model.layers.first else { return [] }
        precondition(images.count == batch * layer.inputs)
        var transposed = [Float](repeating: 0, count: images.count)
        for r in 0..<batch {
            for p in 0..<layer.inputs { transposed[p * batch + r] = images[r * layer.inputs + p] }
        }
        let forward = "forward L1  X·W (\(batch)×\(layer.inputs) · \(layer.inputs)×\(layer.outputs))"
        let gradient = "backward L1 Xᵀ·δ (\(layer.inputs)×\(batch) · \(batch)×\(layer.outputs))"
        let epilogue = layer.activation == .relu ? "biasReLU" : "bias"
        return [
            MatrixProductCase(name: "\(forward) zeros skipped", m: batch, n: layer.outputs, k: layer.inputs,
                              epilogue: epilogue, sparseInput: images),
            MatrixProductCase(name: "\(forward) pipeline", m: batch, n: layer.outputs, k: layer.inputs,
                              epilogue: epilogue, sparseInput: images, split: .pipelineOverWeightRows),
            MatrixProductCase(name: "\(gradient) zeros skipped", m: layer.inputs, n: layer.outputs, k: batch,
                              epilogue: "none", sparseInput: transposed),
            MatrixProductCase(name: "\(gradient) owned rows", m: layer.inputs, n: layer.outputs, k: batch,
                              epilogue: "none", sparseInput: transposed, split: .ownedWeightRows),
        ]
    }

    /// Split points of the first layer's weight rows among `threads`
    /// threads, balancing the nonzeros of the images, as training does
    /// (``MLPWorkspace/balanceFirstLayer(images:count:)``).
    static func weightRowSplits(_ product: MatrixProductCase, threads: Int) -> [Int] {
        guard let a = product.sparseInput else { return [0, product.m] }
        let (rows, columns) = product.split == .pipelineOverWeightRows ? (product.m, product.k) : (product.k, product.m)
        var nonzeros = [Double](repeating: 0, count: columns)
        for r in 0..<rows {
            for q in 0..<columns {
                let value = product.split == .pipelineOverWeightRows ? a[r * columns + q] : a[q * rows + r]
                if value != 0 { nonzeros[q] += 1 }
            }
        }
        return MLPWorkspace.balancedSplits(of: columns, weights: nonzeros, parts: threads)
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
    /// columns are found and skipped within the timing, split among threads
    /// as the case says), with the threads of `threads`; seconds per call by
    /// `statistic`.
    public static func run(_ product: MatrixProductCase, minimumSeconds: Double = 0.3,
                           threads: KernelThreads = .shared,
                           statistic: Stopwatch.Statistic = .median) -> MatrixProductTiming {
        var rng = SeededGenerator(seed: 1)
        let a = product.sparseInput ?? (0..<(product.m * product.k)).map { _ in rng.nextUnitFloat() - 0.5 }
        let pattern = NonzeroPattern.allocate(rows: product.m, columns: product.k)
        defer { pattern.deallocate() }

        let b = (0..<(product.k * product.n)).map { _ in rng.nextUnitFloat() - 0.5 }
        let bias = (0..<product.n).map { _ in rng.nextUnitFloat() - 0.5 }
        let mask = (0..<(product.m * product.n)).map { _ in rng.nextUnitFloat() - 0.5 }
        var c = [Float](repeating: 0, count: product.m * product.n)
        var workspace = [Float](repeating: 0, count: Kernels.parallelMatmulWorkspaceCount(k: product.k, threads: threads))
        let splits = weightRowSplits(product, threads: threads.threadCount)
        let progress = PipelineProgress(parts: threads.threadCount, rowBlocks: (product.m + Kernels.sparseRows - 1) / Kernels.sparseRows,
                                        panelsPerBlock: Kernels.pipelinePanels(columns: product.n))
        let scratch = Kernels.matmulWorkspaceCount(k: product.k)
        var tiles = [Float](repeating: 0, count: Kernels.sparseRows * product.n * threads.threadCount)
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
                                        Stopwatch.time(statistic, minimumSeconds: minimumSeconds) {
                                            if product.sparseInput != nil {
                                                Kernels.findNonzeroColumns(m: product.m, n: product.k, a: a.baseAddress!,
                                                                           lda: product.k, into: pattern)
                                                switch product.split {
                                                case .pipelineOverWeightRows:
                                                    progress.begin()
                                                    threads.run(parts: splits.count - 1) { part in
                                                        Kernels.pipelinedMatmulPart(
                                                            part, splits: splits, m: product.m, n: product.n, k: product.k,
                                                            a: a.baseAddress!, lda: product.k, skippingZerosOf: pattern,
                                                            b: b.baseAddress!, ldb: product.n, c: c.baseAddress!, ldc: product.n,
                                                            epilogue: epilogue, progress: progress,
                                                            workspace: w.baseAddress! + part * scratch)
                                                    }
                                                    return
                                                case .ownedWeightRows:
                                                    tiles.withUnsafeMutableBufferPointer { tiles in
                                                        threads.run(parts: splits.count - 1) { part in
                                                            Kernels.sparseMatmulRows(
                                                                splits[part]..<splits[part + 1], n: product.n, k: product.k,
                                                                a: a.baseAddress!, lda: product.k, skippingZerosOf: pattern,
                                                                b: b.baseAddress!, ldb: product.n, partial: nil,
                                                                tile: tiles.baseAddress! + part * Kernels.sparseRows * product.n,
                                                                workspace: w.baseAddress! + part * scratch) { _, _, _ in }
                                                        }
                                                    }
                                                    return
                                                case .balanced:
                                                    break
                                                }
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
