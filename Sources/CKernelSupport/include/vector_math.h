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

/// 16 bytes as a clang vector.
typedef unsigned char optbench_bytes16 __attribute__((ext_vector_type(16)));

/// The 16 bytes at `p` (any alignment) as floats 0…255, in two vector
/// instructions (vpmovzxbd, vcvtdq2ps). Swift's SIMD16<Int32>(truncatingIfNeeded:)
/// from SIMD16<UInt8> is a generic call converting lane by lane.
static inline __attribute__((always_inline))
optbench_float16 optbench_bytes_to_floats16(const unsigned char *p) {
    optbench_bytes16 bytes;
    __builtin_memcpy(&bytes, p, 16);
    return __builtin_convertvector(bytes, optbench_float16);
}

/// The 16 bytes `v` at `p` scaled to `v / 255`, the float nearest the
/// quotient, for every byte value. With fused multiply-adds: `e = v·(1/255)`
/// is off by an ulp for half of the byte values, so it is corrected once,
/// `r = v − e·255` (exact), `v/255 = e + r·(1/255)`; without them (a portable
/// x86-64 build), where a fused multiply-add would be a library call per
/// lane, one vector division.
static inline __attribute__((always_inline))
optbench_float16 optbench_scale_bytes16(const unsigned char *p) {
    const optbench_float16 v = optbench_bytes_to_floats16(p);
    const optbench_float16 divisor = 255.0f;
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
    const optbench_float16 reciprocal = 1.0f / 255.0f;
    const optbench_float16 estimate = v * reciprocal;
    return __builtin_elementwise_fma(__builtin_elementwise_fma(-estimate, divisor, v), reciprocal, estimate);
#else
    return v / divisor;
#endif
}

#endif
