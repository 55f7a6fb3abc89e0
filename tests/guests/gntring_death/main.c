/* SPDX-License-Identifier: MIT */
/*
 * A domain dies with grants mapped (tests/qemu/gnttab-death-*.test): two
 * domains from boot modules, "role=granter" (G) and "role=mapper" (M), and
 * who dies and how on G's and M's command lines:
 *
 *   crash=mapper           M crashes (an exception with no trap table)
 *                          while it maps G's grants;
 *   crash=mapper-implicit  M drops one grant PTE with update_va_mapping
 *                          instead of unmap_grant_ref, which Xen answers by
 *                          crashing it;
 *   crash=granter          G crashes while M maps its grants.
 *
 * G grants its peer two pages: ref 8 writable, ref 9 read-only, and offers
 * an event channel.  M maps ref 8 twice (two handles, two addresses) and
 * ref 9 read-only, writes a mark into page 8 and says so with one event.
 * G checks its entries read busy (it cannot end access) and sees the mark.
 *
 * If M dies: G waits (bounded) until the hypervisor's teardown has cleared
 * GTF_reading/GTF_writing, ends access, finds its pages intact and its
 * own again, and its channel end unbound (the peer is gone); SUCCESS.
 *
 * If G dies: G writes its last words into page 8 and crashes; M waits
 * (bounded) until G is gone (a copy of its grant says bad_domain), then
 * still reads and writes the pages through its mappings (the frames live on
 * while mapped), new maps of G's grants are refused (bad_domain), and it
 * unmaps all three cleanly; SUCCESS.
 *
 * The .test files check the crash, that the dead domain is destroyed, and
 * the hypervisor's final "all domains ended; heap 0 live allocations".
 */
#include <rt/runtime.h>
#include "../gntring_common/gntring.h"

const char test_title[] = "gntring_death: a domain dies with grants mapped";

#define RW_REF  8
#define RO_REF  9
#define SEED_RW 50u
#define SEED_RO 51u
#define M_MARK  UINT64_C(0x6d61707065642121)
#define G_LAST  UINT64_C(0x6c61737420776f72)

/* G's pages. */
static uint8_t rw_page[4096] __aligned(4096);
static uint8_t ro_page[4096] __aligned(4096);

/* M's addresses, each over a page of its own. */
static uint8_t va[4][4096] __aligned(4096);
enum { VA_RW1, VA_RW2, VA_RO, VA_BUF };
#define SEED_VA(i) (60u + (i))

static evtchn_port_t port;

static bool crash_mapper(void)
{
    return cmdline_has("crash=mapper") || cmdline_has("crash=mapper-implicit");
}

/* The channel's status (our end); GIVE_UP if the call fails. */
static struct evtchn_status chan_status(void)
{
    struct evtchn_status st = {.dom = DOMID_SELF, .port = port};
    long rc = hypercall_event_channel_op(EVTCHNOP_status, &st);

    if (rc)
        GIVE_UP("EVTCHNOP_status(%u): %ld", port, rc);
    return st;
}

/* Wait (bounded) until the peer's end of our channel has gone. */
static void wait_channel_unbound(void)
{
    uint64_t until = deadline();
    struct evtchn_status st;

    while ((st = chan_status()).status != EVTCHNSTAT_unbound && pvclock_ns() < until)
        hypercall_sched_op(SCHEDOP_yield, NULL);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, peer_id);
}

static void die_by_exception(void) __noreturn;
static void die_by_exception(void)
{
    CHECK_EQ(hypercall_set_trap_table(NULL), 0);
    __asm__ volatile("ud2");
    test_fail("still running after ud2 with no trap table");
    test_finish();
}

/* ----------------------------------------------------------------- granter */

static void granter(void)
{
    uint64_t until, polls = 0;

    gt_setup();
    pat_fill(rw_page, SEED_RW);
    pat_fill(ro_page, SEED_RO);
    grant(RW_REF, peer_id, virt_to_mfn(rw_page), GTF_permit_access);
    grant(RO_REF, peer_id, virt_to_mfn(ro_page), GTF_permit_access | GTF_readonly);
    port = evt_offer(peer_id);

    evt_wait(port, "the mapper to map our grants");
    CHECK_EQ(gflags(RW_REF), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gflags(RO_REF), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK(!end_access(RW_REF), "ended access to a mapped grant");
    CHECK(!end_access(RO_REF), "ended access to a mapped grant");
    CHECK_EQ(((volatile uint64_t *)rw_page)[1], M_MARK);
    CHECK_EQ(chan_status().status, EVTCHNSTAT_interdomain);

    if (!crash_mapper()) {
        /* Our turn to die, with the pages mapped by the peer. */
        ((volatile uint64_t *)rw_page)[2] = G_LAST;
        printf("granter: crashing while d%u maps our pages\n", peer_id);
        token_pass(port);
        die_by_exception();
    }

    printf("granter: the mapper may die now\n");
    token_pass(port);

    /* The hypervisor releases the dead mapper's mappings: the flags clear. */
    until = deadline();
    while ((gflags(RW_REF) | gflags(RO_REF)) & (GTF_reading | GTF_writing)) {
        if (pvclock_ns() >= until)
            GIVE_UP("flags still %#x and %#x after %lu polls", gflags(RW_REF), gflags(RO_REF),
                    polls);
        polls++;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    printf("granter: the mapper's mappings are gone\n");
    CHECK(end_access(RW_REF), "flags %#x", gflags(RW_REF));
    CHECK(end_access(RO_REF), "flags %#x", gflags(RO_REF));
    CHECK_EQ(gword(RW_REF), (uint64_t)virt_to_mfn(rw_page) << 32 | (uint64_t)peer_id << 16);
    CHECK_EQ(gword(RO_REF), (uint64_t)virt_to_mfn(ro_page) << 32 | (uint64_t)peer_id << 16);
    wait_channel_unbound();

    /* Our pages: what the mapper left, and ours to use again. */
    CHECK_EQ(pat_mismatch(rw_page, SEED_RW, 0, 8, 0), -1);
    CHECK_EQ(((volatile uint64_t *)rw_page)[1], M_MARK);
    CHECK_EQ(pat_mismatch(rw_page, SEED_RW, 16, 4096, 0), -1);
    CHECK_EQ(pat_mismatch(ro_page, SEED_RO, 0, 4096, 0), -1);
    pat_fill(rw_page, SEED_RW + 10);
    pat_fill(ro_page, SEED_RO + 10);
    CHECK_EQ(pat_mismatch(rw_page, SEED_RW + 10, 0, 4096, 0), -1);
    CHECK_EQ(pat_mismatch(ro_page, SEED_RO + 10, 0, 4096, 0), -1);
    /* And grantable again: the copy path pins it for ourselves. */
    grant(RW_REF, self_id, virt_to_mfn(rw_page), GTF_permit_access);
    CHECK_EQ(
        copy1(GNTCOPY_source_gref, RW_REF, self_id, 0, virt_to_mfn(ro_page), DOMID_SELF, 0, 4096),
        GNTST_okay);
    CHECK_EQ(pat_mismatch(ro_page, SEED_RW + 10, 0, 4096, 0), -1);
    CHECK(end_access(RW_REF), "flags %#x", gflags(RW_REF));
}

/* ----------------------------------------------------------------- mapper */

static grant_handle_t map_at(unsigned int i, grant_ref_t ref, uint32_t flags, uint64_t *bus)
{
    struct gnttab_map_grant_ref m;
    int16_t st = map_poll(&m, ref, peer_id, (uintptr_t)va[i], GNTMAP_host_map | flags, deadline());

    if (st != GNTST_okay)
        GIVE_UP("mapping d%u's ref %u: status %d", peer_id, ref, st);
    *bus = m.dev_bus_addr;
    return (grant_handle_t)m.handle;
}

static void mapper(void)
{
    grant_handle_t h1, h2, h3;
    uint64_t b1, b2, b3, until, polls = 0, v;
    volatile uint64_t *p1 = (volatile uint64_t *)va[VA_RW1], *p2 = (volatile uint64_t *)va[VA_RW2];
    volatile uint64_t *p3 = (volatile uint64_t *)va[VA_RO];
    struct gnttab_map_grant_ref m;
    int16_t st;

    for (unsigned int i = 0; i < 4; i++)
        pat_fill(va[i], SEED_VA(i));
    port = evt_find_and_bind(peer_id, deadline());
    if (!port)
        GIVE_UP("no port offered by d%u", peer_id);
    h1 = map_at(VA_RW1, RW_REF, 0, &b1);
    h2 = map_at(VA_RW2, RW_REF, 0, &b2);
    h3 = map_at(VA_RO, RO_REF, GNTMAP_readonly, &b3);
    CHECK(h1 != h2 && h1 != h3 && h2 != h3, "handles %u %u %u", h1, h2, h3);
    CHECK_EQ(b1, b2);
    CHECK_EQ(p1[0], pat(SEED_RW, 0));
    CHECK_EQ(p3[5], pat(SEED_RO, 5));
    p2[1] = M_MARK;
    CHECK_EQ(p1[1], M_MARK); /* one frame, two addresses */
    printf("mapper: d%u's refs %u (twice) and %u (read-only) mapped\n", peer_id, RW_REF, RO_REF);
    token_pass(port);

    if (cmdline_has("crash=mapper")) {
        evt_wait(port, "the granter's go-ahead");
        printf("mapper: crashing with 3 grant mappings held\n");
        die_by_exception();
    }
    if (cmdline_has("crash=mapper-implicit")) {
        evt_wait(port, "the granter's go-ahead");
        printf("mapper: dropping a grant PTE without unmap_grant_ref\n");
        long rc = hypercall_update_va_mapping((uintptr_t)va[VA_RW2], 0, UVMF_INVLPG);
        test_fail("still running after dropping a grant PTE (rc %ld)", rc);
        test_finish();
    }

    /* The granter dies: wait until it is gone (its grants then say bad_domain). */
    evt_wait(port, "the granter's last words");
    CHECK_EQ(p1[2], G_LAST);
    until = deadline();
    while ((st = copy1(GNTCOPY_source_gref, RW_REF, peer_id, 0, virt_to_mfn(va[VA_BUF]), DOMID_SELF,
                       0, 8)) == GNTST_okay) {
        if (pvclock_ns() >= until)
            GIVE_UP("d%u still there after %lu polls", peer_id, polls);
        polls++;
        hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    CHECK_EQ(st, GNTST_bad_domain);
    printf("mapper: the granter is gone (%lu copies before)\n", polls);
    wait_channel_unbound();
    CHECK_EQ(map1(&m, RW_REF, peer_id, (uintptr_t)va[VA_BUF], GNTMAP_host_map), GNTST_bad_domain);
    /* The polling copies (if one ran before the granter went) brought in the
     * first 8 bytes of the page, and no more. */
    CHECK_EQ(*(volatile uint64_t *)va[VA_BUF], polls ? pat(SEED_RW, 0) : pat(SEED_VA(VA_BUF), 0));
    CHECK_EQ(pat_mismatch(va[VA_BUF], SEED_VA(VA_BUF), 8, 4096, 0), -1);

    /* The frames outlive their owner while mapped. */
    CHECK_EQ(PTE_MFN(pt_l1e(p1)), b1 >> 12);
    CHECK_EQ(PTE_MFN(pt_l1e(p3)), b3 >> 12);
    CHECK_EQ(p1[0], pat(SEED_RW, 0));
    CHECK_EQ(p1[1], M_MARK);
    CHECK_EQ(p2[2], G_LAST);
    CHECK_EQ(pat_mismatch(p1, SEED_RW, 24, 4096, 0), -1);
    CHECK_EQ(pat_mismatch(p3, SEED_RO, 0, 4096, 0), -1);
    p1[3] = 0x1234;
    CHECK_EQ(p2[3], 0x1234);
    CHECK_EQ(pt_probe_write(p3, 1), PF_WRITE_P);

    /* And unmap cleanly, each address given back to our own page. */
    CHECK_EQ(unmap1((uintptr_t)p1, 0, h1), GNTST_okay);
    CHECK_EQ(unmap1((uintptr_t)p3, 0, h3), GNTST_okay);
    CHECK_EQ(unmap1((uintptr_t)p2, 0, h2), GNTST_okay);
    CHECK_EQ(unmap1((uintptr_t)p2, 0, h2), GNTST_bad_handle);
    for (unsigned int i = VA_RW1; i <= VA_RO; i++) {
        CHECK_EQ(pt_l1e(va[i]), 0);
        CHECK_EQ(pt_probe_read(va[i], &v), EXINFO(X86_EXC_PF, 0));
        CHECK_EQ(remap_page(va[i], PROT_RW), 0);
        CHECK_EQ(pat_mismatch(va[i], SEED_VA(i), 0, 4096, 0), -1);
    }
}

void test_main(void)
{
    find_ids();
    printf("domain %u, peer %u\n", self_id, peer_id);
    if (!cmdline_has("crash=mapper") && !cmdline_has("crash=mapper-implicit") &&
        !cmdline_has("crash=granter")) {
        test_error("no crash=mapper|mapper-implicit|granter on the command line");
        return;
    }
    if (cmdline_has("role=granter"))
        granter();
    else if (cmdline_has("role=mapper"))
        mapper();
    else
        test_error("no role=granter|mapper on the command line");
}
