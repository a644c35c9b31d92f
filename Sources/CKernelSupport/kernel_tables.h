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

#endif
