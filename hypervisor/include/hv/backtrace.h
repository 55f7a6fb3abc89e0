#ifndef HV_BACKTRACE_H
#define HV_BACKTRACE_H

#include <hv/types.h>

#define BACKTRACE_MAX_FRAMES 24

/*
 * Print a backtrace starting at rip, following the frame-pointer chain from
 * fp. Each frame pointer must lie on a stack of this CPU and grow upwards, so
 * a corrupt chain ends the walk instead of faulting again.
 */
void backtrace_print(vaddr_t rip, vaddr_t fp);

/* Architecture: is [addr, addr + len) on one of this CPU's stacks? */
bool arch_on_cpu_stack(vaddr_t addr, size_t len);

#endif /* HV_BACKTRACE_H */
