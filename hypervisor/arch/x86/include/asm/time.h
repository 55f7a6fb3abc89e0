#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <hv/types.h>

/* System time 0 is the hypervisor's entry: call first thing. */
void tsc_mark_entry(void);
/* Calibrate the TSC against the PIT; system time runs from then on. */
void tsc_calibrate(void);
uint64_t tsc_hz(void);
uint64_t tsc_from_ns(s_time_t ns);
/* The TSC value at which system time was 0 (boot). */
uint64_t tsc_at_boot(void);

#endif /* ASM_TIME_H */
