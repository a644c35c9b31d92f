#ifndef OPTBENCH_VECTOR_MATH_H
#define OPTBENCH_VECTOR_MATH_H

/// 16 floats as a clang vector; Swift imports it as SIMD16<Float>.
typedef float optbench_float16 __attribute__((ext_vector_type(16)));

/// Lane-wise IEEE square root (correctly rounded, like sqrtf), compiled to one
/// vector instruction (vsqrtps on x86, fsqrt on arm64). Swift's
/// SIMD16<Float>.squareRoot() calls sqrtf once per lane instead.
static inline __attribute__((always_inline))
optbench_float16 optbench_sqrt16(optbench_float16 x) {
    return __builtin_elementwise_sqrt(x);
}

/// Lane-wise IEEE division a / b in one vector instruction (vdivps). Swift's
/// SIMD16<Float> division is split into four 128-bit divisions with shuffles.
static inline __attribute__((always_inline))
optbench_float16 optbench_div16(optbench_float16 a, optbench_float16 b) {
    return a / b;
}

#endif
