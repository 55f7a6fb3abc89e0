/*
 * Segment descriptor checks (arch/x86/pv/descriptors_check.c), Xen's rules
 * for 64-bit PV (check_descriptor): not-present descriptors are harmless;
 * code and data descriptors get DPL 3 (the guest kernel runs in ring 3);
 * system descriptors are refused except call gates, which are kept with
 * DPL 0 (so using one faults) and the DPL, fixed up to 3 first, moved into
 * the target selector's RPL; the target must be a guest GDT selector, an LDT
 * selector, or exactly FLAT_RING3_CS64; parameter count and reserved bits
 * must be zero. A refused descriptor is left as it was, and a descriptor
 * page with one bad entry is left untouched as a whole.
 */
#include "pvmm_test.h"

#include <asm/desc.h>

#define P (1u << 15)
#define S (1u << 12)
#define DPL(n) ((uint32_t)(n) << 13)
#define TYPE(t) ((uint32_t)(t) << 8)

static uint64_t desc(uint32_t a, uint32_t b)
{
    return ((uint64_t)b << 32) | a;
}

static uint32_t hi(uint64_t d)
{
    return (uint32_t)(d >> 32);
}

static uint32_t lo(uint64_t d)
{
    return (uint32_t)d;
}

/* A call gate to sel:0x12345678 (the low half of a 16-byte gate). */
static uint64_t gate(uint16_t sel, unsigned int dpl, uint32_t extra_b)
{
    return desc(((uint32_t)sel << 16) | 0x5678, 0x12340000u | P | DPL(dpl) | TYPE(0xc) | extra_b);
}

static void code_and_data_get_dpl3(void **state)
{
    (void)state;
    for (unsigned int type = 0; type < 16; type++) {
        for (unsigned int dpl = 0; dpl < 4; dpl++) {
            /* Base 0x89abcdef, limit 0xfffff, G, L or D/B as the type suggests. */
            uint32_t a = 0xcdefffffu, b = 0x89af00abu | P | S | TYPE(type) | DPL(dpl);
            uint64_t d = desc(a, b);
            assert_true(pv_check_descriptor(&d));
            assert_int_equal(lo(d), a);
            assert_int_equal(hi(d), (b & ~DPL(3)) | DPL(3));
        }
    }
}

static void not_present_untouched(void **state)
{
    uint64_t seed = 0x1badb002;

    (void)state;
    for (unsigned int i = 0; i < 5000; i++) {
        uint64_t d = t_rand(&seed) & ~((uint64_t)P << 32), before = d;
        assert_true(pv_check_descriptor(&d));
        assert_int_equal(d, before);
    }
}

static void system_descriptors_refused(void **state)
{
    (void)state;
    for (unsigned int type = 1; type < 16; type++) {
        if (type == 0xc) {
            continue;   /* call gate: below */
        }
        for (unsigned int dpl = 0; dpl < 4; dpl++) {
            /* TSS (9, 0xb), LDT (2), interrupt (0xe) and trap (0xf) gates, 16-bit and
             * reserved types; with a harmless-looking target selector. */
            uint64_t d = desc(0x00105678, 0x12340000u | P | TYPE(type) | DPL(dpl)), before = d;
            assert_false(pv_check_descriptor(&d));
            assert_int_equal(d, before);
        }
    }
    /* Type 0 (the upper half of a 16-byte gate or system descriptor) passes as it is. */
    for (unsigned int dpl = 0; dpl < 4; dpl++) {
        uint64_t d = desc(0xffffffffu, 0xffff00ffu | P | DPL(dpl)), before = d;
        assert_true(pv_check_descriptor(&d));
        assert_int_equal(d, before);
    }
}

static void call_gates_kept_with_dpl0(void **state)
{
    const uint16_t ok[] = {
        0x0010, 0x0013, 0x0008, (uint16_t)((FIRST_RESERVED_GDT_ENTRY - 1) << 3 | 3),
        FLAT_RING3_CS64,
        0x0004, 0x000f, (uint16_t)(FIRST_RESERVED_GDT_ENTRY << 3 | 4),  /* LDT selectors */
        0xffff, 0xe007,
    };

    (void)state;
    for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        for (unsigned int dpl = 0; dpl < 4; dpl++) {
            uint64_t d = gate(ok[i], dpl, 0);
            if (!pv_check_descriptor(&d)) {
                fail_msg("call gate to %#x (DPL %u) refused", ok[i], dpl);
            }
            assert_int_equal(hi(d), 0x12340000u | P | TYPE(0xc));       /* DPL 0 */
            /* Xen fixes the DPL up to the kernel's RPL (3) first, then moves it. */
            assert_int_equal(lo(d), ((uint32_t)(ok[i] | 3) << 16) | 0x5678);
            /* Checking the result again changes nothing. */
            uint64_t again = d;
            assert_true(pv_check_descriptor(&again));
            assert_int_equal(again, d);
        }
    }
}

static void call_gates_refused(void **state)
{
    const uint16_t bad[] = {
        FIRST_RESERVED_GDT_ENTRY << 3, HV_CS, HV_DS, FLAT_RING3_CS32, FLAT_RING3_DS,
        TSS_SEL, LDT_SEL, 0xfff8, 0xfffb,
        FLAT_RING3_CS64 & ~3,           /* Xen compares the whole selector */
        (FLAT_RING3_CS64 & ~3) | 1,
    };

    (void)state;
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t d = gate(bad[i], 3, 0), before = d;
        if (pv_check_descriptor(&d)) {
            fail_msg("call gate to reserved selector %#x accepted", bad[i]);
        }
        assert_int_equal(d, before);
    }
    /* Parameter count (bits 0-4) and the reserved bits 5-7 must be zero. */
    for (unsigned int bit = 0; bit < 8; bit++) {
        uint64_t d = gate(0x0010, 3, 1u << bit), before = d;
        assert_false(pv_check_descriptor(&d));
        assert_int_equal(d, before);
    }
}

/* Whatever pv_check_descriptor accepts is safe, and accepting it is stable. */
static void random_descriptors_safe(void **state)
{
    uint64_t seed = 42;
    unsigned int accepted = 0;

    (void)state;
    for (unsigned int i = 0; i < 200000; i++) {
        uint64_t d = t_rand(&seed), before = d, again;
        uint32_t b;
        if (i & 1) {
            d = (d & ~(0x1fffull << 40)) | ((uint64_t)(P | TYPE(0xc)) << 32);  /* gates */
            d &= ~(0xffull << 32);
            before = d;
        }
        if (!pv_check_descriptor(&d)) {
            assert_int_equal(d, before);
            continue;
        }
        accepted++;
        b = hi(d);
        if (b & P) {
            if (b & S) {
                assert_int_equal(b & DPL(3), DPL(3));
            } else if (b & TYPE(0xf)) {
                uint16_t sel = (uint16_t)(lo(d) >> 16);
                assert_int_equal(b & (TYPE(0xf) | DPL(3) | 0xff), TYPE(0xc));
                assert_true((sel >> 3) < FIRST_RESERVED_GDT_ENTRY || (sel & 4) ||
                            sel == FLAT_RING3_CS64);
            }
        }
        /* Only the DPL and the gate's selector RPL may have changed. */
        assert_int_equal(d & ~((uint64_t)DPL(3) << 32 | 3u << 16),
                         before & ~((uint64_t)DPL(3) << 32 | 3u << 16));
        again = d;
        assert_true(pv_check_descriptor(&again));
        assert_int_equal(again, d);
    }
    assert_true(accepted > 1000);
}

static void descriptor_page(void **state)
{
    mfn_t f = t_alloc(t_d1);
    uint64_t *g = tab(f);

    (void)state;
    g[0] = 0;
    g[1] = 0x00af9a000000ffffull;               /* code, DPL 0 */
    g[2] = 0x00cf92000000ffffull;               /* data, DPL 0 */
    g[3] = gate(0x0010, 1, 0);
    g[4] = 0x00000000ffffffffull;               /* its upper half: type 0 */
    g[5] = 0x0000090000000000ull;               /* a TSS, not present */
    assert_int_equal(pv_validate_desc_page(f), 0);
    assert_int_equal(g[1], 0x00affa000000ffffull);
    assert_int_equal(g[2], 0x00cff2000000ffffull);
    assert_int_equal(g[3], desc(0x00135678, 0x12340000u | P | TYPE(0xc)));
    assert_int_equal(g[4], 0x00000000ffffffffull);
    assert_int_equal(g[5], 0x0000090000000000ull);

    /* One bad entry anywhere: -EINVAL and not a byte changes, fix-ups included. */
    const unsigned int where[] = { 0, 6, 255, 511 };
    for (unsigned int i = 0; i < 4; i++) {
        g[1] = 0x00af9a000000ffffull;
        g[3] = gate(0x0010, 0, 0);
        uint64_t saved = g[where[i]];
        g[where[i]] = 0x0000890000000067ull | ((uint64_t)P << 32);   /* present TSS */
        t_snap();
        assert_int_equal(pv_validate_desc_page(f), -EINVAL);
        T_UNCHANGED();
        g[where[i]] = saved;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(code_and_data_get_dpl3),
        T_TEST(not_present_untouched),
        T_TEST(system_descriptors_refused),
        T_TEST(call_gates_kept_with_dpl0),
        T_TEST(call_gates_refused),
        T_TEST(random_descriptors_safe),
        T_TEST(descriptor_page),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
