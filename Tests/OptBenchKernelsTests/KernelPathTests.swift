import CKernelSupport
@testable import OptBenchKernels
import Testing

/// Why a path's tests do not run on this machine (the features it lacks).
func skipReason(_ path: KernelPath) -> Comment {
    Comment(rawValue: "this CPU cannot run the \(path) kernels: it lacks \(path.missingFeatures.joined(separator: ", "))")
}

/// Each path's C micro-kernels, called directly, against the fused reference
/// (``ReferenceKernels/fusedMatmul(m:n:listed:a:lda:b:ldb:c:ldc:accumulate:)``)
/// bit for bit: every tile height and width, accumulating or not, on padded
/// operands whose padding is NaN (read into a stored result, it would show).
/// A path this CPU cannot run is a reported skip.
@Suite("Kernel paths")
struct KernelPathTests {
    @Test("portable micro-kernels equal the fused reference bit for bit")
    func portable() { checkMicroKernels(.portable) }

    @Test("AVX2 micro-kernels equal the fused reference bit for bit",
          .enabled(if: KernelPath.avx2.isSupported, skipReason(.avx2)))
    func avx2() { checkMicroKernels(.avx2) }

    @Test("AVX-512 micro-kernels equal the fused reference bit for bit",
          .enabled(if: KernelPath.avx512.isSupported, skipReason(.avx512)))
    func avx512() { checkMicroKernels(.avx512) }

    @Test("the path in use is supported; an unknown name and an unsupported path throw")
    func selection() throws {
        #expect(KernelPath.current.isSupported)
        #expect(KernelPath.supported.contains(.portable))
        #expect(KernelPath.supported.contains(KernelPath.best))
        #expect(KernelPath.best == KernelPath.supported.last)
        #expect(try KernelPath(named: "avx2") == .avx2)
        #expect(throws: KernelPathError.unknownName("sse9")) { try KernelPath(named: "sse9") }
        for path in KernelPath.allCases where !path.isSupported {
            #expect(throws: KernelPathError.unsupported(path, missingFeatures: path.missingFeatures)) {
                try KernelPath.select(path)
            }
            #expect(!path.missingFeatures.isEmpty)
        }
        #expect(KernelPath.avx512.requiredFeatures.contains("avx512f"))
    }

    func checkMicroKernels(_ path: KernelPath) {
        guard let table = path.table?.pointee else {
            Issue.record("no kernels built for \(path)")
            return
        }
        #expect(KernelPath(table.path) == path)
        checkDenseTiles(table)
        checkSparseTiles(table)
        checkNonzeroColumns(table)
    }

    /// Every tile height `1…dense_rows`, width `1…32`, a few inner dimensions.
    func checkDenseTiles(_ table: optbench_kernel_table) {
        var rng = TestRandom(seed: 0xD3)
        var failures: [String] = []
        for k in [0, 1, 2, 5, 17, 64, 301] {
            let lda = k + 3, ldb = 32 + 5, ldc = 32 + 7
            var a = [Float](repeating: .nan, count: table.dense_rows * lda + 1)
            var b = [Float](repeating: .nan, count: max(k, 1) * ldb)
            for r in 0..<table.dense_rows { for p in 0..<k { a[r * lda + p] = rng.float(in: -1, 1) } }
            for p in 0..<k { for j in 0..<ldb { b[p * ldb + j] = j < 32 ? rng.float(in: -1, 1) : .nan } }
            let start = (0..<(table.dense_rows * ldc)).map { _ in rng.float(in: -2, 2) }
            for rows in 1...table.dense_rows {
                for width in 1...32 {
                    // Columns past `width` of B are NaN: a kernel that used them would store NaN.
                    var bNarrow = b
                    for p in 0..<k { for j in width..<ldb { bNarrow[p * ldb + j] = .nan } }
                    for accumulate in [false, true] {
                        var fast = start, expected = start
                        a.withUnsafeBufferPointer { a in
                            bNarrow.withUnsafeBufferPointer { b in
                                fast.withUnsafeMutableBufferPointer { c in
                                    table.dense_tile(rows, width, k, a.baseAddress!, lda, b.baseAddress!, ldb,
                                                     c.baseAddress!, ldc, accumulate ? 1 : 0)
                                }
                                expected.withUnsafeMutableBufferPointer { c in
                                    ReferenceKernels.fusedMatmul(m: rows, n: width, listed: 0..<k, a: a.baseAddress!,
                                                                 lda: lda, b: b.baseAddress!, ldb: ldb,
                                                                 c: c.baseAddress!, ldc: ldc, accumulate: accumulate)
                                }
                            }
                        }
                        if !zip(fast, expected).allSatisfy({ $0.bitPattern == $1.bitPattern }) {
                            failures.append("rows \(rows) width \(width) k \(k) accumulate \(accumulate)")
                        }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(KernelPath(table.path)) dense tile: \(failures.count) shapes differ, \(failures.prefix(4))")
    }

    /// Every tile height `1…4`, width `1…64`, over a sparse list of inner indices.
    func checkSparseTiles(_ table: optbench_kernel_table) {
        var rng = TestRandom(seed: 0x5A)
        let columns = Int(OPTBENCH_SPARSE_TILE_COLUMNS)
        var failures: [String] = []
        for k in [1, 9, 200] {
            let lda = k + 2, ldb = 64 + 3, ldp = 64 + 5
            var a = [Float](repeating: .nan, count: 4 * lda)
            var b = [Float](repeating: .nan, count: k * ldb)
            for r in 0..<4 { for p in 0..<k { a[r * lda + p] = rng.float(in: -1, 1) } }
            for p in 0..<k { for j in 0..<64 { b[p * ldb + j] = rng.float(in: -1, 1) } }
            let listed: [Int32] = (0..<k).filter { $0 % 3 != 1 }.map(Int32.init)
            let partial = (0..<(4 * ldp)).map { _ in rng.float(in: -2, 2) }
            for rows in 1...4 {
                for width in 1...64 {
                    var bNarrow = b
                    for p in 0..<k { for j in width..<ldb { bNarrow[p * ldb + j] = .nan } }
                    for accumulate in [false, true] {
                        var tile = [Float](repeating: -7.5, count: 4 * columns + 16)
                        var expected = accumulate ? partial : [Float](repeating: 0, count: 4 * ldp)
                        a.withUnsafeBufferPointer { a in
                            bNarrow.withUnsafeBufferPointer { b in
                                listed.withUnsafeBufferPointer { list in
                                    partial.withUnsafeBufferPointer { p in
                                        tile.withUnsafeMutableBufferPointer { t in
                                            table.sparse_tile(rows, width, list.baseAddress, list.count, a.baseAddress!, lda,
                                                              b.baseAddress!, ldb, accumulate ? p.baseAddress : nil, ldp,
                                                              t.baseAddress!, columns)
                                        }
                                    }
                                }
                                expected.withUnsafeMutableBufferPointer { c in
                                    ReferenceKernels.fusedMatmul(m: rows, n: width, listed: listed.map(Int.init),
                                                                 a: a.baseAddress!, lda: lda, b: b.baseAddress!, ldb: ldb,
                                                                 c: c.baseAddress!, ldc: ldp, accumulate: accumulate)
                                }
                            }
                        }
                        var same = true
                        for r in 0..<4 {
                            for j in 0..<(columns + (r == 3 ? 16 : 0)) {
                                let inside = r < rows && j < width
                                let x = tile[r * columns + j]
                                // Exactly rows × width sums stored, nothing else written.
                                if inside ? x.bitPattern != expected[r * ldp + j].bitPattern : x != -7.5 { same = false }
                            }
                        }
                        if !same { failures.append("rows \(rows) width \(width) k \(k) accumulate \(accumulate)") }
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(KernelPath(table.path)) sparse tile: \(failures.count) shapes differ, \(failures.prefix(4))")
    }

    /// Column ranges of every length 0…70 from a few offsets, with NaN, −0 and
    /// all-zero stretches.
    func checkNonzeroColumns(_ table: optbench_kernel_table) {
        var rng = TestRandom(seed: 0x2E)
        let n = 90, lda = 93
        var a = [Float](repeating: 0, count: 4 * lda)
        for r in 0..<4 {
            for q in 0..<n where q < 40 || q > 60 {  // 40…60 zero in every row
                let u = rng.float(in: -1, 1)
                a[r * lda + q] = u < -0.7 ? u : u < 0.6 ? 0 : u < 0.65 ? -0.0 : u < 0.7 ? .nan : u
            }
        }
        var failures: [String] = []
        for rows in 1...4 {
            for start in [0, 3, 16, 45] {
                for end in start...min(n, start + 70) {
                    var out = [Int32](repeating: -1, count: end - start + 1)
                    let count = a.withUnsafeBufferPointer { a in
                        out.withUnsafeMutableBufferPointer { o in
                            table.nonzero_columns(a.baseAddress!, lda, rows, start, end, o.baseAddress!)
                        }
                    }
                    let expected = a.withUnsafeBufferPointer {
                        ReferenceKernels.nonzeroColumns(rows: rows, columns: start..<end, a: $0.baseAddress!, lda: lda)
                    }
                    if out.prefix(count).map(Int.init) != expected || out[end - start] != -1 {
                        failures.append("rows \(rows) columns \(start)..<\(end)")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(KernelPath(table.path)) nonzero columns: \(failures.prefix(4))")
    }
}

/// The whole products (blocking, edges, epilogues, zero skipping, pipelines)
/// on each supported path: bit-identical to one another. Serialized, as it
/// changes the path in use; other tests running meanwhile are unaffected,
/// since every path gives the same bits.
@Suite("Products on every path", .serialized)
struct ProductsOnEveryPathTests {
    /// The dense and zero-skipping products of one shape, on the path in use.
    func products(m: Int, n: Int, k: Int, accumulate: Bool) -> [Float] {
        let problem = MatmulProblem(m: m, n: n, k: k, padA: 1, padB: 3, padC: 2, seed: UInt64(m * 7919 + n * 31 + k),
                                    zeros: true)
        var dense = [Float](repeating: 0.25, count: m * problem.ldc)
        var sparse = dense
        var workspace = [Float](repeating: 0, count: Kernels.matmulWorkspaceCount(k: k))
        let pattern = NonzeroPattern.allocate(rows: m, columns: k)
        defer { pattern.deallocate() }
        problem.a.withUnsafeBufferPointer { a in
            problem.b.withUnsafeBufferPointer { b in
                workspace.withUnsafeMutableBufferPointer { w in
                    dense.withUnsafeMutableBufferPointer { c in
                        Kernels.matmulColumns(m: m, n: n, columnStart: 0, columnEnd: n, k: k, a: a.baseAddress!,
                                              lda: problem.lda, b: b.baseAddress!, ldb: problem.ldb, c: c.baseAddress!,
                                              ldc: problem.ldc, epilogue: .none, accumulate: accumulate,
                                              workspace: w.baseAddress!)
                    }
                    Kernels.findNonzeroColumns(m: m, n: k, a: a.baseAddress!, lda: problem.lda, into: pattern)
                    sparse.withUnsafeMutableBufferPointer { c in
                        Kernels.sparseMatmulColumns(m: m, n: n, columnStart: 0, columnEnd: n, k: k, a: a.baseAddress!,
                                                    lda: problem.lda, nonzeros: pattern, b: b.baseAddress!,
                                                    ldb: problem.ldb, c: c.baseAddress!, ldc: problem.ldc,
                                                    epilogue: .none, accumulate: accumulate, workspace: w.baseAddress!)
                    }
                }
            }
        }
        return dense + sparse
    }

    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (7, 10, 13), (13, 33, 40), (32, 300, 100), (24, 100, 300), (6, 47, 5), (9, 64, 1300), (37, 200, 3),
    ]

    @Test("dense and zero-skipping products give the same bits on every supported path")
    func sameBitsOnEveryPath() throws {
        let original = KernelPath.current
        defer { try? KernelPath.select(original) }
        var results: [KernelPath: [[Float]]] = [:]
        for path in KernelPath.supported {
            try KernelPath.select(path)
            #expect(KernelPath.current == path)
            results[path] = Self.shapes.flatMap { s in
                [false, true].map { products(m: s.m, n: s.n, k: s.k, accumulate: $0) }
            }
        }
        let reference = results[.portable]!
        for (path, values) in results {
            for (index, (x, y)) in zip(values, reference).enumerated() {
                #expect(x.map(\.bitPattern) == y.map(\.bitPattern), "\(path) vs portable, case \(index)")
            }
        }
    }
}
