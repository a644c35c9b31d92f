extension Kernels {
    /// Floats of scratch memory that ``parallelMatmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:workspace:threads:)``
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
    @inlinable
    public static func parallelMatmul(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue = .none,
        workspace: UnsafeMutablePointer<Float>,
        threads: KernelThreads = .shared
    ) {
        parallelMatmul(m: m, n: n, k: k, a: a, lda: lda, inner: EveryInnerIndex(count: k), b: b, ldb: ldb,
                       c: c, ldc: ldc, epilogue: epilogue, workspace: workspace, threads: threads)
    }

    /// ``parallelMatmul(m:n:k:a:lda:b:ldb:c:ldc:epilogue:workspace:threads:)``
    /// that skips the inner indices where all eight rows of a row block of `A`
    /// are zero, as listed by `pattern` (from ``findNonzeroColumns(m:n:a:lda:into:)``
    /// on this `A`).
    ///
    /// Each element of `C` is still the sum of its products in increasing
    /// order from +0; the products left out are `0·b`, and adding `0·b` to a
    /// sum leaves it unchanged when `b` is finite (a sum that starts at +0
    /// never becomes −0). So for finite `B` the result equals the dense
    /// product bit for bit. Half of a Fashion-MNIST image is black: eight
    /// images share about 13% of their zero pixels, eight neighbouring pixels
    /// are all zero in about 28% of the images, and the first layer's products
    /// do that much less work.
    @inlinable
    public static func parallelMatmul(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, skippingZerosOf pattern: NonzeroPattern,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue = .none,
        workspace: UnsafeMutablePointer<Float>,
        threads: KernelThreads = .shared
    ) {
        parallelMatmul(m: m, n: n, k: k, a: a, lda: lda, inner: pattern, b: b, ldb: ldb,
                       c: c, ldc: ldc, epilogue: epilogue, workspace: workspace, threads: threads)
    }

    @inlinable
    static func parallelMatmul<Inner: InnerIndexPattern>(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, inner: Inner,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: Epilogue,
        workspace: UnsafeMutablePointer<Float>,
        threads: KernelThreads
    ) {
        let threadCount = threads.threadCount
        guard threadCount > 1, m * n * k >= parallelThreshold else {
            matmulColumns(m: m, n: n, columnStart: 0, columnEnd: n, k: k, a: a, lda: lda, inner: inner,
                          b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue, workspace: workspace)
            return
        }
        let scratch = matmulWorkspaceCount(k: k)
        let columnBlocks = (n + 31) / 32
        if m < 64 * threadCount && (n >= 128 && columnBlocks >= threadCount || m < 16) {
            // Split the columns into runs of whole 32-wide blocks.
            let parts = min(threadCount, columnBlocks)
            threads.run(parts: parts) { part in
                let start = min(n, (columnBlocks * part / parts) * 32)
                let end = min(n, (columnBlocks * (part + 1) / parts) * 32)
                matmulColumns(m: m, n: n, columnStart: start, columnEnd: end, k: k, a: a, lda: lda, inner: inner,
                              b: b, ldb: ldb, c: c, ldc: ldc, epilogue: epilogue,
                              workspace: workspace + part * scratch)
            }
        } else {
            // Split the rows into runs of whole 8-row blocks with about as
            // many multiply-adds each.
            let rowBlocks = (m + microRows - 1) / microRows
            let parts = min(threadCount, rowBlocks)
            threads.run(parts: parts) { part in
                let start = min(m, inner.rowBlockBoundary(part, of: parts, rowBlocks: rowBlocks) * microRows)
                let end = min(m, inner.rowBlockBoundary(part + 1, of: parts, rowBlocks: rowBlocks) * microRows)
                guard end > start else { return }
                let shifted: Epilogue
                if case .reluMask(let h, let ldh) = epilogue { shifted = .reluMask(h + start * ldh, ldh: ldh) } else { shifted = epilogue }
                matmulColumns(m: end - start, n: n, columnStart: 0, columnEnd: n, k: k, a: a + start * lda, lda: lda,
                              inner: inner.dropping(rowBlocks: start / microRows), b: b, ldb: ldb, c: c + start * ldc, ldc: ldc, epilogue: shifted,
                              workspace: workspace + part * scratch)
            }
        }
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
