#include "kernel_dispatch.h"
#include "kernel_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// The table in use. Starts as the portable kernels (correct on any CPU), so
/// that nothing can run a kernel the CPU lacks even before the choice below.
static const optbench_kernel_table *active = &optbench_portable_kernels;

const optbench_kernel_table *optbench_kernel_table_for_path(optbench_kernel_path path) {
    switch (path) {
    case OPTBENCH_PATH_PORTABLE: return &optbench_portable_kernels;
#if defined(__x86_64__)
    case OPTBENCH_PATH_AVX2: return &optbench_avx2_kernels;
    case OPTBENCH_PATH_AVX512: return &optbench_avx512_kernels;
#endif
    default: return NULL;
    }
}

const optbench_kernel_table *optbench_active_kernel_table(void) {
    return __atomic_load_n(&active, __ATOMIC_ACQUIRE);
}

int optbench_select_kernel_path(optbench_kernel_path path) {
    const optbench_kernel_table *table = optbench_kernel_table_for_path(path);
    if (table == NULL || !optbench_cpu_supports_path(path)) return -1;
    __atomic_store_n(&active, table, __ATOMIC_RELEASE);
    return 0;
}

static const char *const path_names[] = {"portable", "avx2", "avx512"};

int optbench_kernel_path_named(const char *name, optbench_kernel_path *path) {
    for (int i = 0; i < 3; i++) {
        if (strcmp(name, path_names[i]) == 0) {
            *path = (optbench_kernel_path)i;
            return 0;
        }
    }
    return -1;
}

const char *optbench_kernel_path_name(optbench_kernel_path path) {
    return (unsigned)path < 3 ? path_names[path] : "unknown";
}

/// Chooses the kernels when the library is loaded, before any can run:
/// `OPTBENCH_KERNELS` if set, else the best path of this CPU.
__attribute__((constructor))
static void choose_kernels_at_load(void) {
    const char *requested = getenv("OPTBENCH_KERNELS");
    if (requested == NULL || requested[0] == '\0') {
        optbench_select_kernel_path(optbench_best_path());
        return;
    }
    optbench_kernel_path path;
    if (optbench_kernel_path_named(requested, &path) != 0) {
        fprintf(stderr, "error: OPTBENCH_KERNELS=%s is not a kernel path (avx512, avx2 or portable)\n", requested);
        exit(2);
    }
    if (optbench_select_kernel_path(path) != 0) {
        char features[256];
        optbench_cpu_feature_list(features, sizeof features);
        fprintf(stderr, "error: OPTBENCH_KERNELS=%s: this CPU cannot run it (features: %s)\n", requested, features);
        exit(2);
    }
}
