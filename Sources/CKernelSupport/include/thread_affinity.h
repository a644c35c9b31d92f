#ifndef OPTBENCH_THREAD_AFFINITY_H
#define OPTBENCH_THREAD_AFFINITY_H

/// Number of CPUs the calling thread may run on (Linux: its affinity mask), or
/// 0 when unknown.
int optbench_allowed_cpu_count(void);

/// Restricts the calling thread to the `index`-th CPU of the process's
/// affinity mask (Linux); returns 0 on success, -1 where unsupported.
int optbench_pin_to_allowed_cpu(int index);

/// Saves the calling thread's affinity mask (for optbench_restore_affinity) and
/// returns an opaque handle, or NULL where unsupported.
void *optbench_save_affinity(void);

/// Restores and frees a mask saved by optbench_save_affinity (NULL is ignored).
void optbench_restore_affinity(void *saved);

#endif
