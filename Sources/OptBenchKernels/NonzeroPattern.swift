import CKernelSupport

/// For each block of ``Kernels/sparseRows`` (4) rows of a matrix `A`, the
/// columns where at least one of the block's rows is nonzero.
///
/// Block `r`'s columns, in increasing order, are
/// `indices[r·stride ..< r·stride + counts[r]]`. Built by
/// ``Kernels/findNonzeroColumns(m:n:a:lda:into:)``; a product `A·B` given the
/// pattern skips the inner indices where the micro-kernel's four rows of `A`
/// are all zero (see ``Kernels/parallelMatmul(m:n:k:a:lda:skippingZerosOf:b:ldb:c:ldc:epilogue:accumulate:workspace:threads:)``).
/// The memory belongs to whoever made the pattern (``allocate(rows:columns:)``
/// and ``deallocate()``).
public struct NonzeroPattern: @unchecked Sendable {
    /// Column indices, `stride` per row block.
    public let indices: UnsafeMutablePointer<Int32>
    /// Number of listed columns of each row block.
    public let counts: UnsafeMutablePointer<Int32>
    /// Distance between the starts of two row blocks' lists: at least the
    /// number of columns.
    public let stride: Int

    @inlinable
    public init(indices: UnsafeMutablePointer<Int32>, counts: UnsafeMutablePointer<Int32>, stride: Int) {
        self.indices = indices
        self.counts = counts
        self.stride = stride
    }

    /// A pattern for a matrix of up to `rows` rows and up to `columns` columns.
    public static func allocate(rows: Int, columns: Int) -> NonzeroPattern {
        let blocks = max(1, (rows + Kernels.sparseRows - 1) / Kernels.sparseRows)
        let stride = max(columns, 1)
        let indices = UnsafeMutablePointer<Int32>.allocate(capacity: blocks * stride)
        indices.initialize(repeating: 0, count: blocks * stride)
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: blocks)
        counts.initialize(repeating: 0, count: blocks)
        return NonzeroPattern(indices: indices, counts: counts, stride: stride)
    }

    /// Frees memory made by ``allocate(rows:columns:)``.
    public func deallocate() {
        indices.deallocate()
        counts.deallocate()
    }

    /// The listed columns of row block `rowBlock`.
    @inlinable @inline(__always)
    public func indices(rowBlock: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: indices + rowBlock &* stride, count: Int(counts[rowBlock]))
    }

    /// The first row block at which the listed columns so far reach `q/parts`
    /// of all of them.
    @inlinable
    public func rowBlockBoundary(_ q: Int, of parts: Int, rowBlocks: Int) -> Int {
        guard q > 0 else { return 0 }
        guard q < parts else { return rowBlocks }
        let target = listedCount(rowBlocks: rowBlocks) * q / parts
        var seen = 0, block = 0
        while block < rowBlocks && seen + Int(counts[block]) <= target {
            seen += Int(counts[block])
            block += 1
        }
        return block
    }

    /// The number of listed columns over the first `rowBlocks` row blocks.
    @inlinable
    public func listedCount(rowBlocks: Int) -> Int {
        var listed = 0
        for r in 0..<rowBlocks { listed += Int(counts[r]) }
        return listed
    }

    /// The pattern of the rows from `4·rowBlocks` on.
    @inlinable
    public func dropping(rowBlocks: Int) -> NonzeroPattern {
        NonzeroPattern(indices: indices + rowBlocks * stride, counts: counts + rowBlocks, stride: stride)
    }
}

extension Kernels {
    /// Lists, for each block of four rows `4r..<4r+4` of the `m × n` matrix
    /// `A` (the last block may be shorter), the columns where some row of the
    /// block is nonzero, into `pattern` (whose `stride` is at least `n`).
    ///
    /// NaNs count as nonzero, so a product that skips the rest still
    /// propagates them. The scan is the ``KernelPath/current`` path's.
    ///
    /// - Returns: the number of listed columns over all row blocks.
    @inlinable
    @discardableResult
    public static func findNonzeroColumns(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int,
                                          into pattern: NonzeroPattern) -> Int {
        findNonzeroColumns(m: m, columns: 0..<n, a: a, lda: lda, into: pattern)
    }

    /// ``findNonzeroColumns(m:n:a:lda:into:)`` over the columns `columns` of
    /// `A` only: each block's list holds the (absolute) indices in `columns`
    /// where some row of the block is nonzero.
    @inlinable
    @discardableResult
    public static func findNonzeroColumns(m: Int, columns: Range<Int>, a: UnsafePointer<Float>, lda: Int,
                                          into pattern: NonzeroPattern) -> Int {
        let n = columns.upperBound
        precondition(columns.count <= pattern.stride,
                     "a nonzero pattern with stride \(pattern.stride) cannot hold \(columns.count) columns")
        // The current path's scan (with AVX-512: compares into one mask and an
        // in-register compress of 16 column numbers at a time).
        let listNonzeroColumns = optbench_active_kernel_table().pointee.nonzero_columns
        var total = 0
        var block = 0
        var first = 0
        while first < m {
            let rows = min(sparseRows, m &- first)
            let top = a + first &* lda
            let out = pattern.indices + block &* pattern.stride
            let count = listNonzeroColumns(top, lda, rows, columns.lowerBound, n, out)
            pattern.counts[block] = Int32(truncatingIfNeeded: count)
            total &+= count
            block &+= 1
            first &+= sparseRows
        }
        return total
    }
}
