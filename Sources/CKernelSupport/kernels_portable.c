// The portable path: plain C, one `fmaf` (a correctly rounded fused
// multiply-add) per product, for any CPU of any architecture. On x86-64
// without FMA `fmaf` is a library call; on arm64 the compiler may turn these
// loops into vector fused multiply-adds, which round the same way.

#include "kernel_tables.h"

#include <math.h>

static void dense_tile(long rows, long width, long k, const float *a, long lda, const float *b, long ldb,
                       float *c, long ldc, int accumulate) {
    float sums[8][32];
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < width; j++) sums[r][j] = accumulate ? c[r * ldc + j] : 0.0f;
    for (long p = 0; p < k; p++) {
        const float *bp = b + p * ldb;
        for (long r = 0; r < rows; r++) {
            const float x = a[r * lda + p];
            for (long j = 0; j < width; j++) sums[r][j] = fmaf(x, bp[j], sums[r][j]);
        }
    }
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < width; j++) c[r * ldc + j] = sums[r][j];
}

static void sparse_tile(long rows, long width, const int *listed, long count, const float *a, long lda,
                        const float *b, long ldb, const float *partial, long ldp, float *out, long ldo) {
    float sums[4][OPTBENCH_SPARSE_TILE_COLUMNS];
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < width; j++) sums[r][j] = partial ? partial[r * ldp + j] : 0.0f;
    for (long index = 0; index < count; index++) {
        const long p = listed[index];
        const float *bp = b + p * ldb;
        for (long r = 0; r < rows; r++) {
            const float x = a[r * lda + p];
            for (long j = 0; j < width; j++) sums[r][j] = fmaf(x, bp[j], sums[r][j]);
        }
    }
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < width; j++) out[r * ldo + j] = sums[r][j];
}

static long nonzero_columns(const float *a, long lda, long rows, long start, long end, int *out) {
    return optbench_nonzero_columns_scalar(a, lda, rows, start, end, out, 0);
}

#define OPTBENCH_RULE(name) portable_##name
#include "optimizer_rules.h"
#include "transpose_block.h"

const optbench_kernel_table optbench_portable_kernels = {
    .path = OPTBENCH_PATH_PORTABLE,
    .dense_rows = 8,
    .dense_tile = dense_tile,
    .sparse_tile = sparse_tile,
    .nonzero_columns = nonzero_columns,
    .sgd_update = portable_sgd_update,
    .rmsprop_update = portable_rmsprop_update,
    .adam_update = portable_adam_update,
    .transpose_16x16 = portable_transpose_16x16,
};
