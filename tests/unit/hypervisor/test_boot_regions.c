/*
 * Helpers applied to parsed boot information (common/boot_info.c): stripping
 * the image path from the command line, and normalising the memory map
 * (sorted, overlaps resolved with the worse type winning, neighbours merged).
 */
#include "hv_test.h"

#include <hv/boot_info.h>

static struct boot_info bi;

static void expect_region(unsigned int i, paddr_t start, uint64_t size, uint32_t type)
{
    assert_true(i < bi.nr_regions);
    assert_int_equal(bi.regions[i].start, start);
    assert_int_equal(bi.regions[i].size, size);
    assert_int_equal(bi.regions[i].type, type);
}

static void test_cmdline_skip_path(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"/boot/xenolith.bin loglvl=debug", "loglvl=debug"},
        {"  /boot/x.bin    a b", "a b"},
        {"/boot/xenolith.bin", ""},
        {"build/xenolith.bin console=com1", "console=com1"},
        {"loglvl=debug /boot/x", "loglvl=debug /boot/x"},
        {"opt=/a/b c", "opt=/a/b c"}, /* an option with a path value */
        {"noreboot loglvl=info", "noreboot loglvl=info"},
        {"  noreboot", "noreboot"},
        {"", ""},
        {"   ", ""},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        assert_string_equal(boot_cmdline_skip_path(cases[i].in), cases[i].out);
    }
}

static void set_regions(const struct mem_region *r, unsigned int n)
{
    memset(&bi, 0, sizeof(bi));
    if (n) {
        memcpy(bi.regions, r, n * sizeof(*r));
    }
    bi.nr_regions = n;
}

static void test_normalise_overlaps_and_merges(void **state)
{
    (void)state;
    /* Reserved inside RAM splits it; the input is unsorted. */
    set_regions((const struct mem_region[]){{0x100000, 0x7f00000, MEM_RAM},
                                            {0x9fc00, 0x400, MEM_RESERVED},
                                            {0, 0xa0000, MEM_RAM},
                                            {0x4000000, 0x1000, MEM_RESERVED},
                                            {0xf0000, 0x10000, MEM_RESERVED},
                                            {0x8000000, 0x1000, MEM_ACPI}},
                6);
    boot_regions_normalise(&bi);
    assert_int_equal(bi.nr_regions, 7);
    expect_region(0, 0, 0x9fc00, MEM_RAM);
    expect_region(1, 0x9fc00, 0x400, MEM_RESERVED);
    expect_region(2, 0xf0000, 0x10000, MEM_RESERVED);
    expect_region(3, 0x100000, 0x3f00000, MEM_RAM);
    expect_region(4, 0x4000000, 0x1000, MEM_RESERVED);
    expect_region(5, 0x4001000, 0x3fff000, MEM_RAM);
    expect_region(6, 0x8000000, 0x1000, MEM_ACPI);
    assert_int_equal(boot_ram_bytes(&bi), 0x9fc00 + 0x3f00000 + 0x3fff000);

    /* Adjacent and overlapping ranges of one type merge; duplicates vanish; gaps stay. */
    set_regions((const struct mem_region[]){{0x200000, 0x100000, MEM_RAM},
                                            {0x100000, 0x100000, MEM_RAM},
                                            {0x100000, 0x100000, MEM_RAM},
                                            {0x280000, 0x100000, MEM_RAM},
                                            {0x400000, 0x1000, MEM_RAM},
                                            {0x401000, 0x1000, MEM_NVS}},
                6);
    boot_regions_normalise(&bi);
    assert_int_equal(bi.nr_regions, 3);
    expect_region(0, 0x100000, 0x280000, MEM_RAM);
    expect_region(1, 0x400000, 0x1000, MEM_RAM);
    expect_region(2, 0x401000, 0x1000, MEM_NVS);

    /* RAM loses to any other type; bad memory beats everything. */
    set_regions((const struct mem_region[]){{0, 0x3000, MEM_NVS},
                                            {0x1000, 0x1000, MEM_RAM},
                                            {0x2000, 0x3000, MEM_BAD},
                                            {0x4000, 0x3000, MEM_RESERVED}},
                4);
    boot_regions_normalise(&bi);
    assert_int_equal(bi.nr_regions, 3);
    expect_region(0, 0, 0x2000, MEM_NVS);
    expect_region(1, 0x2000, 0x3000, MEM_BAD);
    expect_region(2, 0x5000, 0x2000, MEM_RESERVED);

    /* Up to the very top of the address space; nothing at all. */
    set_regions((const struct mem_region[]){{0xfffffffffffff000ull, 0xfff, MEM_RAM}}, 1);
    boot_regions_normalise(&bi);
    expect_region(0, 0xfffffffffffff000ull, 0xfff, MEM_RAM);
    set_regions(NULL, 0);
    boot_regions_normalise(&bi);
    assert_int_equal(bi.nr_regions, 0);
    assert_int_equal(boot_ram_bytes(&bi), 0);
}

static unsigned int rank(uint32_t t)
{
    return t == MEM_RAM ? 0 : t;
}

static void test_normalise_random_against_reference(void **state)
{
    uint64_t seed = 1234;

    (void)state;
    for (int round = 0; round < 200; round++) {
        struct mem_region in[24];
        unsigned int n = 1 + (unsigned int)t_rand_below(&seed, ARRAY_SIZE(in));

        for (unsigned int i = 0; i < n; i++) {
            in[i].start = t_rand_below(&seed, 64) * 0x1000;
            in[i].size = (1 + t_rand_below(&seed, 16)) * 0x1000;
            in[i].type = 1 + (uint32_t)t_rand_below(&seed, 5);
        }
        set_regions(in, n);
        boot_regions_normalise(&bi);
        for (unsigned int i = 0; i < bi.nr_regions; i++) {
            assert_true(bi.regions[i].size > 0);
            if (i) {
                const struct mem_region *a = &bi.regions[i - 1], *b = &bi.regions[i];
                assert_true(a->start + a->size <= b->start);
                assert_false(a->start + a->size == b->start && a->type == b->type);
            }
        }
        /* Every page: the worst input type covering it, or nothing. */
        for (paddr_t p = 0; p < 0x60000; p += 0x1000) {
            uint32_t want = 0, got = 0;

            for (unsigned int i = 0; i < n; i++) {
                if (p >= in[i].start && p < in[i].start + in[i].size &&
                    (!want || rank(in[i].type) > rank(want))) {
                    want = in[i].type;
                }
            }
            for (unsigned int i = 0; i < bi.nr_regions; i++) {
                if (p >= bi.regions[i].start && p < bi.regions[i].start + bi.regions[i].size) {
                    assert_int_equal(got, 0);
                    got = bi.regions[i].type;
                }
            }
            assert_int_equal(got, want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmdline_skip_path),
        cmocka_unit_test(test_normalise_overlaps_and_merges),
        cmocka_unit_test(test_normalise_random_against_reference),
    };

    return cmocka_run_group_tests_name("hypervisor_boot_regions", tests, NULL, NULL);
}
