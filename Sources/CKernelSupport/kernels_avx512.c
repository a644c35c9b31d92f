// The AVX-512 path (F, VL, DQ, BW and FMA): 32 zmm registers of 16 floats.
// Compiled with per-function `target` attributes, so no compiler flag is
// needed; called only when the CPU reports these features.

#include "kernel_tables.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma")))
#define INLINE static inline __attribute__((always_inline))

/// Lanes 0 … n−1 of a 16-lane mask (n in 0…16).
INLINE AVX512 __mmask16 first_lanes(long n) {
    return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

/// An 8-row tile of `vectors` (1 or 2) column vectors; the last vector is
/// loaded and stored through `last` when `masked`, whole otherwise.
INLINE AVX512 void dense_8xv(const int vectors, const int masked, __mmask16 last, long rows, long k,
                             const float *a, long lda, const float *b, long ldb, float *c, long ldc, int accumulate) {
    const float *ar[8];
#pragma clang loop unroll(full)
    for (int r = 0; r < 8; r++) ar[r] = a + (r < rows ? r : rows - 1) * lda;
    __m512 sums[8][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < 8; r++) {
#pragma clang loop unroll(full)
        for (int v = 0; v < 2; v++) {
            const __mmask16 mask = masked && v == vectors - 1 ? last : (__mmask16)0xFFFF;
            sums[r][v] = accumulate && r < rows && v < vectors
                ? _mm512_maskz_loadu_ps(mask, c + r * ldc + 16 * v) : _mm512_setzero_ps();
        }
    }
    for (long p = 0; p < k; p++) {
        const float *bp = b + p * ldb;
        __m512 bv[2];
#pragma clang loop unroll(full)
        for (int v = 0; v < 2; v++) {
            if (v < vectors) bv[v] = masked && v == vectors - 1 ? _mm512_maskz_loadu_ps(last, bp + 16 * v)
                                                                 : _mm512_loadu_ps(bp + 16 * v);
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < 8; r++) {
            const __m512 x = _mm512_set1_ps(ar[r][p]);
#pragma clang loop unroll(full)
            for (int v = 0; v < 2; v++)
                if (v < vectors) sums[r][v] = _mm512_fmadd_ps(x, bv[v], sums[r][v]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < 8; r++) {
        if (r >= rows) break;
#pragma clang loop unroll(full)
        for (int v = 0; v < 2; v++) {
            if (v >= vectors) break;
            if (masked && v == vectors - 1) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, last, sums[r][v]);
            else _mm512_storeu_ps(c + r * ldc + 16 * v, sums[r][v]);
        }
    }
}

AVX512 static void dense_tile(long rows, long width, long k, const float *a, long lda, const float *b, long ldb,
                              float *c, long ldc, int accumulate) {
    if (width == 32) {
        dense_8xv(2, 0, 0xFFFF, rows, k, a, lda, b, ldb, c, ldc, accumulate);
    } else if (width > 16) {
        dense_8xv(2, 1, first_lanes(width - 16), rows, k, a, lda, b, ldb, c, ldc, accumulate);
    } else if (width == 16) {
        dense_8xv(1, 0, 0xFFFF, rows, k, a, lda, b, ldb, c, ldc, accumulate);
    } else {
        dense_8xv(1, 1, first_lanes(width), rows, k, a, lda, b, ldb, c, ldc, accumulate);
    }
}

/// A 4-row zero-skipping tile of `vectors` (1…4) column vectors, the last
/// through `last` when `masked`.
INLINE AVX512 void sparse_4xv(const int vectors, const int masked, __mmask16 last, long rows,
                              const int *listed, long count, const float *a, long lda, const float *b, long ldb,
                              const float *partial, long ldp, float *out, long ldo) {
    const float *ar[4];
#pragma clang loop unroll(full)
    for (int r = 0; r < 4; r++) ar[r] = a + (r < rows ? r : rows - 1) * lda;
    __m512 sums[4][4];
#pragma clang loop unroll(full)
    for (int r = 0; r < 4; r++) {
#pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) {
            const __mmask16 mask = masked && v == vectors - 1 ? last : (__mmask16)0xFFFF;
            sums[r][v] = partial && r < rows && v < vectors
                ? _mm512_maskz_loadu_ps(mask, partial + r * ldp + 16 * v) : _mm512_setzero_ps();
        }
    }
    for (long index = 0; index < count; index++) {
        const long p = listed[index];
        const float *bp = b + p * ldb;
        __m512 bv[4];
#pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) {
            if (v < vectors) bv[v] = masked && v == vectors - 1 ? _mm512_maskz_loadu_ps(last, bp + 16 * v)
                                                                 : _mm512_loadu_ps(bp + 16 * v);
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < 4; r++) {
            const __m512 x = _mm512_set1_ps(ar[r][p]);
#pragma clang loop unroll(full)
            for (int v = 0; v < 4; v++)
                if (v < vectors) sums[r][v] = _mm512_fmadd_ps(x, bv[v], sums[r][v]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < 4; r++) {
        if (r >= rows) break;
#pragma clang loop unroll(full)
        for (int v = 0; v < 4; v++) {
            if (v >= vectors) break;
            if (masked && v == vectors - 1) _mm512_mask_storeu_ps(out + r * ldo + 16 * v, last, sums[r][v]);
            else _mm512_storeu_ps(out + r * ldo + 16 * v, sums[r][v]);
        }
    }
}

AVX512 static void sparse_tile(long rows, long width, const int *listed, long count, const float *a, long lda,
                               const float *b, long ldb, const float *partial, long ldp, float *out, long ldo) {
    const long vectors = (width + 15) / 16;
    const int masked = width % 16 != 0;
    const __mmask16 last = first_lanes(width - 16 * (vectors - 1));
#define SPARSE(v, m) sparse_4xv(v, m, last, rows, listed, count, a, lda, b, ldb, partial, ldp, out, ldo)
    switch (vectors * 2 + masked) {
    case 2: SPARSE(1, 0); break;
    case 3: SPARSE(1, 1); break;
    case 4: SPARSE(2, 0); break;
    case 5: SPARSE(2, 1); break;
    case 6: SPARSE(3, 0); break;
    case 7: SPARSE(3, 1); break;
    case 8: SPARSE(4, 0); break;
    default: SPARSE(4, 1); break;
    }
#undef SPARSE
}

AVX512 static long nonzero_columns(const float *a, long lda, long rows, long start, long end, int *out) {
    const __m512 zero = _mm512_setzero_ps();
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    long count = 0, q = start;
    // 16 columns at a time: compares into one mask, an in-register compress of the column numbers.
    for (; q + 16 <= end; q += 16) {
        __mmask16 mask = 0;
        for (long r = 0; r < rows; r++) mask |= _mm512_cmp_ps_mask(_mm512_loadu_ps(a + r * lda + q), zero, _CMP_NEQ_UQ);
        if (mask == 0) continue;
        const __m512i columns = _mm512_add_epi32(_mm512_set1_epi32((int)q), lane);
        _mm512_storeu_si512((void *)(out + count), _mm512_maskz_compress_epi32(mask, columns));
        count += __builtin_popcount((unsigned)mask);
    }
    return optbench_nonzero_columns_scalar(a, lda, rows, q, end, out, count);
}

#define OPTBENCH_RULE(name) avx512_##name
#pragma clang attribute push (__attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,fma"))), apply_to = function)
#include "optimizer_rules.h"
#include "transpose_block.h"
#pragma clang attribute pop

const optbench_kernel_table optbench_avx512_kernels = {
    .path = OPTBENCH_PATH_AVX512,
    .dense_rows = 8,
    .dense_tile = dense_tile,
    .sparse_tile = sparse_tile,
    .nonzero_columns = nonzero_columns,
    .sgd_update = avx512_sgd_update,
    .rmsprop_update = avx512_rmsprop_update,
    .adam_update = avx512_adam_update,
    .transpose_16x16 = avx512_transpose_16x16,
};
#endif
