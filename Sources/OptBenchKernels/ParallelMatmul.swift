extension Kernels {
    /// Floats of scratch memory that ``parallelMatmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:accumulate:workspace:threads:)``
    /// needs: one ``matmulWorkspaceCount(k:)`` per thread.
    @inlinable
    public static func parallelMatmulWorkspaceCount(k: Int, threads: KernelThreads = .shared) -> Int {
        matmulWorkspaceCount(k: k) * threads.threadCount
    }

    /// Products smaller than this many multiply-adds run on one thread: handing
    /// work to another thread costs about a microsecond.
    public static let parallelThreshold = 60_000

    /// ``matmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:workspace:)`` split across the
    /// threads of `threads`.
    ///
    /// Products with many rows (the weight gradients `Aᵀ·δ`) are split by rows,
    /// at multiples of 8, so that each thread writes one contiguous block of
    /// the gradient; products with few rows (a batch) and wide outputs are
    /// split by columns, at multiples of 32 so that each part keeps the
    /// full-width micro-kernel; the rest by rows. Each element of `C` is computed by exactly one thread with the same
    /// operations in the same order as in the single-threaded kernel, so the
    /// result is identical for any thread count.
    public static func parallelMatmul(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue = .none,
        accumulate: Bool = false,
        workspace: UnsafeMutablePointer<Float>,
        threads: KernelThreads = .shared
    ) {
        let threadCount = threads.threadCount
        guard threadCount > 1, m * n * k >= parallelThreshold else {
            matmulColumns(m: m, n: n, columnStart: 0, columnEnd: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                          epilogue: epilogue, accumulate: accumulate, workspace: workspace)
            return
        }
        /// One product split by columns (runs of whole 32-wide blocks) or by
        /// rows (runs of whole 8-row blocks).
        struct Split: KernelJob {
            let m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int
            let c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: Epilogue, accumulate: Bool
            let workspace: UnsafeMutablePointer<Float>, parts: Int, byColumns: Bool

            func run(part: Int) {
                let scratch = workspace + part * Kernels.matmulWorkspaceCount(k: k)
                if byColumns {
                    let (start, end) = Kernels.columnSplit(part, of: parts, columns: n)
                    Kernels.matmulColumns(m: m, n: n, columnStart: start, columnEnd: end, k: k, a: a, lda: lda,
                                          b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue, accumulate: accumulate,
                                          workspace: scratch)
                    return
                }
                let rowBlocks = (m + Kernels.microRows - 1) / Kernels.microRows
                let start = min(m, (rowBlocks * part / parts) * Kernels.microRows)
                let end = min(m, (rowBlocks * (part + 1) / parts) * Kernels.microRows)
                guard end > start else { return }
                Kernels.matmulColumns(m: end - start, n: n, columnStart: 0, columnEnd: n, k: k, a: a + start * lda,
                                      lda: lda, b: b, ldb: ldb, c: c + start * ldc, ldc: ldc,
                                      epilogue: epilogue.droppingRows(start), accumulate: accumulate, workspace: scratch)
            }
        }
        let byColumns = splitsByColumns(m: m, n: n, threadCount: threadCount, minimumRows: microRows)
        let parts = min(threadCount, byColumns ? (n + 31) / 32 : (m + microRows - 1) / microRows)
        threads.run(parts: parts, Split(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc,
                                        epilogue: epilogue, accumulate: accumulate, workspace: workspace,
                                        parts: parts, byColumns: byColumns))
    }

    /// Part `part` of `parts` of `n` columns split into runs of whole 32-wide
    /// blocks, as `(start, end)`: the column split of the parallel products.
    @inlinable @inline(__always)
    static func columnSplit(_ part: Int, of parts: Int, columns n: Int) -> (start: Int, end: Int) {
        let columnBlocks = (n + 31) / 32
        return (min(n, (columnBlocks * part / parts) * 32), min(n, (columnBlocks * (part + 1) / parts) * 32))
    }

    /// Runs `body(start, end)` over `0..<count` split into one contiguous chunk
    /// per thread (chunk boundaries at multiples of 64): for elementwise
    /// updates, whose result does not depend on the split.
    @inlinable
    public static func parallelChunks(count: Int, minimumPerThread: Int = 32_768,
                                      threads: KernelThreads = .shared, _ body: (Int, Int) -> Void) {
        let parts = max(1, min(threads.threadCount, count / max(1, minimumPerThread)))
        if parts == 1 {
            body(0, count)
            return
        }
        threads.run(parts: parts) { part in
            let start = min(count, (count * part / parts) / 64 * 64)
            let end = part == parts - 1 ? count : min(count, (count * (part + 1) / parts) / 64 * 64)
            body(start, end)
        }
    }
}
