/* SPDX-License-Identifier: MIT */
/*
 * Grant-table helpers shared by both families of grant test guests (this
 * directory has no main.c, so it is not a guest itself):
 *  - gnttab_*: a single domain grants to itself: it writes entries in its
 *    own grant table naming its own domid, then maps or copies them with
 *    dom = its own domid.  Each includes this header once.
 *  - gntring_*: two or three domains from boot modules share pages.  They
 *    include ../gntring_common/gntring.h, which includes this header (with
 *    GT_FRAMES 1) and adds what only several domains need.
 *
 * Common to both: our domid, the grant table set up and mapped, entries
 * written and read as a granter does, one-operation map / unmap / copy.
 * Page-table walks and access probes are the runtime's (rt/pt.h).
 *
 * Frames the guest owns are reached at VA = PFN << 12 (the runtime's layout).
 */
#ifndef GNTTAB_COMMON_H
#define GNTTAB_COMMON_H

#include <rt/runtime.h>
#include <rt/pt.h>
#include <xen/grant_table.h>

#define GT_UNUSED __attribute__((unused))

/* Xen errno values, short. */
#define EPERM  XEN_EPERM
#define ESRCH  XEN_ESRCH
#define EFAULT XEN_EFAULT
#define EBUSY  XEN_EBUSY
#define EINVAL XEN_EINVAL
#define ENOSYS XEN_ENOSYS

/* Page-table bits (PADDR_MASK, PTE_MFN, PTE_CMP: rt/pt.h). */
#define PROT_RW      (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PROT_RO      (_PAGE_PRESENT | _PAGE_ACCESSED)
#define _PAGE_NX     (UINT64_C(1) << 63)
#define _PAGE_GNTTAB (UINT64_C(1) << 62)
#define _PAGE_AVAIL  UINT64_C(0xe00)

/* Exception information of a #PF with the given error code. */
#define PF_READ_NP EXINFO(X86_EXC_PF, 0)
#define PF_WRITE_P EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE)

/* The table is grown to GT_FRAMES frames: by default a few (Xen's and
 * Xenolith's limits are both well above); a family that needs only the
 * first defines GT_FRAMES before including this header. */
#ifndef GT_FRAMES
#define GT_FRAMES 4
#endif
#define GT_PER_FRAME (4096 / sizeof(struct grant_entry_v1))
#define GT_ENTRIES   (GT_FRAMES * GT_PER_FRAME)

/* Where the grant-table frames are mapped, and their machine frames. */
static uint8_t gt_area[GT_FRAMES][4096] __aligned(4096) GT_UNUSED;
static volatile struct grant_entry_v1 *gt_shared GT_UNUSED;
static xen_pfn_t gt_frames[GT_FRAMES] GT_UNUSED;
static domid_t self_id GT_UNUSED;

static inline long gnttab_op(unsigned int cmd, void *uop, unsigned int count)
{
    return _HC(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

/* --- the grant table ------------------------------------------------------ */

/* setup_table to GT_FRAMES frames and map them writable at gt_area (the
 * first with update_va_mapping, any others in one mmu_update batch, as
 * Linux's two ways of doing it).  An ERROR result if that fails: nothing
 * else can be tested then. */
static inline void gt_setup(void)
{
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = GT_FRAMES};
    struct mmu_update u[GT_FRAMES];
    long rc;

    xen_set_guest_handle(st.frame_list, gt_frames);
    rc = gnttab_op(GNTTABOP_setup_table, &st, 1);
    if (rc || st.status != GNTST_okay) {
        test_error("setup_table(%u): rc %ld status %d", GT_FRAMES, rc, st.status);
        test_finish();
    }
    rc = hypercall_update_va_mapping((uintptr_t)gt_area[0], (gt_frames[0] << 12) | PROT_RW,
                                     UVMF_INVLPG);
    if (rc) {
        test_error("mapping grant frame %#lx: %ld", gt_frames[0], rc);
        test_finish();
    }
    if (GT_FRAMES > 1) {
        for (unsigned int i = 1; i < GT_FRAMES; i++)
            u[i] = (struct mmu_update){.ptr = pt_maddr((uintptr_t)gt_area[i], 1),
                                       .val = (gt_frames[i] << 12) | PROT_RW};
        rc = hypercall_mmu_update(&u[1], GT_FRAMES - 1, NULL, DOMID_SELF);
        if (rc) {
            test_error("mapping grant frames 1..: %ld", rc);
            test_finish();
        }
        /* The pages gt_area covered are now unmapped in our p2m: flush them. */
        pt_flush_tlb();
    }
    gt_shared = (volatile struct grant_entry_v1 *)gt_area;
}

/* Write entry `ref` as a granter does: frame and domid, barrier, flags. */
static inline void grant(grant_ref_t ref, domid_t domid, uint64_t mfn, uint16_t flags)
{
    volatile struct grant_entry_v1 *e = &gt_shared[ref];

    e->flags = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    e->frame = (uint32_t)mfn;
    e->domid = domid;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    e->flags = flags;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline uint16_t gflags(grant_ref_t ref)
{
    return __atomic_load_n((uint16_t *)&gt_shared[ref].flags, __ATOMIC_SEQ_CST);
}

/* The whole entry as one word: flags | domid << 16 | frame << 32. */
static inline uint64_t gword(grant_ref_t ref)
{
    return __atomic_load_n((uint64_t *)&gt_shared[ref], __ATOMIC_SEQ_CST);
}

/* End access as Linux does: swap flags to 0 unless GTF_reading/GTF_writing
 * show the grant in use.  True if access ended. */
static inline bool end_access(grant_ref_t ref)
{
    uint16_t *f = (uint16_t *)&gt_shared[ref].flags;
    uint16_t old = __atomic_load_n(f, __ATOMIC_SEQ_CST);

    do {
        if (old & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(f, &old, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return true;
}

/* --- grant operations ----------------------------------------------------- */

/* One map; the status, with the op kept for the caller (handle and
 * dev_bus_addr start as markers: a refusal must leave them). */
static inline int16_t map1(struct gnttab_map_grant_ref *m, grant_ref_t ref, domid_t dom,
                           uint64_t host_addr, uint32_t flags)
{
    *m = (struct gnttab_map_grant_ref){.host_addr = host_addr,
                                       .flags = flags,
                                       .ref = ref,
                                       .dom = dom,
                                       .status = 0x7777,
                                       .handle = 0xdeadbeef,
                                       .dev_bus_addr = 0x5a5a5a5a5a5a5a5a};
    long rc = gnttab_op(GNTTABOP_map_grant_ref, m, 1);
    if (rc)
        check_failed(__FILE__, __LINE__, "map_grant_ref", " returned %ld", rc);
    return m->status;
}

static inline int16_t unmap1(uint64_t host_addr, uint64_t dev_bus_addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = {
        .host_addr = host_addr, .dev_bus_addr = dev_bus_addr, .handle = handle, .status = 0x7777};
    long rc = gnttab_op(GNTTABOP_unmap_grant_ref, &u, 1);
    if (rc)
        check_failed(__FILE__, __LINE__, "unmap_grant_ref", " returned %ld", rc);
    return u.status;
}

/* A copy op (status 0x7777 until the hypervisor writes it): src and dst are
 * grant references or frames as flags say. */
static inline struct gnttab_copy copy_op(uint16_t flags, uint64_t src, domid_t sdom, uint16_t soff,
                                         uint64_t dst, domid_t ddom, uint16_t doff, uint16_t len)
{
    struct gnttab_copy c = {.flags = flags, .len = len, .status = 0x7777};

    if (flags & GNTCOPY_source_gref)
        c.source.u.ref = (grant_ref_t)src;
    else
        c.source.u.gmfn = src;
    c.source.domid = sdom;
    c.source.offset = soff;
    if (flags & GNTCOPY_dest_gref)
        c.dest.u.ref = (grant_ref_t)dst;
    else
        c.dest.u.gmfn = dst;
    c.dest.domid = ddom;
    c.dest.offset = doff;
    return c;
}

/* One copy; the status. */
static inline int16_t copy1(uint16_t flags, uint64_t src, domid_t sdom, uint16_t soff, uint64_t dst,
                            domid_t ddom, uint16_t doff, uint16_t len)
{
    struct gnttab_copy c = copy_op(flags, src, sdom, soff, dst, ddom, doff, len);
    long rc = gnttab_op(GNTTABOP_copy, &c, 1);

    if (rc)
        check_failed(__FILE__, __LINE__, "copy", " returned %ld", rc);
    return c.status;
}

/* --- one domain granting to itself (the gnttab_* guests) ------------------ */

/* Our domid, then the table (gt_setup); an ERROR result if that fails. */
static inline void gt_init(void)
{
    self_id = evtchn_self_domid();
    gt_setup();
    printf("grant table: %u frames (%#lx..), our domid %u\n", GT_FRAMES, gt_frames[0], self_id);
}

static inline volatile uint64_t *q(const void *p)
{
    return (volatile uint64_t *)p;
}

/* Fill a page with a pattern derived from seed; check it. */
static inline void fill(void *page, uint64_t seed)
{
    for (unsigned int i = 0; i < 512; i++)
        q(page)[i] = seed * 0x100000001b3ull + i;
}
static inline bool is_filled(const void *page, uint64_t seed, unsigned int from, unsigned int to)
{
    for (unsigned int i = from; i < to; i++)
        if (((const volatile uint8_t *)page)[i] !=
            (uint8_t)((seed * 0x100000001b3ull + i / 8) >> (8 * (i % 8))))
            return false;
    return true;
}

#endif /* GNTTAB_COMMON_H */
