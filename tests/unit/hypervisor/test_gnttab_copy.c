/*
 * Grant tables (common/grant_table*.c), part 2: GNTTABOP_copy in both
 * directions and between two grants with every refusal Xen makes, in Xen
 * 4.17's order when an op has several faults, length 0 included; batches
 * whose middle element is bad; faulting arrays; continuation of long
 * batches; and domains dying with grants mapped, in both directions.
 */
#include "test_gnttab.h"

#define SRC GNTCOPY_source_gref
#define DST GNTCOPY_dest_gref

static void t_fill(mfn_t m, uint8_t seed)
{
    uint8_t *p = mfn_to_virt(m);

    for (unsigned int i = 0; i < PAGE_SIZE; i++) {
        p[i] = (uint8_t)(seed + i * 7);
    }
}

static uint8_t t_byte(mfn_t m, unsigned int i)
{
    return ((uint8_t *)mfn_to_virt(m))[i];
}

/* A copy op: with SRC/DST in flags, s/dst are grant references, else frames. */
static struct gnttab_copy cp(uint16_t flags, domid_t sdom, uint64_t s, uint16_t soff, domid_t ddom,
                             uint64_t dst, uint16_t doff, uint16_t len)
{
    struct gnttab_copy op = { .flags = flags, .len = len };

    op.source.domid = sdom;
    op.source.offset = soff;
    op.dest.domid = ddom;
    op.dest.offset = doff;
    if (flags & SRC) {
        op.source.u.ref = (grant_ref_t)s;
    } else {
        op.source.u.gmfn = s;
    }
    if (flags & DST) {
        op.dest.u.ref = (grant_ref_t)dst;
    } else {
        op.dest.u.gmfn = dst;
    }
    op.status = 0x55;
    return op;
}

static int16_t t_copy(struct domain *d, struct gnttab_copy op)
{
    assert_int_equal(t_op(d, GNTTABOP_copy, &op, 1), 0);
    return op.status;
}

static void expect_copy_refused(struct domain *d, struct gnttab_copy op, int16_t status)
{
    t_snap();
    assert_int_equal(t_copy(d, op), status);
    T_UNCHANGED();
}

/* ------------------------------------------------------------ copies */

static void copy_from_grant(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2);

    (void)state;
    t_fill(a, 1);
    t_grant(t_d1, 10, 2, a, T_PERMIT | GTF_readonly);
    assert_int_equal(t_copy(t_d2, cp(SRC, 1, 10, 100, DOMID_SELF, b, 300, 200)), GNTST_okay);
    for (unsigned int i = 0; i < PAGE_SIZE; i++) {
        uint8_t want = i >= 300 && i < 500 ? (uint8_t)(1 + (i - 200) * 7) : 0;
        if (t_byte(b, i) != want) {
            fail_msg("byte %u: %#x, expected %#x", i, t_byte(b, i), want);
        }
    }
    /* The source was only read; nothing is left pinned or referenced. */
    assert_int_equal(t_flags(t_d1, 10), T_PERMIT | GTF_readonly);
    T_FRAME(a, 1, PGT_NONE, 0);
    T_FRAME(b, 1, PGT_NONE, 0);
    T_MAPTRACK(t_d1, 0, 0);
    T_MAPTRACK(t_d2, 0, 0);
    assert_true(t_end_access(t_d1, 10));
}

static void copy_to_grant(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2);

    (void)state;
    t_fill(b, 9);
    t_grant(t_d1, 11, 2, a, T_PERMIT);
    assert_int_equal(t_copy(t_d2, cp(DST, DOMID_SELF, b, 0, 1, 11, 0, PAGE_SIZE)), GNTST_okay);
    assert_memory_equal(mfn_to_virt(a), mfn_to_virt(b), PAGE_SIZE);
    assert_int_equal(t_flags(t_d1, 11), T_PERMIT);
    T_FRAME(a, 1, PGT_NONE, 0);
    assert_false(mfn_to_page(a)->flags & PGF_TLB_STALE);   /* written by the hypervisor only */
    T_FRAME(b, 1, PGT_NONE, 0);
    /* A read-only grant cannot be written. */
    t_grant(t_d1, 12, 2, a, T_PERMIT | GTF_readonly);
    expect_copy_refused(t_d2, cp(DST, DOMID_SELF, b, 0, 1, 12, 0, 8), GNTST_general_error);
}

static void copy_between_two_grants(void **state)
{
    mfn_t a = t_alloc(t_d1), c = t_alloc(t_d3);

    (void)state;
    t_fill(a, 3);
    t_grant(t_d1, 13, 2, a, T_PERMIT | GTF_readonly);
    t_grant(t_d3, 14, 2, c, T_PERMIT);
    assert_int_equal(t_copy(t_d2, cp(SRC | DST, 1, 13, 4000, 3, 14, 10, 96)), GNTST_okay);
    assert_memory_equal((uint8_t *)mfn_to_virt(c) + 10, (uint8_t *)mfn_to_virt(a) + 4000, 96);
    assert_int_equal(t_byte(c, 9), 0);
    assert_int_equal(t_byte(c, 106), 0);
    assert_int_equal(t_flags(t_d1, 13), T_PERMIT | GTF_readonly);
    assert_int_equal(t_flags(t_d3, 14), T_PERMIT);
    /* One grant as both source and destination (overlapping): pinned twice, released twice. */
    t_grant(t_d3, 15, 2, c, T_PERMIT);
    assert_int_equal(t_copy(t_d2, cp(SRC | DST, 3, 15, 10, 3, 15, 20, 96)), GNTST_okay);
    assert_memory_equal((uint8_t *)mfn_to_virt(c) + 20, (uint8_t *)mfn_to_virt(a) + 4000, 96);
    assert_int_equal(t_flags(t_d3, 15), T_PERMIT);
    T_FRAME(c, 1, PGT_NONE, 0);
}

static void copy_refusals(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2), pt = t_alloc(t_d2);

    (void)state;
    t_fill(a, 5);
    mfn_to_page(pt)->type = PGT_L1;
    mfn_to_page(pt)->type_count = 1;
    t_grant(t_d1, 20, 2, a, T_PERMIT);
    t_grant(t_d1, 21, 3, a, T_PERMIT);                      /* someone else's */
    t_grant(t_d1, 22, 2, a, 0);                             /* not granted */
    t_grant(t_d1, 23, 2, a, GTF_transitive);
    t_grant(t_d1, 24, 2, t_d3->shared_info_mfn, T_PERMIT);  /* a frame d1 does not own */
    t_grant(t_d1, 25, 2, a, T_PERMIT | GTF_sub_page);       /* v1 copy ignores sub_page (Xen) */
    expect_copy_refused(t_d2, cp(SRC, 1, 21, 0, DOMID_SELF, b, 0, 8), GNTST_general_error);
    expect_copy_refused(t_d2, cp(SRC, 1, 22, 0, DOMID_SELF, b, 0, 8), GNTST_general_error);
    expect_copy_refused(t_d2, cp(SRC, 1, 23, 0, DOMID_SELF, b, 0, 8), GNTST_general_error);
    expect_copy_refused(t_d2, cp(SRC, 1, 24, 0, DOMID_SELF, b, 0, 8), GNTST_bad_page);
    expect_copy_refused(t_d2, cp(DST, DOMID_SELF, b, 0, 1, 21, 0, 8), GNTST_general_error);
    expect_copy_refused(t_d2, cp(SRC, 1, 5000, 0, DOMID_SELF, b, 0, 8), GNTST_bad_gntref);
    expect_copy_refused(t_d2, cp(SRC, 77, 20, 0, DOMID_SELF, b, 0, 8), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(DST, DOMID_SELF, b, 0, 77, 20, 0, 8), GNTST_bad_domain);
    /* Frames: only the caller's own, and only named DOMID_SELF (even its own id is refused). */
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, DOMID_SELF, a, 0, 8), GNTST_bad_page);
    expect_copy_refused(t_d2, cp(DST, DOMID_SELF, a, 0, 1, 20, 0, 8), GNTST_bad_page);
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, 2, b, 0, 8), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(0, 1, a, 0, DOMID_SELF, b, 0, 8), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, DOMID_SELF, T_NR_FRAMES + 5, 0, 8),
                        GNTST_bad_page);
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, DOMID_SELF, t_d2->shared_info_mfn, 0, 8),
                        GNTST_bad_page);
    /* A page table is never written by a copy; reading one is fine. */
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, DOMID_SELF, pt, 0, 8), GNTST_general_error);
    assert_int_equal(t_copy(t_d2, cp(DST, DOMID_SELF, pt, 0, 1, 20, 0, 8)), GNTST_okay);
    /* Within one page on both sides. */
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 4000, DOMID_SELF, b, 0, 97), GNTST_bad_copy_arg);
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, DOMID_SELF, b, 4096, 1), GNTST_bad_copy_arg);
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0xffff, DOMID_SELF, b, 0, 0xffff),
                        GNTST_bad_copy_arg);
    /* The sub_page flag is v2's: a v1 copy ignores it, a map refuses it. */
    assert_int_equal(t_copy(t_d2, cp(SRC, 1, 25, 0, DOMID_SELF, b, 0, 8)), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 25), T_PERMIT | GTF_sub_page);
    T_FRAME(a, 1, PGT_NONE, 0);
    T_FRAME(pt, 1, PGT_L1, 1);
    mfn_to_page(pt)->type = PGT_NONE;
    mfn_to_page(pt)->type_count = 0;
}

static void copy_while_mapped_and_after_end(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2);
    grant_handle_t h;

    (void)state;
    t_fill(a, 7);
    t_grant(t_d1, 30, 2, a, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 30, T_HOST_RO, T_VA(1), &h), GNTST_okay);
    /* Pinned read-only by the mapping: a copy out keeps it so ... */
    assert_int_equal(t_copy(t_d2, cp(SRC, 1, 30, 0, DOMID_SELF, b, 0, 64)), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 30), T_PERMIT | T_RD);
    /* ... and a copy in upgrades to writing for its duration only. */
    assert_int_equal(t_copy(t_d2, cp(DST, DOMID_SELF, b, 0, 1, 30, 64, 64)), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 30), T_PERMIT | T_RD);
    T_FRAME(a, 2, PGT_NONE, 0);
    /* Another domain cannot copy while the grant is pinned for d2 (Xen). */
    t_ent(t_d1, 30)->domid = 3;
    expect_copy_refused(t_d3, cp(SRC, 1, 30, 0, DOMID_SELF, t_alloc(t_d3), 0, 8),
                        GNTST_general_error);
    t_ent(t_d1, 30)->domid = 2;
    assert_int_equal(t_unmap(t_d2, h, T_VA(1), 0), GNTST_okay);
    assert_true(t_end_access(t_d1, 30));
    /* Access ended: copies in either direction are refused. */
    expect_copy_refused(t_d2, cp(SRC, 1, 30, 0, DOMID_SELF, b, 0, 8), GNTST_general_error);
    expect_copy_refused(t_d2, cp(DST, DOMID_SELF, b, 0, 1, 30, 0, 8), GNTST_general_error);
}

/*
 * Which status an op with several faults gets: Xen 4.17's order. Both
 * domains first, then the source (frame: DOMID_SELF, then ownership; grant:
 * the pin), then the destination the same way, then the ranges.
 */
static void copy_check_order(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2), c = t_alloc(t_d2), pt = t_alloc(t_d2);

    (void)state;
    mfn_to_page(pt)->type = PGT_L1;
    mfn_to_page(pt)->type_count = 1;
    t_grant(t_d1, 20, 2, a, T_PERMIT);
    t_grant(t_d1, 21, 2, a, T_PERMIT | GTF_readonly);
    t_grant(t_d1, 22, 2, a, 0);                             /* not granted */
    /* A frame side naming no domain: the lookup comes first. */
    expect_copy_refused(t_d2, cp(0, 77, b, 0, DOMID_SELF, c, 0, 8), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(0, DOMID_XEN, b, 0, DOMID_SELF, c, 0, 8), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(0, DOMID_IO, b, 0, DOMID_SELF, c, 0, 8), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, 77, c, 0, 8), GNTST_bad_domain);
    /* Both domains before either side's checks. */
    expect_copy_refused(t_d2, cp(DST, 2, b, 0, 77, 20, 0, 8), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, a, 0, 77, c, 0, 8), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(SRC | DST, 77, 5000, 0, 1, 5000, 0, 8), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(SRC | DST, 1, 5000, 0, 77, 5000, 0, 8), GNTST_bad_domain);
    /* The source before the destination's DOMID_SELF check. */
    expect_copy_refused(t_d2, cp(SRC, 1, 5000, 0, 2, c, 0, 8), GNTST_bad_gntref);
    expect_copy_refused(t_d2, cp(SRC, 1, 22, 0, 2, c, 0, 8), GNTST_general_error);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, a, 0, 2, c, 0, 8), GNTST_bad_page);
    /* A frame side's DOMID_SELF check before its page and before the destination. */
    expect_copy_refused(t_d2, cp(0, 2, a, 0, DOMID_SELF, c, 0, 8), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(0, 2, b, 0, DOMID_SELF, a, 0, 8), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(DST, 2, b, 0, 1, 5000, 0, 8), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, b, 0, 2, a, 0, 8), GNTST_permission_denied);
    /* The source grant, pinned, is let go when the destination is refused. */
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, 2, c, 0, 8), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, DOMID_SELF, a, 0, 8), GNTST_bad_page);
    expect_copy_refused(t_d2, cp(SRC | DST, 1, 20, 0, 1, 5000, 0, 8), GNTST_bad_gntref);
    expect_copy_refused(t_d2, cp(SRC | DST, 1, 20, 0, 1, 21, 0, 8), GNTST_general_error);
    /* Two bad grants: the source's status. */
    expect_copy_refused(t_d2, cp(SRC | DST, 1, 5000, 0, 1, 22, 0, 8), GNTST_bad_gntref);
    expect_copy_refused(t_d2, cp(SRC | DST, 1, 22, 0, 1, 5000, 0, 8), GNTST_general_error);
    /* Every side's check before the ranges. */
    expect_copy_refused(t_d2, cp(SRC, 1, 22, 4000, DOMID_SELF, c, 0, 200), GNTST_general_error);
    expect_copy_refused(t_d2, cp(0, 2, b, 4000, DOMID_SELF, c, 0, 200), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, b, 0, DOMID_SELF, pt, 4000, 200),
                        GNTST_general_error);
    expect_copy_refused(t_d2, cp(SRC, 77, 20, 4000, DOMID_SELF, c, 0, 200), GNTST_bad_domain);
    T_FRAME(a, 1, PGT_NONE, 0);
    T_FRAME(pt, 1, PGT_L1, 1);
    mfn_to_page(pt)->type = PGT_NONE;
    mfn_to_page(pt)->type_count = 0;
}

/* Length 0 copies nothing but is checked like any other op (Xen 4.17; 4.19 skips it). */
static void copy_len0(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2), c = t_alloc(t_d2), pt = t_alloc(t_d2);

    (void)state;
    t_fill(a, 17);
    t_fill(b, 19);
    mfn_to_page(pt)->type = PGT_L1;
    mfn_to_page(pt)->type_count = 1;
    t_grant(t_d1, 20, 2, a, T_PERMIT);
    t_grant(t_d1, 21, 2, a, T_PERMIT | GTF_readonly);
    t_grant(t_d1, 22, 2, a, 0);
    /* Good ops: okay, nothing written, nothing left pinned or referenced. */
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, DOMID_SELF, c, 0, 0), GNTST_okay);
    expect_copy_refused(t_d2, cp(DST, DOMID_SELF, b, 0, 1, 20, 0, 0), GNTST_okay);
    expect_copy_refused(t_d2, cp(SRC | DST, 1, 21, 100, 1, 20, 200, 0), GNTST_okay);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, b, 0, DOMID_SELF, c, 0, 0), GNTST_okay);
    /* Reading a page table is fine with any length. */
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, pt, 0, DOMID_SELF, c, 0, 0), GNTST_okay);
    /* An offset at the very end of the page is within it. */
    expect_copy_refused(t_d2, cp(SRC, 1, 20, PAGE_SIZE, DOMID_SELF, c, PAGE_SIZE, 0),
                        GNTST_okay);
    /* Every refusal a longer op gets. */
    expect_copy_refused(t_d2, cp(SRC, 77, 20, 0, DOMID_SELF, c, 0, 0), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(DST, DOMID_SELF, b, 0, 77, 20, 0, 0), GNTST_bad_domain);
    expect_copy_refused(t_d2, cp(SRC, 1, 5000, 0, DOMID_SELF, c, 0, 0), GNTST_bad_gntref);
    expect_copy_refused(t_d2, cp(SRC, 1, 22, 0, DOMID_SELF, c, 0, 0), GNTST_general_error);
    expect_copy_refused(t_d2, cp(DST, DOMID_SELF, b, 0, 1, 21, 0, 0), GNTST_general_error);
    expect_copy_refused(t_d2, cp(0, 2, b, 0, DOMID_SELF, c, 0, 0), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, b, 0, 2, c, 0, 0), GNTST_permission_denied);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, a, 0, DOMID_SELF, c, 0, 0), GNTST_bad_page);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, b, 0, DOMID_SELF, pt, 0, 0), GNTST_general_error);
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, b, PAGE_SIZE + 1, DOMID_SELF, c, 0, 0),
                        GNTST_bad_copy_arg);
    expect_copy_refused(t_d2, cp(SRC, 1, 20, 0, DOMID_SELF, c, 0xffff, 0), GNTST_bad_copy_arg);
    /* The side checks before the range, as for longer ops. */
    expect_copy_refused(t_d2, cp(0, DOMID_SELF, b, 0, DOMID_SELF, pt, PAGE_SIZE + 1, 0),
                        GNTST_general_error);
    expect_copy_refused(t_d2, cp(SRC | DST, 77, 5000, 0xffff, 99, 5000, 0xffff, 0),
                        GNTST_bad_domain);
    assert_int_equal(t_flags(t_d1, 20), T_PERMIT);
    T_FRAME(a, 1, PGT_NONE, 0);
    T_FRAME(pt, 1, PGT_L1, 1);
    mfn_to_page(pt)->type = PGT_NONE;
    mfn_to_page(pt)->type_count = 0;
}

/* ------------------------------------------------------------ batches */

static void map_batch_with_bad_middle(void **state)
{
    mfn_t a = t_alloc(t_d1);
    struct gnttab_map_grant_ref m[3] = {
        { .host_addr = T_VA(1), .flags = T_HOST_RW, .ref = 40, .dom = 1 },
        { .host_addr = T_VA(2), .flags = T_HOST_RW, .ref = 41, .dom = 1 },   /* read-only grant */
        { .host_addr = T_VA(3), .flags = T_HOST_RO, .ref = 42, .dom = 1 },
    };
    struct gnttab_unmap_grant_ref u[3];

    (void)state;
    t_grant(t_d1, 40, 2, a, T_PERMIT);
    t_grant(t_d1, 41, 2, a, T_PERMIT | GTF_readonly);
    t_grant(t_d1, 42, 2, a, T_PERMIT);
    assert_int_equal(t_op(t_d2, GNTTABOP_map_grant_ref, m, 3), 0);
    assert_int_equal(m[0].status, GNTST_okay);
    assert_int_equal(m[1].status, GNTST_general_error);
    assert_int_equal(m[2].status, GNTST_okay);
    assert_int_equal(t_flags(t_d1, 40), T_PERMIT | T_RD | T_WR);
    assert_int_equal(t_flags(t_d1, 41), T_PERMIT | GTF_readonly);
    assert_int_equal(t_flags(t_d1, 42), T_PERMIT | T_RD);
    T_MAPTRACK(t_d2, 2, 0);
    T_FRAME(a, 3, PGT_WRITABLE, 1);
    u[0] = (struct gnttab_unmap_grant_ref){ .host_addr = T_VA(1), .handle = m[0].handle };
    u[1] = (struct gnttab_unmap_grant_ref){ .host_addr = T_VA(2), .handle = 4242 };
    u[2] = (struct gnttab_unmap_grant_ref){ .host_addr = T_VA(3), .handle = m[2].handle };
    assert_int_equal(t_op(t_d2, GNTTABOP_unmap_grant_ref, u, 3), 0);
    assert_int_equal(u[0].status, GNTST_okay);
    assert_int_equal(u[1].status, GNTST_bad_handle);
    assert_int_equal(u[2].status, GNTST_okay);
    /* Only the status is written back. */
    assert_int_equal(u[1].handle, 4242);
    assert_int_equal(u[1].host_addr, T_VA(2));
    T_MAPTRACK(t_d2, 0, 0);
    T_FRAME(a, 1, PGT_NONE, 0);
    assert_int_equal(t_flags(t_d1, 40), T_PERMIT);
    assert_int_equal(t_flags(t_d1, 42), T_PERMIT);
}

static void copy_batch_with_bad_middle(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2);
    struct gnttab_copy c[3];

    (void)state;
    t_fill(a, 11);
    t_grant(t_d1, 43, 2, a, T_PERMIT);
    c[0] = cp(SRC, 1, 43, 0, DOMID_SELF, b, 0, 16);
    c[1] = cp(SRC, 1, 44, 16, DOMID_SELF, b, 16, 16);       /* not granted */
    c[2] = cp(SRC, 1, 43, 32, DOMID_SELF, b, 32, 16);
    assert_int_equal(t_op(t_d2, GNTTABOP_copy, c, 3), 0);
    assert_int_equal(c[0].status, GNTST_okay);
    assert_int_equal(c[1].status, GNTST_general_error);
    assert_int_equal(c[2].status, GNTST_okay);
    assert_memory_equal(mfn_to_virt(b), mfn_to_virt(a), 16);
    assert_int_equal(t_byte(b, 16), 0);
    assert_int_equal(t_byte(b, 31), 0);
    assert_memory_equal((uint8_t *)mfn_to_virt(b) + 32, (uint8_t *)mfn_to_virt(a) + 32, 16);
    assert_int_equal(t_flags(t_d1, 43), T_PERMIT);
    T_FRAME(a, 1, PGT_NONE, 0);
    T_FRAME(b, 1, PGT_NONE, 0);
}

static void faulting_arrays(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2);
    struct gnttab_map_grant_ref m[2] = {
        { .host_addr = T_VA(1), .flags = T_HOST_RW, .ref = 50, .dom = 1 },
        { .host_addr = T_VA(2), .flags = T_HOST_RW, .ref = 50, .dom = 1 },
    };
    struct gnttab_copy c[2];

    (void)state;
    t_grant(t_d1, 50, 2, a, T_PERMIT);
    /* An array that cannot be read at all: -EFAULT, nothing done. */
    t_snap();
    fake_fault_start = (uintptr_t)&m[0];
    fake_fault_end = fake_fault_start + 1;
    assert_int_equal(t_op(t_d2, GNTTABOP_map_grant_ref, m, 2), -EFAULT);
    fake_fault_end = fake_fault_start = 0;
    assert_int_equal(t_op(t_d2, GNTTABOP_map_grant_ref, NULL, 2), -EFAULT);
    assert_int_equal(t_op(t_d2, GNTTABOP_copy, NULL, 1), -EFAULT);
    assert_int_equal(t_op(t_d2, GNTTABOP_unmap_grant_ref, NULL, 1), -EFAULT);
    assert_int_equal(t_op(t_d2, GNTTABOP_unmap_and_replace, NULL, 1), -EFAULT);
    assert_int_equal(t_op(t_d2, GNTTABOP_query_size, NULL, 1), -EFAULT);
    assert_int_equal(t_op(t_d2, GNTTABOP_get_version, NULL, 1), -EFAULT);
    T_UNCHANGED();
    /* The second element faults: the first was done and reported, as on Xen. */
    fake_fault_start = (uintptr_t)&m[1];
    fake_fault_end = fake_fault_start + sizeof(m[1]);
    assert_int_equal(t_op(t_d2, GNTTABOP_map_grant_ref, m, 2), -EFAULT);
    fake_fault_end = fake_fault_start = 0;
    assert_int_equal(m[0].status, GNTST_okay);
    T_MAPTRACK(t_d2, 1, 0);
    assert_int_equal(t_unmap(t_d2, m[0].handle, T_VA(1), 0), GNTST_okay);
    /* Same for copies. */
    c[0] = cp(SRC, 1, 50, 0, DOMID_SELF, b, 0, 8);
    c[1] = c[0];
    fake_fault_start = (uintptr_t)&c[1];
    fake_fault_end = fake_fault_start + sizeof(c[1]);
    assert_int_equal(t_op(t_d2, GNTTABOP_copy, c, 2), -EFAULT);
    fake_fault_end = fake_fault_start = 0;
    assert_int_equal(c[0].status, GNTST_okay);
    assert_int_equal(t_flags(t_d1, 50), T_PERMIT);
    T_FRAME(a, 1, PGT_NONE, 0);
}

static void long_batches_continue(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2);
    struct gnttab_map_grant_ref m[3];
    struct gnttab_copy c[3];
    long rc;

    (void)state;
    t_grant(t_d1, 60, 2, a, T_PERMIT);
    for (unsigned int i = 0; i < 3; i++) {
        m[i] = (struct gnttab_map_grant_ref){ .host_addr = T_VA(i), .flags = T_HOST_RO, .ref = 60,
                                              .dom = 1 };
    }
    /* Time is up after the first element: the rest is re-issued as the same hypercall. */
    t_preempt_at = 1;
    rc = t_op(t_d2, GNTTABOP_map_grant_ref, m, 3);
    assert_int_equal(rc, HYPERCALL_CONTINUATION);
    assert_int_equal(t_cont[0], __HYPERVISOR_grant_table_op);
    assert_int_equal(t_cont[1], GNTTABOP_map_grant_ref);
    assert_int_equal(t_cont[2], (uint64_t)(uintptr_t)&m[1]);
    assert_int_equal(t_cont[3], 2);
    assert_int_equal(m[0].status, GNTST_okay);
    T_MAPTRACK(t_d2, 1, 0);
    t_preempt_at = 0;
    set_current_vcpu(t_d2->vcpus[0]);
    assert_int_equal(do_grant_table_op(t_cont[1], t_cont[2], t_cont[3], t_cont[4], t_cont[5]), 0);
    assert_int_equal(m[1].status, GNTST_okay);
    assert_int_equal(m[2].status, GNTST_okay);
    T_MAPTRACK(t_d2, 3, 0);
    for (unsigned int i = 0; i < 3; i++) {
        assert_int_equal(t_unmap(t_d2, m[i].handle, T_VA(i), 0), GNTST_okay);
    }
    /* Copies too. */
    for (unsigned int i = 0; i < 3; i++) {
        c[i] = cp(SRC, 1, 60, 0, DOMID_SELF, b, 0, 8);
    }
    t_preempt_calls = 0;
    t_preempt_at = 2;
    assert_int_equal(t_op(t_d2, GNTTABOP_copy, c, 3), HYPERCALL_CONTINUATION);
    assert_int_equal(t_cont[2], (uint64_t)(uintptr_t)&c[2]);
    assert_int_equal(t_cont[3], 1);
    assert_int_equal(c[1].status, GNTST_okay);
    assert_int_equal(c[2].status, 0x55);
    assert_int_equal(t_flags(t_d1, 60), T_PERMIT);
}

/* ------------------------------------------------------------ domain death */

static void mapper_dies_with_mappings(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d1);
    grant_handle_t h;

    (void)state;
    t_grant(t_d1, 70, 2, a, T_PERMIT);
    t_grant(t_d1, 71, 2, b, T_PERMIT | GTF_readonly);
    t_grant(t_d1, 72, 2, b, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 70, T_HOST_RW, T_VA(1), &h), GNTST_okay);
    assert_int_equal(t_map(t_d2, 1, 70, T_HOST_RO, T_VA(2), &h), GNTST_okay);
    assert_int_equal(t_map(t_d2, 1, 71, T_HOST_RO, T_VA(3), &h), GNTST_okay);
    assert_int_equal(t_map(t_d2, 1, 72, GNTMAP_device_map, 0, &h), GNTST_okay);
    T_MAPTRACK(t_d1, 0, 4);
    T_FRAME(a, 3, PGT_WRITABLE, 1);
    T_FRAME(b, 3, PGT_WRITABLE, 1);
    assert_false(t_end_access(t_d1, 70));

    /* d2 dies without unmapping: its host mappings are removed, references and
     * types dropped, and d1 sees its grants free to end. */
    gnttab_domain_destroy(t_d2);
    assert_null(t_d2->grant_table);
    assert_int_equal(fake_gnttab_releases, 3);
    assert_int_equal(fake_gnttab_nr_ptes(2), 0);
    T_MAPTRACK(t_d1, 0, 0);
    T_FRAME(a, 1, PGT_NONE, 0);
    T_FRAME(b, 1, PGT_NONE, 0);
    for (grant_ref_t r = 70; r <= 72; r++) {
        assert_int_equal(t_flags(t_d1, r) & (T_RD | T_WR), 0);
        assert_true(t_end_access(t_d1, r));
    }
    /* What a domain without grant state gets from the hypercall. */
    {
        struct gnttab_info i;
        assert_int_equal(gnttab_get_info(t_d2, &i), -ENOENT);
        assert_int_equal(t_map(t_d2, 1, 70, T_HOST_RO, T_VA(1), NULL), GNTST_no_space);
        assert_int_equal(t_unmap(t_d2, 0, T_VA(1), 0), GNTST_bad_handle);
        assert_int_equal(gnttab_set_limits(t_d2, 4, 4), -ENOENT);
        assert_false(gnttab_is_grant_frame(t_d2, a));
    }
    gnttab_domain_destroy(t_d2);    /* twice is harmless */
}

static void granter_dies_with_grants_mapped(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d1), own = t_alloc(t_d2);
    grant_handle_t ha, hb;
    xen_pfn_t gf[2];

    (void)state;
    t_fill(a, 13);
    assert_int_equal(t_setup_table(t_d1, 2, gf), GNTST_okay);
    t_grant(t_d1, 80, 2, a, T_PERMIT);
    t_grant(t_d1, 81, 2, b, T_PERMIT | GTF_readonly);
    t_grant(t_d1, 82, 2, b, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 80, T_HOST_RW | GNTMAP_device_map, T_VA(1), &ha), GNTST_okay);
    assert_int_equal(t_map(t_d2, 1, 81, T_HOST_RO, T_VA(2), &hb), GNTST_okay);

    /* d1 dies: its grant-table frames are returned at once (no one maps them);
     * the frames it granted stay alive for d2's mappings. */
    gnttab_domain_destroy(t_d1);
    assert_true(t_is_free(gf[0]));
    assert_true(t_is_free(gf[1]));
    T_MAPTRACK(t_d2, 2, 0);
    T_FRAME(a, 2, PGT_WRITABLE, 1);
    /* d1's memory goes back as its teardown releases its frames: the granted
     * ones survive on d2's references alone. */
    t_release(a);
    t_release(b);
    T_FRAME(a, 1, PGT_WRITABLE, 1);
    T_FRAME(b, 1, PGT_NONE, 0);
    assert_int_equal(mfn_to_page(a)->owner, 1);
    assert_non_null(fake_gnttab_find(2, T_VA(1)));
    /* Nothing new of d1's can be mapped or copied. */
    assert_int_equal(t_map(t_d2, 1, 82, T_HOST_RO, T_VA(3), NULL), GNTST_bad_domain);
    assert_int_equal(t_copy(t_d2, cp(SRC, 1, 80, 0, DOMID_SELF, own, 0, 8)), GNTST_bad_domain);
    /* d2's handles still work; the last unmap of a frame frees it. */
    assert_int_equal(t_unmap(t_d2, ha, T_VA(1), 0), GNTST_okay);       /* host part */
    T_FRAME(a, 1, PGT_WRITABLE, 1);
    assert_int_equal(t_unmap(t_d2, ha, 0, (uint64_t)a << PAGE_SHIFT), GNTST_okay);
    assert_true(t_is_free(a));
    assert_int_equal(t_unmap(t_d2, hb, T_VA(2), 0), GNTST_okay);
    assert_true(t_is_free(b));
    T_MAPTRACK(t_d2, 0, 0);
    /* d1's lingering table went with the last mapping (the teardown counts allocations). */
}

static void both_directions_die(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d2);
    grant_handle_t h12, h21;

    (void)state;
    t_grant(t_d1, 90, 2, a, T_PERMIT);
    t_grant(t_d2, 91, 1, b, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 90, T_HOST_RW, T_VA(1), &h21), GNTST_okay);
    assert_int_equal(t_map(t_d1, 2, 91, T_HOST_RW, T_VA(1), &h12), GNTST_okay);
    /* d1 dies: its mapping of d2's grant is released (d2 may end access);
     * d2's mapping of d1's grant stays. */
    gnttab_domain_destroy(t_d1);
    assert_int_equal(t_flags(t_d2, 91), T_PERMIT);
    assert_true(t_end_access(t_d2, 91));
    T_FRAME(b, 1, PGT_NONE, 0);
    T_FRAME(a, 2, PGT_WRITABLE, 1);
    T_MAPTRACK(t_d2, 1, 0);
    assert_null(fake_gnttab_find(1, T_VA(1)));
    assert_non_null(fake_gnttab_find(2, T_VA(1)));
    /* Then d2 dies too, still mapping d1's grant: everything is returned. */
    gnttab_domain_destroy(t_d2);
    T_FRAME(a, 1, PGT_NONE, 0);
    assert_int_equal(fake_gnttab_nr_ptes(2), 0);
    (void)h12;
}

static void self_mapping_domain_dies(void **state)
{
    mfn_t a = t_alloc(t_d3);
    grant_handle_t h;

    (void)state;
    t_grant(t_d3, 95, 3, a, T_PERMIT);
    assert_int_equal(t_map(t_d3, 3, 95, T_HOST_RW, T_VA(1), &h), GNTST_okay);
    assert_int_equal(t_map(t_d3, 3, 95, GNTMAP_device_map | GNTMAP_readonly, 0, &h), GNTST_okay);
    gnttab_domain_destroy(t_d3);
    T_FRAME(a, 1, PGT_NONE, 0);
    assert_int_equal(fake_gnttab_nr_ptes(3), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(copy_from_grant),
        T_TEST(copy_to_grant),
        T_TEST(copy_between_two_grants),
        T_TEST(copy_refusals),
        T_TEST(copy_check_order),
        T_TEST(copy_len0),
        T_TEST(copy_while_mapped_and_after_end),
        T_TEST(map_batch_with_bad_middle),
        T_TEST(copy_batch_with_bad_middle),
        T_TEST(faulting_arrays),
        T_TEST(long_batches_continue),
        T_TEST(mapper_dies_with_mappings),
        T_TEST(granter_dies_with_grants_mapped),
        T_TEST(both_directions_die),
        T_TEST(self_mapping_domain_dies),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
