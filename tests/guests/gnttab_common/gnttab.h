/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the gnttab_* test guests (this directory has no main.c,
 * so it is not a guest itself).  Each guest includes it once.
 *
 * A single domain grants to itself: it writes entries in its own grant table
 * naming its own domid, then maps or copies them with dom = its own domid.
 *
 * Frames the guest owns are reached at VA = PFN << 12 (the runtime's layout);
 * page-table frames through the M2P in the same way.
 */
#ifndef GNTTAB_COMMON_H
#define GNTTAB_COMMON_H

#include <rt/runtime.h>
#include <xen/grant_table.h>

#define GT_UNUSED __attribute__((unused))

/* Xen errno values, short. */
#define EPERM  XEN_EPERM
#define ESRCH  XEN_ESRCH
#define EFAULT XEN_EFAULT
#define EBUSY  XEN_EBUSY
#define EINVAL XEN_EINVAL
#define ENOSYS XEN_ENOSYS

/* Page-table bits and helpers. */
#define PADDR_MASK   UINT64_C(0x000ffffffffff000)
#define PTE_MFN(e)   (((e)&PADDR_MASK) >> 12)
#define PROT_RW      (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PROT_RO      (_PAGE_PRESENT | _PAGE_ACCESSED)
#define _PAGE_NX     (UINT64_C(1) << 63)
#define _PAGE_AVAIL  UINT64_C(0xe00)
/* Entry bits compared after a grant mapping: frame, present, writable. */
#define PTE_CMP(e)   ((e) & (PADDR_MASK | _PAGE_PRESENT | _PAGE_RW))

/* Exception information of a #PF with the given error code. */
#define PF_READ_NP   EXINFO(X86_EXC_PF, 0)
#define PF_WRITE_P   EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE)

/* The table is grown to this many frames (a few; Xen's and Xenolith's
 * limits are both well above). */
#define GT_FRAMES     4
#define GT_PER_FRAME  (4096 / sizeof(struct grant_entry_v1))
#define GT_ENTRIES    (GT_FRAMES * GT_PER_FRAME)

/* Where the grant-table frames are mapped, and their machine frames. */
static uint8_t gt_area[GT_FRAMES][4096] __aligned(4096) GT_UNUSED;
static volatile struct grant_entry_v1 *gt_shared GT_UNUSED;
static xen_pfn_t gt_frames[GT_FRAMES] GT_UNUSED;
static domid_t self_id GT_UNUSED;

static inline long gnttab_op(unsigned int cmd, void *uop, unsigned int count)
{
    return _HC(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

/* Our own domid: an unbound event channel offered to ourselves names it. */
static inline domid_t find_self_id(void)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
    struct evtchn_status st = {.dom = DOMID_SELF};
    struct evtchn_close c;

    if (hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a))
        panic("alloc_unbound to ourselves failed");
    st.port = a.port;
    if (hypercall_event_channel_op(EVTCHNOP_status, &st))
        panic("evtchn status failed");
    c.port = a.port;
    hypercall_event_channel_op(EVTCHNOP_close, &c);
    return st.u.unbound.dom;
}

/* --- page tables --------------------------------------------------------- */

static inline uint64_t *mfn_to_virt(uint64_t mfn)
{
    return (uint64_t *)(mfn_to_pfn(mfn) << 12);
}
static inline unsigned int pt_idx(uint64_t va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}
/* Machine address of the level-`level` entry that maps va (walk from CR3);
 * 0 if a higher level is not present. */
static inline uint64_t pte_maddr(uint64_t va, int level)
{
    uint64_t mfn = read_cr3() >> 12;
    for (int l = 4; l > level; l--) {
        uint64_t e = mfn_to_virt(mfn)[pt_idx(va, l)];
        if (!(e & _PAGE_PRESENT))
            return 0;
        mfn = PTE_MFN(e);
    }
    return (mfn << 12) | (pt_idx(va, level) * 8);
}
static inline uint64_t read_entry(uint64_t maddr)
{
    return ((volatile uint64_t *)mfn_to_virt(maddr >> 12))[(maddr & 0xfff) / 8];
}
static inline uint64_t l1e_of(const void *va)
{
    return read_entry(pte_maddr((uintptr_t)va, 1));
}
static inline long mmu1(uint64_t ptr, uint64_t val)
{
    struct mmu_update u = {.ptr = ptr, .val = val};
    return hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
}
static inline long ext1(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = {.cmd = cmd, .arg1.mfn = mfn};
    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}
static inline long invlpg(const void *va)
{
    struct mmuext_op op = {.cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (uintptr_t)va};
    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Read / write a qword; 0, or the EXINFO of the fault. */
static inline uint64_t probe_read(const volatile void *p, uint64_t *val)
{
    uint64_t ex = 0, v = 0;
    __asm__ volatile("1: mov (%[p]), %[v]\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex), [v] "+r"(v)
                     : [p] "r"(p)
                     : "memory");
    *val = v;
    return ex;
}
static inline uint64_t probe_write(volatile void *p, uint64_t val)
{
    uint64_t ex = 0;
    __asm__ volatile("1: mov %[v], (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex)
                     : [p] "r"(p), [v] "r"(val)
                     : "memory");
    return ex;
}

static inline volatile uint64_t *q(const void *p)
{
    return (volatile uint64_t *)p;
}

/* --- the grant table ------------------------------------------------------ */

/* setup_table to GT_FRAMES frames and map them writable at gt_area (the
 * first with update_va_mapping, the others in one mmu_update batch, as
 * Linux's two ways of doing it).  An ERROR result if that fails: nothing
 * else can be tested then. */
static inline void gt_init(void)
{
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = GT_FRAMES};
    struct mmu_update u[GT_FRAMES];
    long rc;

    self_id = find_self_id();
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
    for (unsigned int i = 1; i < GT_FRAMES; i++)
        u[i] = (struct mmu_update){.ptr = pte_maddr((uintptr_t)gt_area[i], 1),
                                   .val = (gt_frames[i] << 12) | PROT_RW};
    rc = hypercall_mmu_update(&u[1], GT_FRAMES - 1, NULL, DOMID_SELF);
    if (rc) {
        test_error("mapping grant frames 1..: %ld", rc);
        test_finish();
    }
    /* The pages gt_area covered are now unmapped in our p2m: flush them. */
    struct mmuext_op fl = {.cmd = MMUEXT_TLB_FLUSH_LOCAL};
    hypercall_mmuext_op(&fl, 1, NULL, DOMID_SELF);
    gt_shared = (volatile struct grant_entry_v1 *)gt_area;
    printf("grant table: %u frames (%#lx..), our domid %u\n", GT_FRAMES, gt_frames[0], self_id);
}

/* Write entry `ref` as a granter does: frame and domid, barrier, flags. */
static inline void grant(grant_ref_t ref, domid_t domid, uint64_t mfn, uint16_t flags)
{
    volatile struct grant_entry_v1 *e = &gt_shared[ref];
    e->flags = 0;
    barrier();
    e->frame = (uint32_t)mfn;
    e->domid = domid;
    barrier();
    e->flags = flags;
    barrier();
}
static inline uint16_t gflags(grant_ref_t ref)
{
    return gt_shared[ref].flags;
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
    } while (!__atomic_compare_exchange_n(f, &old, 0, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    return true;
}

/* One map / unmap; the status, with the op kept for the caller. */
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

/* One copy; the status. */
static inline int16_t copy1(uint16_t flags, uint64_t src, domid_t sdom, uint16_t soff,
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
    long rc = gnttab_op(GNTTABOP_copy, &c, 1);
    if (rc)
        check_failed(__FILE__, __LINE__, "copy", " returned %ld", rc);
    return c.status;
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
