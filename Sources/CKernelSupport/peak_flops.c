#include "peak_flops.h"

#include <math.h>

/// The multiplier and addend of every chain: `acc` converges to 1 from 0
/// without ever becoming a denormal number.
static const float peak_multiplier = 0.999f;
static const float peak_addend = 0.001f;

#if defined(__x86_64__)
#include <immintrin.h>

#define PEAK_AVX512_CHAINS 16
#define PEAK_AVX2_CHAINS 12

__attribute__((target("avx512f,fma")))
static double peak_avx512(long iterations, float *sink) {
    const __m512 a = _mm512_set1_ps(peak_multiplier);
    const __m512 b = _mm512_set1_ps(peak_addend);
    __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    __m512 c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
    for (long i = 0; i < iterations; i++) {
        c0 = _mm512_fmadd_ps(c0, a, b);
        c1 = _mm512_fmadd_ps(c1, a, b);
        c2 = _mm512_fmadd_ps(c2, a, b);
        c3 = _mm512_fmadd_ps(c3, a, b);
        c4 = _mm512_fmadd_ps(c4, a, b);
        c5 = _mm512_fmadd_ps(c5, a, b);
        c6 = _mm512_fmadd_ps(c6, a, b);
        c7 = _mm512_fmadd_ps(c7, a, b);
        c8 = _mm512_fmadd_ps(c8, a, b);
        c9 = _mm512_fmadd_ps(c9, a, b);
        c10 = _mm512_fmadd_ps(c10, a, b);
        c11 = _mm512_fmadd_ps(c11, a, b);
        c12 = _mm512_fmadd_ps(c12, a, b);
        c13 = _mm512_fmadd_ps(c13, a, b);
        c14 = _mm512_fmadd_ps(c14, a, b);
        c15 = _mm512_fmadd_ps(c15, a, b);
    }
    __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
                               _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
    sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)),
                                           _mm512_add_ps(_mm512_add_ps(c12, c13), _mm512_add_ps(c14, c15))));
    *sink = _mm512_reduce_add_ps(sum);
    return 2.0 * 16.0 * PEAK_AVX512_CHAINS * (double)iterations;
}

__attribute__((target("avx2,fma")))
static double peak_avx2(long iterations, float *sink) {
    const __m256 a = _mm256_set1_ps(peak_multiplier);
    const __m256 b = _mm256_set1_ps(peak_addend);
    __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    __m256 c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
    for (long i = 0; i < iterations; i++) {
        c0 = _mm256_fmadd_ps(c0, a, b);
        c1 = _mm256_fmadd_ps(c1, a, b);
        c2 = _mm256_fmadd_ps(c2, a, b);
        c3 = _mm256_fmadd_ps(c3, a, b);
        c4 = _mm256_fmadd_ps(c4, a, b);
        c5 = _mm256_fmadd_ps(c5, a, b);
        c6 = _mm256_fmadd_ps(c6, a, b);
        c7 = _mm256_fmadd_ps(c7, a, b);
        c8 = _mm256_fmadd_ps(c8, a, b);
        c9 = _mm256_fmadd_ps(c9, a, b);
        c10 = _mm256_fmadd_ps(c10, a, b);
        c11 = _mm256_fmadd_ps(c11, a, b);
    }
    __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                               _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
    sum = _mm256_add_ps(sum, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
    float lanes[8];
    _mm256_storeu_ps(lanes, sum);
    *sink = lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
    return 2.0 * 8.0 * PEAK_AVX2_CHAINS * (double)iterations;
}
#endif

#define PEAK_PORTABLE_CHAINS 16

static double peak_portable(long iterations, float *sink) {
    float c[PEAK_PORTABLE_CHAINS] = {0};
    for (long i = 0; i < iterations; i++) {
        for (int j = 0; j < PEAK_PORTABLE_CHAINS; j++) c[j] = fmaf(c[j], peak_multiplier, peak_addend);
    }
    float sum = 0;
    for (int j = 0; j < PEAK_PORTABLE_CHAINS; j++) sum += c[j];
    *sink = sum;
    return 2.0 * PEAK_PORTABLE_CHAINS * (double)iterations;
}

/// Whether this CPU can run `path`, asked once per path: the question runs
/// CPUID, which a virtual machine's hypervisor answers slowly enough to
/// lower the rate of a short loop. 0 unknown, 1 no, 2 yes.
static int path_supported(optbench_kernel_path path) {
    static int known[3];
    if ((unsigned)path > OPTBENCH_PATH_AVX512) return 0;
    int state = __atomic_load_n(&known[path], __ATOMIC_RELAXED);
    if (state == 0) {
        state = optbench_cpu_supports_path(path) ? 2 : 1;
        __atomic_store_n(&known[path], state, __ATOMIC_RELAXED);
    }
    return state == 2;
}

double optbench_peak_fma_loop(optbench_kernel_path path, long iterations, float *sink) {
    *sink = 0;
    if (iterations <= 0 || !path_supported(path)) return 0;
    switch (path) {
#if defined(__x86_64__)
    case OPTBENCH_PATH_AVX512:
        return peak_avx512(iterations, sink);
    case OPTBENCH_PATH_AVX2:
        return peak_avx2(iterations, sink);
#endif
    case OPTBENCH_PATH_PORTABLE:
        return peak_portable(iterations, sink);
    default:
        return 0;
    }
}
