#ifndef OPTBENCH_CPU_RELAX_H
#define OPTBENCH_CPU_RELAX_H

/// A hint inside a spin-wait loop (x86 `pause`, arm64 `yield`): the waiting
/// thread uses fewer execution resources, which matters when the thread that
/// does the work runs on the other hyperthread of the same physical core.
static inline __attribute__((always_inline)) void optbench_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
