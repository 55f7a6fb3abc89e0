/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the gntring_* test guests: two or three domains started
 * from boot modules (tests/qemu/gnttab-*.test) that share pages through
 * their grant tables.  This directory has no main.c, so it is not a guest;
 * each guest includes this header once.
 *
 * Finding each other without a toolstack or xenstore:
 *  - our own domid: an unbound event channel offered to ourselves names it;
 *  - the peer's: "peer=N" on our command line (xenolith.peer=NAME on the
 *    module); the role: "role=NAME";
 *  - grant references are fixed by each test (the granter writes them, the
 *    other side polls until the map or copy succeeds, within a deadline);
 *  - event channels: one side offers an unbound port to the other, which
 *    finds it by trying to bind the offerer's low ports.
 *
 * Every wait is bounded (WAIT_NS of system time); a timeout is a FAILURE and
 * ends the test, so a broken peer cannot hang the run.
 *
 * Frames the guest owns are reached at VA = PFN << 12 (the runtime's layout).
 */
#ifndef GNTRING_H
#define GNTRING_H

#include <rt/runtime.h>
#include <xen/grant_table.h>

#define GR_UNUSED __attribute__((unused))

#define PADDR_MASK   UINT64_C(0x000ffffffffff000)
#define PTE_MFN(e)   (((e)&PADDR_MASK) >> 12)
#define PROT_RW      (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _PAGE_NX     (UINT64_C(1) << 63)
#define _PAGE_GNTTAB (UINT64_C(1) << 62)
#define PF_WRITE_P   EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE)

#define MS_NS   UINT64_C(1000000)
#define WAIT_NS (20000 * MS_NS) /* the longest any step waits for a peer */

static uint8_t gr_gt_area[4096] __aligned(4096) GR_UNUSED;
static volatile struct grant_entry_v1 *gt GR_UNUSED;
static xen_pfn_t gt_frame GR_UNUSED;
static domid_t self_id GR_UNUSED, peer_id GR_UNUSED;

static inline long gnttab_op(unsigned int cmd, void *uop, unsigned int count)
{
    return _HC(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

/* A step that cannot go on: FAILURE, result line, shutdown. */
#define GIVE_UP(...)                                                                               \
    do {                                                                                           \
        test_fail(__VA_ARGS__);                                                                    \
        test_finish();                                                                             \
    } while (0)

static inline uint64_t deadline(void)
{
    return pvclock_ns() + WAIT_NS;
}

/* --- who we are ------------------------------------------------------------ */

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

/* The number after "key=" on the command line, or `dflt`. */
static inline unsigned int cmdline_num(const char *key, unsigned int dflt)
{
    const char *p = strstr((const char *)start_info->cmd_line, key);
    unsigned int v = 0;

    if (!p)
        return dflt;
    p += strlen(key);
    if (*p < '0' || *p > '9')
        return dflt;
    for (; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (unsigned int)(*p - '0');
    return v;
}

/* True if "word" appears on the command line as a whole word. */
static inline bool cmdline_has(const char *word)
{
    const char *c = (const char *)start_info->cmd_line, *p = c;
    size_t n = strlen(word);

    while ((p = strstr(p, word))) {
        if ((p == c || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
        p += n;
    }
    return false;
}

/* self_id and peer_id; an ERROR result without a peer. */
static inline void find_ids(void)
{
    self_id = find_self_id();
    peer_id = (domid_t)cmdline_num("peer=", 0);
    if (!peer_id || peer_id == self_id || self_id == 0) {
        test_error("domid %u, peer %u: run this guest through its tests/qemu/gnttab-*.test",
                   self_id, peer_id);
        test_finish();
    }
}

/* --- event channels ----------------------------------------------------------- */

static inline long evt_send(evtchn_port_t port)
{
    struct evtchn_send s = {.port = port};
    return hypercall_event_channel_op(EVTCHNOP_send, &s);
}

/* Wait until `port` is pending (then clear it), or until `until`: false. */
static inline bool evt_wait_until(evtchn_port_t port, uint64_t until)
{
    struct sched_poll sp = {.nr_ports = 1, .timeout = until};

    xen_set_guest_handle(sp.ports, &port);
    while (!evtchn_is_pending(port)) {
        if (pvclock_ns() >= until)
            return false;
        hypercall_sched_op(SCHEDOP_poll, &sp);
    }
    evtchn_clear_pending(port);
    return true;
}

/* Wait for an event or give up (FAILURE) after WAIT_NS. */
static inline void evt_wait(evtchn_port_t port, const char *what)
{
    if (!evt_wait_until(port, deadline()))
        GIVE_UP("timed out waiting for %s (port %u)", what, port);
}

/* Offer an unbound port to `remote`; the port (masked: we poll it). */
static inline evtchn_port_t evt_offer(domid_t remote)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = remote};
    long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if (rc)
        GIVE_UP("alloc_unbound for d%u: %ld", remote, rc);
    evtchn_mask(a.port);
    return a.port;
}

/*
 * Bind to the port `remote` offered us: try its low ports until one binds
 * (ports not offered to us are refused), within WAIT_NS.  0 on timeout.
 */
static inline evtchn_port_t evt_find_and_bind(domid_t remote, uint64_t until)
{
    struct evtchn_bind_interdomain b = {.remote_dom = remote};

    for (;;) {
        for (evtchn_port_t p = 1; p < 16; p++) {
            b.remote_port = p;
            if (hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b) == 0) {
                evtchn_mask(b.local_port);
                evtchn_clear_pending(b.local_port); /* a new binding starts pending */
                return b.local_port;
            }
        }
        if (pvclock_ns() >= until)
            return 0;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
}

/*
 * Token passing over one channel: the holder works, then passes the token
 * with one send and waits for it to come back.  Both ends strictly
 * alternate, so no two sends ever merge into one pending bit.
 */
static inline void token_pass(evtchn_port_t port)
{
    long rc = evt_send(port);
    if (rc)
        GIVE_UP("send on port %u: %ld", port, rc);
}

/* --- our grant table ------------------------------------------------------------ */

/* Our table's first frame (setup_table with 1 frame), mapped writable at
 * gr_gt_area; an ERROR result if that fails. */
static inline void gt_setup(void)
{
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    long rc;

    xen_set_guest_handle(st.frame_list, &gt_frame);
    rc = gnttab_op(GNTTABOP_setup_table, &st, 1);
    if (rc || st.status != GNTST_okay) {
        test_error("setup_table: rc %ld status %d", rc, st.status);
        test_finish();
    }
    rc =
        hypercall_update_va_mapping((uintptr_t)gr_gt_area, (gt_frame << 12) | PROT_RW, UVMF_INVLPG);
    if (rc) {
        test_error("mapping grant frame %#lx: %ld", gt_frame, rc);
        test_finish();
    }
    gt = (volatile struct grant_entry_v1 *)gr_gt_area;
}

/* Write entry `ref` as a granter does: frame and domid, barrier, flags. */
static inline void grant(grant_ref_t ref, domid_t domid, uint64_t mfn, uint16_t flags)
{
    volatile struct grant_entry_v1 *e = &gt[ref];

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
    return __atomic_load_n((uint16_t *)&gt[ref].flags, __ATOMIC_SEQ_CST);
}

/* The whole entry as one word: flags | domid << 16 | frame << 32. */
static inline uint64_t gword(grant_ref_t ref)
{
    return __atomic_load_n((uint64_t *)&gt[ref], __ATOMIC_SEQ_CST);
}

/* End access as Linux does: swap flags to 0 unless GTF_reading/GTF_writing
 * show the grant in use.  True if access ended. */
static inline bool end_access(grant_ref_t ref)
{
    uint16_t *f = (uint16_t *)&gt[ref].flags;
    uint16_t old = __atomic_load_n(f, __ATOMIC_SEQ_CST);

    do {
        if (old & (GTF_reading | GTF_writing))
            return false;
    } while (!__atomic_compare_exchange_n(f, &old, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    return true;
}

/* --- grant operations --------------------------------------------------------------- */

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

/* map1, retried until it succeeds or `until` passes (the granter may not
 * have written the entry yet); the last status. */
static inline int16_t map_poll(struct gnttab_map_grant_ref *m, grant_ref_t ref, domid_t dom,
                               uint64_t host_addr, uint32_t flags, uint64_t until)
{
    int16_t st;

    while ((st = map1(m, ref, dom, host_addr, flags)) != GNTST_okay && pvclock_ns() < until)
        hypercall_sched_op(SCHEDOP_yield, NULL);
    return st;
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

/* --- page tables and probes ----------------------------------------------------------- */

static inline uint64_t *mfn_to_virt(uint64_t mfn)
{
    return (uint64_t *)(mfn_to_pfn(mfn) << 12);
}

/* The L1 entry that maps va (walked from CR3); 0 if a higher level is absent. */
static inline uint64_t l1e_of(const volatile void *va)
{
    uint64_t mfn = read_cr3() >> 12, a = (uintptr_t)va;

    for (int l = 4; l > 1; l--) {
        uint64_t e = mfn_to_virt(mfn)[(a >> (12 + 9 * (l - 1))) & 511];
        if (!(e & _PAGE_PRESENT))
            return 0;
        mfn = PTE_MFN(e);
    }
    return ((volatile uint64_t *)mfn_to_virt(mfn))[(a >> 12) & 511];
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

/* A deterministic pattern: qword i of a page seeded with `seed`. */
static inline uint64_t pat(uint64_t seed, unsigned int i)
{
    uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ull + i * 0x100000001b3ull;
    return x ^ (x >> 29);
}
static inline void fill(volatile void *page, uint64_t seed)
{
    for (unsigned int i = 0; i < 512; i++)
        ((volatile uint64_t *)page)[i] = pat(seed, i);
}
/* Byte b of the pattern. */
static inline uint8_t pat_byte(uint64_t seed, unsigned int b)
{
    return (uint8_t)(pat(seed, b / 8) >> (8 * (b % 8)));
}
/* Index of the first byte in [from, to) that differs from the pattern
 * shifted by `shift` bytes (byte i holds pattern byte i + shift), or -1. */
static inline int pat_mismatch(const volatile void *page, uint64_t seed, unsigned int from,
                               unsigned int to, int shift)
{
    for (unsigned int i = from; i < to; i++)
        if (((const volatile uint8_t *)page)[i] != pat_byte(seed, (unsigned int)((int)i + shift)))
            return (int)i;
    return -1;
}

#endif /* GNTRING_H */
