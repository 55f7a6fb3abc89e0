/*
 * Tick-rate scaling, in the pvclock form guests also use:
 * out = ((ticks << shift) * mul_frac) >> 32 (a negative shift shifts right).
 * Only multiplications and shifts at run time: no 128-bit division in ring 0.
 */
#include <hv/time.h>

void time_scale_init_ratio(struct time_scale *ts, uint64_t from_hz, uint64_t to_hz)
{
    uint64_t tps = from_hz ? from_hz : 1;
    int shift = 0;

    /* Keep to_hz << 32 within 64 bits; the ratio is what matters. */
    while (to_hz >= (1ull << 31)) {
        to_hz >>= 1;
        tps = tps > 1 ? tps >> 1 : 1;
    }
    if (to_hz == 0) {
        to_hz = 1;
    }
    /* Shift the source rate into (to, 2 * to] so to / rate is a fraction in [0.5, 1). */
    while (tps <= to_hz) {
        tps <<= 1;
        shift++;
    }
    while (tps > 2 * to_hz) {
        tps = (tps + 1) >> 1;   /* rounding down could land on to_hz: mul_frac 2^32 */
        shift--;
    }
    ts->shift = (int8_t)shift;
    ts->mul_frac = (uint32_t)((to_hz << 32) / tps);
}

void time_scale_init(struct time_scale *ts, uint64_t hz)
{
    time_scale_init_ratio(ts, hz, NSEC_PER_SEC);
}

uint64_t time_scale_apply(const struct time_scale *ts, uint64_t delta)
{
    unsigned __int128 p;

    if (ts->shift < 0) {
        delta >>= -ts->shift;
    } else {
        delta <<= ts->shift;
    }
    p = (unsigned __int128)delta * ts->mul_frac;
    return (uint64_t)(p >> 32);
}
