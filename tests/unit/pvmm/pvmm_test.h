/*
 * Shared set-up for the PV MMU unit tests (tests/unit/pvmm/): fake machine
 * memory with a frame table, three domains, hypervisor-owned frames, page
 * tables built by hand in fake memory, and snapshots of the whole frame
 * table and memory, so a refused operation can be shown to change nothing.
 *
 * Memory layout (T_NR_FRAMES frames):
 *   mfn 0 and [T_HOLE_START, T_HOLE_END)   holes: not RAM (mfn_valid false);
 *   everything else                        RAM, given to the allocator.
 * Domains: t_d1, t_d2 (unprivileged, ids 1 and 2), t_dp (privileged, id 3).
 * The heap (domain structures, event channels) lives in the same memory and
 * persists for the process, so the group sets up once; each test tracks the
 * frames it allocates and its teardown frees them and checks that every one
 * went back to the allocator (no reference leaked anywhere).
 */
#ifndef TESTS_UNIT_PVMM_TEST_H
#define TESTS_UNIT_PVMM_TEST_H

#include "hv_test.h"

#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/frame.h>
#include <asm/layout.h>
#include <asm/mm.h>
#include <asm/page.h>

#define T_NR_FRAMES 1024
#define T_HOLE_START 600
#define T_HOLE_END 640
#define T_MAX_TRACK 512
#define T_BIT(n) (1ull << (n))

/* Flags of a typical guest entry (as Linux writes them: no U/S). */
#define T_RO (_PAGE_PRESENT | _PAGE_ACCESSED)
#define T_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define T_VP (PGF_VALIDATED | PGF_PINNED)

extern mfn_t pvmm_fake_hv_l3;     /* hypervisor/arch/fake/pvmm/pvmm_fake.c */

static struct page_info *t_table;
static struct domain *t_d1, *t_d2, *t_dp;
static mfn_t t_xen;               /* 16 frames owned by DOMID_XEN */
static mfn_t t_track[T_MAX_TRACK];
static unsigned int t_ntrack;
static uint64_t t_free_before;

static inline uint64_t t_free_pages(void)
{
    struct frame_stats st;

    frame_get_stats(&st);
    return st.free_pages;
}

static inline uint64_t pte(mfn_t m, uint64_t flags)
{
    return ((uint64_t)m << PAGE_SHIFT) | flags;
}

static inline uint64_t *tab(mfn_t m)
{
    return mfn_to_virt(m);
}

static inline unsigned int ptype(unsigned int level)
{
    return PGT_L1 + level - 1;
}

static int t_group_setup(void **state)
{
    (void)state;
    fake_mem_init(T_NR_FRAMES);
    t_table = calloc(T_NR_FRAMES, sizeof(*t_table));
    if (!t_table) {
        return -1;
    }
    frame_init(t_table, T_NR_FRAMES);
    frame_add_free(1, T_HOLE_START - 1);
    frame_add_free(T_HOLE_END, T_NR_FRAMES - T_HOLE_END);
    t_d1 = domain_create(1, "d1", 0, 400);
    t_d2 = domain_create(2, "d2", 0, 400);
    t_dp = domain_create(3, "dp", DOMCREATE_PRIVILEGED, 400);
    if (!t_d1 || !t_d2 || !t_dp) {
        return -1;
    }
    t_xen = frame_alloc(4, DOMID_XEN);
    if (t_xen == INVALID_MFN) {
        return -1;
    }
    frame_split(t_xen, 4);
    for (unsigned int i = 0; i < 16; i++) {
        memset(tab(t_xen + i), 0, PAGE_SIZE);
        mfn_to_page(t_xen + i)->count = 1;   /* the hypervisor's own use */
    }
    pvmm_fake_hv_l3 = t_xen;
    return 0;
}

static int t_group_teardown(void **state)
{
    (void)state;
    /* Domains are never destroyed and live in fake memory: keep both. */
    return 0;
}

static int t_setup(void **state)
{
    (void)state;
    t_ntrack = 0;
    t_free_before = t_free_pages();
    return 0;
}

/* A zeroed frame allocated to d (holding its allocation reference), tracked. */
static inline mfn_t t_alloc(struct domain *d)
{
    mfn_t m = domain_alloc_frames(d, 0);

    assert_true(m != INVALID_MFN);
    assert_true(t_ntrack < T_MAX_TRACK);
    memset(tab(m), 0, PAGE_SIZE);
    t_track[t_ntrack++] = m;
    return m;
}

/* Drop d's allocation reference (what decrease_reservation does). */
static inline void t_drop_alloc(mfn_t m)
{
    struct page_info *pg = mfn_to_page(m);

    assert_true(pg->flags & PGF_ALLOC_REF);
    pg->flags &= (uint16_t)~PGF_ALLOC_REF;
    put_page(m);
}

static inline bool t_is_free(mfn_t m)
{
    const struct page_info *pg = mfn_to_page(m);

    return pg->owner == DOMID_NONE && pg->count == 0 && pg->type_count == 0 &&
           !(pg->flags & (PGF_ALLOCATED | PGF_ALLOC_REF | PGF_VALIDATED | PGF_PINNED));
}

/*
 * Every test must leave only allocation references behind: drop them, then
 * every tracked frame must be free and the allocator back where it was.
 */
static int t_teardown(void **state)
{
    (void)state;
    for (unsigned int i = 0; i < t_ntrack; i++) {
        struct page_info *pg = mfn_to_page(t_track[i]);
        if (pg->flags & PGF_ALLOC_REF) {
            assert_int_equal(pg->count, 1);
            assert_int_equal(pg->type_count, 0);
            t_drop_alloc(t_track[i]);
        }
    }
    for (unsigned int i = 0; i < t_ntrack; i++) {
        if (!t_is_free(t_track[i])) {
            fail_msg("frame %#llx not freed at the end of the test",
                     (unsigned long long)t_track[i]);
        }
    }
    assert_int_equal(t_free_pages(), t_free_before);
    return 0;
}

#define T_TEST(f) cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)

/* The accounting of one frame: count, type, type count, VALIDATED|PINNED. */
#define T_FRAME(m, cnt, ty, tc, fl)                                                                \
    do {                                                                                           \
        const struct page_info *p_ = mfn_to_page(m);                                               \
        assert_int_equal(p_->count, (cnt));                                                        \
        assert_int_equal(p_->type, (ty));                                                          \
        assert_int_equal(p_->type_count, (tc));                                                    \
        assert_int_equal(p_->flags & T_VP, (fl));                                                  \
    } while (0)

/* A frame with nothing but its allocation reference. */
#define T_IDLE(m) T_FRAME((m), 1, PGT_NONE, 0, 0)

/* ------------------------------------------------------------ snapshots */

struct t_snap {
    struct page_info pi[T_NR_FRAMES];
    uint8_t mem[T_NR_FRAMES][PAGE_SIZE];
    uint64_t tot[3];
    uint64_t free_pages;
};

static struct t_snap t_snap_buf;

static inline void t_snap(void)
{
    memcpy(t_snap_buf.pi, t_table, sizeof(t_snap_buf.pi));
    memcpy(t_snap_buf.mem, mfn_to_virt(0), sizeof(t_snap_buf.mem));
    t_snap_buf.tot[0] = t_d1->tot_pages;
    t_snap_buf.tot[1] = t_d2->tot_pages;
    t_snap_buf.tot[2] = t_dp->tot_pages;
    t_snap_buf.free_pages = t_free_pages();
}

/*
 * Fail, naming the first difference, unless nothing changed since t_snap().
 * T_UNCHANGED_BUT_USER also lets present entries have gained U/S: a table
 * validated and released again within a failing validation keeps the U/S
 * bits validation forced on it (Xen's alloc_l*_table leaves them as well).
 */
/* Equal but for the stale-TLB bookkeeping (frame_tlb_note), which no guest sees. */
static inline bool t_same_accounting(const struct page_info *a, const struct page_info *b)
{
    struct page_info x = *a, y = *b;

    x.flags &= (uint16_t)~PGF_TLB_STALE;
    y.flags &= (uint16_t)~PGF_TLB_STALE;
    x.tlb_kind = y.tlb_kind = 0;
    x.tlb_stamp = y.tlb_stamp = 0;
    return !memcmp(&x, &y, sizeof(x));
}

#define T_UNCHANGED() t_unchanged(__FILE__, __LINE__, false)
#define T_UNCHANGED_BUT_USER() t_unchanged(__FILE__, __LINE__, true)
static inline void t_unchanged(const char *file, int line, bool user_ok)
{
    const uint8_t *mem = mfn_to_virt(0);

    for (mfn_t m = 0; m < T_NR_FRAMES; m++) {
        const struct page_info *a = &t_snap_buf.pi[m], *b = &t_table[m];
        if (!t_same_accounting(a, b)) {
            fail_msg("%s:%d: page_info of mfn %#llx changed: count %u->%u type %u->%u "
                     "type_count %u->%u flags %#x->%#x owner %#x->%#x", file, line,
                     (unsigned long long)m, a->count, b->count, a->type, b->type, a->type_count,
                     b->type_count, a->flags, b->flags, a->owner, b->owner);
        }
        if (memcmp(t_snap_buf.mem[m], mem + m * PAGE_SIZE, PAGE_SIZE)) {
            for (unsigned int i = 0; i < PAGE_SIZE / 8; i++) {
                uint64_t x, y;
                memcpy(&x, t_snap_buf.mem[m] + i * 8, 8);
                memcpy(&y, mem + m * PAGE_SIZE + i * 8, 8);
                if (x != y && !(user_ok && (x & _PAGE_PRESENT) && (x | _PAGE_USER) == y)) {
                    fail_msg("%s:%d: mfn %#llx word %u changed: %#llx -> %#llx", file, line,
                             (unsigned long long)m, i, (unsigned long long)x,
                             (unsigned long long)y);
                }
            }
        }
    }
    if (t_snap_buf.tot[0] != t_d1->tot_pages || t_snap_buf.tot[1] != t_d2->tot_pages ||
        t_snap_buf.tot[2] != t_dp->tot_pages || t_snap_buf.free_pages != t_free_pages()) {
        fail_msg("%s:%d: domain or allocator accounting changed", file, line);
    }
}

/* ------------------------------------------------------------ trees */

/*
 * A small 4-level tree of d's frames:
 *   l4[0] -> l3a,  l4[511] -> l3b
 *   l3a[0] -> l2a, l3b[3] -> l2b
 *   l2a[0] -> l1a, l2a[1] -> l1b, l2b[7] -> l1a (an L1 shared by two L2s)
 *   l1a[0] -> data[0] RW, l1a[1] -> data[1] RO, l1a[2] -> data[1] RO
 *   l1b[5] -> data[2] RW, l1b[6] -> data[0] RW
 *   l1b[9] -> l1b RO (a page table may be mapped read-only)
 *   l1a[300] not present but with junk bits
 */
struct t_tree {
    struct domain *d;
    mfn_t l4, l3a, l3b, l2a, l2b, l1a, l1b, data[3];
};

#define T_JUNK 0x0123456789abcdeeull     /* bit 0 clear: not present */

static inline void t_tree_build(struct t_tree *t, struct domain *d)
{
    t->d = d;
    t->l4 = t_alloc(d);
    t->l3a = t_alloc(d);
    t->l3b = t_alloc(d);
    t->l2a = t_alloc(d);
    t->l2b = t_alloc(d);
    t->l1a = t_alloc(d);
    t->l1b = t_alloc(d);
    for (unsigned int i = 0; i < 3; i++) {
        t->data[i] = t_alloc(d);
    }
    tab(t->l4)[0] = pte(t->l3a, T_RW);
    tab(t->l4)[511] = pte(t->l3b, T_RO);
    tab(t->l3a)[0] = pte(t->l2a, T_RW);
    tab(t->l3b)[3] = pte(t->l2b, T_RW | _PAGE_NX);
    tab(t->l2a)[0] = pte(t->l1a, T_RW);
    tab(t->l2a)[1] = pte(t->l1b, T_RW);
    tab(t->l2b)[7] = pte(t->l1a, T_RO);
    tab(t->l1a)[0] = pte(t->data[0], T_RW);
    tab(t->l1a)[1] = pte(t->data[1], T_RO);
    tab(t->l1a)[2] = pte(t->data[1], T_RO | _PAGE_NX);
    tab(t->l1a)[300] = T_JUNK;
    tab(t->l1b)[5] = pte(t->data[2], T_RW);
    tab(t->l1b)[6] = pte(t->data[0], T_RW);
    tab(t->l1b)[9] = pte(t->l1b, T_RO);
}

/* The accounting of a tree pinned once at its L4 (as MMUEXT_PIN_L4_TABLE does). */
static inline void t_tree_expect_pinned(const struct t_tree *t)
{
    T_FRAME(t->l4, 2, PGT_L4, 1, T_VP);
    T_FRAME(t->l3a, 2, PGT_L3, 1, PGF_VALIDATED);
    T_FRAME(t->l3b, 2, PGT_L3, 1, PGF_VALIDATED);
    T_FRAME(t->l2a, 2, PGT_L2, 1, PGF_VALIDATED);
    T_FRAME(t->l2b, 2, PGT_L2, 1, PGF_VALIDATED);
    T_FRAME(t->l1a, 3, PGT_L1, 2, PGF_VALIDATED);
    T_FRAME(t->l1b, 3, PGT_L1, 1, PGF_VALIDATED);   /* + its own read-only mapping */
    T_FRAME(t->data[0], 3, PGT_WRITABLE, 2, 0);
    T_FRAME(t->data[1], 3, PGT_NONE, 0, 0);
    T_FRAME(t->data[2], 2, PGT_WRITABLE, 1, 0);
}

static inline void t_tree_expect_idle(const struct t_tree *t)
{
    const mfn_t all[] = { t->l4, t->l3a, t->l3b, t->l2a, t->l2b, t->l1a, t->l1b,
                          t->data[0], t->data[1], t->data[2] };

    for (unsigned int i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        T_IDLE(all[i]);
    }
}

/* Pin and unpin as mmuext_op does (arch/x86/pv/mmu.c), without the hypercall. */
static inline int t_pin(struct domain *d, mfn_t m, unsigned int level)
{
    int rc;

    if (mfn_to_page(m)->flags & PGF_PINNED) {
        return -EINVAL;
    }
    rc = get_page_and_type(m, d, ptype(level));
    if (rc == 0) {
        mfn_to_page(m)->flags |= PGF_PINNED;
    }
    return rc;
}

static inline void t_unpin(mfn_t m)
{
    assert_true(mfn_to_page(m)->flags & PGF_PINNED);
    mfn_to_page(m)->flags &= (uint16_t)~PGF_PINNED;
    put_page_and_type(m);
}


/*
 * The code the PV MMU refuses an entry with, as on Xen: an L1 entry whose
 * bits are allowed but whose frame cannot be taken is -EBUSY; anything else
 * (forbidden bits, a table entry that does not fit) is -EINVAL.
 */
static inline int t_refusal(const struct domain *d, unsigned int level, uint64_t e)
{
    uint64_t allowed = level != 1 ? PV_BASE_ALLOWED
                                  : (PV_BASE_ALLOWED & ~_PAGE_GNTTAB) | PV_L1_ALLOWED_EXTRA |
                                        (is_privileged(d) ? PV_CACHE_ATTRS : 0);

    if (level == 1 && (e & _PAGE_PRESENT) && !(e & ~allowed & ~PTE_ADDR_MASK)) {
        return -EBUSY;
    }
    return -EINVAL;
}

#endif /* TESTS_UNIT_PVMM_TEST_H */
