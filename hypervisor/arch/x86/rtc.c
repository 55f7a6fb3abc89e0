/*
 * The CMOS real-time clock, read once at boot for the guests' wall clock
 * (shared_info wc_sec: the time at system time 0).
 */
#include <hv/log.h>
#include <hv/time.h>
#include <asm/time.h>
#include <asm/x86.h>

static uint64_t boot_seconds;

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned int bcd(uint8_t v, bool binary)
{
    return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (y >= 1970). */
static uint64_t days_from_civil(unsigned int y, unsigned int m, unsigned int d)
{
    static const unsigned int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273,
                                             304, 334 };
    uint64_t days = (uint64_t)(y - 1970) * 365 + before[(m - 1) % 12] + d - 1;

    /* Leap days in the years before y, plus this year's if past February. */
    days += (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400;
    if (m > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) {
        days++;
    }
    return days;
}

void rtc_init(void)
{
    uint8_t sec, min, hour, day, mon, year, regb;
    bool binary;

    /* Wait out an update in progress so the fields are consistent. */
    for (unsigned int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++) {
        pause();
    }
    sec = cmos(0x00);
    min = cmos(0x02);
    hour = cmos(0x04);
    day = cmos(0x07);
    mon = cmos(0x08);
    year = cmos(0x09);
    regb = cmos(0x0b);
    binary = regb & 4;
    {
        unsigned int h = bcd(hour & 0x7f, binary);
        if (!(regb & 2) && (hour & 0x80)) {
            h = (h % 12) + 12;      /* 12-hour clock, PM */
        }
        uint64_t t = days_from_civil(2000 + bcd(year, binary), bcd(mon, binary),
                                     bcd(day, binary)) * 86400 +
                     (uint64_t)h * 3600 + bcd(min, binary) * 60 + bcd(sec, binary);
        s_time_t since = now();
        boot_seconds = t - (uint64_t)(since / 1000000000);
    }
    log_info("time: wall clock %llu s since 1970 at boot (CMOS)\n",
             (unsigned long long)boot_seconds);
}

uint64_t wallclock_at_boot(void)
{
    return boot_seconds;
}
