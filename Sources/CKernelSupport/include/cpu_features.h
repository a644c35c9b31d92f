#ifndef OPTBENCH_CPU_FEATURES_H
#define OPTBENCH_CPU_FEATURES_H

#include <stddef.h>

/// The instruction-set paths that the kernels are written for. Each fast
/// kernel has one variant per path, compiled with per-function `target`
/// attributes (no compiler flags), and the variant of the path chosen at run
/// time is called; a binary built on any x86-64 machine runs on any other.
typedef enum {
    /// Plain C (`fmaf` for every fused multiply-add): any CPU, any architecture.
    OPTBENCH_PATH_PORTABLE = 0,
    /// x86-64 with AVX2 and FMA (Haswell, Zen 1–3): 16 vector registers of 8 floats.
    OPTBENCH_PATH_AVX2 = 1,
    /// x86-64 with AVX-512 F/VL/DQ/BW (Skylake-X, Zen 4): 32 vector registers of 16 floats.
    OPTBENCH_PATH_AVX512 = 2,
} optbench_kernel_path;

/// 1 when this CPU (and operating system) can run the kernels of `path`.
int optbench_cpu_supports_path(optbench_kernel_path path);

/// The fastest path this CPU supports.
optbench_kernel_path optbench_best_path(void);

/// The CPU's model name as it reports it (x86-64: the CPUID brand string,
/// "AMD EPYC 9R14 96-Core Processor"); "unknown" elsewhere. Writes at most
/// `capacity` bytes including the terminating zero.
void optbench_cpu_model_name(char *out, size_t capacity);

/// A space-separated list of the features that choose between paths and that
/// this CPU has ("sse2 avx avx2 fma avx512f avx512vl avx512dq avx512bw" on a
/// Zen 4; "neon" on arm64). Same conventions as optbench_cpu_model_name.
void optbench_cpu_feature_list(char *out, size_t capacity);

#endif
