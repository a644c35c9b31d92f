#define _GNU_SOURCE
#include "thread_affinity.h"

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

static cpu_set_t process_mask;
static int process_mask_read = 0;

static void read_process_mask(void) {
    if (!process_mask_read) {
        CPU_ZERO(&process_mask);
        if (sched_getaffinity(0, sizeof(process_mask), &process_mask) != 0) CPU_ZERO(&process_mask);
        process_mask_read = 1;
    }
}

int optbench_allowed_cpu_count(void) {
    read_process_mask();
    return CPU_COUNT(&process_mask);
}

int optbench_pin_to_allowed_cpu(int index) {
    read_process_mask();
    int seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &process_mask)) continue;
        if (seen++ == index) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            return pthread_setaffinity_np(pthread_self(), sizeof(one), &one) == 0 ? 0 : -1;
        }
    }
    return -1;
}
void *optbench_save_affinity(void) {
    cpu_set_t *mask = malloc(sizeof(cpu_set_t));
    if (!mask) return NULL;
    if (pthread_getaffinity_np(pthread_self(), sizeof(cpu_set_t), mask) != 0) {
        free(mask);
        return NULL;
    }
    return mask;
}

void optbench_restore_affinity(void *saved) {
    if (!saved) return;
    pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), (cpu_set_t *)saved);
    free(saved);
}
#else
void *optbench_save_affinity(void) { return 0; }
void optbench_restore_affinity(void *saved) { (void)saved; }
int optbench_allowed_cpu_count(void) { return 0; }
int optbench_pin_to_allowed_cpu(int index) { (void)index; return -1; }
#endif
