// The 16×16 block transpose, written once and compiled per instruction-set
// path like optimizer_rules.h (each kernels_*.c includes it with its own
// `target` and OPTBENCH_RULE). Pure data movement: every path gives the same
// bits.

typedef float optbench_block_v16 __attribute__((ext_vector_type(16), aligned(4)));

/// `target[c·ld + r] = rows[r][c]` for r, c in 0…15: sixteen rows held in
/// sixteen vectors, four rounds of "unzip row pairs" (row i ← the even
/// elements of rows 2i, 2i+1; row i+8 ← the odd ones) move element (r, c)
/// to (c, r).
static void OPTBENCH_RULE(transpose_16x16)(const float *const *rows, float *target, long ld) {
    optbench_block_v16 r[16];
#pragma clang loop unroll(full)
    for (int i = 0; i < 16; i++) r[i] = *(const optbench_block_v16 *)rows[i];
#pragma clang loop unroll(full)
    for (int round = 0; round < 4; round++) {
        optbench_block_v16 n[16];
#pragma clang loop unroll(full)
        for (int q = 0; q < 8; q++) {
            n[q] = __builtin_shufflevector(r[2 * q], r[2 * q + 1],
                                           0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            n[q + 8] = __builtin_shufflevector(r[2 * q], r[2 * q + 1],
                                               1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        }
#pragma clang loop unroll(full)
        for (int i = 0; i < 16; i++) r[i] = n[i];
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < 16; i++) *(optbench_block_v16 *)(target + i * ld) = r[i];
}
