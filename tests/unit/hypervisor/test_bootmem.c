/*
 * The boot-time page allocator (common/bootmem.c): adding RAM, reserving
 * ranges (splits, edges, partial pages), allocation from the top with
 * alignment and a limit, low allocation with a floor, and exhaustion.
 */
#include "hv_test.h"

#include <hv/bootmem.h>
#include <hv/errno.h>

static struct bootmem bm;

static int setup(void **state)
{
    (void)state;
    memset(&bm, 0x5a, sizeof(bm));
    bootmem_init(&bm);
    return 0;
}

/* The free list is exactly these ranges (pairs of start, end; 0, 0 ends). */
static void expect_ranges(const paddr_t *r)
{
    unsigned int n = 0;

    for (; r[2 * n] || r[2 * n + 1]; n++) {
        assert_true(n < bm.nr);
        assert_int_equal(bm.free[n].start, r[2 * n]);
        assert_int_equal(bm.free[n].end, r[2 * n + 1]);
    }
    assert_int_equal(bm.nr, n);
}

#define RANGES(...) expect_ranges((const paddr_t[]){__VA_ARGS__, 0, 0})

/* Invariants: sorted, disjoint, page aligned, non-empty. */
static void check_sane(void)
{
    for (unsigned int i = 0; i < bm.nr; i++) {
        assert_true(IS_ALIGNED(bm.free[i].start, PAGE_SIZE));
        assert_true(IS_ALIGNED(bm.free[i].end, PAGE_SIZE));
        assert_true(bm.free[i].start < bm.free[i].end);
        if (i) {
            assert_true(bm.free[i - 1].end <= bm.free[i].start);
        }
    }
}

static void test_init_empty(void **state)
{
    (void)state;
    assert_int_equal(bm.nr, 0);
    assert_int_equal(bm.allocated_pages, 0);
    assert_int_equal(bootmem_free_pages(&bm), 0);
    assert_int_equal(bootmem_alloc(&bm, 1, PAGE_SIZE, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc_low(&bm, 1, 0, UINT64_MAX), 0);
}

static void test_add_sorted_and_partial_pages_dropped(void **state)
{
    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0);
    assert_int_equal(bootmem_add(&bm, 0x1234, 0x3000), 0);  /* -> 0x2000-0x4000 */
    assert_int_equal(bootmem_add(&bm, 0x10000, 0x1fff), 0); /* -> 0x10000-0x11000 */
    assert_int_equal(bootmem_add(&bm, 0x20001, 0xfff), 0);  /* no whole page */
    assert_int_equal(bootmem_add(&bm, 0x30000, 0), 0);
    assert_int_equal(bootmem_add(&bm, 0x40800, 0x1000), 0); /* straddles: nothing */
    RANGES(0x2000, 0x4000, 0x10000, 0x11000, 0x100000, 0x200000);
    assert_int_equal(bootmem_free_pages(&bm), 2 + 1 + 256);
    check_sane();
}

static void test_add_overlap_refused(void **state)
{
    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x10000, 0x10000), 0);
    assert_int_equal(bootmem_add(&bm, 0x18000, 0x10000), -EEXIST);
    assert_int_equal(bootmem_add(&bm, 0x8000, 0x9000), -EEXIST);
    assert_int_equal(bootmem_add(&bm, 0x10000, 0x10000), -EEXIST);
    assert_int_equal(bootmem_add(&bm, 0, 0x100000), -EEXIST);
    /* Touching is not overlapping; a partial page next to a range is dropped, not refused. */
    assert_int_equal(bootmem_add(&bm, 0x20000, 0x1000), 0);
    assert_int_equal(bootmem_add(&bm, 0xf800, 0x800), 0);
    assert_int_equal(bootmem_add(&bm, 0x21000, 0xfff), 0);
    assert_int_equal(bootmem_free_pages(&bm), 17);
    check_sane();
}

static void test_add_at_top_of_address_space(void **state)
{
    (void)state;
    /* A size that wraps is clamped to the last whole page. */
    assert_int_equal(bootmem_add(&bm, 0xfffffffffff00000ull, 0x200000), 0);
    RANGES(0xfffffffffff00000ull, 0xfffffffffffff000ull);
    check_sane();
}

static void test_add_table_full(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < BOOTMEM_MAX_RANGES; i++) {
        assert_int_equal(bootmem_add(&bm, (paddr_t)i * 0x10000, 0x1000), 0);
    }
    assert_int_equal(bootmem_add(&bm, 0x10000000, 0x1000), -ENOSPC);
    assert_int_equal(bm.nr, BOOTMEM_MAX_RANGES);
    /* A reserve that would split a range fails and leaves the list alone. */
    assert_int_equal(bootmem_add(&bm, 0, 0), 0);
    bootmem_init(&bm);
    assert_int_equal(bootmem_add(&bm, 0, 0x100000), 0);
    for (unsigned int i = 1; i < BOOTMEM_MAX_RANGES; i++) {
        assert_int_equal(bootmem_add(&bm, 0x1000000 + (paddr_t)i * 0x10000, 0x1000), 0);
    }
    assert_int_equal(bootmem_reserve(&bm, 0x4000, 0x1000), -ENOSPC);
    assert_int_equal(bm.free[0].start, 0);
    assert_int_equal(bm.free[0].end, 0x100000);
    assert_int_equal(bootmem_free_pages(&bm), 256 + BOOTMEM_MAX_RANGES - 1);
    /* Trimming an edge needs no new slot. */
    assert_int_equal(bootmem_reserve(&bm, 0, 0x1000), 0);
    assert_int_equal(bm.free[0].start, 0x1000);
    check_sane();
}

static void test_reserve_splits_and_edges(void **state)
{
    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0); /* 1-2 MiB */
    /* Middle: split. */
    assert_int_equal(bootmem_reserve(&bm, 0x140000, 0x10000), 0);
    RANGES(0x100000, 0x140000, 0x150000, 0x200000);
    /* Start edge. */
    assert_int_equal(bootmem_reserve(&bm, 0x100000, 0x1000), 0);
    RANGES(0x101000, 0x140000, 0x150000, 0x200000);
    /* End edge. */
    assert_int_equal(bootmem_reserve(&bm, 0x1ff000, 0x1000), 0);
    RANGES(0x101000, 0x140000, 0x150000, 0x1ff000);
    /* Overhanging the start, the end, and outside altogether. */
    assert_int_equal(bootmem_reserve(&bm, 0xff000, 0x3000), 0);
    assert_int_equal(bootmem_reserve(&bm, 0x1fe000, 0x10000), 0);
    assert_int_equal(bootmem_reserve(&bm, 0x300000, 0x10000), 0);
    assert_int_equal(bootmem_reserve(&bm, 0, 0x1000), 0);
    RANGES(0x102000, 0x140000, 0x150000, 0x1fe000);
    /* Unaligned: every page touched is reserved. */
    assert_int_equal(bootmem_reserve(&bm, 0x160fff, 2), 0);
    RANGES(0x102000, 0x140000, 0x150000, 0x160000, 0x162000, 0x1fe000);
    assert_int_equal(bootmem_reserve(&bm, 0x170001, 0), 0); /* size 0: its page */
    RANGES(0x102000, 0x140000, 0x150000, 0x160000, 0x162000, 0x170000, 0x171000, 0x1fe000);
    /* Spanning several ranges: the ones inside go, the edges are trimmed. */
    assert_int_equal(bootmem_reserve(&bm, 0x13f000, 0x33000), 0);
    RANGES(0x102000, 0x13f000, 0x172000, 0x1fe000);
    /* A whole range. */
    assert_int_equal(bootmem_reserve(&bm, 0x102000, 0x3d000), 0);
    RANGES(0x172000, 0x1fe000);
    check_sane();
    assert_int_equal(bootmem_free_pages(&bm), (0x1fe000 - 0x172000) / PAGE_SIZE);
}

static void test_reserve_to_end_of_address_space(void **state)
{
    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0);
    assert_int_equal(bootmem_add(&bm, 0x100000000ull, 0x100000), 0);
    /* A size that wraps reserves everything from start up. */
    assert_int_equal(bootmem_reserve(&bm, 0x180000, UINT64_MAX), 0);
    RANGES(0x100000, 0x180000);
    bootmem_init(&bm);
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0);
    assert_int_equal(bootmem_add(&bm, 0x100000000ull, 0x100000), 0);
    /* start + size ending exactly at the top of the address space. */
    assert_int_equal(bootmem_reserve(&bm, 0x180000, UINT64_MAX - 0x180000), 0);
    RANGES(0x100000, 0x180000);
    bootmem_init(&bm);
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0);
    /* ... and ending in the last, partial page. */
    assert_int_equal(bootmem_reserve(&bm, 0x1c0000, 0xfffffffffffffff0ull - 0x1c0000), 0);
    RANGES(0x100000, 0x1c0000);
}

static void test_alloc_highest_range_first(void **state)
{
    paddr_t a;

    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0); /* 1-2 MiB */
    assert_int_equal(bootmem_add(&bm, 0x1000000, 0x10000), 0); /* 16 MiB + 64K */
    a = bootmem_alloc(&bm, 1, PAGE_SIZE, UINT64_MAX);
    assert_int_equal(a, 0x100f000); /* top page of the top range */
    assert_int_equal(bm.allocated_pages, 1);
    /* Too big for the top range: the next one down. */
    a = bootmem_alloc(&bm, 32, PAGE_SIZE, UINT64_MAX);
    assert_int_equal(a, 0x200000 - 32 * PAGE_SIZE);
    assert_int_equal(bm.allocated_pages, 33);
    assert_int_equal(bootmem_free_pages(&bm), 256 + 16 - 33);
    RANGES(0x100000, 0x1e0000, 0x1000000, 0x100f000);
    check_sane();
}

static void test_alloc_alignment(void **state)
{
    paddr_t a;

    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x500000), 0); /* 1-6 MiB */
    a = bootmem_alloc(&bm, 1, MiB(2), UINT64_MAX);
    assert_int_equal(a, MiB(4)); /* highest 2 MiB boundary with a page above it */
    RANGES(0x100000, 0x400000, 0x401000, 0x600000);
    a = bootmem_alloc(&bm, 4, 0x4000, UINT64_MAX);
    assert_int_equal(a, 0x5fc000);
    assert_true(IS_ALIGNED(a, 0x4000));
    a = bootmem_alloc(&bm, 512, MiB(2), UINT64_MAX); /* 2 MiB at 2 MiB */
    assert_int_equal(a, MiB(2));
    RANGES(0x100000, 0x200000, 0x401000, 0x5fc000);
    /* Nowhere left for another aligned 2 MiB. */
    assert_int_equal(bootmem_alloc(&bm, 512, MiB(2), UINT64_MAX), 0);
    /* Bad alignments are refused. */
    assert_int_equal(bootmem_alloc(&bm, 1, 0, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc(&bm, 1, 1, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc(&bm, 1, 0x800, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc(&bm, 1, 0x3000, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc(&bm, 0, PAGE_SIZE, UINT64_MAX), 0);
    assert_int_equal(bm.allocated_pages, 1 + 4 + 512);
    check_sane();
}

static void test_alloc_limit(void **state)
{
    paddr_t a;

    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0);
    assert_int_equal(bootmem_add(&bm, 0x40000000, 0x100000), 0);
    /* Wholly below the limit: the top range is skipped. */
    a = bootmem_alloc(&bm, 2, PAGE_SIZE, 0x40000000);
    assert_int_equal(a, 0x1fe000);
    /* A limit inside a range caps it. */
    a = bootmem_alloc(&bm, 1, PAGE_SIZE, 0x40001000);
    assert_int_equal(a, 0x40000000);
    a = bootmem_alloc(&bm, 4, PAGE_SIZE, 0x180000);
    assert_int_equal(a, 0x17c000);
    /* Nothing fits under a low limit, or below the first range. */
    assert_int_equal(bootmem_alloc(&bm, 1, PAGE_SIZE, 0x100000), 0);
    assert_int_equal(bootmem_alloc(&bm, 1, PAGE_SIZE, 0x1000), 0);
    assert_int_equal(bootmem_alloc(&bm, 1, PAGE_SIZE, 0), 0);
    check_sane();
    assert_int_equal(bm.allocated_pages, 7);
}

static void test_alloc_never_returns_zero_page(void **state)
{
    (void)state;
    assert_int_equal(bootmem_add(&bm, 0, 0x1000), 0);
    assert_int_equal(bootmem_alloc(&bm, 1, PAGE_SIZE, UINT64_MAX), 0);
    assert_int_equal(bm.allocated_pages, 0);
    assert_int_equal(bootmem_free_pages(&bm), 1);
    assert_int_equal(bootmem_add(&bm, 0x1000, 0x1000), 0);
    assert_int_equal(bootmem_alloc(&bm, 1, PAGE_SIZE, UINT64_MAX), 0x1000);
}

static void test_exhaustion(void **state)
{
    paddr_t seen[64];
    unsigned int n = 0;
    paddr_t a;

    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x10000, 0x8000), 0);
    assert_int_equal(bootmem_add(&bm, 0x40000, 0x18000), 0);
    assert_int_equal(bootmem_free_pages(&bm), 32);
    assert_int_equal(bootmem_alloc(&bm, 33, PAGE_SIZE, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc(&bm, 25, PAGE_SIZE, UINT64_MAX), 0); /* not contiguous */
    while ((a = bootmem_alloc(&bm, 1, PAGE_SIZE, UINT64_MAX)) != 0) {
        assert_true(n < 32);
        for (unsigned int i = 0; i < n; i++) {
            assert_int_not_equal(seen[i], a);
        }
        assert_true((a >= 0x10000 && a < 0x18000) || (a >= 0x40000 && a < 0x58000));
        seen[n++] = a;
    }
    assert_int_equal(n, 32);
    assert_int_equal(bm.nr, 0);
    assert_int_equal(bootmem_free_pages(&bm), 0);
    assert_int_equal(bm.allocated_pages, 32);
    assert_int_equal(bootmem_alloc_low(&bm, 1, 0, UINT64_MAX), 0);
}

static void test_alloc_huge_count_refused(void **state)
{
    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0);
    /* nr * PAGE_SIZE wraps to 0 or to a small number: must not "succeed". */
    assert_int_equal(bootmem_alloc(&bm, 1ull << 52, PAGE_SIZE, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc(&bm, (1ull << 52) + 1, PAGE_SIZE, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc(&bm, UINT64_MAX, PAGE_SIZE, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc_low(&bm, 1ull << 52, 0, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc_low(&bm, (1ull << 52) + 1, 0, UINT64_MAX), 0);
    assert_int_equal(bootmem_alloc_low(&bm, UINT64_MAX, 0, UINT64_MAX), 0);
    assert_int_equal(bm.allocated_pages, 0);
    RANGES(0x100000, 0x200000);
}

static void test_alloc_low_floor(void **state)
{
    paddr_t a;

    (void)state;
    assert_int_equal(bootmem_add(&bm, 0, 0x9f000), 0);
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x100000), 0);
    /* Lowest suitable page, but never page 0. */
    a = bootmem_alloc_low(&bm, 1, 0, UINT64_MAX);
    assert_int_equal(a, 0x1000);
    RANGES(0, 0x1000, 0x2000, 0x9f000, 0x100000, 0x200000);
    /* At or above the floor. */
    a = bootmem_alloc_low(&bm, 1, 0x1000, 0x9f000);
    assert_int_equal(a, 0x2000);
    a = bootmem_alloc_low(&bm, 2, 0x8000, 0x9f000);
    assert_int_equal(a, 0x8000);
    RANGES(0, 0x1000, 0x3000, 0x8000, 0xa000, 0x9f000, 0x100000, 0x200000);
    /* Wholly below the limit. */
    assert_int_equal(bootmem_alloc_low(&bm, 1, 0x9e000, 0x9f000), 0x9e000);
    assert_int_equal(bootmem_alloc_low(&bm, 1, 0x9e000, 0x9f000), 0);
    assert_int_equal(bootmem_alloc_low(&bm, 2, 0x9d000, 0x9e000), 0);
    /* A floor past the low ranges moves up to the next suitable one. */
    assert_int_equal(bootmem_alloc_low(&bm, 4, 0x9d000, UINT64_MAX), 0x100000);
    assert_int_equal(bootmem_alloc_low(&bm, 0, 0, UINT64_MAX), 0);
    assert_int_equal(bm.allocated_pages, 1 + 1 + 2 + 1 + 4);
    check_sane();
}

static void test_alloc_low_unaligned_floor(void **state)
{
    paddr_t a;

    (void)state;
    assert_int_equal(bootmem_add(&bm, 0x1000, 0x10000), 0);
    a = bootmem_alloc_low(&bm, 1, 0x2001, UINT64_MAX);
    assert_int_equal(a, 0x3000);
    check_sane();
    assert_int_equal(bootmem_free_pages(&bm), 15);
}

static void test_random_against_page_map(void **state)
{
    enum { PAGES = 1024 };
    static uint8_t used[PAGES];
    uint64_t seed = 99, free_pages;

    (void)state;
    memset(used, 1, sizeof(used));
    /* RAM in a few pieces, then some reservations. */
    assert_int_equal(bootmem_add(&bm, 0x1000, 0x7f000), 0);
    assert_int_equal(bootmem_add(&bm, 0x90000, 0x70000), 0);
    assert_int_equal(bootmem_add(&bm, 0x100000, 0x300000), 0);
    for (paddr_t p = 0x1000; p < 0x400000; p += PAGE_SIZE) {
        used[p / PAGE_SIZE] = !((p >= 0x1000 && p < 0x80000) || p >= 0x90000);
    }
    for (int i = 0; i < 20; i++) {
        paddr_t s = t_rand_below(&seed, 0x400000), n = t_rand_below(&seed, 0x8000);
        assert_int_equal(bootmem_reserve(&bm, s, n), 0);
        for (paddr_t p = ALIGN_DOWN(s, PAGE_SIZE); p < s + n && p < 0x400000; p += PAGE_SIZE) {
            used[p / PAGE_SIZE] = 1;
        }
    }
    check_sane();
    free_pages = 0;
    for (int i = 0; i < PAGES; i++) {
        free_pages += !used[i];
    }
    assert_int_equal(bootmem_free_pages(&bm), free_pages);
    for (;;) {
        uint64_t nr = 1 + t_rand_below(&seed, 4), align = PAGE_SIZE << t_rand_below(&seed, 3);
        paddr_t a = t_rand_below(&seed, 2) ? bootmem_alloc(&bm, nr, align, UINT64_MAX)
                                           : bootmem_alloc_low(&bm, nr, 0, UINT64_MAX);
        if (!a) {
            a = bootmem_alloc(&bm, 1, PAGE_SIZE, UINT64_MAX);
            nr = 1;
            if (!a) {
                break;
            }
        }
        for (uint64_t k = 0; k < nr; k++) {
            assert_int_equal(used[a / PAGE_SIZE + k], 0); /* free RAM, once only */
            used[a / PAGE_SIZE + k] = 1;
        }
        free_pages -= nr;
        assert_int_equal(bootmem_free_pages(&bm), free_pages);
        check_sane();
    }
    assert_int_equal(free_pages, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_empty, setup),
        cmocka_unit_test_setup(test_add_sorted_and_partial_pages_dropped, setup),
        cmocka_unit_test_setup(test_add_overlap_refused, setup),
        cmocka_unit_test_setup(test_add_at_top_of_address_space, setup),
        cmocka_unit_test_setup(test_add_table_full, setup),
        cmocka_unit_test_setup(test_reserve_splits_and_edges, setup),
        cmocka_unit_test_setup(test_reserve_to_end_of_address_space, setup),
        cmocka_unit_test_setup(test_alloc_highest_range_first, setup),
        cmocka_unit_test_setup(test_alloc_alignment, setup),
        cmocka_unit_test_setup(test_alloc_limit, setup),
        cmocka_unit_test_setup(test_alloc_never_returns_zero_page, setup),
        cmocka_unit_test_setup(test_exhaustion, setup),
        cmocka_unit_test_setup(test_alloc_huge_count_refused, setup),
        cmocka_unit_test_setup(test_alloc_low_floor, setup),
        cmocka_unit_test_setup(test_alloc_low_unaligned_floor, setup),
        cmocka_unit_test_setup(test_random_against_page_map, setup),
    };

    return cmocka_run_group_tests_name("hypervisor_bootmem", tests, NULL, NULL);
}
