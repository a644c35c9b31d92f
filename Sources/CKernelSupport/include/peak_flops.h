#ifndef OPTBENCH_PEAK_FLOPS_H
#define OPTBENCH_PEAK_FLOPS_H

#include "cpu_features.h"

/// One core's peak rate of fused multiply-adds on a kernel path: a loop that
/// keeps many independent chains `acc = acc * a + b` in registers and touches
/// no memory, so that only the FMA units' throughput limits it.
///
/// - AVX-512: 16 chains of `zmm` registers (16 floats each); 16 accumulators
///   cover an FMA latency of 4 cycles on two pipes with room to spare and,
///   with the two operands, leave half of the 32 registers free.
/// - AVX2: 12 chains of `ymm` registers (8 floats); 12 accumulators and two
///   operands fit the 16 registers without spilling.
/// - Portable: 16 scalar chains through `fmaf`, whatever the compiler makes of
///   it without target flags (one `fmadd` on arm64; a library call on a
///   baseline x86-64, which is what the portable kernels pay too).
///
/// Runs `iterations` rounds (each round one FMA on every chain) and returns
/// the number of floating-point operations done (2 per lane per FMA), or 0
/// when this CPU (or this architecture) cannot run `path`. The chains
/// converge to `b / (1 - a)` and stay normal numbers, so no denormal slows
/// them. `sink` receives a sum of the accumulators, which keeps the compiler
/// from removing the loop; its value means nothing.
double optbench_peak_fma_loop(optbench_kernel_path path, long iterations, float *sink);

#endif
