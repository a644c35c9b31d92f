/// The inner indices `p` that a micro-kernel adds up, in increasing order:
/// `C[i, j] = Σ_t A[i, p_t] · B[p_t, j]`.
public protocol InnerIndices {
    /// How many indices there are.
    var count: Int { get }
    /// The `t`-th index.
    subscript(t: Int) -> Int { get }
}

/// Every inner index, `0..<count`: the dense product.
@frozen
public struct EveryInnerIndex: InnerIndices, InnerIndexPattern {
    public let count: Int

    @inlinable
    public init(count: Int) { self.count = count }

    @inlinable @inline(__always)
    public subscript(t: Int) -> Int { t }

    @inlinable @inline(__always)
    public func indices(rowBlock: Int) -> EveryInnerIndex { self }

    @inlinable
    public func dropping(rowBlocks: Int) -> EveryInnerIndex { self }

    /// Every row block has the same work: the `q`-th of `parts` equal runs.
    @inlinable
    public func rowBlockBoundary(_ q: Int, of parts: Int, rowBlocks: Int) -> Int {
        rowBlocks * q / parts
    }
}

/// A list of inner indices stored as `Int32`s.
@frozen
public struct ListedInnerIndices: InnerIndices {
    public let list: UnsafePointer<Int32>
    public let count: Int

    @inlinable
    public init(list: UnsafePointer<Int32>, count: Int) {
        self.list = list
        self.count = count
    }

    @inlinable @inline(__always)
    public subscript(t: Int) -> Int { Int(list[t]) }
}

/// The inner indices of each block of ``Kernels/microRows`` rows of a product.
public protocol InnerIndexPattern {
    associatedtype Indices: InnerIndices
    /// The inner indices for rows `8·rowBlock ..< 8·rowBlock + 8`.
    func indices(rowBlock: Int) -> Indices
    /// The pattern of the rows from `8·rowBlocks` on.
    func dropping(rowBlocks: Int) -> Self
    /// Where the `q`-th of `parts` runs of row blocks (out of `rowBlocks`)
    /// starts, so that each run has about as many inner indices to visit;
    /// `0` for `q = 0` and `rowBlocks` for `q = parts`.
    func rowBlockBoundary(_ q: Int, of parts: Int, rowBlocks: Int) -> Int
}
