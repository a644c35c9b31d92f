import CKernelSupport

extension Kernels {
    /// Lane-wise square root `√xᵢ`, correctly rounded, in one vector
    /// instruction (Swift's own `SIMD16.squareRoot()` makes sixteen `sqrtf`
    /// calls, which made Adam's update ten times slower).
    @inlinable @inline(__always)
    public static func squareRoot(_ x: SIMD16<Float>) -> SIMD16<Float> {
        optbench_sqrt16(x)
    }

    /// Lane-wise division `aᵢ / bᵢ`, correctly rounded, in one vector
    /// instruction (Swift's own `/` on `SIMD16<Float>` splits it into four).
    @inlinable @inline(__always)
    public static func divide(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        optbench_div16(a, b)
    }
}
