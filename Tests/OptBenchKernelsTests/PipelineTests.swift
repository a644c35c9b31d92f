import Foundation
import OptBenchKernels
import Testing

/// The first layer's products as each thread runs them in training: the
/// forward product split over the inner dimension into a pipeline, and the
/// weight gradient computed four rows at a time and handed over. Both must
/// give the dense product's bits.
@Suite("Pipelined products")
struct PipelineTests {
    /// Inner-dimension splits for `k`: two even parts, an empty first part,
    /// an empty last part, three and four parts (more parts than some pools
    /// have threads, so that parts share a thread).
    static func splits(k: Int) -> [[Int]] {
        [[0, k / 2, k], [0, 0, k], [0, k, k], [0, k / 3, 2 * k / 3, k], [0, 1, k / 2, k - 1, k]]
            .filter { zip($0, $0.dropFirst()).allSatisfy { $0 <= $1 } }
    }

    @Test("the pipelined product's parts equal the dense product bit for bit",
          arguments: [[1, 1, 1], [7, 13, 5], [9, 33, 17], [32, 300, 784], [24, 300, 784], [5, 64, 7], [13, 45, 130],
                      [57, 130, 9], [2, 96, 100], [256, 300, 784]])
    func pipelinedMatchesDense(shape: [Int]) {
        let problem = MatmulProblem(m: shape[0], n: shape[1], k: shape[2], padA: 1, padB: 3, padC: 5, padH: 2,
                                    seed: UInt64(shape[0] * 17 + shape[1] * 5 + shape[2]), zeros: true)
        let pattern = NonzeroPattern.allocate(rows: problem.m, columns: problem.k)
        defer { pattern.deallocate() }
        problem.a.withUnsafeBufferPointer { a in
            _ = Kernels.findNonzeroColumns(m: problem.m, n: problem.k, a: a.baseAddress!, lda: problem.lda, into: pattern)
        }
        // Blocks handed on whole, and panel by panel.
        let blocks = (problem.m + 3) / 4
        let progresses = [PipelineProgress(parts: 4, rowBlocks: blocks),
                          PipelineProgress(parts: 4, rowBlocks: blocks,
                                           panelsPerBlock: Kernels.pipelinePanels(columns: problem.n))]
        let scratch = Kernels.matmulWorkspaceCount(k: problem.k)
        for kind in EpilogueKind.allCases {
            let dense = problem.fast(kind).c
            for splits in Self.splits(k: problem.k) {
                for pool in [KernelThreads(threadCount: 1)] + testPools {
                    for progress in progresses {
                        var c = problem.sentinelC
                        // What the last part finds in each block when it finishes it, and how often it does.
                        var finished = [Float](repeating: .nan, count: problem.m * problem.n)
                        var finishes = [Int](repeating: 0, count: blocks)
                        // Blocks each part has started (each part writes its own entry, from its thread).
                        let starts = UnsafeMutablePointer<Int>.allocate(capacity: splits.count - 1)
                        starts.initialize(repeating: 0, count: splits.count - 1)
                        defer { starts.deallocate() }
                        var workspace = [Float](repeating: 0, count: scratch * (splits.count - 1))
                        problem.withEpilogue(kind) { epilogue in
                            problem.a.withUnsafeBufferPointer { a in
                                problem.b.withUnsafeBufferPointer { b in
                                    c.withUnsafeMutableBufferPointer { c in
                                        workspace.withUnsafeMutableBufferPointer { w in
                                            progress.begin()
                                            pool.run(parts: splits.count - 1) { part in
                                                Kernels.pipelinedMatmulPart(
                                                    part, splits: splits, m: problem.m, n: problem.n, k: problem.k,
                                                    a: a.baseAddress!, lda: problem.lda, skippingZerosOf: pattern,
                                                    b: b.baseAddress!, ldb: problem.ldb, c: c.baseAddress!,
                                                    ldc: problem.ldc, epilogue: epilogue, progress: progress,
                                                    workspace: w.baseAddress! + part * scratch,
                                                    startingBlock: { block in
                                                        // Each part starts each block once, in order.
                                                        #expect(starts[part] == block)
                                                        starts[part] += 1
                                                    },
                                                    finishingBlock: { block in
                                                        #expect(part == splits.count - 2)
                                                        finishes[block] += 1
                                                        for i in (4 * block)..<min(problem.m, 4 * block + 4) {
                                                            for j in 0..<problem.n {
                                                                finished[i * problem.n + j] = c[i * problem.ldc + j]
                                                            }
                                                        }
                                                    })
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        let setting = "\(kind), splits \(splits), \(pool.threadCount) threads, \(progress.panelsPerBlock) panels"
                        let wrong = zip(dense, c).filter { $0.bitPattern != $1.bitPattern }.count
                        #expect(wrong == 0, "\(setting): \(wrong) elements differ")
                        #expect(finishes == [Int](repeating: 1, count: blocks), "\(setting)")
                        #expect((0..<(splits.count - 1)).allSatisfy { starts[$0] == blocks }, "\(setting)")
                        var early = 0
                        for i in 0..<problem.m {
                            for j in 0..<problem.n
                            where finished[i * problem.n + j].bitPattern != dense[i * problem.ldc + j].bitPattern {
                                early += 1
                            }
                        }
                        #expect(early == 0, "\(setting): \(early) elements were not final when their block was finished")
                    }
                }
            }
        }
    }

    /// `sparseMatmulRows` hands over every row once, in blocks of four, with
    /// the values of the whole product — continuing `partial` when given —
    /// whichever row ranges the product is cut into.
    @Test("sparseMatmulRows hands over the product's rows, continuing partial sums",
          arguments: [[1, 1, 1], [7, 13, 5], [784, 300, 32], [784, 100, 24], [33, 17, 40], [560, 21, 48]])
    func rowsMatchDense(shape: [Int]) {
        let (m, n, k) = (shape[0], shape[1], shape[2])
        let problem = MatmulProblem(m: m, n: n, k: k, padA: 2, padB: 1, seed: UInt64(m + 3 * n + 7 * k), zeros: true)
        let whole = problem.fast(.none).c
        let pattern = NonzeroPattern.allocate(rows: m, columns: k)
        defer { pattern.deallocate() }
        problem.a.withUnsafeBufferPointer { a in
            _ = Kernels.findNonzeroColumns(m: m, n: k, a: a.baseAddress!, lda: problem.lda, into: pattern)
        }
        // The partial sums to continue: the product of a few rows of B that A does not use here.
        var rng = TestRandom(seed: 11)
        let partial = rng.floats(m * n)
        var accumulated = [Float](repeating: 0, count: (m + 1) * problem.ldc)
        for i in 0..<m { for j in 0..<n { accumulated[i * problem.ldc + j] = partial[i * n + j] } }
        problem.a.withUnsafeBufferPointer { a in
            problem.b.withUnsafeBufferPointer { b in
                var w = [Float](repeating: 0, count: Kernels.matmulWorkspaceCount(k: k))
                Kernels.matmulColumns(m: m, n: n, columnStart: 0, columnEnd: n, k: k, a: a.baseAddress!, lda: problem.lda,
                                      b: b.baseAddress!, ldb: problem.ldb, c: &accumulated, ldc: problem.ldc,
                                      epilogue: .none, accumulate: true, workspace: &w)
            }
        }
        let cuts = [[0, m], [0, min(m, 8), m], [0, (m / 2) / 4 * 4, m]]
        for continuing in [false, true] {
            for cut in cuts {
                var got = [Float](repeating: .nan, count: m * n)
                var handed = [Int](repeating: 0, count: m)
                var tile = [Float](repeating: 0, count: 4 * max(n, 1))
                var w = [Float](repeating: 0, count: Kernels.matmulWorkspaceCount(k: k))
                problem.a.withUnsafeBufferPointer { a in
                    problem.b.withUnsafeBufferPointer { b in
                        partial.withUnsafeBufferPointer { p in
                            for (start, end) in zip(cut, cut.dropFirst()) {
                                Kernels.sparseMatmulRows(start..<end, n: n, k: k, a: a.baseAddress!, lda: problem.lda,
                                                         skippingZerosOf: pattern, b: b.baseAddress!, ldb: problem.ldb,
                                                         partial: continuing ? p.baseAddress! : nil, tile: &tile,
                                                         workspace: &w) { first, rows, values in
                                    #expect(first % 4 == 0 && rows >= 1 && rows <= 4 && first + rows <= end)
                                    for r in 0..<rows {
                                        handed[first + r] += 1
                                        for j in 0..<n { got[(first + r) * n + j] = values[r * n + j] }
                                    }
                                }
                            }
                        }
                    }
                }
                #expect(handed == [Int](repeating: 1, count: m), "cut \(cut)")
                let expected = continuing ? accumulated : whole
                var wrong = 0
                for i in 0..<m { for j in 0..<n where got[i * n + j].bitPattern != expected[i * problem.ldc + j].bitPattern { wrong += 1 } }
                #expect(wrong == 0, "cut \(cut), continuing \(continuing): \(wrong) elements differ")
            }
        }
    }

    @Test("a pipeline's panels are the column tiles of the zero-skipping row kernel",
          arguments: [(0, 1), (1, 1), (7, 1), (16, 1), (33, 1), (45, 1), (48, 2), (64, 1), (100, 2), (130, 3),
                      (300, 5), (320, 5)])
    func panels(columns: Int, expected: Int) {
        #expect(Kernels.pipelinePanels(columns: columns) == expected)
    }

    @Test("a pipeline's flags: a later generation waits again; earlier ones are never seen as set")
    func progressGenerations() {
        let progress = PipelineProgress(parts: 2, rowBlocks: 3, panelsPerBlock: 2)
        let pool = testPools[0]
        var order: [Int] = []
        let lock = NSLock()
        for _ in 0..<50 {
            progress.begin()
            pool.run(parts: 2) { part in
                for block in 0..<3 {
                    for panel in 0..<2 {
                        if part == 1 { progress.wait(part: 0, block: block, panel: panel) }
                        lock.withLock { order.append(part * 100 + block * 10 + panel) }
                        if part == 0 { progress.publish(part: 0, block: block, panel: panel) }
                    }
                }
            }
            // Part 1 handles a panel only after part 0 published it.
            for block in 0..<3 {
                for panel in 0..<2 {
                    let published = order.firstIndex(of: block * 10 + panel)!
                    let continued = order.firstIndex(of: 100 + block * 10 + panel)!
                    #expect(published < continued)
                }
            }
            order.removeAll()
        }
    }
}

