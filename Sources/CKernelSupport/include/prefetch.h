#ifndef OPTBENCH_PREFETCH_H
#define OPTBENCH_PREFETCH_H

/// Asks the CPU to start loading the `bytes` bytes at `start` into its L2
/// cache (one hint per 64-byte line), without waiting for them: for data that
/// a later step reads from memory, such as the next batch's images.
static inline __attribute__((always_inline)) void optbench_prefetch(const void *start, long bytes) {
    const char *p = (const char *)start;
    for (long offset = 0; offset < bytes; offset += 64) __builtin_prefetch(p + offset, 0, 2);
}

#endif
