/*
 * Shared set-up for the grant-table unit tests (test_gnttab*.c): fake
 * machine memory with a frame table, four domains (t_d0 privileged, t_d1 to
 * t_d3 not), each with one vCPU, the hypercall issued as a given domain, the
 * granting side of the protocol as a guest does it, and snapshots of the
 * whole frame table and memory so a refused operation can be shown to
 * change nothing.
 *
 * Domains are never destroyed (the heap and the domain table persist for
 * the process), but their grant state is: every test starts with fresh
 * grant tables and its teardown destroys them, drops the test's frames and
 * checks that every frame and every heap allocation came back.
 */
#ifndef TESTS_UNIT_GNTTAB_TEST_H
#define TESTS_UNIT_GNTTAB_TEST_H

#include "hv_test.h"

#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/grant_table.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <fake_gnttab.h>
#include <xen/xen.h>

#define T_NR_FRAMES 2048
#define T_MAX_TRACK 64
#define T_VA(i) (0x7f0000000000ull + (uint64_t)(i) * PAGE_SIZE)   /* host_addr of mapping i */
#define T_HOST_RW GNTMAP_host_map
#define T_HOST_RO (GNTMAP_host_map | GNTMAP_readonly)
#define T_PERMIT GTF_permit_access
#define T_RD GTF_reading
#define T_WR GTF_writing

static struct page_info *t_table;
static struct domain *t_d0, *t_d1, *t_d2, *t_d3;
static struct domain **t_all[] = { &t_d0, &t_d1, &t_d2, &t_d3 };
static mfn_t t_track[T_MAX_TRACK];
static unsigned int t_ntrack;
static uint64_t t_base_frames, t_base_allocs;

static inline uint64_t t_frames_held(void)
{
    struct frame_stats fs;
    struct heap_stats hs;

    frame_get_stats(&fs);
    heap_get_stats(&hs);
    return fs.free_pages + hs.pages;
}

static inline uint64_t t_live_allocs(void)
{
    struct heap_stats hs;

    heap_get_stats(&hs);
    return hs.live_allocs;
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
    frame_add_free(1, T_NR_FRAMES - 1);
    t_d0 = domain_create(0, "d0", DOMCREATE_PRIVILEGED, 256);
    t_d1 = domain_create(1, "d1", 0, 256);
    t_d2 = domain_create(2, "d2", 0, 256);
    t_d3 = domain_create(3, "d3", 0, 256);
    if (!t_d0 || !t_d1 || !t_d2 || !t_d3) {
        return -1;
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        if (!vcpu_create(*t_all[i], 0)) {
            return -1;
        }
    }
    return 0;
}

static int t_group_teardown(void **state)
{
    (void)state;
    return 0;
}

/*
 * Link seam: the hypercall layer's preemption and continuation (the test
 * provides them, so common/hypercall.c and its table of x86 handlers are
 * not linked). t_preempt_at = N: the Nth preemption check says stop.
 */
static unsigned int t_preempt_at, t_preempt_calls;
static uint64_t t_cont[6];

bool hypercall_preempt_check(void)
{
    return t_preempt_at && ++t_preempt_calls >= t_preempt_at;
}

long hypercall_continue(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    uint64_t a[6] = { nr, a1, a2, a3, a4, a5 };

    memcpy(t_cont, a, sizeof(a));
    return HYPERCALL_CONTINUATION;
}

/* Issue grant_table_op as domain d (its vCPU 0). */
static inline long t_op(struct domain *d, unsigned int cmd, void *arg, unsigned int count)
{
    set_current_vcpu(d->vcpus[0]);
    return do_grant_table_op(cmd, (uint64_t)(uintptr_t)arg, count, 0, 0);
}

/* d's grant-table frames, growing the table to nr frames; the status. */
static inline int16_t t_setup_table(struct domain *d, unsigned int nr, xen_pfn_t *frames)
{
    struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = nr };

    op.frame_list.p = (uint64_t)(uintptr_t)frames;
    assert_int_equal(t_op(d, GNTTABOP_setup_table, &op, 1), 0);
    return op.status;
}

/* The hypervisor's view of d's shared entry ref (the table grows to hold it). */
static inline struct grant_entry_v1 *t_ent(struct domain *d, grant_ref_t ref)
{
    xen_pfn_t frames[GNTTAB_MAX_FRAMES_LIMIT];
    unsigned int f = ref / GNTTAB_ENTRIES_PER_FRAME;

    assert_int_equal(t_setup_table(d, f + 1, frames), GNTST_okay);
    return (struct grant_entry_v1 *)mfn_to_virt(frames[f]) + ref % GNTTAB_ENTRIES_PER_FRAME;
}

static inline uint16_t t_flags(struct domain *d, grant_ref_t ref)
{
    return __atomic_load_n(&t_ent(d, ref)->flags, __ATOMIC_SEQ_CST);
}

/* The granting guest: frame and domid, a barrier, then flags. */
static inline void t_grant(struct domain *g, grant_ref_t ref, domid_t to, mfn_t frame,
                           uint16_t flags)
{
    struct grant_entry_v1 *e = t_ent(g, ref);

    e->frame = (uint32_t)frame;
    e->domid = to;
    __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

/* Ending access as Linux does: a compare-and-swap to 0 that refuses while in use. */
static inline bool t_end_access(struct domain *g, grant_ref_t ref)
{
    uint16_t *f = &t_ent(g, ref)->flags;
    uint16_t old = __atomic_load_n(f, __ATOMIC_SEQ_CST);

    do {
        if (old & (GTF_reading | GTF_writing)) {
            return false;
        }
    } while (!__atomic_compare_exchange_n(f, &old, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return true;
}

static inline int16_t t_map(struct domain *ld, domid_t dom, grant_ref_t ref, uint32_t flags,
                            uint64_t addr, grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = { .host_addr = addr, .flags = flags, .ref = ref, .dom = dom,
                                       .handle = 0xdead, .dev_bus_addr = 0xbeef };

    assert_int_equal(t_op(ld, GNTTABOP_map_grant_ref, &op, 1), 0);
    if (op.status != GNTST_okay) {
        /* A refused map reports its status and nothing else. */
        assert_int_equal(op.handle, 0xdead);
        assert_int_equal(op.dev_bus_addr, 0xbeef);
    } else if (handle) {
        *handle = op.handle;
    }
    return op.status;
}

static inline int16_t t_unmap(struct domain *ld, grant_handle_t h, uint64_t addr, uint64_t bus)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = addr, .dev_bus_addr = bus, .handle = h,
                                         .status = 0x55 };

    assert_int_equal(t_op(ld, GNTTABOP_unmap_grant_ref, &op, 1), 0);
    return op.status;
}

static inline struct gnttab_info t_info(struct domain *d)
{
    struct gnttab_info i;

    assert_int_equal(gnttab_get_info(d, &i), 0);
    return i;
}

/* Mappings d holds, and mappings others hold of d's grants. */
#define T_MAPTRACK(d, used, of_mine)                                                               \
    do {                                                                                           \
        struct gnttab_info i_ = t_info(d);                                                         \
        assert_int_equal(i_.maptrack_used, (used));                                                \
        assert_int_equal(i_.mapped_by_others, (of_mine));                                          \
    } while (0)

/* One frame's accounting: general references, type and type count. */
#define T_FRAME(m, cnt, ty, tc)                                                                    \
    do {                                                                                           \
        const struct page_info *p_ = mfn_to_page(m);                                               \
        assert_int_equal(p_->count, (cnt));                                                        \
        assert_int_equal(p_->type, (ty));                                                          \
        assert_int_equal(p_->type_count, (tc));                                                    \
    } while (0)

/* A zeroed frame owned by d (holding its allocation reference), tracked. */
static inline mfn_t t_alloc(struct domain *d)
{
    mfn_t m = domain_alloc_frames(d, 0);

    assert_true(m != INVALID_MFN);
    assert_true(t_ntrack < T_MAX_TRACK);
    memset(mfn_to_virt(m), 0, PAGE_SIZE);
    t_track[t_ntrack++] = m;
    return m;
}

/* The owner gives the frame back (decrease_reservation): its allocation reference goes. */
static inline void t_release(mfn_t m)
{
    struct page_info *pg = mfn_to_page(m);

    assert_true(pg->flags & PGF_ALLOC_REF);
    pg->flags &= (uint16_t)~PGF_ALLOC_REF;
    if (--pg->count == 0) {
        domain_free_frame(m);
    }
}

static inline bool t_is_free(mfn_t m)
{
    const struct page_info *pg = mfn_to_page(m);

    return pg->owner == DOMID_NONE && pg->count == 0 && pg->type_count == 0 &&
           !(pg->flags & (PGF_ALLOCATED | PGF_ALLOC_REF));
}

/*
 * Give d a maptrack chunk (a map and unmap of its own reserved entry 7), so
 * a refused map later allocates nothing and snapshots compare exactly.
 */
static inline void t_warm_maptrack(struct domain *d, mfn_t frame)
{
    grant_handle_t h;

    t_grant(d, 7, d->id, frame, T_PERMIT);
    assert_int_equal(t_map(d, d->id, 7, GNTMAP_device_map, 0, &h), GNTST_okay);
    assert_int_equal(t_unmap(d, h, 0, (uint64_t)frame << PAGE_SHIFT), GNTST_okay);
    assert_true(t_end_access(d, 7));
}

static int t_setup(void **state)
{
    (void)state;
    fake_gnttab_reset();
    gnttab_test_race_hook = NULL;
    fake_fault_start = fake_fault_end = 0;
    t_preempt_at = t_preempt_calls = 0;
    t_ntrack = 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        gnttab_domain_destroy(*t_all[i]);
    }
    t_base_frames = t_frames_held();
    t_base_allocs = t_live_allocs();
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        struct domain *d = *t_all[i];

        assert_int_equal(gnttab_domain_init(d, GNTTAB_DEFAULT_MAX_FRAMES,
                                            GNTTAB_DEFAULT_MAX_MAPTRACK), 0);
        t_warm_maptrack(d, t_alloc(d));
    }
    return 0;
}

/* Whatever a test did, destruction returns every frame and allocation. */
static int t_teardown(void **state)
{
    (void)state;
    gnttab_test_race_hook = NULL;
    fake_fault_start = fake_fault_end = 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        gnttab_domain_destroy(*t_all[i]);
        assert_null((*t_all[i])->grant_table);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        assert_int_equal(fake_gnttab_nr_ptes((*t_all[i])->id), 0);
    }
    for (unsigned int i = 0; i < t_ntrack; i++) {
        struct page_info *pg = mfn_to_page(t_track[i]);
        if (pg->flags & PGF_ALLOC_REF) {
            assert_int_equal(pg->count, 1);         /* no reference left behind */
            assert_int_equal(pg->type_count, 0);
            t_release(t_track[i]);
        }
        if (!t_is_free(t_track[i])) {
            fail_msg("frame %#llx not freed at the end of the test",
                     (unsigned long long)t_track[i]);
        }
    }
    assert_int_equal(t_live_allocs(), t_base_allocs);
    assert_int_equal(t_frames_held(), t_base_frames);
    return 0;
}

#define T_TEST(f) cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)

/* ------------------------------------------------------------ snapshots */

struct t_snap {
    struct page_info pi[T_NR_FRAMES];
    uint8_t mem[T_NR_FRAMES][PAGE_SIZE];
    struct gnttab_info info[4];
};

static struct t_snap t_snap_buf;

static inline void t_snap(void)
{
    memcpy(t_snap_buf.pi, t_table, sizeof(t_snap_buf.pi));
    memcpy(t_snap_buf.mem, mfn_to_virt(0), sizeof(t_snap_buf.mem));
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        t_snap_buf.info[i] = t_info(*t_all[i]);
    }
}

/*
 * Fail, naming the first difference, unless nothing changed since t_snap():
 * the frame table, all of machine memory (guest frames, shared grant
 * entries, and the hypervisor's own grant state in its heap) and every
 * domain's grant accounting.
 */
#define T_UNCHANGED() t_unchanged(__FILE__, __LINE__)
static inline void t_unchanged(const char *file, int line)
{
    const uint8_t *mem = mfn_to_virt(0);

    for (mfn_t m = 0; m < T_NR_FRAMES; m++) {
        const struct page_info *a = &t_snap_buf.pi[m], *b = &t_table[m];
        if (memcmp(a, b, sizeof(*a))) {
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
                if (x != y) {
                    fail_msg("%s:%d: mfn %#llx word %u changed: %#llx -> %#llx", file, line,
                             (unsigned long long)m, i, (unsigned long long)x,
                             (unsigned long long)y);
                }
            }
        }
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(t_all); i++) {
        struct gnttab_info now_ = t_info(*t_all[i]);
        if (memcmp(&now_, &t_snap_buf.info[i], sizeof(now_))) {
            fail_msg("%s:%d: grant accounting of d%u changed", file, line, (*t_all[i])->id);
        }
    }
}

#endif /* TESTS_UNIT_GNTTAB_TEST_H */
