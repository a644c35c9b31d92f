import CKernelSupport

extension Kernels {
    /// Lane-wise square root `√xᵢ`, correctly rounded, in one vector
    /// instruction (Swift's own `SIMD16.squareRoot()` makes sixteen `sqrtf`
    /// calls, which made Adam's update ten times slower).
    @inlinable @inline(__always)
    public static func squareRoot(_ x: SIMD16<Float>) -> SIMD16<Float> {
        optbench_sqrt16(x)
    }
}
