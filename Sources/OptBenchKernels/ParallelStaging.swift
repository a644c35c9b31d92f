extension Kernels {
    /// ``gatherScaledRows(from:width:indices:into:)`` with the rows split
    /// across the threads of `threads` (whole blocks of four rows each), and,
    /// given a `pattern`, ``findNonzeroColumns(m:n:a:lda:into:)`` of each
    /// thread's rows right after it gathered them.
    ///
    /// - Returns: the number of listed columns over all row blocks (0 without
    ///   a pattern).
    @discardableResult
    public static func parallelGatherScaledRows(
        from bytes: UnsafePointer<UInt8>, width: Int,
        indices: UnsafeBufferPointer<Int32>,
        into output: UnsafeMutablePointer<Float>,
        findingNonzerosInto pattern: NonzeroPattern?,
        threads: KernelThreads = .shared
    ) -> Int {
        struct Gather: KernelJob {
            let bytes: UnsafePointer<UInt8>, width: Int, indices: UnsafeBufferPointer<Int32>
            let output: UnsafeMutablePointer<Float>, pattern: NonzeroPattern?, parts: Int

            func run(part: Int) {
                let rows = Kernels.gatherRows(part, of: parts, rows: indices.count)
                let start = rows.lowerBound, end = rows.upperBound
                guard end > start else { return }
                Kernels.gatherScaledRows(from: bytes, width: width, indices: UnsafeBufferPointer(rebasing: indices[start..<end]),
                                         into: output + start * width)
                if let pattern {
                    Kernels.findNonzeroColumns(m: end - start, n: width, a: output + start * width, lda: width,
                                               into: pattern.dropping(rowBlocks: start / Kernels.sparseRows))
                }
            }
        }
        let rows = indices.count
        let parts = gatherParts(rows: rows, width: width, threads: threads.threadCount)
        threads.run(parts: parts, Gather(bytes: bytes, width: width, indices: indices, output: output,
                                         pattern: pattern, parts: parts))
        return pattern?.listedCount(rowBlocks: (rows + sparseRows - 1) / sparseRows) ?? 0
    }

    /// Into how many parts ``parallelGatherScaledRows(from:width:indices:into:findingNonzerosInto:threads:)``
    /// splits `rows` rows of `width` on `threads` threads: one per thread,
    /// whole blocks of four rows each, for batches worth it.
    @inlinable
    public static func gatherParts(rows: Int, width: Int, threads: Int) -> Int {
        rows * width >= 8_192 ? max(1, min(threads, (rows + sparseRows - 1) / sparseRows)) : 1
    }

    /// The rows that thread `thread` of `threads` gathers in
    /// ``parallelGatherScaledRows(from:width:indices:into:findingNonzerosInto:threads:)``
    /// (`thread` < ``gatherParts(rows:width:threads:)``; empty beyond).
    @inlinable
    public static func gatherRows(_ thread: Int, of threads: Int, rows: Int) -> Range<Int> {
        let rowBlocks = (rows + sparseRows - 1) / sparseRows
        let start = min(rows, rowBlocks * thread / threads * sparseRows)
        let end = min(rows, rowBlocks * (thread + 1) / threads * sparseRows)
        return start..<max(start, end)
    }

    /// ``transpose(m:n:a:lda:rowOrder:into:ldt:)`` with the columns of `A` (rows of `T`)
    /// split across the threads of `threads` at multiples of 16, and
    /// ``findNonzeroColumns(m:n:a:lda:into:)`` of each thread's rows of `T`
    /// right after it wrote them.
    ///
    /// With `rowOrder`, column `i` of `T` is row `rowOrder[i]` of `A`.
    ///
    /// - Returns: the number of listed columns over all row blocks of `T`.
    @discardableResult
    public static func parallelTranspose(
        m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, rowOrder: UnsafePointer<Int32>? = nil,
        into t: UnsafeMutablePointer<Float>, findingNonzerosInto pattern: NonzeroPattern,
        threads: KernelThreads = .shared
    ) -> Int {
        struct Transpose: KernelJob {
            let m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, rowOrder: UnsafePointer<Int32>?
            let t: UnsafeMutablePointer<Float>, pattern: NonzeroPattern, parts: Int

            func run(part: Int) {
                let columnBlocks = (n + 15) / 16
                let start = min(n, columnBlocks * part / parts * 16)
                let end = min(n, columnBlocks * (part + 1) / parts * 16)
                Kernels.transposeColumns(start..<end, m: m, a: a, lda: lda, rowOrder: rowOrder, into: t,
                                         findingNonzerosInto: pattern)
            }
        }
        let columnBlocks = (n + 15) / 16
        let parts = m * n >= 8_192 ? min(threads.threadCount, columnBlocks) : 1
        threads.run(parts: parts, Transpose(m: m, n: n, a: a, lda: lda, rowOrder: rowOrder, t: t, pattern: pattern,
                                            parts: parts))
        return pattern.listedCount(rowBlocks: (n + sparseRows - 1) / sparseRows)
    }

    /// The columns `columns` of the `m`-row matrix `A` transposed into the
    /// same rows of `T` (`T[j·m + i] = A[i·lda + j]` for `j` in `columns`),
    /// then ``findNonzeroColumns(m:n:a:lda:into:)`` of those rows of `T` into
    /// their row blocks of `pattern` (`columns` starts at a multiple of
    /// ``sparseRows``). With `rowOrder`, column `i` of `T` is row
    /// `rowOrder[i]` of `A`. One part of ``parallelTranspose(m:n:a:lda:rowOrder:into:findingNonzerosInto:threads:)``.
    @inlinable
    public static func transposeColumns(
        _ columns: Range<Int>, m: Int, a: UnsafePointer<Float>, lda: Int, rowOrder: UnsafePointer<Int32>? = nil,
        into t: UnsafeMutablePointer<Float>, findingNonzerosInto pattern: NonzeroPattern
    ) {
        guard !columns.isEmpty else { return }
        precondition(columns.lowerBound % sparseRows == 0, "the columns start at a multiple of \(sparseRows)")
        let start = columns.lowerBound
        transpose(m: m, n: columns.count, a: a + start, lda: lda, rowOrder: rowOrder, into: t + start * m)
        findNonzeroColumns(m: columns.count, n: m, a: t + start * m, lda: m,
                           into: pattern.dropping(rowBlocks: start / sparseRows))
    }
}
