#ifndef OPTBENCH_KERNEL_TABLES_H
#define OPTBENCH_KERNEL_TABLES_H

#include "kernel_dispatch.h"

/// The kernels of each path (kernels_portable.c, kernels_avx2.c,
/// kernels_avx512.c; the x86 ones only on x86-64).
extern const optbench_kernel_table optbench_portable_kernels;
#if defined(__x86_64__)
extern const optbench_kernel_table optbench_avx2_kernels;
extern const optbench_kernel_table optbench_avx512_kernels;
#endif

/// The columns `start ..< end` where some of `rows` rows is nonzero (the
/// contract of `nonzero_columns`), one column at a time, appended to `out`
/// from index `count`; returns the new count. The whole portable scan, and
/// the other paths' tail after their vector steps.
static inline long optbench_nonzero_columns_scalar(const float *a, long lda, long rows, long start, long end,
                                                   int *out, long count) {
    for (long q = start; q < end; q++) {
        int listed = 0;
        for (long r = 0; r < rows; r++) listed |= a[r * lda + q] != 0.0f;
        out[count] = (int)q;
        count += listed;
    }
    return count;
}

#endif
