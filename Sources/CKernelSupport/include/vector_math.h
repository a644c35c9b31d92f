#ifndef OPTBENCH_VECTOR_MATH_H
#define OPTBENCH_VECTOR_MATH_H

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

// These helpers are always inlined, so the calling convention of 64-byte
// vectors, which differs with and without AVX-512, never applies to them.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpsabi"

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

/// The first `count` (1…16) floats at `p` in lanes 0…count−1 and zeros
/// above, reading no float beyond them: one masked load with AVX-512 (faults
/// in masked-off lanes are suppressed), a loop elsewhere. The narrow last
/// columns of a matrix need no zero-padded copy this way.
static inline __attribute__((always_inline))
optbench_float16 optbench_load_first16(const float *p, long count) {
#if defined(__AVX512F__)
    return (optbench_float16)_mm512_maskz_loadu_ps((__mmask16)((1u << count) - 1u), p);
#else
    optbench_float16 v = 0.0f;
    for (long q = 0; q < count; q++) v[q] = p[q];
    return v;
#endif
}

/// Stores lanes 0…count−1 (`count` in 1…16) of `v` to `p`, writing nothing
/// beyond them: one masked store with AVX-512, a loop elsewhere.
static inline __attribute__((always_inline))
void optbench_store_first16(float *p, optbench_float16 v, long count) {
#if defined(__AVX512F__)
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << count) - 1u), (__m512)v);
#else
    for (long q = 0; q < count; q++) p[q] = v[q];
#endif
}

#pragma clang diagnostic pop

#endif
