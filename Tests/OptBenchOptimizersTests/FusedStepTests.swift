import OptBenchKernels
import OptBenchOptimizers
import Testing

/// A step applied from a product's registers
/// (``OptimizerStep/apply(_:parameters:slots:slotStride:)``) gives, bit for
/// bit, what the same step gives over the stored product
/// (``OptimizerStep/apply(parameters:gradients:slots:slotStride:count:)``).
@Suite("Optimizer steps applied as a product computes the gradient")
struct FusedStepTests {
    static let optimizers: [any GradientOptimizer] = [
        SGD(learningRate: 0.1), SGD(learningRate: 0.05, momentum: 0.9), SGD(momentum: 0.9, nesterov: true),
        RMSprop(), RMSprop(momentum: 0.5, centered: true), Adam(), Adam(amsgrad: true),
        SignDescent(learningRate: 0.01),
    ]

    /// Rows × 37 columns (a full vector, a half one and a partial one) over
    /// 9 inner indices, `A` with zeros, continuing partial sums.
    static func run<Optimizer: GradientOptimizer>(_ optimizer: Optimizer, fused: Bool, rows: Int) -> ([Float], [Float]) {
        let n = 37, k = 9
        var rng = SeededInts(seed: 7)
        let a: [Float] = (0..<(rows * k)).map { _ in rng.next() % 3 == 0 ? 0 : Float(rng.next() % 200) / 100 - 1 }
        let b: [Float] = (0..<(k * n)).map { _ in Float(rng.next() % 200) / 100 - 1 }
        let partial: [Float] = (0..<(rows * n)).map { _ in Float(rng.next() % 200) / 1000 - 0.1 }
        var parameters: [Float] = (0..<(rows * n)).map { _ in Float(rng.next() % 200) / 100 - 1 }
        var state = optimizer.makeState(parameterCount: parameters.count)
        // Slots that are not zero, so the rules' arithmetic on them is checked too.
        for q in state.values.indices { state.values[q] = Float(q % 11) / 100 }
        let pattern = NonzeroPattern.allocate(rows: rows, columns: k)
        defer { pattern.deallocate() }
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: 4 * n)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Kernels.matmulWorkspaceCount(k: k))
        defer { tile.deallocate(); scratch.deallocate() }
        let step = optimizer.step(3)
        let count = parameters.count
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                partial.withUnsafeBufferPointer { partial in
                    parameters.withUnsafeMutableBufferPointer { w in
                        state.withSlots { slots in
                            _ = Kernels.findNonzeroColumns(m: rows, n: k, a: a.baseAddress!, lda: k, into: pattern)
                            let product = SparseRowProduct(rows: 0..<rows, n: n, k: k, a: a.baseAddress!, lda: k,
                                                           skippingZerosOf: pattern, b: b.baseAddress!, ldb: n,
                                                           partial: partial.baseAddress!, tile: tile, workspace: scratch)
                            if fused {
                                step.apply(product, parameters: w.baseAddress!, slots: slots, slotStride: count)
                            } else {
                                var gradient = [Float](repeating: 0, count: count)
                                product.run { firstRow, rowCount, values in
                                    for q in 0..<(rowCount * n) { gradient[firstRow * n + q] = values[q] }
                                }
                                gradient.withUnsafeBufferPointer { g in
                                    step.apply(parameters: w.baseAddress!, gradients: g.baseAddress!, slots: slots,
                                               slotStride: count, count: count)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (parameters, state.values)
    }

    @Test("the same parameters and slots, bit for bit", arguments: 0..<8)
    func sameAsStored(index: Int) {
        let optimizer = Self.optimizers[index]
        for rows in [1, 4, 7] {
            let fused = Self.run(optimizer, fused: true, rows: rows), stored = Self.run(optimizer, fused: false, rows: rows)
            #expect(fused.0.map(\.bitPattern) == stored.0.map(\.bitPattern), "\(optimizer.name), \(rows) rows")
            #expect(fused.1.map(\.bitPattern) == stored.1.map(\.bitPattern), "\(optimizer.name), \(rows) rows")
        }
    }

    /// Changing the rate changes the fused result: the test sees the rule.
    @Test("a different rate gives different parameters")
    func sensitive() {
        #expect(Self.run(SGD(learningRate: 0.1), fused: true, rows: 4).0
                != Self.run(SGD(learningRate: 0.2), fused: false, rows: 4).0)
    }
}

/// A small deterministic generator (xorshift) for the tests' data.
struct SeededInts {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(truncatingIfNeeded: state >> 1)
    }
}
