import OptBenchKernels

/// A tiny deterministic generator for test data (SplitMix64), so that the
/// kernel tests do not depend on any other module.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[lower, upper)`.
    mutating func float(in lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * Float(next() >> 40) * 0x1p-24
    }

    mutating func floats(_ count: Int, in lower: Float = -1, _ upper: Float = 1) -> [Float] {
        (0..<count).map { _ in float(in: lower, upper) }
    }
}

/// The epilogues, without their pointers (which only live inside closures).
enum EpilogueKind: CustomStringConvertible, CaseIterable {
    case none, bias, biasReLU, reluMask

    var description: String {
        switch self {
        case .none: "none"
        case .bias: "bias"
        case .biasReLU: "biasReLU"
        case .reluMask: "reluMask"
        }
    }
}

/// A matrix product problem with padded operands: `A` is `m×k` in rows of
/// `lda ≥ k`, `B` is `k×n` in rows of `ldb ≥ n`, `C` is `m×n` in rows of
/// `ldc ≥ n`; `H` (the ReLU output for `.reluMask`) is `m×n` in rows of `ldh ≥ n`.
/// Every padding element is NaN, so that a kernel that reads padding into a
/// stored result is caught.
struct MatmulProblem: CustomStringConvertible {
    let m, n, k, lda, ldb, ldc, ldh: Int
    let a, b, bias, h: [Float]

    /// With `zeros`, `A` is mostly zeros the way images are: every third
    /// column and every ninth row (from row 4) are zero, and half of the other
    /// entries.
    init(m: Int, n: Int, k: Int, padA: Int = 0, padB: Int = 0, padC: Int = 0, padH: Int = 0, seed: UInt64,
         zeros: Bool = false) {
        self.m = m; self.n = n; self.k = k
        lda = k + padA; ldb = n + padB; ldc = n + padC; ldh = n + padH
        var rng = TestRandom(seed: seed)
        func padded(rows: Int, columns: Int, ld: Int, _ value: () -> Float) -> [Float] {
            var x = [Float](repeating: .nan, count: max(rows * ld, 1))
            for i in 0..<rows { for j in 0..<columns { x[i * ld + j] = value() } }
            return x
        }
        var a = padded(rows: m, columns: k, ld: k + padA) { rng.float(in: -1, 1) }
        if zeros {
            for i in 0..<m {
                for p in 0..<k where p % 3 == 0 || i % 9 == 4 || rng.next() % 2 == 0 { a[i * (k + padA) + p] = 0 }
            }
        }
        self.a = a
        b = padded(rows: k, columns: n, ld: n + padB) { rng.float(in: -1, 1) }
        bias = (0..<max(n, 1)).map { _ in rng.float(in: -0.5, 0.5) }
        // About half of H is positive; some entries are exactly zero (not > 0).
        h = padded(rows: m, columns: n, ld: n + padH) {
            let u = rng.float(in: -1, 1)
            return abs(u) < 0.1 ? 0 : u
        }
    }

    var description: String { "m=\(m) n=\(n) k=\(k) lda=\(lda) ldb=\(ldb) ldc=\(ldc) ldh=\(ldh)" }

    /// Rows of `C` allocated: one more than `m`, to catch writes below the last row.
    var cRows: Int { m + 1 }

    /// A `C` buffer filled with a sentinel that no kernel produces.
    var sentinelC: [Float] { [Float](repeating: -7777.25, count: cRows * ldc) }

    /// Runs `body` with the epilogue built from this problem's bias and `H`.
    func withEpilogue<R>(_ kind: EpilogueKind, _ body: (Epilogue) -> R) -> R {
        bias.withUnsafeBufferPointer { bias in
            h.withUnsafeBufferPointer { h in
                switch kind {
                case .none: body(.none)
                case .bias: body(.bias(bias.baseAddress!))
                case .biasReLU: body(.biasReLU(bias.baseAddress!))
                case .reluMask: body(.reluMask(h.baseAddress!, ldh: ldh))
                }
            }
        }
    }

    /// `C` from the fast kernel, on a sentinel-filled buffer (`cRows` rows of
    /// `ldc`). Also returns whether the kernel wrote past the documented size of
    /// its workspace or into the guard row just before `C`.
    func fast(_ kind: EpilogueKind) -> (c: [Float], workspaceOverrun: Bool, wroteBeforeC: Bool) {
        // One guard row before C, so that writes before its start show up too.
        var c = [Float](repeating: sentinelC[0], count: ldc) + sentinelC
        let needed = Kernels.matmulWorkspaceCount(k: k)
        var workspace = [Float](repeating: 0, count: needed + 64)
        for q in needed..<(needed + 64) { workspace[q] = -3.5 }
        withEpilogue(kind) { epilogue in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        workspace.withUnsafeMutableBufferPointer { w in
                            Kernels.matmul(m: m, n: n, k: k, a: a.baseAddress!, lda: lda,
                                           b: b.baseAddress!, ldb: ldb, c: c.baseAddress! + ldc, ldc: ldc,
                                           epilogue: epilogue, workspace: w.baseAddress!)
                        }
                    }
                }
            }
        }
        let overrun = workspace[needed...].contains { $0 != -3.5 }
        let before = c[0..<ldc].contains { $0.bitPattern != sentinelC[0].bitPattern }
        return (Array(c[ldc...]), overrun, before)
    }

    /// `C` from ``ReferenceKernels``, on a sentinel-filled buffer.
    func reference(_ kind: EpilogueKind) -> [Float] {
        var c = sentinelC
        withEpilogue(kind) { epilogue in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        ReferenceKernels.matmul(m: m, n: n, k: k, a: a.baseAddress!, lda: lda,
                                                b: b.baseAddress!, ldb: ldb, c: c.baseAddress!, ldc: ldc,
                                                epilogue: epilogue)
                    }
                }
            }
        }
        return c
    }

    /// What the fast kernel documents, element by element: the sum over `p` in
    /// increasing order with one fused multiply-add per term, starting from 0,
    /// then the epilogue. The fast kernel must match this bit for bit.
    func fusedSequential(_ kind: EpilogueKind, i: Int, j: Int) -> Float {
        var sum: Float = 0
        for p in 0..<k { sum = sum.addingProduct(a[i * lda + p], b[p * ldb + j]) }
        switch kind {
        case .none: return sum
        case .bias: return sum + bias[j]
        case .biasReLU: return max(0, sum + bias[j])
        case .reluMask: return h[i * ldh + j] > 0 ? sum : 0
        }
    }

    /// `Σ_p |A[i,p]·B[p,j]|` (plus `|bias[j]|` for the bias epilogues): the scale
    /// that bounds the rounding error of any summation order.
    func errorScale(_ kind: EpilogueKind, i: Int, j: Int) -> Double {
        var s = 0.0
        for p in 0..<k { s += abs(Double(a[i * lda + p]) * Double(b[p * ldb + j])) }
        switch kind {
        case .bias, .biasReLU: s += abs(Double(bias[j]))
        case .none, .reluMask: break
        }
        return s
    }
}
