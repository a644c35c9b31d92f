#ifndef OPTBENCH_KERNEL_DISPATCH_H
#define OPTBENCH_KERNEL_DISPATCH_H

#include "cpu_features.h"

/// The micro-kernels of one instruction-set path (`optbench_kernel_path`).
///
/// Every path computes every output element as the same chain of fused
/// multiply-adds, over the inner index `p` in increasing order, starting from
/// +0 (or from the partial sum in `C` when accumulating):
///
///     c = fma(a[i, p_last], b[p_last, j], … fma(a[i, p_0], b[p_0, j], c0) …)
///
/// so the paths agree bit for bit whatever their tile shapes. Rows of a tile
/// past `rows` reuse the last real row of `A` and are never stored; columns
/// past `width` are read with masked loads (never beyond `width`) and never
/// stored to `C`.
typedef struct {
    /// The path these kernels are written for.
    optbench_kernel_path path;
    /// Rows of `C` one `dense_tile` call computes at most: 8 (AVX-512, an
    /// 8 × 32 tile in 16 of the 32 zmm registers), 6 (AVX2, 6 × 16 tiles: 12
    /// accumulators in the 16 ymm registers, as BLIS and OpenBLAS on
    /// Haswell/Zen), 8 (portable).
    long dense_rows;
    /// `C[rows × width] (+)= A[rows × k] · B[k × width]`, `rows` in
    /// 1…dense_rows, `width` in 1…32; stores the raw sums to `c` (leading
    /// dimension `ldc`), adding to the values there when `accumulate`.
    void (* _Nonnull dense_tile)(long rows, long width, long k,
                                 const float * _Nonnull a, long lda,
                                 const float * _Nonnull b, long ldb,
                                 float * _Nonnull c, long ldc, int accumulate);
    /// The zero-skipping tile: `rows` (1…4) rows × `width` (1…64) columns of
    /// `A·B` over the `count` inner indices `listed` (increasing), starting
    /// from `partial` (leading dimension `ldp`) when it is not NULL, from +0
    /// otherwise. Stores the sums to `out` (leading dimension `ldo`; `out`
    /// may be `partial`), exactly `rows × width` of them.
    void (* _Nonnull sparse_tile)(long rows, long width,
                                  const int * _Nullable listed, long count,
                                  const float * _Nonnull a, long lda,
                                  const float * _Nonnull b, long ldb,
                                  const float * _Nullable partial, long ldp,
                                  float * _Nonnull out, long ldo);
    /// For `rows` (1…4) rows of a float matrix (the first at `a`, the next
    /// `lda` floats further each), writes the columns `start ..< end` where
    /// some row is nonzero (NaN counts, −0 does not) to `out`, in increasing
    /// order, and returns how many. May write up to 16 ints past the count
    /// (never past `out + (end − start)`).
    long (* _Nonnull nonzero_columns)(const float * _Nonnull a, long lda, long rows,
                                      long start, long end, int * _Nonnull out);
    /// The built-in optimizers' update rules over `count` parameters `w`
    /// with their gradients `g` and slots (optimizer_rules.h gives each
    /// rule's arithmetic; every path gives the same bits).
    void (* _Nonnull sgd_update)(long count, float * _Nonnull w, const float * _Nonnull g,
                                 float * _Nonnull velocity, float learning_rate, float momentum, int nesterov);
    void (* _Nonnull rmsprop_update)(long count, float * _Nonnull w, const float * _Nonnull g,
                                     float * _Nonnull mean_square, float * _Nonnull momentum_slot,
                                     float * _Nonnull average_gradient, float learning_rate, float rho,
                                     float one_minus_rho, float momentum, float epsilon, int centered);
    void (* _Nonnull adam_update)(long count, float * _Nonnull w, const float * _Nonnull g,
                                  float * _Nonnull m, float * _Nonnull v, float * _Nonnull v_hat, float alpha,
                                  float one_minus_beta1, float one_minus_beta2, float epsilon, int amsgrad);
    /// `target[c·ld + r] = rows[r][c]` for r, c in 0…15 (transpose_block.h).
    void (* _Nonnull transpose_16x16)(const float * _Nonnull const * _Nonnull rows, float * _Nonnull target,
                                      long ld);
} optbench_kernel_table;

/// The leading dimension of the scratch tile through which the zero-skipping
/// sums are handed to a consumer other than memory.
#define OPTBENCH_SPARSE_TILE_COLUMNS 64

/// The kernels of `path`, or NULL when this build has none for it (the x86
/// paths on other architectures). Whether the CPU can run them is
/// `optbench_cpu_supports_path`'s answer.
const optbench_kernel_table * _Nullable optbench_kernel_table_for_path(optbench_kernel_path path);

/// The kernels in use. Chosen once when the library is loaded: the path named
/// by the environment variable `OPTBENCH_KERNELS` (`avx512`, `avx2` or
/// `portable`) if it is set, else `optbench_best_path()`. A name that is not
/// one of these, or a path this CPU cannot run, ends the process with one
/// line on stderr and exit status 2 before any kernel runs (running the
/// kernels of a path the CPU lacks would die of an illegal instruction).
const optbench_kernel_table * _Nonnull optbench_active_kernel_table(void);

/// Makes `path` the path in use; returns 0, or −1 (nothing changed) when this
/// CPU or this build cannot run it. Calls already running finish on the
/// kernels they started with (each reads the table once).
int optbench_select_kernel_path(optbench_kernel_path path);

/// The path of a name (`avx512`, `avx2`, `portable`) into `*path`: 0, or −1
/// for any other name.
int optbench_kernel_path_named(const char * _Nonnull name, optbench_kernel_path * _Nonnull path);

/// The name of `path` (`avx512`, `avx2`, `portable`).
const char * _Nonnull optbench_kernel_path_name(optbench_kernel_path path);

#endif
