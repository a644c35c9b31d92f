#ifndef OPTBENCH_ATOMIC_FLAGS_H
#define OPTBENCH_ATOMIC_FLAGS_H

#include <stdint.h>

/// Reads a flag that another thread publishes with optbench_store_release:
/// everything that thread wrote before publishing is visible after this load.
static inline __attribute__((always_inline)) intptr_t optbench_load_acquire(const intptr_t *flag) {
    return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

/// Publishes `value` in `flag` after everything this thread wrote before.
static inline __attribute__((always_inline)) void optbench_store_release(intptr_t *flag, intptr_t value) {
    __atomic_store_n(flag, value, __ATOMIC_RELEASE);
}

#endif
