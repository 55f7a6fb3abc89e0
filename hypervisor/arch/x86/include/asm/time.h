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
/* The TSC-to-ns scale (for guests' pvclock) and system time at a given TSC. */
struct time_scale;
void tsc_get_scale(struct time_scale *s);
s_time_t tsc_to_system(uint64_t tsc);
/* Seconds since 1970 at system time 0, from the CMOS clock. */
uint64_t wallclock_at_boot(void);
void rtc_init(void);

#endif /* ASM_TIME_H */
