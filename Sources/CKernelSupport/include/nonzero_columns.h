#ifndef OPTBENCH_NONZERO_COLUMNS_H
#define OPTBENCH_NONZERO_COLUMNS_H

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

/// For the 16 columns `base … base+15` of `rows` (1…4) rows of a float matrix
/// (the first at `a`, the next `lda` floats further each), writes the columns
/// where some row is nonzero (NaN counts, −0 does not) to `out`, in increasing
/// order, and returns how many. May write up to 16 ints at `out` whatever the
/// count (the caller's list has room for them).
///
/// With AVX-512: four vector compares, one mask, one in-register compress
/// (vpcompressd) and one store; elsewhere a branch-free loop.
static inline __attribute__((always_inline))
int optbench_list_nonzero_columns16(const float *a, long lda, int rows, int base, int *out) {
#if defined(__AVX512F__)
    const __m512 zero = _mm512_setzero_ps();
    __mmask16 mask = 0;
    for (int r = 0; r < rows; r++) mask |= _mm512_cmp_ps_mask(_mm512_loadu_ps(a + r * lda), zero, _CMP_NEQ_UQ);
    if (mask == 0) return 0;
    const __m512i columns = _mm512_add_epi32(_mm512_set1_epi32(base),
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    _mm512_storeu_si512((void *)out, _mm512_maskz_compress_epi32(mask, columns));
    return __builtin_popcount((unsigned)mask);
#else
    int count = 0;
    for (int q = 0; q < 16; q++) {
        int listed = 0;
        for (int r = 0; r < rows; r++) listed |= a[r * lda + q] != 0.0f;
        out[count] = base + q;
        count += listed;
    }
    return count;
#endif
}

#endif
