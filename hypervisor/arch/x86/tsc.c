/*
 * System time from the TSC, calibrated once against PIT channel 2 (whose
 * 1.193182 MHz clock is architectural). Under TCG this measures the TSC
 * against QEMU's virtual clock, which is what guests see too.
 */
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/time.h>
#include <asm/time.h>
#include <asm/x86.h>

#define PIT_HZ 1193182u
#define CALIBRATE_MS 10u

static struct time_scale tsc_scale, ns_to_tsc;
static uint64_t tsc_rate, tsc_boot;

static uint64_t pit_measure(unsigned int ms)
{
    uint32_t count = PIT_HZ * ms / 1000;
    uint8_t gate = inb(0x61);
    uint64_t t0, t1;

    outb(0x61, (uint8_t)((gate & ~0x02) | 0x01));  /* speaker off, gate on */
    outb(0x43, 0xb0);                             /* ch 2, lo/hi, mode 0 */
    outb(0x42, (uint8_t)count);
    outb(0x42, (uint8_t)(count >> 8));
    t0 = rdtsc();
    for (uint64_t spins = 0; !(inb(0x61) & 0x20); spins++) {
        if (spins > 100000000ull) {
            panic("time: PIT channel 2 never expired; cannot calibrate the TSC");
        }
    }
    t1 = rdtsc();
    outb(0x61, gate);
    return t1 - t0;
}

void tsc_calibrate(void)
{
    uint64_t best = UINT64_MAX;

    if (!cpu_has_feature(1, CPUID_REG_EDX, 4)) {
        panic("time: the CPU has no TSC");
    }
    /* The shortest of a few runs is the one least disturbed by emulation. */
    for (unsigned int i = 0; i < 3; i++) {
        best = MIN(best, pit_measure(CALIBRATE_MS));
    }
    tsc_rate = best * 1000 / CALIBRATE_MS;
    time_scale_init(&tsc_scale, tsc_rate);
    time_scale_init_ratio(&ns_to_tsc, NSEC_PER_SEC, tsc_rate);
    log_info("time: TSC %llu.%03llu MHz (PIT calibration, %s)\n",
             (unsigned long long)(tsc_rate / 1000000),
             (unsigned long long)(tsc_rate / 1000 % 1000),
             cpu_has_feature(0x80000007, CPUID_REG_EDX, 8) ? "invariant" : "not invariant");
}

void tsc_mark_entry(void)
{
    tsc_boot = rdtsc();
}

uint64_t tsc_hz(void)
{
    return tsc_rate;
}

uint64_t tsc_at_boot(void)
{
    return tsc_boot;
}

uint64_t tsc_from_ns(s_time_t ns)
{
    return ns <= 0 ? 0 : time_scale_apply(&ns_to_tsc, (uint64_t)ns);
}

void tsc_get_scale(struct time_scale *s)
{
    *s = tsc_scale;
}

s_time_t tsc_to_system(uint64_t tsc)
{
    return tsc_rate ? (s_time_t)time_scale_apply(&tsc_scale, tsc - tsc_boot) : 0;
}

s_time_t now(void)
{
    return tsc_to_system(rdtsc());
}

uint64_t cpu_khz(void)
{
    return tsc_rate / 1000;
}
