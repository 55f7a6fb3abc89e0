/*
 * The hypervisor heap (common/heap.c) over the frame allocator and fake
 * machine memory: size classes and whole-frame allocations, alignment, no
 * overlap, leak accounting, refusal of double and wild frees, and failure
 * when frames run out.
 *
 * The heap keeps its state (size-class caches) for the life of the process,
 * so the machine memory and frame allocator are set up once for the group
 * and every test leaves no live allocation behind.
 */
#include "hv_test.h"

#include <hv/arch.h>
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/heap.h>

#define NR_FRAMES 2048 /* 8 MiB of fake machine memory */
#define HDR       48   /* the heap's per-allocation header */

static struct page_info *table;

static int group_setup(void **state)
{
    (void)state;
    fake_mem_init(NR_FRAMES);
    table = calloc(NR_FRAMES, sizeof(*table));
    if (!table) {
        return -1;
    }
    frame_init(table, NR_FRAMES);
    frame_add_free(1, NR_FRAMES - 1);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    fake_mem_free();
    free(table);
    return 0;
}

static struct heap_stats hstats(void)
{
    struct heap_stats st;

    heap_get_stats(&st);
    return st;
}

static uint64_t frames_free(void)
{
    struct frame_stats st;

    frame_get_stats(&st);
    return st.free_pages;
}

/* Every test starts and ends with nothing live. */
static int check_clean(void **state)
{
    (void)state;
    return hstats().live_allocs == 0 && hstats().live_bytes == 0 ? 0 : -1;
}

static void fill(void *p, size_t n, unsigned int tag)
{
    uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(tag * 31 + i);
    }
}

static void check_fill(const void *p, size_t n, unsigned int tag)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        if (b[i] != (uint8_t)(tag * 31 + i)) {
            fail_msg("allocation %u corrupted at byte %zu of %zu", tag, i, n);
        }
    }
}

static bool inside_fake_memory(const void *p, size_t n)
{
    const uint8_t *lo = mfn_to_virt(0), *hi = lo + (size_t)NR_FRAMES * PAGE_SIZE;

    return (const uint8_t *)p >= lo && (const uint8_t *)p + n <= hi;
}

static void test_sizes_across_classes(void **state)
{
    static const size_t sizes[] = {
        /* Each class boundary (header included): 64 128 256 512 1024 2048. */
        1,   15,  16,  17,   79,   80,   81,   207,  208,  209,          463,   464,     465,
        975, 976, 977, 1999, 2000, 2001, 4048, 4049, 4096, 3 * 4096 + 1, 65536, 1 << 20,
    };
    void *p[ARRAY_SIZE(sizes)];
    struct heap_stats st0 = hstats();
    uint64_t bytes = 0;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        p[i] = heap_alloc(sizes[i], (const void *)(uintptr_t)(0x1000 + i));
        assert_non_null(p[i]);
        assert_true(IS_ALIGNED((uintptr_t)p[i], 16));
        assert_true(inside_fake_memory(p[i], sizes[i]));
        fill(p[i], sizes[i], (unsigned int)i);
        bytes += sizes[i];
        assert_int_equal(hstats().live_allocs, i + 1);
        assert_int_equal(hstats().live_bytes, bytes);
    }
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        check_fill(p[i], sizes[i], (unsigned int)i);
    }
    assert_int_equal(hstats().total_allocs, st0.total_allocs + ARRAY_SIZE(sizes));
    assert_int_equal(heap_report_live(), ARRAY_SIZE(sizes));
    for (size_t i = ARRAY_SIZE(sizes); i-- > 0;) {
        assert_int_equal(heap_free(p[i]), 0);
        bytes -= sizes[i];
        assert_int_equal(hstats().live_bytes, bytes);
    }
    assert_int_equal(hstats().live_allocs, 0);
    assert_int_equal(hstats().live_bytes, 0);
    assert_int_equal(hstats().bad_frees, st0.bad_frees);
    assert_int_equal(heap_report_live(), 0);
}

static void test_large_allocations_use_frames(void **state)
{
    static const size_t sizes[] = {2049, 4096 - HDR, 4096, 8192 + 5, 100000, 1 << 21};

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        uint64_t ffree = frames_free(), pages = hstats().pages;
        size_t frames = 1;
        uint8_t *p;

        while (frames * PAGE_SIZE < sizes[i] + HDR) {
            frames <<= 1;
        }
        p = heap_alloc(sizes[i], NULL);
        assert_non_null(p);
        assert_true(IS_ALIGNED((uintptr_t)p, 16));
        /* A whole, naturally aligned frame block with the header at its start. */
        assert_true(IS_ALIGNED((uintptr_t)(p - HDR), PAGE_SIZE));
        assert_true(IS_ALIGNED(virt_to_mfn(p), frames));
        assert_int_equal(frames_free(), ffree - frames);
        assert_int_equal(hstats().pages, pages + frames);
        assert_int_equal(mfn_to_page(virt_to_mfn(p))->owner, DOMID_XEN);
        memset(p, 0x5a, sizes[i]); /* all of it is usable (ASan checks) */
        assert_int_equal(heap_free(p), 0);
        /* Frames go straight back to the frame allocator. */
        assert_int_equal(frames_free(), ffree);
        assert_int_equal(hstats().pages, pages);
    }
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * Random allocations and frees (fixed seed), each filled with its own
 * pattern: no two live allocations overlap and none is disturbed by others.
 */
static void test_random_no_overlap(void **state)
{
    enum { SLOTS = 300 };
    struct {
        uint8_t *p;
        size_t n;
        unsigned int tag;
    } s[SLOTS] = {{0}};
    uint64_t seed = 42;
    unsigned int tag = 0;

    (void)state;
    for (int step = 0; step < 6000; step++) {
        unsigned int k = (unsigned int)t_rand_below(&seed, SLOTS);

        if (s[k].p) {
            check_fill(s[k].p, s[k].n, s[k].tag);
            assert_int_equal(heap_free(s[k].p), 0);
            s[k].p = NULL;
        } else {
            size_t n = t_rand_below(&seed, 8) == 0 ? 1 + t_rand_below(&seed, 20000)
                                                   : 1 + t_rand_below(&seed, 1500);
            s[k].p = heap_alloc(n, NULL);
            assert_non_null(s[k].p);
            assert_true(IS_ALIGNED((uintptr_t)s[k].p, 16));
            s[k].n = n;
            s[k].tag = ++tag;
            fill(s[k].p, n, s[k].tag);
        }
        if (step % 500 == 499) {
            uintptr_t iv[SLOTS][2];
            unsigned int m = 0;

            for (unsigned int i = 0; i < SLOTS; i++) {
                if (s[i].p) {
                    check_fill(s[i].p, s[i].n, s[i].tag);
                    /* The header before each block belongs to it as well. */
                    iv[m][0] = (uintptr_t)s[i].p - HDR;
                    iv[m][1] = (uintptr_t)s[i].p + s[i].n;
                    m++;
                }
            }
            qsort(iv, m, sizeof(iv[0]), cmp_ptr);
            for (unsigned int i = 1; i < m; i++) {
                assert_true(iv[i - 1][1] <= iv[i][0]);
            }
            assert_int_equal(hstats().live_allocs, m);
            assert_int_equal(heap_report_live(), m);
        }
    }
    for (unsigned int i = 0; i < SLOTS; i++) {
        if (s[i].p) {
            check_fill(s[i].p, s[i].n, s[i].tag);
            assert_int_equal(heap_free(s[i].p), 0);
        }
    }
    assert_int_equal(hstats().live_allocs, 0);
    assert_int_equal(hstats().live_bytes, 0);
}

static void test_leak_accounting_and_report(void **state)
{
    struct heap_stats st0 = hstats();
    uint64_t mark = log_ring_total();
    static char logbuf[8192];
    void *a, *b, *c;

    (void)state;
    a = heap_alloc(100, (const void *)0x1234);
    b = heap_alloc(3000, (const void *)0x5678);
    c = xmalloc(7);
    assert_int_equal(hstats().live_allocs, 3);
    assert_int_equal(hstats().live_bytes, 3107);
    assert_int_equal(hstats().total_allocs, st0.total_allocs + 3);
    assert_int_equal(heap_report_live(), 3);
    t_log_since(mark, logbuf, sizeof(logbuf));
    assert_non_null(strstr(logbuf, "heap: live 100 bytes"));
    assert_non_null(strstr(logbuf, "from 0x1234"));
    assert_non_null(strstr(logbuf, "heap: live 3000 bytes"));
    assert_non_null(strstr(logbuf, "from 0x5678"));
    assert_non_null(strstr(logbuf, "heap: live 7 bytes"));

    /* The leak of b is what remains once a and c are freed. */
    assert_int_equal(heap_free(a), 0);
    xfree(c);
    assert_int_equal(hstats().live_allocs, 1);
    assert_int_equal(hstats().live_bytes, 3000);
    mark = log_ring_total();
    assert_int_equal(heap_report_live(), 1);
    t_log_since(mark, logbuf, sizeof(logbuf));
    assert_null(strstr(logbuf, "from 0x1234"));
    assert_non_null(strstr(logbuf, "from 0x5678"));
    assert_int_equal(heap_free(b), 0);
    assert_int_equal(heap_report_live(), 0);
    assert_int_equal(hstats().total_allocs, st0.total_allocs + 3);
}

static void test_report_lists_at_most_32(void **state)
{
    void *p[40];
    uint64_t mark = log_ring_total();
    static char logbuf[16384];
    unsigned int lines = 0;

    (void)state;
    for (int i = 0; i < 40; i++) {
        p[i] = heap_alloc(10, NULL);
    }
    assert_int_equal(heap_report_live(), 40);
    t_log_since(mark, logbuf, sizeof(logbuf));
    for (const char *q = logbuf; (q = strstr(q, "heap: live")) != NULL; q++) {
        lines++;
    }
    assert_int_equal(lines, 32);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(heap_free(p[i]), 0);
    }
}

static void test_double_free_refused(void **state)
{
    struct heap_stats st0 = hstats();
    void *p, *q, *r;

    (void)state;
    p = heap_alloc(200, NULL);
    q = heap_alloc(200, NULL);
    assert_int_equal(heap_free(p), 0);
    assert_int_equal(heap_free(p), -EINVAL);
    assert_int_equal(heap_free(p), -EINVAL);
    assert_int_equal(hstats().bad_frees, st0.bad_frees + 2);
    assert_int_equal(hstats().live_allocs, 1);
    assert_int_equal(hstats().live_bytes, 200);
    /* The free list was not corrupted: two new chunks are distinct. */
    p = heap_alloc(200, NULL);
    r = heap_alloc(200, NULL);
    assert_ptr_not_equal(p, r);
    assert_ptr_not_equal(p, q);
    assert_ptr_not_equal(r, q);
    assert_int_equal(heap_free(p), 0);
    assert_int_equal(heap_free(q), 0);
    assert_int_equal(heap_free(r), 0);

    /* A large block: a second free must not free frames twice. */
    p = heap_alloc(10000, NULL);
    assert_int_equal(heap_free(p), 0);
    {
        uint64_t ffree = frames_free(), pages = hstats().pages;
        assert_int_equal(heap_free(p), -EINVAL);
        assert_int_equal(frames_free(), ffree);
        assert_int_equal(hstats().pages, pages);
    }
    assert_int_equal(hstats().bad_frees, st0.bad_frees + 3);
}

static void test_wild_and_misaligned_pointers_refused(void **state)
{
    struct heap_stats st0;
    uint8_t *p, *q, *big, *page;
    mfn_t m;

    (void)state;
    p = heap_alloc(512, NULL);
    q = heap_alloc(512, NULL);
    big = heap_alloc(20000, NULL);
    m = frame_alloc(0, DOMID_XEN);
    page = mfn_to_virt(m);
    memset(page, 0, PAGE_SIZE);
    st0 = hstats();

    assert_int_equal(heap_free(NULL), -EINVAL);
    assert_int_equal(heap_free(p + 1), -EINVAL);
    assert_int_equal(heap_free(p + 8), -EINVAL);
    assert_int_equal(heap_free(p + 16), -EINVAL); /* inside a live chunk */
    assert_int_equal(heap_free(p + 64), -EINVAL);
    assert_int_equal(heap_free(big + 4096), -EINVAL); /* inside a large block */
    assert_int_equal(heap_free(page + HDR), -EINVAL); /* a frame the heap never had */
    assert_int_equal(heap_free(page + 2048), -EINVAL);

    /* A copy of a live header elsewhere is not a live allocation. */
    memcpy(q, p - HDR, HDR);
    assert_int_equal(heap_free(q + HDR), -EINVAL);
    memcpy(page + 256, p - HDR, HDR);
    assert_int_equal(heap_free(page + 256 + HDR), -EINVAL);

    assert_int_equal(hstats().bad_frees, st0.bad_frees + 10);
    assert_int_equal(hstats().live_allocs, st0.live_allocs);
    assert_int_equal(hstats().live_bytes, st0.live_bytes);
    assert_int_equal(hstats().pages, st0.pages);
    assert_int_equal(heap_report_live(), 3);
    assert_int_equal(frame_free(m, 0), 0);
    assert_int_equal(heap_free(p), 0);
    assert_int_equal(heap_free(q), 0);
    assert_int_equal(heap_free(big), 0);
}

static void test_xfree_bad_pointer_panics(void **state)
{
    uint8_t *p = xmalloc(64);
    uint8_t *big = xmalloc(5000);

    (void)state;
    xfree(NULL); /* fine */
    T_EXPECT_PANIC(xfree(p + 16));
    assert_non_null(strstr(fake_panic_msg, "xfree"));
    assert_non_null(strstr(fake_panic_msg, "not a live heap allocation"));
    T_EXPECT_PANIC(xfree(p + 3));
    assert_int_equal(hstats().live_allocs, 2);
    xfree(p);
    T_EXPECT_PANIC(xfree(p)); /* double free */
    xfree(big);
    T_EXPECT_PANIC(xfree(big));
    assert_int_equal(hstats().live_allocs, 0);
}

static void test_xzalloc_zeroes(void **state)
{
    static const size_t sizes[] = {1, 40, 300, 2000, 4096, 30000};

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        /* Dirty a chunk of the class first, so reuse is what gets zeroed. */
        uint8_t *d = xmalloc(sizes[i]), *z;
        memset(d, 0xee, sizes[i]);
        xfree(d);
        z = xzalloc(sizes[i]);
        assert_non_null(z);
        for (size_t j = 0; j < sizes[i]; j++) {
            assert_int_equal(z[j], 0);
        }
        xfree(z);
    }
    assert_null(xzalloc(0));
}

static void test_zero_and_huge_sizes(void **state)
{
    struct heap_stats st0 = hstats();
    uint64_t ffree = frames_free();

    (void)state;
    assert_null(heap_alloc(0, NULL));
    assert_null(heap_alloc(SIZE_MAX, NULL));
    assert_null(heap_alloc(SIZE_MAX - 10, NULL)); /* size + header wraps */
    assert_null(heap_alloc((size_t)UINT32_MAX + 1, NULL));
    assert_null(xmalloc((size_t)1 << 40));
    /* Bigger than the largest frame block, though it fits in 32 bits. */
    assert_null(heap_alloc(UINT32_MAX, NULL));
    /* Bigger than all fake memory, but within one max-order block. */
    assert_null(heap_alloc((size_t)NR_FRAMES * PAGE_SIZE, NULL));
    assert_int_equal(hstats().live_allocs, 0);
    assert_int_equal(hstats().live_bytes, 0);
    assert_int_equal(hstats().total_allocs, st0.total_allocs);
    assert_int_equal(hstats().pages, st0.pages);
    assert_true(hstats().failed_allocs >= st0.failed_allocs + 2);
    assert_int_equal(frames_free(), ffree);
}

/* With every frame taken, large requests fail and small ones do once cached chunks run out. */
static void test_frame_exhaustion(void **state)
{
    mfn_t *frames = malloc(NR_FRAMES * sizeof(*frames));
    void **small = malloc(4096 * sizeof(*small));
    unsigned int nf = 0, ns = 0;
    struct heap_stats st0;
    mfn_t m;
    void *p;

    (void)state;
    /* Warm the 1024-byte class so some chunks are cached. */
    p = heap_alloc(600, NULL);
    xfree(p);
    while ((m = frame_alloc(0, 1)) != INVALID_MFN) {
        frames[nf++] = m;
    }
    assert_int_equal(frames_free(), 0);
    st0 = hstats();

    assert_null(heap_alloc(5000, NULL));
    assert_int_equal(hstats().failed_allocs, st0.failed_allocs + 1);
    /* Cached chunks of the class are still handed out, then allocation fails. */
    while (ns < 4096 && (small[ns] = heap_alloc(600, NULL)) != NULL) {
        ns++;
    }
    assert_true(ns >= 1);
    assert_true(ns < 4096);
    assert_int_equal(hstats().failed_allocs, st0.failed_allocs + 2);
    assert_int_equal(hstats().pages, st0.pages);
    assert_int_equal(hstats().live_allocs, ns);
    /* A failure leaves the heap usable: free one, and it is reused. */
    xfree(small[0]);
    small[0] = heap_alloc(600, NULL);
    assert_non_null(small[0]);
    for (unsigned int i = 0; i < ns; i++) {
        xfree(small[i]);
    }
    for (unsigned int i = 0; i < nf; i++) {
        assert_int_equal(frame_free(frames[i], 0), 0);
    }
    /* And with frames back, large allocations work again. */
    p = heap_alloc(5000, NULL);
    assert_non_null(p);
    xfree(p);
    free(frames);
    free(small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sizes_across_classes, check_clean, check_clean),
        cmocka_unit_test_setup_teardown(test_large_allocations_use_frames, check_clean,
                                        check_clean),
        cmocka_unit_test_setup_teardown(test_random_no_overlap, check_clean, check_clean),
        cmocka_unit_test_setup_teardown(test_leak_accounting_and_report, check_clean, check_clean),
        cmocka_unit_test_setup_teardown(test_report_lists_at_most_32, check_clean, check_clean),
        cmocka_unit_test_setup_teardown(test_double_free_refused, check_clean, check_clean),
        cmocka_unit_test_setup_teardown(test_wild_and_misaligned_pointers_refused, check_clean,
                                        check_clean),
        cmocka_unit_test_setup_teardown(test_xfree_bad_pointer_panics, check_clean, check_clean),
        cmocka_unit_test_setup_teardown(test_xzalloc_zeroes, check_clean, check_clean),
        cmocka_unit_test_setup_teardown(test_zero_and_huge_sizes, check_clean, check_clean),
        cmocka_unit_test_setup_teardown(test_frame_exhaustion, check_clean, check_clean),
    };

    return cmocka_run_group_tests_name("hypervisor_heap", tests, group_setup, group_teardown);
}
