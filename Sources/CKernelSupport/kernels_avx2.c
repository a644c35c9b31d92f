// The AVX2 path (AVX2 and FMA): 16 ymm registers of 8 floats. The tiles fit
// that register file: 6 × 16 dense tiles (12 accumulators, 2 vectors of `B`,
// 1 broadcast of `A`), as the BLIS and OpenBLAS kernels for Haswell and Zen,
// and 4 × 24 zero-skipping tiles (12 accumulators, 3 vectors of `B`).
// Compiled with per-function `target` attributes; called only when the CPU
// reports these features.

#include "kernel_tables.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

/// A mask of lanes 0 … n−1 (n in 1…8) for `_mm256_maskload_ps`/`maskstore`.
INLINE AVX2 __m256i first_lanes(long n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

INLINE AVX2 __m256 load(const int masked, __m256i mask, const float *p) {
    return masked ? _mm256_maskload_ps(p, mask) : _mm256_loadu_ps(p);
}

/// A 6-row tile of `vectors` (1 or 2) column vectors of 8; the last through
/// `last` when `masked`.
INLINE AVX2 void dense_6xv(const int vectors, const int masked, __m256i last, long rows, long k,
                           const float *a, long lda, const float *b, long ldb, float *c, long ldc, int accumulate) {
    const float *ar[6];
#pragma clang loop unroll(full)
    for (int r = 0; r < 6; r++) ar[r] = a + (r < rows ? r : rows - 1) * lda;
    __m256 sums[6][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < 6; r++) {
#pragma clang loop unroll(full)
        for (int v = 0; v < 2; v++) {
            const int partial = masked && v == vectors - 1;
            sums[r][v] = accumulate && r < rows && v < vectors ? load(partial, last, c + r * ldc + 8 * v)
                                                               : _mm256_setzero_ps();
        }
    }
    for (long p = 0; p < k; p++) {
        const float *bp = b + p * ldb;
        __m256 bv[2];
#pragma clang loop unroll(full)
        for (int v = 0; v < 2; v++)
            if (v < vectors) bv[v] = load(masked && v == vectors - 1, last, bp + 8 * v);
#pragma clang loop unroll(full)
        for (int r = 0; r < 6; r++) {
            const __m256 x = _mm256_broadcast_ss(ar[r] + p);
#pragma clang loop unroll(full)
            for (int v = 0; v < 2; v++)
                if (v < vectors) sums[r][v] = _mm256_fmadd_ps(x, bv[v], sums[r][v]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < 6; r++) {
        if (r >= rows) break;
#pragma clang loop unroll(full)
        for (int v = 0; v < 2; v++) {
            if (v >= vectors) break;
            if (masked && v == vectors - 1) _mm256_maskstore_ps(c + r * ldc + 8 * v, last, sums[r][v]);
            else _mm256_storeu_ps(c + r * ldc + 8 * v, sums[r][v]);
        }
    }
}

AVX2 static void dense_tile(long rows, long width, long k, const float *a, long lda, const float *b, long ldb,
                            float *c, long ldc, int accumulate) {
    // The tile's columns 16 at a time; B's panel stays in cache between the passes.
    for (long column = 0; column < width; column += 16) {
        const long w = width - column < 16 ? width - column : 16;
        const float *bc = b + column;
        float *cc = c + column;
        if (w == 16) dense_6xv(2, 0, first_lanes(8), rows, k, a, lda, bc, ldb, cc, ldc, accumulate);
        else if (w > 8) dense_6xv(2, 1, first_lanes(w - 8), rows, k, a, lda, bc, ldb, cc, ldc, accumulate);
        else if (w == 8) dense_6xv(1, 0, first_lanes(8), rows, k, a, lda, bc, ldb, cc, ldc, accumulate);
        else dense_6xv(1, 1, first_lanes(w), rows, k, a, lda, bc, ldb, cc, ldc, accumulate);
    }
}

/// A 4-row zero-skipping tile of `vectors` (1…3) column vectors of 8, the
/// last through `last` when `masked`.
INLINE AVX2 void sparse_4xv(const int vectors, const int masked, __m256i last, long rows,
                            const int *listed, long count, const float *a, long lda, const float *b, long ldb,
                            const float *partial, long ldp, float *out, long ldo) {
    const float *ar[4];
#pragma clang loop unroll(full)
    for (int r = 0; r < 4; r++) ar[r] = a + (r < rows ? r : rows - 1) * lda;
    __m256 sums[4][3];
#pragma clang loop unroll(full)
    for (int r = 0; r < 4; r++) {
#pragma clang loop unroll(full)
        for (int v = 0; v < 3; v++) {
            sums[r][v] = partial && r < rows && v < vectors
                ? load(masked && v == vectors - 1, last, partial + r * ldp + 8 * v) : _mm256_setzero_ps();
        }
    }
    for (long index = 0; index < count; index++) {
        const long p = listed[index];
        const float *bp = b + p * ldb;
        __m256 bv[3];
#pragma clang loop unroll(full)
        for (int v = 0; v < 3; v++)
            if (v < vectors) bv[v] = load(masked && v == vectors - 1, last, bp + 8 * v);
#pragma clang loop unroll(full)
        for (int r = 0; r < 4; r++) {
            const __m256 x = _mm256_broadcast_ss(ar[r] + p);
#pragma clang loop unroll(full)
            for (int v = 0; v < 3; v++)
                if (v < vectors) sums[r][v] = _mm256_fmadd_ps(x, bv[v], sums[r][v]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < 4; r++) {
        if (r >= rows) break;
#pragma clang loop unroll(full)
        for (int v = 0; v < 3; v++) {
            if (v >= vectors) break;
            if (masked && v == vectors - 1) _mm256_maskstore_ps(out + r * ldo + 8 * v, last, sums[r][v]);
            else _mm256_storeu_ps(out + r * ldo + 8 * v, sums[r][v]);
        }
    }
}

AVX2 static void sparse_tile(long rows, long width, const int *listed, long count, const float *a, long lda,
                             const float *b, long ldb, const float *partial, long ldp, float *out, long ldo) {
    // 24 columns per pass over the listed indices.
    for (long column = 0; column < width; column += 24) {
        const long w = width - column < 24 ? width - column : 24;
        const long vectors = (w + 7) / 8;
        const int masked = w % 8 != 0;
        const __m256i last = first_lanes(w - 8 * (vectors - 1));
        const float *pc = partial ? partial + column : 0;
#define SPARSE(v, m) sparse_4xv(v, m, last, rows, listed, count, a, lda, b + column, ldb, pc, ldp, out + column, ldo)
        switch (vectors * 2 + masked) {
        case 2: SPARSE(1, 0); break;
        case 3: SPARSE(1, 1); break;
        case 4: SPARSE(2, 0); break;
        case 5: SPARSE(2, 1); break;
        case 6: SPARSE(3, 0); break;
        default: SPARSE(3, 1); break;
        }
#undef SPARSE
    }
}

AVX2 static long nonzero_columns(const float *a, long lda, long rows, long start, long end, int *out) {
    const __m256 zero = _mm256_setzero_ps();
    long count = 0, q = start;
    // 8 columns at a time: compares into one bit mask, then a branch-free listing.
    for (; q + 8 <= end; q += 8) {
        int mask = 0;
        for (long r = 0; r < rows; r++)
            mask |= _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(a + r * lda + q), zero, _CMP_NEQ_UQ));
        if (mask == 0) continue;
#pragma clang loop unroll(full)
        for (int lane = 0; lane < 8; lane++) {
            out[count] = (int)(q + lane);
            count += (mask >> lane) & 1;
        }
    }
    return optbench_nonzero_columns_scalar(a, lda, rows, q, end, out, count);
}

#define OPTBENCH_RULE(name) avx2_##name
#pragma clang attribute push (__attribute__((target("avx2,fma"))), apply_to = function)
#include "optimizer_rules.h"
#include "transpose_block.h"
#pragma clang attribute pop

const optbench_kernel_table optbench_avx2_kernels = {
    .path = OPTBENCH_PATH_AVX2,
    .dense_rows = 6,
    .dense_tile = dense_tile,
    .sparse_tile = sparse_tile,
    .nonzero_columns = nonzero_columns,
    .sgd_update = avx2_sgd_update,
    .rmsprop_update = avx2_rmsprop_update,
    .adam_update = avx2_adam_update,
    .transpose_16x16 = avx2_transpose_16x16,
};
#endif
