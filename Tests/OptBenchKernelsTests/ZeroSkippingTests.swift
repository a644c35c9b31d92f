import OptBenchKernels
import Testing

/// The first layer's products skip the inner indices where a whole block of
/// four rows of `A` is zero (half of an image's pixels are). They must give
/// the dense product's bits exactly.
@Suite("Zero skipping")
struct ZeroSkippingTests {
    /// The columns where some row of each 4-row block is nonzero, by a plain loop.
    static func referencePattern(m: Int, n: Int, a: [Float], lda: Int) -> [[Int]] {
        stride(from: 0, to: m, by: 4).map { first in
            (0..<n).filter { p in (first..<min(m, first + 4)).contains { a[$0 * lda + p] != 0 } }
        }
    }

    static func pattern(m: Int, n: Int, a: [Float], lda: Int) -> (lists: [[Int]], total: Int) {
        let pattern = NonzeroPattern.allocate(rows: m, columns: n)
        defer { pattern.deallocate() }
        let total = a.withUnsafeBufferPointer {
            Kernels.findNonzeroColumns(m: m, n: n, a: $0.baseAddress!, lda: lda, into: pattern)
        }
        let lists = (0..<((m + 3) / 4)).map { r in pattern.indices(rowBlock: r).map { Int($0) } }
        return (lists, total)
    }

    @Test("findNonzeroColumns lists each block's nonzero columns in order",
          arguments: [(1, 1), (1, 16), (7, 13), (8, 17), (9, 40), (24, 100), (32, 784), (33, 31), (784, 32)])
    func findsNonzeros(m: Int, n: Int) {
        let problem = MatmulProblem(m: m, n: 1, k: n, padA: 3, seed: UInt64(m * 31 + n), zeros: true)
        let (lists, total) = Self.pattern(m: m, n: n, a: problem.a, lda: problem.lda)
        let expected = Self.referencePattern(m: m, n: n, a: problem.a, lda: problem.lda)
        #expect(lists == expected)
        #expect(total == expected.map(\.count).reduce(0, +))
        // The data does have skippable columns (every third one) and listed ones.
        #expect(total < ((m + 3) / 4) * n)
    }

    @Test("NaN counts as nonzero; an all-zero block lists nothing")
    func nanAndEmptyBlocks() {
        var a = [Float](repeating: 0, count: 16 * 20)
        a[9 * 20 + 17] = .nan          // block 2, column 17 (in the scalar tail)
        a[11 * 20 + 3] = .nan          // block 2, column 3 (in the vector part)
        a[13 * 20 + 3] = -0.0          // block 3: minus zero is zero
        let (lists, total) = Self.pattern(m: 16, n: 20, a: a, lda: 20)
        #expect(lists == [[], [], [3, 17], []])
        #expect(total == 2)
    }

    /// Bit-identical to the dense kernel for every epilogue and thread count,
    /// untouched outside the `m×n` window (the padding of `A` is NaN and must
    /// not be read either).
    @Test("parallelMatmul skipping zeros equals the dense product bit for bit",
          arguments: [[1, 1, 1], [7, 13, 5], [9, 33, 17], [32, 300, 784], [24, 300, 784], [784, 300, 32],
                      [784, 100, 24], [15, 100, 50], [57, 130, 9], [8, 21, 40], [3, 47, 0], [6, 200, 30], [5, 64, 7],
                      [2, 96, 100], [13, 45, 1300], [560, 21, 480]])
    func matchesDense(shape: [Int]) {
        let problem = MatmulProblem(m: shape[0], n: shape[1], k: shape[2], padA: 1, padB: 3, padC: 5, padH: 2,
                                    seed: UInt64(shape[0] * 13 + shape[1] * 7 + shape[2]), zeros: true)
        let pattern = NonzeroPattern.allocate(rows: problem.m, columns: problem.k)
        defer { pattern.deallocate() }
        problem.a.withUnsafeBufferPointer { a in
            _ = Kernels.findNonzeroColumns(m: problem.m, n: problem.k, a: a.baseAddress!, lda: problem.lda, into: pattern)
        }
        for kind in EpilogueKind.allCases {
            let dense = problem.fast(kind).c
            for pool in [KernelThreads(threadCount: 1)] + testPools {
                var c = problem.sentinelC
                var workspace = [Float](repeating: 0, count: Kernels.parallelMatmulWorkspaceCount(k: problem.k, threads: pool))
                problem.withEpilogue(kind) { epilogue in
                    problem.a.withUnsafeBufferPointer { a in
                        problem.b.withUnsafeBufferPointer { b in
                            c.withUnsafeMutableBufferPointer { c in
                                workspace.withUnsafeMutableBufferPointer { w in
                                    Kernels.parallelMatmul(
                                        m: problem.m, n: problem.n, k: problem.k, a: a.baseAddress!, lda: problem.lda,
                                        skippingZerosOf: pattern,
                                        b: b.baseAddress!, ldb: problem.ldb, c: c.baseAddress!, ldc: problem.ldc,
                                        epilogue: epilogue, workspace: w.baseAddress!, threads: pool)
                                }
                            }
                        }
                    }
                }
                let wrong = zip(dense, c).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(wrong == 0, "\(kind), \(pool.threadCount) threads: \(wrong) elements differ")
            }
        }
    }
}

/// Loading a batch and transposing it on several threads, each thread finding
/// the zeros of what it wrote, gives what the one-thread kernels give.
@Suite("Parallel staging")
struct ParallelStagingTests {
    /// Image-like bytes: a zero border, zeros inside, every byte value.
    static func images(count: Int, width: Int, seed: UInt64) -> [UInt8] {
        var rng = TestRandom(seed: seed)
        return (0..<(count * width)).map { q in
            let p = q % width
            return p < 3 || p % 7 == 0 || rng.next() % 3 == 0 ? 0 : UInt8(truncatingIfNeeded: rng.next())
        }
    }

    static func lists(_ pattern: NonzeroPattern, blocks: Int) -> [[Int32]] {
        (0..<blocks).map { Array(pattern.indices(rowBlock: $0)) }
    }

    @Test("parallelGatherScaledRows equals gatherScaledRows and findNonzeroColumns",
          arguments: [(1, 784), (7, 784), (32, 784), (24, 784), (45, 100), (256, 784)])
    func gather(rows: Int, width: Int) {
        let bytes = Self.images(count: 300, width: width, seed: UInt64(rows * width))
        var rng = TestRandom(seed: 7)
        let indices = (0..<rows).map { _ in Int32(rng.next() % 300) }
        var expected = [Float](repeating: 0, count: rows * width)
        let expectedPattern = NonzeroPattern.allocate(rows: rows, columns: width)
        defer { expectedPattern.deallocate() }
        bytes.withUnsafeBufferPointer { b in
            indices.withUnsafeBufferPointer { idx in
                Kernels.gatherScaledRows(from: b.baseAddress!, width: width, indices: idx, into: &expected)
            }
        }
        let expectedTotal = Kernels.findNonzeroColumns(m: rows, n: width, a: expected, lda: width, into: expectedPattern)
        let blocks = (rows + 3) / 4
        for pool in [KernelThreads(threadCount: 1)] + testPools {
            var output = [Float](repeating: .nan, count: rows * width)
            let pattern = NonzeroPattern.allocate(rows: rows, columns: width)
            defer { pattern.deallocate() }
            let total = bytes.withUnsafeBufferPointer { b in
                indices.withUnsafeBufferPointer { idx in
                    Kernels.parallelGatherScaledRows(from: b.baseAddress!, width: width, indices: idx, into: &output,
                                                     findingNonzerosInto: pattern, threads: pool)
                }
            }
            #expect(output == expected, "\(pool.threadCount) threads")
            #expect(total == expectedTotal)
            #expect(Self.lists(pattern, blocks: blocks) == Self.lists(expectedPattern, blocks: blocks))
        }
    }

    @Test("parallelTranspose equals transpose and findNonzeroColumns",
          arguments: [(32, 784), (24, 784), (5, 40), (256, 784), (33, 17)])
    func transpose(m: Int, n: Int) {
        var rng = TestRandom(seed: UInt64(m + n))
        let a: [Float] = (0..<(m * n)).map { q in q % 5 == 0 || rng.next() % 2 == 0 ? 0 : rng.float(in: -1, 1) }
        var expected = [Float](repeating: 0, count: m * n)
        Kernels.transpose(m: m, n: n, a: a, lda: n, into: &expected)
        let expectedPattern = NonzeroPattern.allocate(rows: n, columns: m)
        defer { expectedPattern.deallocate() }
        let expectedTotal = Kernels.findNonzeroColumns(m: n, n: m, a: expected, lda: m, into: expectedPattern)
        let blocks = (n + 3) / 4
        for pool in [KernelThreads(threadCount: 1)] + testPools {
            var t = [Float](repeating: .nan, count: m * n)
            let pattern = NonzeroPattern.allocate(rows: n, columns: m)
            defer { pattern.deallocate() }
            let total = Kernels.parallelTranspose(m: m, n: n, a: a, lda: n, into: &t, findingNonzerosInto: pattern,
                                                  threads: pool)
            #expect(t.map(\.bitPattern) == expected.map(\.bitPattern), "\(pool.threadCount) threads")
            #expect(total == expectedTotal)
            #expect(Self.lists(pattern, blocks: blocks) == Self.lists(expectedPattern, blocks: blocks))
        }
    }
}

/// A batch processed in parts continues its sums from part to part: the
/// products with `accumulate`, the column sums and the loss give the bits of
/// one pass over the whole batch.
@Suite("Batches in parts")
struct BatchPartsTests {
    @Test("a product over two halves of the inner dimension, the second accumulating, equals one product",
          arguments: [[7, 13, 10], [32, 300, 64], [300, 100, 40], [784, 300, 37]])
    func accumulatedProduct(shape: [Int]) {
        let (m, n, k) = (shape[0], shape[1], shape[2])
        let problem = MatmulProblem(m: m, n: n, k: k, seed: UInt64(m + n + k), zeros: true)
        let whole = problem.fast(.none).c
        let half = k / 2
        for sparse in [false, true] {
            for pool in [KernelThreads(threadCount: 1)] + testPools {
                var c = problem.sentinelC
                var workspace = [Float](repeating: 0, count: Kernels.parallelMatmulWorkspaceCount(k: k, threads: pool))
                let pattern = NonzeroPattern.allocate(rows: m, columns: k)
                defer { pattern.deallocate() }
                problem.a.withUnsafeBufferPointer { a in
                    problem.b.withUnsafeBufferPointer { b in
                        c.withUnsafeMutableBufferPointer { c in
                            workspace.withUnsafeMutableBufferPointer { w in
                                // A's columns and B's rows split at `half`.
                                for (start, end) in [(0, half), (half, k)] {
                                    let aPart = a.baseAddress! + start, bPart = b.baseAddress! + start * problem.ldb
                                    if sparse {
                                        Kernels.findNonzeroColumns(m: m, n: end - start, a: aPart, lda: problem.lda, into: pattern)
                                        Kernels.parallelMatmul(m: m, n: n, k: end - start, a: aPart, lda: problem.lda,
                                                               skippingZerosOf: pattern, b: bPart, ldb: problem.ldb,
                                                               c: c.baseAddress!, ldc: problem.ldc, accumulate: start > 0,
                                                               workspace: w.baseAddress!, threads: pool)
                                    } else {
                                        Kernels.parallelMatmul(m: m, n: n, k: end - start, a: aPart, lda: problem.lda,
                                                               b: bPart, ldb: problem.ldb,
                                                               c: c.baseAddress!, ldc: problem.ldc, accumulate: start > 0,
                                                               workspace: w.baseAddress!, threads: pool)
                                    }
                                }
                            }
                        }
                    }
                }
                let wrong = zip(whole, c).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(wrong == 0, "sparse \(sparse), \(pool.threadCount) threads: \(wrong) elements differ")
            }
        }
    }

    @Test("column sums and the softmax cross-entropy continue across parts")
    func continuedSums() {
        var rng = TestRandom(seed: 11)
        let (m, n) = (37, 10)
        let logits = rng.floats(m * n, in: -4, 4)
        let labels = (0..<m).map { _ in UInt8(rng.next() % 10) }
        var whole = [Float](repeating: 0, count: m * n), parts = whole
        var sums = [Float](repeating: 0, count: n), partSums = [Float](repeating: 9, count: n)
        let one = Kernels.softmaxCrossEntropy(m: m, n: n, logits: logits, ldz: n, labels: labels, gradient: &whole)
        Kernels.columnSums(m: m, n: n, a: logits, lda: n, into: &sums)
        var totals = CrossEntropyTotals()
        logits.withUnsafeBufferPointer { z in
            labels.withUnsafeBufferPointer { y in
                parts.withUnsafeMutableBufferPointer { g in
                    partSums.withUnsafeMutableBufferPointer { s in
                        for (start, end) in [(0, 16), (16, 30), (30, m)] {
                            totals = Kernels.softmaxCrossEntropy(
                                m: end - start, n: n, logits: z.baseAddress! + start * n, ldz: n, labels: y.baseAddress! + start,
                                gradient: g.baseAddress! + start * n, meanOver: m, continuing: totals)
                            Kernels.columnSums(m: end - start, n: n, a: z.baseAddress! + start * n, lda: n,
                                               into: s.baseAddress!, accumulate: start > 0)
                        }
                    }
                }
            }
        }
        #expect(totals == one)
        #expect(parts.map(\.bitPattern) == whole.map(\.bitPattern))
        #expect(partSums.map(\.bitPattern) == sums.map(\.bitPattern))
    }
}
