#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <hv/types.h>

/* Calibrate the TSC against the PIT and start system time at 0. */
void tsc_calibrate(void);
uint64_t tsc_hz(void);
uint64_t tsc_from_ns(s_time_t ns);
/* The TSC value at which system time was 0 (boot). */
uint64_t tsc_at_boot(void);

#endif /* ASM_TIME_H */
