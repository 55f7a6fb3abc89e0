/* SPDX-License-Identifier: MIT */
/*
 * GNTTABOP_copy between two domains started from boot modules
 * (tests/qemu/gnttab-copy.test).  Both run this same program.
 *
 * Each domain grants its peer two pages at fixed references:
 *   ref 10  read-only: a source page holding its own pattern;
 *   ref 11  writable:  a sink page for the peer to copy into.
 * The lower domid offers an event channel, the other binds it; then they
 * take turns (a token passed with one event each way, so nothing merges):
 * the holder copies in both directions with the peer's grants against its
 * own frames (by gmfn, DOMID_SELF), from and to parts of pages, grant to
 * grant, and in a batch; it checks that the refusals carry Xen's status:
 *   - a read-only grant as the destination: general_error;
 *   - offset + len past the page on either side: bad_copy_arg;
 *   - a frame side naming a domain (the peer's, or our own id) instead of
 *     DOMID_SELF: permission_denied;
 *   - the peer's frame passed as our own gmfn: bad_page;
 *   - a reference not granted: general_error; past the table: bad_gntref;
 *     an unknown domain: bad_domain.
 * After both turns each checks, in its own memory, exactly what the peer
 * wrote into its sink (and nothing else), that its source page is
 * unchanged, that no GTF_reading/GTF_writing was left behind, and ends
 * access to both grants.
 */
#include <rt/runtime.h>
#include "../gntring_common/gntring.h"

const char test_title[] = "gntring_copy: grant copies both ways between two domains";

#define SRC_REF  10
#define SINK_REF 11
#define FREE_REF 12 /* never granted */

static uint8_t src_page[4096] __aligned(4096);  /* granted read-only */
static uint8_t sink_page[4096] __aligned(4096); /* granted writable */
static uint8_t in_page[4096] __aligned(4096);
static uint8_t out_page[4096] __aligned(4096);
static uint8_t peek[4096] __aligned(4096); /* where the peer's source is mapped once */

/* Pattern seeds: a domain's source page, its outgoing page, scratch. */
#define SEED_SRC(d)  (100u + (d))
#define SEED_OUT(d)  (300u + (d))
#define SEED_SINK(d) (200u + (d))
#define SEED_SCRATCH 400u

#define GS GNTCOPY_source_gref
#define GD GNTCOPY_dest_gref

static void my_turn(void)
{
    domid_t p = peer_id;
    uint64_t in = virt_to_mfn(in_page), out = virt_to_mfn(out_page);
    struct gnttab_map_grant_ref m;

    printf("d%u copies\n", self_id);

    /* Peer's source page into ours, whole. */
    CHECK_EQ(copy1(GS, SRC_REF, p, 0, in, DOMID_SELF, 0, 4096), GNTST_okay);
    CHECK_EQ(pat_mismatch(in_page, SEED_SRC(p), 0, 4096, 0), -1);

    /* Ours into the peer's sink, whole (the peer checks it). */
    CHECK_EQ(copy1(GD, out, DOMID_SELF, 0, SINK_REF, p, 0, 4096), GNTST_okay);

    /* Part of a page, at other offsets; nothing around it touched. */
    pat_fill(in_page, SEED_SCRATCH);
    CHECK_EQ(copy1(GS, SRC_REF, p, 100, in, DOMID_SELF, 3000, 1000), GNTST_okay);
    CHECK_EQ(pat_mismatch(in_page, SEED_SCRATCH, 0, 3000, 0), -1);
    CHECK_EQ(pat_mismatch(in_page, SEED_SRC(p), 3000, 4000, 100 - 3000), -1);
    CHECK_EQ(pat_mismatch(in_page, SEED_SCRATCH, 4000, 4096, 0), -1);

    /* Grant to grant, both the peer's: its source into its sink. */
    CHECK_EQ(copy1(GS | GD, SRC_REF, p, 0, SINK_REF, p, 2048, 512), GNTST_okay);

    /* Past the end of the page, on either side. */
    CHECK_EQ(copy1(GD, out, DOMID_SELF, 0, SINK_REF, p, 4000, 200), GNTST_bad_copy_arg);
    CHECK_EQ(copy1(GS, SRC_REF, p, 4000, in, DOMID_SELF, 0, 200), GNTST_bad_copy_arg);

    /* A read-only grant is no destination. */
    CHECK_EQ(copy1(GD, out, DOMID_SELF, 0, SRC_REF, p, 0, 64), GNTST_general_error);
    CHECK_EQ(copy1(GD, out, DOMID_SELF, 0, SRC_REF, p, 0, 4096), GNTST_general_error);
    CHECK_EQ(copy1(GS | GD, SINK_REF, p, 0, SRC_REF, p, 0, 8), GNTST_general_error);
    /* ... and it still reads as it should. */
    pat_fill(in_page, SEED_SCRATCH);
    CHECK_EQ(copy1(GS, SRC_REF, p, 0, in, DOMID_SELF, 0, 4096), GNTST_okay);
    CHECK_EQ(pat_mismatch(in_page, SEED_SRC(p), 0, 4096, 0), -1);

    /* Frame sides name no domain but DOMID_SELF, not even our own id. */
    CHECK_EQ(copy1(0, out, p, 0, in, DOMID_SELF, 0, 8), GNTST_permission_denied);
    CHECK_EQ(copy1(0, out, self_id, 0, in, DOMID_SELF, 0, 8), GNTST_permission_denied);
    CHECK_EQ(copy1(GS, SRC_REF, p, 0, in, p, 0, 8), GNTST_permission_denied);
    CHECK_EQ(copy1(GS, SRC_REF, p, 0, in, self_id, 0, 8), GNTST_permission_denied);

    /* The peer's frame is not ours, even though it is granted to us. */
    if (CHECK_EQ(map1(&m, SRC_REF, p, (uintptr_t)peek, GNTMAP_host_map | GNTMAP_readonly),
                 GNTST_okay)) {
        uint64_t pmfn = m.dev_bus_addr >> 12;
        CHECK_EQ(*(volatile uint64_t *)peek, pat(SEED_SRC(p), 0));
        CHECK_EQ(unmap1((uintptr_t)peek, 0, m.handle), GNTST_okay);
        CHECK_EQ(copy1(0, pmfn, DOMID_SELF, 0, in, DOMID_SELF, 0, 8), GNTST_bad_page);
        CHECK_EQ(copy1(0, out, DOMID_SELF, 0, pmfn, DOMID_SELF, 0, 8), GNTST_bad_page);
        CHECK_EQ(copy1(GS, SRC_REF, p, 0, pmfn, DOMID_SELF, 0, 8), GNTST_bad_page);
        CHECK_EQ(remap_page(peek, PROT_RW), 0);
    }

    /* References the peer did not give us, and no such domain. */
    CHECK_EQ(copy1(GS, FREE_REF, p, 0, in, DOMID_SELF, 0, 8), GNTST_general_error);
    CHECK_EQ(copy1(GD, out, DOMID_SELF, 0, FREE_REF, p, 0, 8), GNTST_general_error);
    CHECK_EQ(copy1(GS, 5000, p, 0, in, DOMID_SELF, 0, 8), GNTST_bad_gntref);
    CHECK_EQ(copy1(GD, out, DOMID_SELF, 0, 5000, p, 0, 8), GNTST_bad_gntref);
    CHECK_EQ(copy1(GS, SRC_REF, 0x7ef, 0, in, DOMID_SELF, 0, 8), GNTST_bad_domain);
    CHECK_EQ(copy1(GD, out, DOMID_SELF, 0, SRC_REF, 0x7ef, 0, 8), GNTST_bad_domain);

    /* A batch of three: both directions and one refusal, each its own status. */
    struct gnttab_copy b[3] = {
        copy_op(GS, SRC_REF, p, 8, in, DOMID_SELF, 0, 8),
        copy_op(GD, out, DOMID_SELF, 0, SRC_REF, p, 0, 8),
        copy_op(GD, out, DOMID_SELF, 0, SINK_REF, p, 4080, 16),
    };
    pat_fill(in_page, SEED_SCRATCH);
    CHECK_EQ(gnttab_op(GNTTABOP_copy, b, 3), 0);
    CHECK_EQ(b[0].status, GNTST_okay);
    CHECK_EQ(b[1].status, GNTST_general_error);
    CHECK_EQ(b[2].status, GNTST_okay);
    CHECK_EQ(pat_mismatch(in_page, SEED_SRC(p), 0, 8, 8), -1);
    CHECK_EQ(pat_mismatch(in_page, SEED_SCRATCH, 8, 4096, 0), -1);

    /* Our own frames are untouched by all of it. */
    CHECK_EQ(pat_mismatch(out_page, SEED_OUT(self_id), 0, 4096, 0), -1);
}

/* After the peer's turn: our pages hold exactly what it wrote. */
static void check_own(void)
{
    domid_t p = peer_id;

    printf("d%u checks what d%u wrote\n", self_id, p);
    CHECK_EQ(pat_mismatch(sink_page, SEED_OUT(p), 0, 2048, 0), -1);
    CHECK_EQ(pat_mismatch(sink_page, SEED_SRC(self_id), 2048, 2560, -2048), -1);
    CHECK_EQ(pat_mismatch(sink_page, SEED_OUT(p), 2560, 4080, 0), -1);
    CHECK_EQ(pat_mismatch(sink_page, SEED_OUT(p), 4080, 4096, -4080), -1);
    CHECK_EQ(pat_mismatch(src_page, SEED_SRC(self_id), 0, 4096, 0), -1);

    /* Copies pin only while they run: nothing left set. */
    CHECK_EQ(gflags(SRC_REF), GTF_permit_access | GTF_readonly);
    CHECK_EQ(gflags(SINK_REF), GTF_permit_access);
    CHECK_EQ(gword(FREE_REF), 0);
    CHECK(end_access(SRC_REF), "source grant busy: %#x", gflags(SRC_REF));
    CHECK(end_access(SINK_REF), "sink grant busy: %#x", gflags(SINK_REF));
    CHECK_EQ(gflags(SRC_REF), 0);
    CHECK_EQ(gflags(SINK_REF), 0);
}

void test_main(void)
{
    evtchn_port_t port;
    bool first;

    find_ids();
    first = self_id < peer_id;
    printf("domain %u, peer %u, %s\n", self_id, peer_id, first ? "first" : "second");

    gt_setup();
    pat_fill(src_page, SEED_SRC(self_id));
    pat_fill(sink_page, SEED_SINK(self_id));
    pat_fill(out_page, SEED_OUT(self_id));
    grant(SRC_REF, peer_id, virt_to_mfn(src_page), GTF_permit_access | GTF_readonly);
    grant(SINK_REF, peer_id, virt_to_mfn(sink_page), GTF_permit_access);

    /* Grants first, then the channel: once it is up, both sets of grants are. */
    if (first) {
        port = evt_offer(peer_id);
        evt_wait(port, "the peer to bind");
        my_turn();
        token_pass(port);
        evt_wait(port, "the peer's turn");
        check_own();
    } else {
        port = evt_find_and_bind(peer_id, deadline());
        if (!port)
            GIVE_UP("no port offered by d%u", peer_id);
        token_pass(port);
        evt_wait(port, "the peer's turn");
        my_turn();
        check_own();
        token_pass(port);
    }
}
