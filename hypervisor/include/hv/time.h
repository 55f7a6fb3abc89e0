/*
 * System time: nanoseconds since boot, from the TSC. The scale is the
 * pvclock one (a 32.32 multiplier after a shift), so the same figures can be
 * published to guests in vcpu_time_info.
 */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <hv/types.h>

struct time_scale {
    uint32_t mul_frac;   /* multiplier, 32.32 fixed point */
    int8_t shift;        /* applied to the TSC delta first */
};

#define NSEC_PER_SEC 1000000000ull
#define MILLISECS(ms) ((s_time_t)(ms) * 1000000)
#define MICROSECS(us) ((s_time_t)(us) * 1000)

/* Compute the scale that turns ticks at `hz` into nanoseconds. */
void time_scale_init(struct time_scale *ts, uint64_t hz);
/* The general form: turn ticks at from_hz into ticks at to_hz. */
void time_scale_init_ratio(struct time_scale *ts, uint64_t from_hz, uint64_t to_hz);
/* ns = ((delta << shift) * mul_frac) >> 32, without overflow for 64-bit deltas. */
uint64_t time_scale_apply(const struct time_scale *ts, uint64_t delta);

/* System time; 0 until time_init() has calibrated the TSC. */
s_time_t now(void);
uint64_t cpu_khz(void);

#endif /* HV_TIME_H */
