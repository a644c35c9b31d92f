#ifndef OPTBENCH_PREFETCH_H
#define OPTBENCH_PREFETCH_H

#include <stdint.h>

/// Asks the CPU to start loading the `bytes` bytes at `start` into its L2
/// cache (one hint per 64-byte line), without waiting for them: for data that
/// a later step reads from memory, such as the next batch's images.
static inline __attribute__((always_inline)) void optbench_prefetch(const void *start, long bytes) {
    // Every line the bytes touch, the last one too when `start` is not on a line boundary.
    const char *end = (const char *)start + bytes;
    for (const char *p = (const char *)((uintptr_t)start & ~(uintptr_t)63); p < end; p += 64) {
        __builtin_prefetch(p, 0, 2);
    }
}

#endif
