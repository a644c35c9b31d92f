#include "cpu_features.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/// Whether the operating system saves the AVX (and, with `zmm`, AVX-512)
/// register state: XCR0 bits 1–2 (SSE, AVX) and 5–7 (opmask, ZMM).
static int os_saves_vector_state(int zmm) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) return 0;
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    unsigned int need = zmm ? 0xE6u : 0x06u;
    return (lo & need) == need;
}

static int has(const char *feature) {
    __builtin_cpu_init();
    if (strcmp(feature, "sse2") == 0) return __builtin_cpu_supports("sse2");
    if (strcmp(feature, "avx") == 0) return __builtin_cpu_supports("avx") && os_saves_vector_state(0);
    if (strcmp(feature, "avx2") == 0) return __builtin_cpu_supports("avx2") && os_saves_vector_state(0);
    if (strcmp(feature, "fma") == 0) return __builtin_cpu_supports("fma") && os_saves_vector_state(0);
    int zmm = os_saves_vector_state(1);
    if (strcmp(feature, "avx512f") == 0) return __builtin_cpu_supports("avx512f") && zmm;
    if (strcmp(feature, "avx512vl") == 0) return __builtin_cpu_supports("avx512vl") && zmm;
    if (strcmp(feature, "avx512dq") == 0) return __builtin_cpu_supports("avx512dq") && zmm;
    if (strcmp(feature, "avx512bw") == 0) return __builtin_cpu_supports("avx512bw") && zmm;
    return 0;
}

static const char *const features[] = {"sse2", "avx", "avx2", "fma", "avx512f", "avx512vl", "avx512dq", "avx512bw"};
#endif

int optbench_cpu_supports_path(optbench_kernel_path path) {
    switch (path) {
    case OPTBENCH_PATH_PORTABLE:
        return 1;
#if defined(__x86_64__)
    case OPTBENCH_PATH_AVX2:
        return has("avx2") && has("fma");
    case OPTBENCH_PATH_AVX512:
        return has("avx512f") && has("avx512vl") && has("avx512dq") && has("avx512bw") && has("fma");
#endif
    default:
        return 0;
    }
}

optbench_kernel_path optbench_best_path(void) {
    if (optbench_cpu_supports_path(OPTBENCH_PATH_AVX512)) return OPTBENCH_PATH_AVX512;
    if (optbench_cpu_supports_path(OPTBENCH_PATH_AVX2)) return OPTBENCH_PATH_AVX2;
    return OPTBENCH_PATH_PORTABLE;
}

void optbench_cpu_model_name(char *out, size_t capacity) {
    if (capacity == 0) return;
    char name[49] = "unknown";
#if defined(__x86_64__) || defined(__i386__)
    unsigned int regs[12];
    if (__get_cpuid_max(0x80000000u, NULL) >= 0x80000004u) {
        for (unsigned int i = 0; i < 3; i++) {
            __get_cpuid(0x80000002u + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
        }
        memcpy(name, regs, 48);
        name[48] = 0;
    }
#endif
    // Trim the padding some CPUs put around the name.
    const char *start = name;
    while (*start == ' ') start++;
    size_t length = strlen(start);
    while (length > 0 && start[length - 1] == ' ') length--;
    if (length == 0) { start = "unknown"; length = 7; }
    if (length >= capacity) length = capacity - 1;
    memcpy(out, start, length);
    out[length] = 0;
}

void optbench_cpu_feature_list(char *out, size_t capacity) {
    if (capacity == 0) return;
    out[0] = 0;
    size_t used = 0;
#if defined(__x86_64__) || defined(__i386__)
    for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
        if (!has(features[i])) continue;
        size_t length = strlen(features[i]) + (used > 0 ? 1 : 0);
        if (used + length + 1 > capacity) break;
        if (used > 0) out[used++] = ' ';
        memcpy(out + used, features[i], strlen(features[i]));
        used += strlen(features[i]);
        out[used] = 0;
    }
#elif defined(__aarch64__)
    const char *neon = "neon";
    if (capacity > 4) { memcpy(out, neon, 5); }
#endif
}
