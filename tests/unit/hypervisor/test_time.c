/*
 * Tick-rate scaling (common/time.c): for counters from 1 MHz to 5 GHz, the
 * pvclock-style scale is within a tight error of the exact 128-bit result,
 * monotonic, and does not overflow for large deltas.
 */
#include "hv_test.h"

#include <hv/time.h>

typedef unsigned __int128 u128;

static const uint64_t rates[] = {
    1000000,       1193182,     3579545,       10000000,      14318180,      19200000,
    24000000,      25000000,    100000000,     133333333,     999999999,     1000000000,
    1000000001,    1600000000,  2147483647,    2147483648u,   2000000000u,   2000000001u,
    2000000002u,   2400000000u, 2893437000u,   3000000000u,   3700000000u,   4000000002ull,
    4000000003ull, 4294967295u, 4294967296ull, 4999999999ull, 5000000000ull,
};

/* Exact floor(delta * to / from). */
static uint64_t exact(uint64_t delta, uint64_t from, uint64_t to)
{
    return (uint64_t)((u128)delta * to / from);
}

/*
 * The error allowed: mul_frac is at least 2^31 and truncated (relative 2^-31)
 * and the rate was shifted down to 30-31 bits (relative < 2^-29): 4 parts per
 * billion in all; a right shift of the delta drops up to 2^-shift - 1 ticks;
 * the final floor 1.
 */
static uint64_t allowed(const struct time_scale *ts, uint64_t want, uint64_t from, uint64_t to)
{
    uint64_t e = want / (1ull << 28) + 2;

    if (ts->shift < 0) {
        e += (uint64_t)(((u128)((1ull << -ts->shift) - 1) * to + from - 1) / from);
    }
    return e;
}

static void check_one(const struct time_scale *ts, uint64_t delta, uint64_t from, uint64_t to)
{
    uint64_t want = exact(delta, from, to), got = time_scale_apply(ts, delta);
    uint64_t err = got > want ? got - want : want - got;

    if (err > allowed(ts, want, from, to)) {
        fail_msg("%llu ticks at %llu Hz -> %llu Hz: got %llu, exact %llu (shift %d mul %#x)",
                 (unsigned long long)delta, (unsigned long long)from, (unsigned long long)to,
                 (unsigned long long)got, (unsigned long long)want, ts->shift, ts->mul_frac);
    }
}

/* Largest delta whose exact result fits in s_time_t (63 bits), capped at 2^64 - 1. */
static uint64_t max_delta(uint64_t from, uint64_t to)
{
    u128 d = ((u128)INT64_MAX * from) / to;

    return d > UINT64_MAX ? UINT64_MAX : (uint64_t)d;
}

static void check_rate(uint64_t from, uint64_t to)
{
    struct time_scale ts;
    uint64_t seed = from ^ to, top = max_delta(from, to);

    time_scale_init_ratio(&ts, from, to);
    /* The multiplier is a normalised fraction in [0.5, 1). */
    assert_true(ts.mul_frac >= 0x80000000u);
    static const uint64_t fixed[] = {0, 1, 2, 3, 7, 100, 1000, 999999, 1000000, 123456789};
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
        check_one(&ts, fixed[i], from, to);
    }
    /* One second, an hour, a day, a year, a century of ticks. */
    for (uint64_t secs = 1; secs <= 100ull * 365 * 86400; secs *= 60) {
        if ((u128)secs * from <= top) {
            check_one(&ts, secs * from, from, to);
        }
    }
    check_one(&ts, top, from, to);
    check_one(&ts, top - 1, from, to);
    for (int i = 0; i < 2000; i++) {
        /* Spread over all magnitudes. */
        uint64_t d = t_rand(&seed) >> t_rand_below(&seed, 64);
        check_one(&ts, d % (top + (top < UINT64_MAX)), from, to);
    }
}

static void test_ticks_to_ns(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
        struct time_scale a, b;

        check_rate(rates[i], NSEC_PER_SEC);
        /* time_scale_init is the same as a ratio to 1 GHz. */
        time_scale_init(&a, rates[i]);
        time_scale_init_ratio(&b, rates[i], NSEC_PER_SEC);
        assert_int_equal(a.mul_frac, b.mul_frac);
        assert_int_equal(a.shift, b.shift);
    }
}

static void test_ns_to_ticks(void **state)
{
    (void)state;
    /* The other way, as the APIC and TSC deadline code use it. */
    for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
        check_rate(NSEC_PER_SEC, rates[i]);
    }
}

static void test_random_rates(void **state)
{
    uint64_t seed = 0xa11ce;

    (void)state;
    for (int i = 0; i < 300; i++) {
        uint64_t hz = 1000000 + t_rand_below(&seed, 5000000000ull - 1000000 + 1);
        check_rate(hz, NSEC_PER_SEC);
        check_rate(NSEC_PER_SEC, hz);
    }
}

static void test_exact_rates(void **state)
{
    struct time_scale ts;

    (void)state;
    /* Power-of-two ratios and 1:1 are exact. */
    time_scale_init(&ts, NSEC_PER_SEC);
    for (uint64_t d = 0; d < 100000; d += 7) {
        assert_int_equal(time_scale_apply(&ts, d), d);
    }
    assert_int_equal(time_scale_apply(&ts, INT64_MAX), INT64_MAX);
    time_scale_init(&ts, 2 * NSEC_PER_SEC);
    assert_int_equal(time_scale_apply(&ts, 2000000000ull), 1000000000ull);
    time_scale_init(&ts, 1000000);
    assert_int_equal(time_scale_apply(&ts, 1000000), 1000000000ull);
    /* 1 MHz: 1 tick is 1000 ns to within a nanosecond. */
    assert_in_range(time_scale_apply(&ts, 1), 999, 1000);
}

static void test_monotonic(void **state)
{
    uint64_t seed = 77;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
        struct time_scale ts;
        uint64_t d = 0, prev = 0, step_max = rates[i] / 1000 + 1;

        time_scale_init(&ts, rates[i]);
        for (int k = 0; k < 20000; k++) {
            uint64_t v;

            d += t_rand_below(&seed, step_max);
            v = time_scale_apply(&ts, d);
            assert_true(v >= prev);
            prev = v;
        }
        /* Also around large values. */
        d = max_delta(rates[i], NSEC_PER_SEC) - 100000;
        prev = time_scale_apply(&ts, d);
        for (int k = 0; k < 1000; k++) {
            uint64_t v = time_scale_apply(&ts, ++d);
            assert_true(v >= prev);
            prev = v;
        }
    }
}

static void test_no_overflow_large_deltas(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
        struct time_scale ts;
        uint64_t top = max_delta(rates[i], NSEC_PER_SEC);

        time_scale_init(&ts, rates[i]);
        /* Up to ~292 years of nanoseconds: the result is right, not wrapped. */
        for (uint64_t d = top; d > 1000; d /= 3) {
            uint64_t got = time_scale_apply(&ts, d), want = exact(d, rates[i], NSEC_PER_SEC);
            assert_true(got <= (uint64_t)INT64_MAX + allowed(&ts, want, rates[i], NSEC_PER_SEC));
            check_one(&ts, d, rates[i], NSEC_PER_SEC);
        }
        /*
         * Faster than 1 GHz, every 64-bit delta converts without overflow (at
         * exactly 1 GHz the delta is shifted left once: 63 bits).
         */
        if (rates[i] > NSEC_PER_SEC) {
            check_one(&ts, UINT64_MAX, rates[i], NSEC_PER_SEC);
        }
    }
}

static void test_degenerate_rates(void **state)
{
    struct time_scale ts;

    (void)state;
    /* A zero rate must not divide by zero; it is taken as 1 Hz. */
    time_scale_init(&ts, 0);
    assert_int_equal(time_scale_apply(&ts, 3), 3 * NSEC_PER_SEC);
    time_scale_init_ratio(&ts, 1000, 0);
    assert_true(time_scale_apply(&ts, 1000) <= 1);
    /* Very high target rates keep their ratio. */
    time_scale_init_ratio(&ts, NSEC_PER_SEC, 10 * NSEC_PER_SEC);
    check_one(&ts, 123456789, NSEC_PER_SEC, 10 * NSEC_PER_SEC);
    check_one(&ts, 1, NSEC_PER_SEC, 10 * NSEC_PER_SEC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks_to_ns),      cmocka_unit_test(test_ns_to_ticks),
        cmocka_unit_test(test_random_rates),     cmocka_unit_test(test_exact_rates),
        cmocka_unit_test(test_monotonic),        cmocka_unit_test(test_no_overflow_large_deltas),
        cmocka_unit_test(test_degenerate_rates),
    };

    return cmocka_run_group_tests_name("hypervisor_time", tests, NULL, NULL);
}
