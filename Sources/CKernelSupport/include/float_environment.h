#ifndef OPTBENCH_FLOAT_ENVIRONMENT_H
#define OPTBENCH_FLOAT_ENVIRONMENT_H

/// Makes the calling thread flush subnormal floating-point results to zero and
/// treat subnormal inputs as zero (x86: MXCSR FTZ and DAZ; arm64: FPCR.FZ).
/// Returns the previous control word so that it can be restored.
unsigned long optbench_enable_flush_to_zero(void);

/// Restores a control word returned by optbench_enable_flush_to_zero().
void optbench_restore_float_environment(unsigned long previous);

/// 1 when the calling thread flushes subnormals to zero, 0 otherwise.
int optbench_flushes_to_zero(void);

#endif

/// Makes the calling thread keep subnormal numbers (the IEEE default).
void optbench_disable_flush_to_zero(void);
