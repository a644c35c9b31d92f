#include "float_environment.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define FTZ_DAZ 0x8040u  /* MXCSR bit 15 (flush to zero) | bit 6 (denormals are zero) */

unsigned long optbench_enable_flush_to_zero(void) {
    unsigned int previous = _mm_getcsr();
    _mm_setcsr(previous | FTZ_DAZ);
    return previous;
}

void optbench_restore_float_environment(unsigned long previous) {
    _mm_setcsr((unsigned int)previous);
}

int optbench_flushes_to_zero(void) {
    return (_mm_getcsr() & FTZ_DAZ) == FTZ_DAZ;
}

void optbench_disable_flush_to_zero(void) {
    _mm_setcsr(_mm_getcsr() & ~FTZ_DAZ);
}

#elif defined(__aarch64__)
#define FPCR_FZ (1ul << 24)

static unsigned long read_fpcr(void) {
    unsigned long value;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(value));
    return value;
}

static void write_fpcr(unsigned long value) {
    __asm__ __volatile__("msr fpcr, %0" : : "r"(value));
}

unsigned long optbench_enable_flush_to_zero(void) {
    unsigned long previous = read_fpcr();
    write_fpcr(previous | FPCR_FZ);
    return previous;
}

void optbench_restore_float_environment(unsigned long previous) { write_fpcr(previous); }

int optbench_flushes_to_zero(void) { return (read_fpcr() & FPCR_FZ) != 0; }

void optbench_disable_flush_to_zero(void) { write_fpcr(read_fpcr() & ~FPCR_FZ); }

#else
unsigned long optbench_enable_flush_to_zero(void) { return 0; }
void optbench_restore_float_environment(unsigned long previous) { (void)previous; }
int optbench_flushes_to_zero(void) { return 0; }
void optbench_disable_flush_to_zero(void) {}
#endif
