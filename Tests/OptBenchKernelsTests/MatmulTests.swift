import OptBenchKernels
import Testing

/// Shapes that hit every path of the blocked kernel: full 8×32 tiles, 16-wide
/// panels, the zero-padded panel narrower than 16 columns, partial row blocks
/// (m not a multiple of 8), single rows and columns, an empty inner
/// dimension, and the cache blocking of large products. The layer shapes of the real network (batch 32 and the last
/// batch of 24, widths 10, 100, 300) are included.
let matmulShapes: [(m: Int, n: Int, k: Int)] = [
    (1, 1, 1), (7, 13, 5), (8, 32, 1), (9, 33, 17), (1, 300, 20), (24, 10, 31),
    (24, 100, 9), (5, 300, 3), (17, 16, 8), (16, 48, 2), (3, 47, 6), (32, 10, 100),
    (2, 1, 40), (4, 5, 0), (9, 33, 0), (1, 17, 0),
    // Blocked: an inner dimension above Kernels.blockedInnerThreshold, and an
    // A above Kernels.chunkedRowsThreshold elements (rows in chunks).
    (11, 37, 1300), (600, 21, 450),
]

/// Padding of the leading dimensions: dense operands, and submatrices of wider
/// buffers (with `ldh ≠ n`, `ldc ≠ n` for the ReLU mask).
let matmulPaddings: [(a: Int, b: Int, c: Int, h: Int)] = [(0, 0, 0, 0), (3, 5, 7, 2)]

struct MatmulCase: CustomTestStringConvertible, Sendable {
    let m, n, k, padA, padB, padC, padH: Int
    var testDescription: String { "\(m)×\(n)×\(k) pad(\(padA),\(padB),\(padC),\(padH))" }

    var problem: MatmulProblem {
        MatmulProblem(m: m, n: n, k: k, padA: padA, padB: padB, padC: padC, padH: padH,
                      seed: UInt64(m * 1_000_003 + n * 1009 + k * 7 + padA))
    }

    /// Every shape with both paddings, then every remainder of rows (m mod 8 =
    /// 1…7 and 0, each in a second row block too) against a full 32-wide tile,
    /// a 16-wide panel and a narrow panel, on padded buffers.
    static let all: [MatmulCase] = matmulShapes.flatMap { s in
        matmulPaddings.map { p in
            MatmulCase(m: s.m, n: s.n, k: s.k, padA: p.a, padB: p.b, padC: p.c, padH: p.h)
        }
    } + [1, 2, 3, 4, 5, 6, 7, 8, 15].flatMap { m in
        [32, 48, 21].map { n in MatmulCase(m: m, n: n, k: 3, padA: 3, padB: 5, padC: 7, padH: 2) }
    }
}

@Suite("Matrix product")
struct MatmulTests {
    /// Against the plain reference (separate multiply and add, so it rounds
    /// differently from the kernel's fused multiply-adds). Both are recursive
    /// sums whose errors are at most `γ_k·Σ|aᵢbᵢ|` with `γ_k ≈ k·2⁻²⁴`, so
    /// they differ by at most `2γ_k·Σ|aᵢbᵢ|`, plus one rounding of the bias
    /// add on each side: the tolerance is `2.5e-7·(k + 1)·(Σ|aᵢbᵢ| + |bᵢ|)`.
    /// (A relative tolerance on `C` itself would fail on cancellations.)
    @Test("matches ReferenceKernels.matmul within the summation error bound", arguments: MatmulCase.all)
    func matchesReference(_ c: MatmulCase) {
        let problem = c.problem
        for kind in EpilogueKind.allCases {
            let fast = problem.fast(kind).c
            let reference = problem.reference(kind)
            var worst: (i: Int, j: Int, error: Double, tolerance: Double)?
            for i in 0..<problem.m {
                for j in 0..<problem.n {
                    let x = fast[i * problem.ldc + j], y = reference[i * problem.ldc + j]
                    let error = abs(Double(x) - Double(y))
                    let tolerance = 2.5e-7 * Double(problem.k + 1) * problem.errorScale(kind, i: i, j: j)
                    if !(error <= tolerance), worst == nil || error > worst!.error {
                        worst = (i, j, error, tolerance)
                    }
                }
            }
            #expect(worst == nil, "\(kind): worst element \(String(describing: worst))")
        }
    }

    /// The kernel documents its arithmetic exactly (each element is the sum of
    /// `A[i,p]·B[p,j]` over increasing `p` with fused multiply-adds, from 0, then
    /// the epilogue), so a scalar loop with `addingProduct` must match it bit for
    /// bit. This is what makes training runs reproducible.
    @Test("equals a scalar fused multiply-add loop bit for bit", arguments: MatmulCase.all)
    func matchesFusedSequentialSum(_ c: MatmulCase) {
        let problem = c.problem
        for kind in EpilogueKind.allCases {
            let fast = problem.fast(kind).c
            var mismatches: [String] = []
            for i in 0..<problem.m {
                for j in 0..<problem.n {
                    let x = fast[i * problem.ldc + j]
                    let y = problem.fusedSequential(kind, i: i, j: j)
                    // `==` so that max(0, −0) vs +0 does not count.
                    if !(x == y) { mismatches.append("(\(i),\(j)): \(x) vs \(y)") }
                }
            }
            #expect(mismatches.isEmpty, "\(kind): \(mismatches.count) mismatches, first \(mismatches.prefix(3))")
        }
    }

    /// Nothing outside the `m×n` window of `C` is written: not the padding
    /// columns `n..<ldc` of each row, nor the row before the first or after
    /// the last; and every element inside is written. Nor does the
    /// kernel write beyond ``Kernels/matmulWorkspaceCount(k:)`` floats of scratch.
    @Test("writes only the m×n window of C and stays inside its workspace", arguments: MatmulCase.all)
    func writesOnlyItsWindow(_ c: MatmulCase) {
        let problem = c.problem
        let sentinel = problem.sentinelC
        for kind in EpilogueKind.allCases {
            let (fast, overrun, before) = problem.fast(kind)
            #expect(!before, "\(kind): wrote into the row before C")
            var touched: [Int] = []
            for index in 0..<fast.count {
                let i = index / problem.ldc, j = index % problem.ldc
                let inside = i < problem.m && j < problem.n
                if inside {
                    if fast[index].bitPattern == sentinel[index].bitPattern { touched.append(-index - 1) }
                } else if fast[index].bitPattern != sentinel[index].bitPattern {
                    touched.append(index)
                }
            }
            // Negative entries: elements inside the window that were never written.
            #expect(touched.isEmpty, "\(kind): elements written outside (or not inside) the window: \(touched.prefix(5))")
            #expect(!overrun, "\(kind): wrote past matmulWorkspaceCount(k: \(problem.k))")
        }
    }

    /// `k = 0`: `A·B` is the zero matrix, and only the epilogue remains.
    @Test("k = 0 gives the epilogue of a zero matrix")
    func emptyInnerDimension() {
        let problem = MatmulProblem(m: 3, n: 20, k: 0, padC: 4, padH: 1, seed: 9)
        for kind in EpilogueKind.allCases {
            let c = problem.fast(kind).c
            for i in 0..<3 {
                for j in 0..<20 {
                    let expected: Float = switch kind {
                    case .none, .reluMask: 0
                    case .bias: problem.bias[j]
                    case .biasReLU: max(0, problem.bias[j])
                    }
                    #expect(c[i * problem.ldc + j] == expected, "\(kind) (\(i),\(j))")
                }
            }
        }
    }

    /// `m = 0` or `n = 0` is a no-op.
    @Test("empty outputs write nothing")
    func emptyOutputs() {
        for (m, n) in [(0, 5), (4, 0)] {
            var c = [Float](repeating: 42, count: 32)
            var workspace = [Float](repeating: 0, count: Kernels.matmulWorkspaceCount(k: 3))
            let a = [Float](repeating: 1, count: 16), b = [Float](repeating: 1, count: 16)
            c.withUnsafeMutableBufferPointer { c in
                workspace.withUnsafeMutableBufferPointer { w in
                    Kernels.matmul(m: m, n: n, k: 3, a: a, lda: 3, b: b, ldb: max(n, 1),
                                   c: c.baseAddress!, ldc: max(n, 1), workspace: w.baseAddress!)
                }
            }
            #expect(c.allSatisfy { $0 == 42 })
        }
    }

    /// The transposed products of the backward pass, `Xᵀ·dZ` and `dZ·Wᵀ`:
    /// transposing first with ``Kernels/transpose(m:n:a:lda:rowOrder:into:ldt:)`` and then
    /// multiplying equals the reference's `transposeA`/`transposeB` flags.
    @Test("explicit transpose then matmul equals the reference's transpose flags",
          arguments: [(24, 100, 32), (1, 10, 1), (9, 33, 17), (32, 300, 24), (5, 7, 3)])
    func transposedProducts(m: Int, n: Int, k: Int) {
        var rng = TestRandom(seed: UInt64(m * n * k))
        // Aᵀ·B with A stored k×m (leading dimension m + 2).
        let ldaT = m + 2
        let aStored = rng.floats(k * ldaT)
        let b = rng.floats(k * n)
        var aTransposed = [Float](repeating: 0, count: m * k)
        aStored.withUnsafeBufferPointer { a in
            aTransposed.withUnsafeMutableBufferPointer { t in
                Kernels.transpose(m: k, n: m, a: a.baseAddress!, lda: ldaT, into: t.baseAddress!)
            }
        }
        let fastAT = product(m: m, n: n, k: k, a: aTransposed, lda: k, b: b, ldb: n)
        var referenceAT = [Float](repeating: 0, count: m * n)
        aStored.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                referenceAT.withUnsafeMutableBufferPointer { c in
                    ReferenceKernels.matmul(m: m, n: n, k: k, a: a.baseAddress!, lda: ldaT, transposeA: true,
                                            b: b.baseAddress!, ldb: n, c: c.baseAddress!, ldc: n)
                }
            }
        }
        // A·Bᵀ with B stored n×k (leading dimension k + 3).
        let a = rng.floats(m * k)
        let ldbT = k + 3
        let bStored = rng.floats(n * ldbT)
        var bTransposed = [Float](repeating: 0, count: k * n)
        bStored.withUnsafeBufferPointer { s in
            bTransposed.withUnsafeMutableBufferPointer { t in
                Kernels.transpose(m: n, n: k, a: s.baseAddress!, lda: ldbT, into: t.baseAddress!)
            }
        }
        let fastBT = product(m: m, n: n, k: k, a: a, lda: k, b: bTransposed, ldb: n)
        var referenceBT = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            bStored.withUnsafeBufferPointer { b in
                referenceBT.withUnsafeMutableBufferPointer { c in
                    ReferenceKernels.matmul(m: m, n: n, k: k, a: a.baseAddress!, lda: k,
                                            b: b.baseAddress!, ldb: ldbT, transposeB: true,
                                            c: c.baseAddress!, ldc: n)
                }
            }
        }
        // Operands are in [−1, 1), so Σ|aᵢbᵢ| ≤ k; same bound as above.
        let tolerance = Float(2.5e-7 * Double(k + 1) * Double(k))
        #expect(zip(fastAT, referenceAT).allSatisfy { abs($0 - $1) <= tolerance })
        #expect(zip(fastBT, referenceBT).allSatisfy { abs($0 - $1) <= tolerance })
    }

    /// ``Kernels/matmulColumns`` is the unit of work of a thread: computing the
    /// columns in pieces (starting at multiples of 16) must give the same bits
    /// as one call, so results do not depend on the number of threads.
    @Test("splitting the columns among calls gives identical bits", arguments: [16, 32, 48, 64, 96])
    func columnSplitIsBitIdentical(split: Int) {
        let problem = MatmulProblem(m: 11, n: 100, k: 37, padA: 1, padB: 2, padC: 3, padH: 1, seed: 77)
        for kind in EpilogueKind.allCases {
            let whole = problem.fast(kind).c
            var pieces = problem.sentinelC
            problem.withEpilogue(kind) { epilogue in
                problem.a.withUnsafeBufferPointer { a in
                    problem.b.withUnsafeBufferPointer { b in
                        pieces.withUnsafeMutableBufferPointer { c in
                            for (start, end) in [(0, split), (split, 100)] {
                                // Each "thread" has its own workspace.
                                var workspace = [Float](repeating: 0, count: Kernels.matmulWorkspaceCount(k: 37))
                                workspace.withUnsafeMutableBufferPointer { w in
                                    Kernels.matmulColumns(
                                        m: 11, n: 100, columnStart: start, columnEnd: end, k: 37,
                                        a: a.baseAddress!, lda: problem.lda, b: b.baseAddress!, ldb: problem.ldb,
                                        c: c.baseAddress!, ldc: problem.ldc, epilogue: epilogue,
                                        workspace: w.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
            #expect(zip(whole, pieces).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(kind)")
        }
    }

    /// A product small enough to check by hand: [[1, 2], [3, 4]]·[[5, 6], [7, 8]].
    @Test("a 2×2 product by hand")
    func byHand() {
        let c = product(m: 2, n: 2, k: 2, a: [1, 2, 3, 4], lda: 2, b: [5, 6, 7, 8], ldb: 2)
        #expect(c == [19, 22, 43, 50])
    }

    private func product(m: Int, n: Int, k: Int, a: [Float], lda: Int, b: [Float], ldb: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        var workspace = [Float](repeating: 0, count: Kernels.matmulWorkspaceCount(k: k))
        c.withUnsafeMutableBufferPointer { c in
            workspace.withUnsafeMutableBufferPointer { w in
                Kernels.matmul(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                               c: c.baseAddress!, ldc: n, workspace: w.baseAddress!)
            }
        }
        return c
    }
}
