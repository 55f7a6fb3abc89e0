/*
 * The frame allocator (common/frame.c): buddy allocation of single and
 * contiguous frames, splitting and merging, holes in the frame table,
 * exhaustion, and refusal of bad frees without damage to the free lists.
 */
#include "hv_test.h"

#include <hv/errno.h>
#include <hv/frame.h>

#define MAX_BLOCK ((mfn_t)1 << FRAME_MAX_ORDER)

static struct page_info *table;
static mfn_t table_nr;

/* A fresh allocator over a zeroed table of nr entries (nothing added yet). */
static void fa_reset(mfn_t nr)
{
    free(table);
    table = calloc(nr, sizeof(*table));
    assert_non_null(table);
    table_nr = nr;
    frame_init(table, nr);
}

static int teardown(void **state)
{
    (void)state;
    free(table);
    table = NULL;
    return 0;
}

static struct frame_stats stats(void)
{
    struct frame_stats st;

    frame_get_stats(&st);
    return st;
}

static bool in_ranges(mfn_t m, const mfn_t (*r)[2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (m >= r[i][0] && m < r[i][1]) {
            return true;
        }
    }
    return false;
}

/*
 * Take every free frame one at a time and check the lot: the count matches
 * free_pages, every frame is RAM, none is handed out twice. Then give them
 * all back. This proves the free lists are intact after whatever came before.
 */
static void drain_and_check(void)
{
    struct frame_stats before = stats();
    mfn_t *got = calloc(before.free_pages + 1, sizeof(*got));
    uint8_t *seen = calloc(table_nr, 1);
    uint64_t n = 0;
    mfn_t m;

    assert_non_null(got);
    assert_non_null(seen);
    while ((m = frame_alloc(0, 1)) != INVALID_MFN) {
        assert_true(n < before.free_pages);
        assert_true(m < table_nr);
        assert_true(mfn_valid(m));
        assert_int_equal(seen[m], 0);
        seen[m] = 1;
        got[n++] = m;
    }
    assert_int_equal(n, before.free_pages);
    assert_int_equal(stats().free_pages, 0);
    for (uint64_t i = 0; i < n; i++) {
        assert_int_equal(frame_free(got[i], 0), 0);
    }
    assert_int_equal(stats().free_pages, before.free_pages);
    assert_int_equal(stats().bad_frees, before.bad_frees);
    free(got);
    free(seen);
}

static void test_empty_allocator(void **state)
{
    (void)state;
    fa_reset(64);
    assert_int_equal(stats().total_pages, 0);
    assert_int_equal(stats().free_pages, 0);
    assert_int_equal(frame_alloc(0, DOMID_XEN), INVALID_MFN);
    assert_false(mfn_valid(0));
    assert_false(mfn_valid(64));
    assert_int_equal(frame_table_size, 64);
    assert_ptr_equal(frame_table, table);
    for (mfn_t m = 0; m < 64; m++) {
        assert_int_equal(table[m].owner, DOMID_NONE);
        assert_int_equal(table[m].next, FRAME_NONE);
    }
}

static void test_add_free_counts_and_clips(void **state)
{
    (void)state;
    fa_reset(100);
    frame_add_free(10, 20);
    assert_int_equal(stats().total_pages, 20);
    assert_int_equal(stats().free_pages, 20);
    assert_false(mfn_valid(9));
    assert_true(mfn_valid(10));
    assert_true(mfn_valid(29));
    assert_false(mfn_valid(30));
    /* A range running past the table is clipped to it. */
    frame_add_free(96, 50);
    assert_int_equal(stats().total_pages, 24);
    assert_true(mfn_valid(99));
    assert_false(mfn_valid(100));
    /* Entirely outside: nothing happens. */
    frame_add_free(100, 10);
    frame_add_free(5000, 1);
    frame_add_free(40, 0);
    assert_int_equal(stats().total_pages, 24);
    assert_false(mfn_valid(40));
    drain_and_check();
}

static void test_alloc_single_sets_fields(void **state)
{
    mfn_t m;
    struct page_info *pg;

    (void)state;
    fa_reset(32);
    frame_add_free(0, 32);
    m = frame_alloc(0, 7);
    assert_int_not_equal(m, INVALID_MFN);
    pg = mfn_to_page(m);
    assert_int_equal(page_to_mfn(pg), m);
    assert_int_equal(pg->owner, 7);
    assert_int_equal(pg->order, 0);
    assert_true(pg->flags & PGF_ALLOCATED);
    assert_true(pg->flags & PGF_RAM);
    assert_false(pg->flags & PGF_FREE);
    assert_int_equal(stats().free_pages, 31);

    /* A previous user's state does not leak into the next allocation. */
    pg->type = PGT_L1;
    pg->count = 5;
    pg->type_count = 3;
    pg->aux = 0xdead;
    pg->flags |= PGF_PINNED | PGF_VALIDATED;
    assert_int_equal(frame_free(m, 0), 0);
    assert_int_equal(pg->owner, DOMID_NONE);
    assert_false(pg->flags & PGF_ALLOCATED);
    assert_int_equal(stats().free_pages, 32);
    drain_and_check();
    m = frame_alloc(0, DOMID_XEN);
    pg = mfn_to_page(m);
    assert_int_equal(pg->owner, DOMID_XEN);
    assert_int_equal(pg->type, PGT_NONE);
    assert_int_equal(pg->count, 0);
    assert_int_equal(pg->type_count, 0);
    assert_int_equal(pg->aux, 0);
    assert_int_equal(pg->flags, PGF_RAM | PGF_ALLOCATED);
}

static void test_every_order_aligned_then_merge(void **state)
{
    mfn_t blocks[FRAME_MAX_ORDER + 1];
    uint64_t total;

    (void)state;
    /* Two max-order blocks: every order fits at once (sum < 2 * MAX_BLOCK). */
    fa_reset(2 * MAX_BLOCK);
    frame_add_free(0, 2 * MAX_BLOCK);
    total = stats().total_pages;
    assert_int_equal(total, 2 * MAX_BLOCK);
    for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
        uint64_t before = stats().free_pages;
        mfn_t m = frame_alloc(o, (domid_t)(o + 1));

        assert_int_not_equal(m, INVALID_MFN);
        assert_true(IS_ALIGNED(m, (mfn_t)1 << o));
        assert_true(m + ((mfn_t)1 << o) <= table_nr);
        assert_int_equal(mfn_to_page(m)->order, o);
        assert_true(mfn_to_page(m)->flags & PGF_ALLOCATED);
        for (mfn_t i = 0; i < ((mfn_t)1 << o); i++) {
            assert_int_equal(mfn_to_page(m + i)->owner, o + 1);
        }
        assert_int_equal(stats().free_pages, before - ((uint64_t)1 << o));
        /* No overlap with blocks of earlier orders. */
        for (unsigned int p = 0; p < o; p++) {
            assert_true(blocks[p] + ((mfn_t)1 << p) <= m || m + ((mfn_t)1 << o) <= blocks[p]);
        }
        blocks[o] = m;
    }
    /* Both max blocks are split now: another max-order request fails. */
    assert_int_equal(frame_alloc(FRAME_MAX_ORDER, 1), INVALID_MFN);
    for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++) {
        assert_int_equal(frame_free(blocks[o], o), 0);
    }
    assert_int_equal(stats().free_pages, total);
    assert_int_equal(stats().bad_frees, 0);
    /* Everything merged back: two max-order allocations succeed again. */
    blocks[0] = frame_alloc(FRAME_MAX_ORDER, 1);
    blocks[1] = frame_alloc(FRAME_MAX_ORDER, 1);
    assert_int_not_equal(blocks[0], INVALID_MFN);
    assert_int_not_equal(blocks[1], INVALID_MFN);
    assert_int_not_equal(blocks[0], blocks[1]);
    assert_int_equal(frame_alloc(0, 1), INVALID_MFN);
    assert_int_equal(frame_free(blocks[0], FRAME_MAX_ORDER), 0);
    assert_int_equal(frame_free(blocks[1], FRAME_MAX_ORDER), 0);
}

static void test_split_and_buddy_merge(void **state)
{
    mfn_t got[64];
    uint64_t seed = 0x5eed0001;

    (void)state;
    fa_reset(64);
    frame_add_free(0, 64);
    assert_int_equal(frame_alloc(6, 1), 0);
    assert_int_equal(frame_free(0, 6), 0);
    /* One frame splits the single 64-frame block: 64 frames no longer fit. */
    got[0] = frame_alloc(0, 1);
    assert_int_not_equal(got[0], INVALID_MFN);
    assert_int_equal(frame_alloc(6, 1), INVALID_MFN);
    /* ... but the 32-frame half the frame did not come from does. */
    got[1] = frame_alloc(5, 1);
    assert_int_not_equal(got[1], INVALID_MFN);
    assert_true(got[0] < got[1] || got[0] >= got[1] + 32);
    assert_int_equal(frame_free(got[1], 5), 0);
    assert_int_equal(frame_free(got[0], 0), 0);
    assert_int_equal(frame_alloc(6, 1), 0);
    assert_int_equal(frame_free(0, 6), 0);

    /* Take all 64 singly, free them in random order: they merge back whole. */
    for (int i = 0; i < 64; i++) {
        got[i] = frame_alloc(0, 1);
        assert_int_not_equal(got[i], INVALID_MFN);
    }
    for (int i = 63; i > 0; i--) {
        int j = (int)t_rand_below(&seed, (uint64_t)i + 1);
        mfn_t t = got[i];
        got[i] = got[j];
        got[j] = t;
    }
    for (int i = 0; i < 64; i++) {
        assert_int_equal(frame_free(got[i], 0), 0);
    }
    assert_int_equal(frame_alloc(6, 1), 0);
}

static void test_unaligned_region_blocks(void **state)
{
    (void)state;
    fa_reset(128);
    /* [3, 64) is 3(o0) + 4..7(o2) + 8..15(o3) + 16..31(o4) + 32..63(o5). */
    frame_add_free(3, 61);
    assert_int_equal(stats().total_pages, 61);
    assert_int_equal(frame_alloc(6, 1), INVALID_MFN);
    assert_int_equal(frame_alloc(5, 1), 32);
    assert_int_equal(frame_alloc(5, 1), INVALID_MFN);
    assert_int_equal(frame_alloc(4, 1), 16);
    assert_int_equal(frame_alloc(3, 1), 8);
    assert_int_equal(frame_alloc(2, 1), 4);
    assert_int_equal(frame_alloc(1, 1), INVALID_MFN);
    assert_int_equal(frame_alloc(0, 1), 3);
    assert_int_equal(frame_alloc(0, 1), INVALID_MFN);
    assert_int_equal(frame_free(3, 0), 0);
    assert_int_equal(frame_free(4, 2), 0);
    assert_int_equal(frame_free(8, 3), 0);
    assert_int_equal(frame_free(16, 4), 0);
    assert_int_equal(frame_free(32, 5), 0);
    /* Frames 0-2 were never RAM, so 3 cannot merge down into 0..7. */
    assert_int_equal(frame_alloc(3, 1), 8);
    assert_int_equal(frame_free(8, 3), 0);
    drain_and_check();
}

static void test_add_one_by_one_merges(void **state)
{
    (void)state;
    fa_reset(64);
    for (mfn_t m = 0; m < 64; m++) {
        frame_add_free(m, 1);
    }
    assert_int_equal(stats().total_pages, 64);
    assert_int_equal(frame_alloc(6, 1), 0);
}

static void test_holes_never_handed_out(void **state)
{
    static const mfn_t ram[][2] = {{1, 7}, {10, 100}, {129, 130}, {200, 513}, {700, 1024}};
    uint64_t total = 0;
    mfn_t m;

    (void)state;
    fa_reset(1024);
    for (size_t i = 0; i < ARRAY_SIZE(ram); i++) {
        frame_add_free(ram[i][0], ram[i][1] - ram[i][0]);
        total += ram[i][1] - ram[i][0];
    }
    assert_int_equal(stats().total_pages, total);
    for (m = 0; m < 1024; m++) {
        assert_int_equal(mfn_valid(m), in_ranges(m, ram, ARRAY_SIZE(ram)));
    }
    /* Blocks of every order lie wholly inside RAM. */
    for (unsigned int o = 0; o <= 9; o++) {
        mfn_t got[1024];
        unsigned int n = 0;

        while ((m = frame_alloc(o, 1)) != INVALID_MFN) {
            assert_true(IS_ALIGNED(m, (mfn_t)1 << o));
            for (mfn_t i = 0; i < ((mfn_t)1 << o); i++) {
                assert_true(in_ranges(m + i, ram, ARRAY_SIZE(ram)));
            }
            got[n++] = m;
        }
        for (unsigned int i = 0; i < n; i++) {
            assert_int_equal(frame_free(got[i], o), 0);
        }
        assert_int_equal(stats().free_pages, total);
    }
    drain_and_check();
}

static void test_exhaustion_leaves_state_unchanged(void **state)
{
    struct page_info *snap = malloc(64 * sizeof(*snap));
    struct frame_stats before;
    mfn_t one;

    (void)state;
    fa_reset(64);
    frame_add_free(0, 64);
    /* Partly used: a request bigger than any free block fails cleanly. */
    one = frame_alloc(0, 1);
    before = stats();
    memcpy(snap, table, 64 * sizeof(*snap));
    assert_int_equal(frame_alloc(6, 1), INVALID_MFN);
    assert_int_equal(frame_alloc(FRAME_MAX_ORDER, 1), INVALID_MFN);
    assert_memory_equal(snap, table, 64 * sizeof(*snap));
    assert_int_equal(before.total_pages, 64);
    assert_int_equal(before.free_pages, 63);
    assert_int_equal(stats().free_pages, 63);
    assert_int_equal(stats().bad_frees, 0);

    /* Fully used: every request fails and changes nothing. */
    for (int i = 0; i < 63; i++) {
        assert_int_not_equal(frame_alloc(0, 1), INVALID_MFN);
    }
    assert_int_equal(stats().free_pages, 0);
    memcpy(snap, table, 64 * sizeof(*snap));
    for (unsigned int o = 0; o <= FRAME_MAX_ORDER + 1; o++) {
        assert_int_equal(frame_alloc(o, 1), INVALID_MFN);
    }
    assert_memory_equal(snap, table, 64 * sizeof(*snap));
    assert_int_equal(stats().free_pages, 0);
    assert_int_equal(stats().total_pages, 64);
    /* Freeing one frame makes exactly that one available again. */
    assert_int_equal(frame_free(one, 0), 0);
    assert_int_equal(frame_alloc(0, 2), one);
    assert_int_equal(frame_alloc(0, 2), INVALID_MFN);
    free(snap);
}

static void test_order_above_max_refused(void **state)
{
    (void)state;
    fa_reset(64);
    frame_add_free(0, 64);
    assert_int_equal(frame_alloc(FRAME_MAX_ORDER + 1, 1), INVALID_MFN);
    assert_int_equal(frame_alloc(~0u, 1), INVALID_MFN);
    assert_int_equal(stats().free_pages, 64);
    assert_int_equal(frame_free(0, FRAME_MAX_ORDER + 1), -EINVAL);
    assert_int_equal(stats().bad_frees, 1);
    drain_and_check();
}

static void test_double_free_refused(void **state)
{
    mfn_t a, b;
    struct frame_stats st;

    (void)state;
    fa_reset(64);
    frame_add_free(0, 64);
    a = frame_alloc(2, 1);
    b = frame_alloc(2, 1);
    assert_int_equal(frame_free(a, 2), 0);
    st = stats();
    assert_int_equal(frame_free(a, 2), -EINVAL);
    assert_int_equal(frame_free(a, 2), -EINVAL);
    assert_int_equal(stats().bad_frees, st.bad_frees + 2);
    assert_int_equal(stats().free_pages, st.free_pages);
    /* b is still allocated and still freeable exactly once. */
    assert_true(mfn_to_page(b)->flags & PGF_ALLOCATED);
    assert_int_equal(frame_free(b, 2), 0);
    /* a and b were buddies or not: either way a stale free is refused. */
    assert_int_equal(frame_free(b, 2), -EINVAL);
    assert_int_equal(stats().bad_frees, st.bad_frees + 3);
    assert_int_equal(stats().free_pages, 64);
    drain_and_check();
    assert_int_equal(frame_alloc(6, 1), 0);
}

static void test_double_free_after_merge_refused(void **state)
{
    mfn_t a, b;

    (void)state;
    fa_reset(2);
    frame_add_free(0, 2);
    a = frame_alloc(0, 1);
    b = frame_alloc(0, 1);
    assert_int_equal(a ^ b, 1); /* buddies */
    assert_int_equal(frame_free(a, 0), 0);
    assert_int_equal(frame_free(b, 0), 0); /* merges into one order-1 block */
    /* Both are now inside (or the head of) a free order-1 block. */
    assert_int_equal(frame_free(a, 0), -EINVAL);
    assert_int_equal(frame_free(b, 0), -EINVAL);
    assert_int_equal(frame_free(0, 1), -EINVAL);
    assert_int_equal(stats().bad_frees, 3);
    assert_int_equal(stats().free_pages, 2);
    assert_int_equal(frame_alloc(1, 1), 0);
    assert_int_equal(frame_alloc(0, 1), INVALID_MFN);
}

static void test_free_inside_block_or_wrong_order_refused(void **state)
{
    mfn_t m;

    (void)state;
    fa_reset(64);
    frame_add_free(0, 64);
    m = frame_alloc(3, 9);
    assert_int_not_equal(m, INVALID_MFN);
    assert_int_equal(frame_free(m + 1, 0), -EINVAL);
    assert_int_equal(frame_free(m + 4, 2), -EINVAL);
    assert_int_equal(frame_free(m + 7, 0), -EINVAL);
    assert_int_equal(frame_free(m, 0), -EINVAL);
    assert_int_equal(frame_free(m, 2), -EINVAL);
    assert_int_equal(frame_free(m, 4), -EINVAL);
    assert_int_equal(stats().bad_frees, 6);
    assert_int_equal(stats().free_pages, 56);
    for (mfn_t i = 0; i < 8; i++) {
        assert_int_equal(mfn_to_page(m + i)->owner, 9);
    }
    assert_int_equal(frame_free(m, 3), 0);
    assert_int_equal(stats().free_pages, 64);
    assert_int_equal(frame_alloc(6, 1), 0);
}

static void test_free_out_of_range_or_hole_refused(void **state)
{
    (void)state;
    fa_reset(64);
    frame_add_free(8, 8);
    assert_int_equal(frame_free(64, 0), -EINVAL);
    assert_int_equal(frame_free(1000000, 0), -EINVAL);
    assert_int_equal(frame_free(INVALID_MFN, 0), -EINVAL);
    assert_int_equal(frame_free(0, 0), -EINVAL); /* a hole */
    assert_int_equal(frame_free(0, 3), -EINVAL);
    assert_int_equal(frame_free(8, 3), -EINVAL); /* free, never allocated */
    assert_int_equal(frame_free(9, 0), -EINVAL);
    assert_int_equal(stats().bad_frees, 7);
    assert_int_equal(stats().free_pages, 8);
    assert_int_equal(mfn_to_page(0)->flags, 0);
    assert_int_equal(frame_alloc(3, 1), 8);
    assert_int_equal(frame_alloc(0, 1), INVALID_MFN);
}

static void test_stale_free_after_realloc_refused(void **state)
{
    mfn_t m, m2;

    (void)state;
    fa_reset(4);
    frame_add_free(0, 4);
    m = frame_alloc(2, 1);
    assert_int_equal(frame_free(m, 2), 0);
    m2 = frame_alloc(0, 2);
    assert_int_equal(m2, m); /* same head, now an order-0 block */
    assert_int_equal(frame_free(m, 2), -EINVAL);
    assert_int_equal(mfn_to_page(m2)->owner, 2);
    assert_int_equal(stats().free_pages, 3);
    assert_int_equal(frame_free(m2, 0), 0);
    assert_int_equal(frame_alloc(2, 1), 0);
}

/*
 * Random allocations and frees (fixed seed) over a table with holes, with a
 * shadow map of which frame belongs to which live block. Bad frees are mixed
 * in and must be refused without disturbing anything.
 */
static void test_random_stress(void **state)
{
    enum { NR = 4096, LIVE_MAX = 512 };
    static const mfn_t ram[][2] = {{0, 1000}, {1003, 2048}, {2100, 3000}, {3001, 4096}};
    struct {
        mfn_t m;
        unsigned int o;
    } live[LIVE_MAX];
    int32_t *owner = malloc(NR * sizeof(*owner));
    unsigned int nlive = 0;
    uint64_t seed = 0x0123456789abcdefull, total = 0, expect_bad = 0, in_use = 0;

    (void)state;
    fa_reset(NR);
    for (size_t i = 0; i < ARRAY_SIZE(ram); i++) {
        frame_add_free(ram[i][0], ram[i][1] - ram[i][0]);
        total += ram[i][1] - ram[i][0];
    }
    for (mfn_t i = 0; i < NR; i++) {
        owner[i] = -1;
    }
    for (int step = 0; step < 30000; step++) {
        uint64_t r = t_rand_below(&seed, 100);

        if (r < 55 && nlive < LIVE_MAX) {
            unsigned int o = (unsigned int)t_rand_below(&seed, 7);
            mfn_t m = frame_alloc(o, (domid_t)(step & 0x7fff));

            if (m == INVALID_MFN) {
                continue;
            }
            assert_true(IS_ALIGNED(m, (mfn_t)1 << o));
            for (mfn_t i = 0; i < ((mfn_t)1 << o); i++) {
                assert_true(m + i < NR);
                assert_true(in_ranges(m + i, ram, ARRAY_SIZE(ram)));
                assert_int_equal(owner[m + i], -1); /* never handed out twice */
                owner[m + i] = 1;
                assert_int_equal(mfn_to_page(m + i)->owner, step & 0x7fff);
            }
            live[nlive].m = m;
            live[nlive].o = o;
            nlive++;
            in_use += (uint64_t)1 << o;
        } else if (r < 95 && nlive) {
            unsigned int k = (unsigned int)t_rand_below(&seed, nlive);
            mfn_t m = live[k].m;
            unsigned int o = live[k].o;

            assert_int_equal(frame_free(m, o), 0);
            for (mfn_t i = 0; i < ((mfn_t)1 << o); i++) {
                owner[m + i] = -1;
            }
            live[k] = live[--nlive];
            in_use -= (uint64_t)1 << o;
            /* Freeing it again is refused. */
            assert_int_equal(frame_free(m, o), -EINVAL);
            expect_bad++;
        } else if (nlive) {
            /* A bad free: wrong order or a frame inside a live block. */
            unsigned int k = (unsigned int)t_rand_below(&seed, nlive);

            if (live[k].o > 0) {
                assert_int_equal(frame_free(live[k].m + 1, 0), -EINVAL);
            } else {
                assert_int_equal(frame_free(live[k].m, 1), -EINVAL);
            }
            expect_bad++;
        }
        if ((step & 1023) == 0) {
            assert_int_equal(stats().free_pages, total - in_use);
        }
    }
    assert_int_equal(stats().bad_frees, expect_bad);
    assert_int_equal(stats().free_pages, total - in_use);
    while (nlive) {
        nlive--;
        assert_int_equal(frame_free(live[nlive].m, live[nlive].o), 0);
    }
    assert_int_equal(stats().free_pages, total);
    /*
     * Fully merged again: exactly the five 512-frame aligned blocks that lie
     * wholly inside RAM can be allocated.
     */
    {
        static const mfn_t expect[] = {0, 1024, 1536, 3072, 3584};
        mfn_t got[8];
        unsigned int n = 0;
        mfn_t m;

        while (n < 8 && (m = frame_alloc(9, 1)) != INVALID_MFN) {
            got[n++] = m;
        }
        assert_int_equal(n, ARRAY_SIZE(expect));
        for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
            bool found = false;
            for (unsigned int j = 0; j < n; j++) {
                found |= got[j] == expect[i];
            }
            assert_true(found);
        }
        while (n) {
            n--;
            assert_int_equal(frame_free(got[n], 9), 0);
        }
    }
    drain_and_check();
    free(owner);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_empty_allocator, teardown),
        cmocka_unit_test_teardown(test_add_free_counts_and_clips, teardown),
        cmocka_unit_test_teardown(test_alloc_single_sets_fields, teardown),
        cmocka_unit_test_teardown(test_every_order_aligned_then_merge, teardown),
        cmocka_unit_test_teardown(test_split_and_buddy_merge, teardown),
        cmocka_unit_test_teardown(test_unaligned_region_blocks, teardown),
        cmocka_unit_test_teardown(test_add_one_by_one_merges, teardown),
        cmocka_unit_test_teardown(test_holes_never_handed_out, teardown),
        cmocka_unit_test_teardown(test_exhaustion_leaves_state_unchanged, teardown),
        cmocka_unit_test_teardown(test_order_above_max_refused, teardown),
        cmocka_unit_test_teardown(test_double_free_refused, teardown),
        cmocka_unit_test_teardown(test_double_free_after_merge_refused, teardown),
        cmocka_unit_test_teardown(test_free_inside_block_or_wrong_order_refused, teardown),
        cmocka_unit_test_teardown(test_free_out_of_range_or_hole_refused, teardown),
        cmocka_unit_test_teardown(test_stale_free_after_realloc_refused, teardown),
        cmocka_unit_test_teardown(test_random_stress, teardown),
    };

    return cmocka_run_group_tests_name("hypervisor_frame", tests, NULL, NULL);
}
