/* SPDX-License-Identifier: MIT */
/*
 * Hostile cross-domain grant use, three domains from boot modules
 * (tests/qemu/gnttab-hostile.test): "role=granter" (G), "role=mapper" (M)
 * and "role=third" (T).  Every refusal must carry Xen's status and change
 * nothing: the granter's entries (flags, domid, frame) and pages, the
 * mapper's page-table entry and the page it had there, the op's handle and
 * dev_bus_addr.
 *
 * G grants, at fixed references:
 *   8  the control page to M (writable), 9 the same page to T;
 *   20 nothing (an empty entry);
 *   21 a page to T;  22 a page to M read-only;  23 and 24 pages to M;
 *   25 a page to domid 0x7e0 (no such domain);
 *   26 a page to M with GTF_sub_page (a v2 flag);  27 GTF_accept_transfer to M.
 * G offers M an event channel (M binds it); T offers G one (G finds T by
 * trying to bind the low ports of domains other than M).  G then conducts
 * numbered steps, passing a token to M or T and waiting for it back; the
 * step number is in the control page, and so are the handles the others
 * report.
 *
 *  1 (M)  map: an ungranted ref, past the table, unknown domain and
 *         DOMID_SELF, neither host nor device map, T's ref, ref of a
 *         missing domid, sub-page, accept-transfer: all refused.  Copy from
 *         the sub-page grant works (v1 copy ignores the flag).  The
 *         read-only grant: writable map refused, read-only map works and a
 *         write through it faults, a second writable map and a copy into it
 *         are refused; its frame (from dev_bus_addr) cannot be mapped through
 *         our page tables (-EBUSY) or copied as our own (bad_page).  Then
 *         ref 23 mapped writable and written.
 *    (G)  its entries unchanged; 23 busy: end access refused; unmap with
 *         M's handle refused (bad_handle).
 *  2 (T)  unmap with M's handle refused; maps its own ref 21; M's ref 23
 *         and the read-only ref 22 refused.
 *    (G)  rewrites 21's domid to M while T maps it.
 *  3 (M)  21 still refused (pinned by T), by map and by copy; 23 still works.
 *  4 (T)  unmaps 21 and the control page; done.
 *    (G)  21 released; T's control grant ended.
 *  5 (M)  21 now maps (it names M); unmap of 23 at a wrong address refused,
 *         naming neither address does nothing.
 *    (G)  23 still busy.
 *  6 (M)  unmaps 23; the handle is dead.
 *    (G)  ends access to 23 and 24.
 *  7 (M)  23 and 24 refused after the end of access (map and copy); unmaps
 *         the control page; done.
 *    (G)  ends access to the control page; everything as expected.
 */
#include <rt/runtime.h>
#include "../gntring_common/gntring.h"

const char test_title[] = "gntring_hostile: hostile cross-domain grant use is refused";

#define CTL_M_REF   8
#define CTL_T_REF   9
#define EMPTY_REF   20
#define T_REF       21
#define RO_REF      22
#define RW_REF      23
#define ENDED_REF   24
#define NODOM_REF   25
#define SUBPAGE_REF 26
#define XFER_REF    27
#define NO_DOMID    0x7e0

#define MAGIC       UINT64_C(0x686f7374696c6521)
#define M_MAGIC1    UINT64_C(0x4d4d4d4d00000001)
#define M_MAGIC2    UINT64_C(0x4d4d4d4d00000002)
#define T_MAGIC     UINT64_C(0x5454545400000001)
#define MARK_HANDLE 0xdeadbeefu
#define MARK_BUS    UINT64_C(0x5a5a5a5a5a5a5a5a)

struct ctl {
    uint64_t magic;
    volatile uint32_t step;
    volatile uint32_t m_handle;
    volatile uint64_t m_va;
    volatile uint32_t t_ctl_handle;
    volatile uint32_t t_id;
};

/* G's pages. */
static uint8_t ctl_page[4096] __aligned(4096);
static uint8_t pages[8][4096] __aligned(4096); /* for refs 20..27 */
#define PAGE_OF(ref) (pages[(ref)-EMPTY_REF])
#define SEED_OF(ref) (1000u + (ref))

/* Addresses in M and T, each over a page of our own with a pattern. */
static uint8_t va[6][4096] __aligned(4096);
#define SEED_VA(i) (2000u + (i))
enum { VA_A, VA_B, VA_C, VA_D, VA_E, VA_CTL };

static struct ctl *ctl;

/* ----------------------------------------------------------------- helpers */

static void fill_vas(void)
{
    for (unsigned int i = 0; i < 6; i++)
        pat_fill(va[i], SEED_VA(i));
}

/* The address still maps our own page, with its pattern, as before. */
static void va_intact(unsigned int i, uint64_t pte_before, int line)
{
    uint64_t e = pt_l1e(va[i]);
    int mm;

    if (e != pte_before)
        check_failed(__FILE__, line, "va_intact", " PTE %#lx, was %#lx", e, pte_before);
    else if ((mm = pat_mismatch(va[i], SEED_VA(i), 0, 4096, 0)) != -1)
        check_failed(__FILE__, line, "va_intact", " byte %d changed", mm);
    else
        test_checks_passed++;
}
#define VA_INTACT(i, pte) va_intact((i), (pte), __LINE__)

/* A map that must be refused with `want`, changing nothing here. */
static void map_refused(grant_ref_t ref, domid_t dom, uint32_t flags, int16_t want, int line)
{
    struct gnttab_map_grant_ref m;
    uint64_t pte = pt_l1e(va[VA_A]);
    int16_t st = map1(&m, ref, dom, (uintptr_t)va[VA_A], flags);

    if (st != want || m.handle != MARK_HANDLE || m.dev_bus_addr != MARK_BUS)
        check_failed(__FILE__, line, "map_refused",
                     " ref %u dom %#x flags %#x: status %d handle %#x bus %#lx, expected %d", ref,
                     dom, flags, st, m.handle, m.dev_bus_addr, want);
    else
        test_checks_passed++;
    va_intact(VA_A, pte, line);
}
#define MAP_REFUSED(ref, dom, flags, want) map_refused((ref), (dom), (flags), (want), __LINE__)

/* Map `ref` at va[i] (over our own page); the handle, or GIVE_UP. */
static grant_handle_t map_ok(grant_ref_t ref, domid_t dom, unsigned int i, uint32_t flags,
                             uint64_t *bus)
{
    struct gnttab_map_grant_ref m;
    int16_t st = map1(&m, ref, dom, (uintptr_t)va[i], GNTMAP_host_map | flags);

    if (st != GNTST_okay)
        GIVE_UP("mapping d%u's ref %u: status %d", dom, ref, st);
    if (bus)
        *bus = m.dev_bus_addr;
    CHECK_EQ(pt_l1e(va[i]) & (PADDR_MASK | _PAGE_PRESENT | _PAGE_RW),
             m.dev_bus_addr | _PAGE_PRESENT | ((flags & GNTMAP_readonly) ? 0 : _PAGE_RW));
    return (grant_handle_t)m.handle;
}

/* Unmap it, check the address is empty, and put our own page back. */
static void unmap_ok(unsigned int i, grant_handle_t h)
{
    uint64_t v;

    CHECK_EQ(unmap1((uintptr_t)va[i], 0, h), GNTST_okay);
    CHECK_EQ(pt_l1e(va[i]), 0);
    CHECK_EQ(pt_probe_read(va[i], &v), EXINFO(X86_EXC_PF, 0));
    CHECK_EQ(unmap1((uintptr_t)va[i], 0, h), GNTST_bad_handle);
    CHECK_EQ(remap_page(va[i], PROT_RW), 0);
    CHECK_EQ(pat_mismatch(va[i], SEED_VA(i), 0, 4096, 0), -1);
}

static uint64_t peer_qword(unsigned int i)
{
    return *(volatile uint64_t *)va[i];
}

/* Wait for the token, check the step is the one expected. */
static void await_step(evtchn_port_t port, uint32_t want)
{
    evt_wait(port, "the granter's next step");
    if (ctl->magic != MAGIC || ctl->step != want)
        GIVE_UP("expected step %u, the control page says %u", want, ctl->step);
    printf("step %u\n", want);
}

/* ----------------------------------------------------------------- granter */

static evtchn_port_t port_m, port_t;
static domid_t t_id;

static void step(evtchn_port_t port, uint32_t n)
{
    ctl->step = n;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    token_pass(port);
    evt_wait(port, "the end of a step");
}

/* Find T: the domain other than M that offered us a port. */
static void find_third(void)
{
    struct evtchn_bind_interdomain b;
    uint64_t until = deadline();

    for (;;) {
        for (domid_t d = 1; d < 32; d++) {
            if (d == self_id || d == peer_id)
                continue;
            b = (struct evtchn_bind_interdomain){.remote_dom = d};
            for (evtchn_port_t p = 1; p < 16; p++) {
                b.remote_port = p;
                if (hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b) == 0) {
                    port_t = b.local_port;
                    evtchn_mask(port_t);
                    evtchn_clear_pending(port_t);
                    t_id = d;
                    return;
                }
            }
        }
        if (pvclock_ns() >= until)
            GIVE_UP("no third domain offered us a port");
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
}

/* Expected entry words: flags | domid << 16 | frame << 32. */
static uint64_t word(uint16_t flags, domid_t d, const void *page)
{
    return flags | (uint64_t)d << 16 | (uint64_t)virt_to_mfn(page) << 32;
}

static void granter(void)
{
    domid_t m_id = peer_id;
    uint64_t w21;

    gt_setup();
    ctl = (struct ctl *)ctl_page;
    memset(ctl_page, 0, sizeof(ctl_page));
    ctl->magic = MAGIC;
    for (grant_ref_t r = EMPTY_REF; r <= XFER_REF; r++)
        pat_fill(PAGE_OF(r), SEED_OF(r));

    grant(CTL_M_REF, m_id, virt_to_mfn(ctl_page), GTF_permit_access);
    grant(RO_REF, m_id, virt_to_mfn(PAGE_OF(RO_REF)), GTF_permit_access | GTF_readonly);
    grant(RW_REF, m_id, virt_to_mfn(PAGE_OF(RW_REF)), GTF_permit_access);
    grant(ENDED_REF, m_id, virt_to_mfn(PAGE_OF(ENDED_REF)), GTF_permit_access);
    grant(NODOM_REF, NO_DOMID, virt_to_mfn(PAGE_OF(NODOM_REF)), GTF_permit_access);
    grant(SUBPAGE_REF, m_id, virt_to_mfn(PAGE_OF(SUBPAGE_REF)), GTF_permit_access | GTF_sub_page);
    grant(XFER_REF, m_id, virt_to_mfn(PAGE_OF(XFER_REF)), GTF_accept_transfer);
    port_m = evt_offer(m_id);

    find_third();
    printf("granter: mapper d%u, third d%u\n", m_id, t_id);
    ctl->t_id = t_id;
    grant(T_REF, t_id, virt_to_mfn(PAGE_OF(T_REF)), GTF_permit_access);
    grant(CTL_T_REF, t_id, virt_to_mfn(ctl_page), GTF_permit_access);

    /* M binds and says so; T gets a token once found, maps the control page, returns it. */
    evt_wait(port_m, "the mapper to bind");
    ctl->step = 0;
    token_pass(port_t);
    evt_wait(port_t, "the third domain to map the control page");
    CHECK_EQ(gflags(CTL_M_REF), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gflags(CTL_T_REF), GTF_permit_access | GTF_reading | GTF_writing);

    step(port_m, 1);
    CHECK_EQ(gword(EMPTY_REF), 0);
    CHECK_EQ(gword(T_REF), word(GTF_permit_access, t_id, PAGE_OF(T_REF)));
    CHECK_EQ(gword(RO_REF), word(GTF_permit_access | GTF_readonly, m_id, PAGE_OF(RO_REF)));
    CHECK_EQ(gword(NODOM_REF), word(GTF_permit_access, NO_DOMID, PAGE_OF(NODOM_REF)));
    CHECK_EQ(gword(SUBPAGE_REF),
             word(GTF_permit_access | GTF_sub_page, m_id, PAGE_OF(SUBPAGE_REF)));
    CHECK_EQ(gword(XFER_REF), word(GTF_accept_transfer, m_id, PAGE_OF(XFER_REF)));
    CHECK_EQ(gword(ENDED_REF), word(GTF_permit_access, m_id, PAGE_OF(ENDED_REF)));
    for (grant_ref_t r = EMPTY_REF; r <= XFER_REF; r++)
        if (r != RW_REF)
            CHECK_EQ(pat_mismatch(PAGE_OF(r), SEED_OF(r), 0, 4096, 0), -1);
    /* 23 is mapped writable by M, which wrote to it. */
    CHECK_EQ(gword(RW_REF),
             word(GTF_permit_access | GTF_reading | GTF_writing, m_id, PAGE_OF(RW_REF)));
    CHECK_EQ(*(volatile uint64_t *)PAGE_OF(RW_REF), M_MAGIC1);
    CHECK(!end_access(RW_REF), "ended access to a grant M maps");
    CHECK_EQ(gflags(RW_REF), GTF_permit_access | GTF_reading | GTF_writing);
    /* M's handle means nothing in our maptrack (we map nothing). */
    CHECK_EQ(unmap1(ctl->m_va, 0, (grant_handle_t)ctl->m_handle), GNTST_bad_handle);
    CHECK_EQ(unmap1(ctl->m_va, virt_to_maddr(PAGE_OF(RW_REF)), (grant_handle_t)ctl->m_handle),
             GNTST_bad_handle);
    CHECK_EQ(gflags(RW_REF), GTF_permit_access | GTF_reading | GTF_writing);

    step(port_t, 2);
    CHECK_EQ(gword(T_REF),
             word(GTF_permit_access | GTF_reading | GTF_writing, t_id, PAGE_OF(T_REF)));
    CHECK_EQ(*(volatile uint64_t *)PAGE_OF(T_REF), T_MAGIC);
    CHECK_EQ(gflags(RW_REF), GTF_permit_access | GTF_reading | GTF_writing);
    /* Hand 21 to M while T still maps it. */
    gt_shared[T_REF].domid = m_id;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    w21 = word(GTF_permit_access | GTF_reading | GTF_writing, m_id, PAGE_OF(T_REF));
    CHECK_EQ(gword(T_REF), w21);

    step(port_m, 3);
    CHECK_EQ(gword(T_REF), w21);
    CHECK_EQ(*(volatile uint64_t *)PAGE_OF(RW_REF), M_MAGIC2);

    step(port_t, 4);
    CHECK_EQ(gword(T_REF), word(GTF_permit_access, m_id, PAGE_OF(T_REF)));
    CHECK_EQ(gflags(CTL_T_REF), GTF_permit_access);
    CHECK(end_access(CTL_T_REF), "T's control grant busy: %#x", gflags(CTL_T_REF));

    step(port_m, 5);
    CHECK_EQ(gword(T_REF), word(GTF_permit_access, m_id, PAGE_OF(T_REF)));
    CHECK_EQ(gflags(RW_REF), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK(!end_access(RW_REF), "ended access to a grant M still maps");

    step(port_m, 6);
    CHECK_EQ(gword(RW_REF), word(GTF_permit_access, m_id, PAGE_OF(RW_REF)));
    CHECK(end_access(RW_REF), "23 still busy: %#x", gflags(RW_REF));
    CHECK(end_access(ENDED_REF), "24 busy: %#x", gflags(ENDED_REF));
    CHECK_EQ(gword(RW_REF), word(0, m_id, PAGE_OF(RW_REF)));

    step(port_m, 7);
    CHECK_EQ(gword(RW_REF), word(0, m_id, PAGE_OF(RW_REF)));
    CHECK_EQ(gword(ENDED_REF), word(0, m_id, PAGE_OF(ENDED_REF)));
    CHECK_EQ(gflags(CTL_M_REF), GTF_permit_access);
    CHECK(end_access(CTL_M_REF), "M's control grant busy: %#x", gflags(CTL_M_REF));
    CHECK_EQ(*(volatile uint64_t *)PAGE_OF(RW_REF), M_MAGIC2);
    for (grant_ref_t r = EMPTY_REF; r <= XFER_REF; r++)
        if (r != RW_REF && r != T_REF)
            CHECK_EQ(pat_mismatch(PAGE_OF(r), SEED_OF(r), 0, 4096, 0), -1);
    printf("granter: all steps done\n");
}

/* ----------------------------------------------------------------- mapper */

static void mapper(void)
{
    domid_t g = peer_id;
    evtchn_port_t port;
    grant_handle_t h_ctl, h22, h23, h21;
    uint64_t bus22, pte;

    fill_vas();
    port = evt_find_and_bind(g, deadline());
    if (!port)
        GIVE_UP("no port offered by d%u", g);
    h_ctl = map_ok(CTL_M_REF, g, VA_CTL, 0, NULL);
    ctl = (struct ctl *)va[VA_CTL];
    if (ctl->magic != MAGIC)
        GIVE_UP("control page magic %#lx", ctl->magic);
    token_pass(port);

    await_step(port, 1);
    /* References G did not give us, in every way. */
    MAP_REFUSED(EMPTY_REF, g, GNTMAP_host_map, GNTST_general_error);
    MAP_REFUSED(EMPTY_REF, g, GNTMAP_host_map | GNTMAP_readonly, GNTST_general_error);
    MAP_REFUSED(512, g, GNTMAP_host_map, GNTST_bad_gntref); /* G has one frame */
    MAP_REFUSED(0xffffffffu, g, GNTMAP_host_map, GNTST_bad_gntref);
    MAP_REFUSED(RW_REF, 0x7ef, GNTMAP_host_map, GNTST_bad_domain);
    MAP_REFUSED(RW_REF, DOMID_SELF, GNTMAP_host_map, GNTST_bad_domain);
    MAP_REFUSED(RO_REF, g, 0, GNTST_bad_gntref);                 /* neither host nor device */
    MAP_REFUSED(T_REF, g, GNTMAP_host_map, GNTST_general_error); /* granted to T */
    MAP_REFUSED(T_REF, g, GNTMAP_host_map | GNTMAP_readonly, GNTST_general_error);
    MAP_REFUSED(NODOM_REF, g, GNTMAP_host_map, GNTST_general_error);
    MAP_REFUSED(SUBPAGE_REF, g, GNTMAP_host_map, GNTST_general_error);
    MAP_REFUSED(XFER_REF, g, GNTMAP_host_map, GNTST_general_error);
    CHECK_EQ(copy1(GNTCOPY_source_gref, T_REF, g, 0, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, 8),
             GNTST_general_error);
    CHECK_EQ(copy1(GNTCOPY_source_gref, XFER_REF, g, 0, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, 8),
             GNTST_general_error);
    VA_INTACT(VA_E, pt_l1e(va[VA_E]));
    /* A v1 copy ignores GTF_sub_page (Xen): it reads the page. */
    CHECK_EQ(
        copy1(GNTCOPY_source_gref, SUBPAGE_REF, g, 0, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, 4096),
        GNTST_okay);
    CHECK_EQ(pat_mismatch(va[VA_E], SEED_OF(SUBPAGE_REF), 0, 4096, 0), -1);
    pat_fill(va[VA_E], SEED_VA(VA_E));

    /* The read-only grant. */
    MAP_REFUSED(RO_REF, g, GNTMAP_host_map, GNTST_general_error);
    h22 = map_ok(RO_REF, g, VA_B, GNTMAP_readonly, &bus22);
    CHECK_EQ(peer_qword(VA_B), pat(SEED_OF(RO_REF), 0));
    CHECK_EQ(pt_probe_write(va[VA_B], 1), PF_WRITE_P);
    MAP_REFUSED(RO_REF, g, GNTMAP_host_map, GNTST_general_error); /* no upgrade */
    CHECK_EQ(copy1(GNTCOPY_dest_gref, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, RO_REF, g, 0, 8),
             GNTST_general_error);
    /* Its frame is G's: not through our page tables, not as our own frame. */
    pte = pt_l1e(va[VA_C]);
    CHECK_EQ(hypercall_update_va_mapping((uintptr_t)va[VA_C], bus22 | PROT_RW, UVMF_INVLPG),
             -XEN_EBUSY);
    CHECK_EQ(hypercall_update_va_mapping((uintptr_t)va[VA_C], bus22 | _PAGE_PRESENT, UVMF_INVLPG),
             -XEN_EBUSY);
    VA_INTACT(VA_C, pte);
    CHECK_EQ(copy1(0, bus22 >> 12, DOMID_SELF, 0, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, 8),
             GNTST_bad_page);
    CHECK_EQ(copy1(0, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, bus22 >> 12, DOMID_SELF, 0, 8),
             GNTST_bad_page);
    VA_INTACT(VA_E, pt_l1e(va[VA_E]));
    unmap_ok(VA_B, h22);

    /* 23, ours to map: the granter will try to take it from us. */
    h23 = map_ok(RW_REF, g, VA_D, 0, NULL);
    *(volatile uint64_t *)va[VA_D] = M_MAGIC1;
    ctl->m_handle = h23;
    ctl->m_va = (uintptr_t)va[VA_D];
    token_pass(port);

    await_step(port, 3);
    /* 21 now names us, but T pins it. */
    MAP_REFUSED(T_REF, g, GNTMAP_host_map, GNTST_general_error);
    MAP_REFUSED(T_REF, g, GNTMAP_host_map | GNTMAP_readonly, GNTST_general_error);
    CHECK_EQ(copy1(GNTCOPY_source_gref, T_REF, g, 0, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, 8),
             GNTST_general_error);
    /* Our mapping of 23 survived the granter's and T's attempts. */
    CHECK_EQ(peer_qword(VA_D), M_MAGIC1);
    *(volatile uint64_t *)va[VA_D] = M_MAGIC2;
    token_pass(port);

    await_step(port, 5);
    h21 = map_ok(T_REF, g, VA_A, 0, NULL);
    CHECK_EQ(peer_qword(VA_A), T_MAGIC);
    unmap_ok(VA_A, h21);
    /* Unmapping 23 at an address that does not map it: refused, nothing changed. */
    pte = pt_l1e(va[VA_E]);
    CHECK_EQ(unmap1((uintptr_t)va[VA_E], 0, h23), GNTST_general_error);
    VA_INTACT(VA_E, pte);
    CHECK_EQ(peer_qword(VA_D), M_MAGIC2);
    /* Naming neither the address nor the device part does nothing (Xen). */
    CHECK_EQ(unmap1(0, 0, h23), GNTST_okay);
    CHECK_EQ(peer_qword(VA_D), M_MAGIC2);
    token_pass(port);

    await_step(port, 6);
    unmap_ok(VA_D, h23);
    token_pass(port);

    await_step(port, 7);
    MAP_REFUSED(RW_REF, g, GNTMAP_host_map, GNTST_general_error);
    MAP_REFUSED(RW_REF, g, GNTMAP_host_map | GNTMAP_readonly, GNTST_general_error);
    MAP_REFUSED(ENDED_REF, g, GNTMAP_host_map, GNTST_general_error);
    CHECK_EQ(copy1(GNTCOPY_source_gref, RW_REF, g, 0, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, 8),
             GNTST_general_error);
    CHECK_EQ(copy1(GNTCOPY_dest_gref, virt_to_mfn(va[VA_E]), DOMID_SELF, 0, RW_REF, g, 0, 8),
             GNTST_general_error);
    VA_INTACT(VA_E, pt_l1e(va[VA_E]));
    unmap_ok(VA_CTL, h_ctl);
    token_pass(port);
}

/* ----------------------------------------------------------------- third */

static void third(void)
{
    domid_t g = peer_id;
    evtchn_port_t port;
    grant_handle_t h_ctl, h21;
    uint64_t pte;

    fill_vas();
    port = evt_offer(g);
    evt_wait(port, "the granter to find us");
    h_ctl = map_ok(CTL_T_REF, g, VA_CTL, 0, NULL);
    ctl = (struct ctl *)va[VA_CTL];
    if (ctl->magic != MAGIC || ctl->t_id != self_id)
        GIVE_UP("control page magic %#lx, t_id %u", ctl->magic, ctl->t_id);
    ctl->t_ctl_handle = h_ctl;
    token_pass(port);

    await_step(port, 2);
    /* M's handle, at M's address (ours maps our own page there). */
    pte = pt_l1e(va[VA_D]);
    CHECK_EQ(ctl->m_va, (uintptr_t)va[VA_D]);
    CHECK_EQ(unmap1(ctl->m_va, 0, (grant_handle_t)ctl->m_handle),
             ctl->m_handle == h_ctl ? GNTST_general_error : GNTST_bad_handle);
    VA_INTACT(VA_D, pte);
    /* Our own grant maps; M's and the read-only one do not. */
    h21 = map_ok(T_REF, g, VA_A, 0, NULL);
    CHECK_EQ(peer_qword(VA_A), pat(SEED_OF(T_REF), 0));
    *(volatile uint64_t *)va[VA_A] = T_MAGIC;
    pte = pt_l1e(va[VA_B]);
    {
        struct gnttab_map_grant_ref m;
        CHECK_EQ(map1(&m, RW_REF, g, (uintptr_t)va[VA_B], GNTMAP_host_map), GNTST_general_error);
        CHECK_EQ(map1(&m, RO_REF, g, (uintptr_t)va[VA_B], GNTMAP_host_map | GNTMAP_readonly),
                 GNTST_general_error);
    }
    VA_INTACT(VA_B, pte);
    token_pass(port);

    await_step(port, 4);
    CHECK_EQ(peer_qword(VA_A), T_MAGIC);
    unmap_ok(VA_A, h21);
    unmap_ok(VA_CTL, h_ctl);
    token_pass(port);
}

void test_main(void)
{
    find_ids();
    printf("domain %u, peer %u\n", self_id, peer_id);
    if (cmdline_has("role=granter"))
        granter();
    else if (cmdline_has("role=mapper"))
        mapper();
    else if (cmdline_has("role=third"))
        third();
    else
        test_error("no role=granter|mapper|third on the command line");
}
