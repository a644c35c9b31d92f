import CKernelSupport

/// Loading and storing `SIMD16<Float>` vectors from flat buffers, with a
/// partial form for the last elements of a buffer whose length is not a
/// multiple of 16.
///
/// The optimizers' update rules are written once on `SIMD16<Float>` with
/// these, in a local `@inline(__always)` function called for each whole
/// vector with `lanes: 16` and once for the partial one:
///
/// ```swift
/// @inline(__always) func update(_ i: Int, _ lanes: Int) {
///     w.store(w.vector(at: i, lanes: lanes) - lr * g.vector(at: i, lanes: lanes), at: i, lanes: lanes)
/// }
/// var i = 0
/// while i &+ 16 <= n { update(i, 16); i &+= 16 }
/// if i < n { update(i, n &- i) }
/// ```
///
/// (``Kernels/forEachVector(count:_:)`` does the same with a closure, but
/// the compiler does not inline that closure: it is called once per vector,
/// with the vectors passed in 128-bit pieces, several times slower. Hot
/// loops write the loop out.)
///
/// Lane-wise arithmetic rounds each lane exactly as the scalar expression
/// would, so vectorising does not change results.
extension Kernels {
    /// Calls `body(offset, lanes)` for `offset = 0, 16, 32, …` below `count`,
    /// with `lanes = min(16, count − offset)`.
    @inlinable @inline(__always)
    public static func forEachVector(count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
        forEachVector(from: 0, to: count, body)
    }

    /// ``forEachVector(count:_:)`` over `start..<end`.
    @inlinable @inline(__always)
    public static func forEachVector(from start: Int, to end: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
        var i = start
        while i + 16 <= end {
            body(i, 16)
            i += 16
        }
        if i < end { body(i, end - i) }
    }
}

extension UnsafePointer where Pointee == Float {
    /// The `lanes` (1…16) floats at `self + offset` as a vector, zero beyond
    /// `lanes`; reads no float beyond them (a masked load with AVX-512:
    /// `optbench_load_first16`).
    @inlinable @inline(__always)
    public func vector(at offset: Int, lanes: Int) -> SIMD16<Float> {
        if lanes == 16 { return UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD16<Float>.self) }
        return SIMD16<Float>(optbench_load_first16(self + offset, lanes))
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// The `lanes` floats at `self + offset` as a vector, zero beyond `lanes`.
    @inlinable @inline(__always)
    public func vector(at offset: Int, lanes: Int) -> SIMD16<Float> {
        UnsafePointer(self).vector(at: offset, lanes: lanes)
    }

    /// Stores the first `lanes` (1…16) lanes of `v` at `self + offset`,
    /// writing nothing beyond them (a masked store with AVX-512:
    /// `optbench_store_first16`).
    @inlinable @inline(__always)
    public func store(_ v: SIMD16<Float>, at offset: Int, lanes: Int) {
        if lanes == 16 {
            UnsafeMutableRawPointer(self + offset).storeBytes(of: v, as: SIMD16<Float>.self)
            return
        }
        optbench_store_first16(self + offset, v, lanes)
    }
}
