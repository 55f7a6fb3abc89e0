/* SPDX-License-Identifier: MIT */
/*
 * Grant tables v1, GNTTABOP_copy with our own grants (Xen 4.17 semantics):
 *  - grant -> local frame, local frame -> grant, grant -> grant, with offsets
 *    and lengths; the bytes outside the range untouched; a grant side named
 *    by DOMID_SELF as well as by number; a v1 entry with GTF_sub_page set is
 *    copied from (the flag means nothing to a v1 copy);
 *  - no GTF_reading/GTF_writing left on the entries afterwards;
 *  - a batch whose bad elements each get their own status (bad_gntref,
 *    bad_copy_arg, permission_denied, bad_domain, bad_page, general_error)
 *    while the good ones around them are done, and the hypercall returns 0;
 *  - which check wins when an op has two faults: as Debian's Xen 4.17.7
 *    does it, both domains are looked up first (bad_domain), then the source
 *    is claimed (a frame side must say DOMID_SELF: permission_denied; its
 *    page must be ours: bad_page; a grant: the pin checks), then the
 *    destination, then the ranges (bad_copy_arg);
 *  - len 0 (Xen 4.17 still checks the rest of the op);
 *  - -EFAULT in the middle of a batch: the elements before it done.
 */
#include <rt/runtime.h>
#include "../gnttab_common/gnttab.h"

const char test_title[] = "gnttab_copy: copies between grants and local frames, batches";

static uint8_t src[2][4096] __aligned(4096);
static uint8_t dst[3][4096] __aligned(4096);
static uint8_t fpage[2][4096] __aligned(4096); /* second page unmapped */

#define RSRC  20 /* grants src[0], read-only */
#define RDST  21 /* grants dst[0] */
#define RSRC1 22 /* grants src[1] */
#define RSUB  23 /* src[1] with GTF_sub_page */

static uint64_t mfn(const void *p)
{
    return virt_to_mfn(p);
}

static void reset(void)
{
    fill(src[0], 11);
    fill(src[1], 12);
    memset(dst, 0, sizeof(dst));
}

static bool zero(const uint8_t *p, unsigned int from, unsigned int to)
{
    for (unsigned int i = from; i < to; i++)
        if (p[i])
            return false;
    return true;
}

static void test_directions(void)
{
    printf("grant -> local frame, with offsets\n");
    reset();
    CHECK_EQ(copy1(GNTCOPY_source_gref, RSRC, self_id, 100, mfn(dst[1]), DOMID_SELF, 200, 300),
             GNTST_okay);
    CHECK(memcmp(dst[1] + 200, src[0] + 100, 300) == 0, "copied bytes differ");
    CHECK(zero(dst[1], 0, 200) && zero(dst[1], 500, 4096), "bytes outside the range written");
    CHECK_EQ(gflags(RSRC), GTF_permit_access | GTF_readonly);

    printf("the grant named by DOMID_SELF\n");
    CHECK_EQ(copy1(GNTCOPY_source_gref, RSRC, DOMID_SELF, 0, mfn(dst[1]), DOMID_SELF, 0, 8),
             GNTST_okay);
    CHECK(memcmp(dst[1], src[0], 8) == 0, "copied bytes differ");

    printf("local frame -> grant, to the end of the page\n");
    reset();
    CHECK_EQ(copy1(GNTCOPY_dest_gref, mfn(src[1]), DOMID_SELF, 0, RDST, self_id, 4000, 96),
             GNTST_okay);
    CHECK(memcmp(dst[0] + 4000, src[1], 96) == 0, "copied bytes differ");
    CHECK(zero(dst[0], 0, 4000), "bytes outside the range written");
    CHECK_EQ(gflags(RDST), GTF_permit_access);

    printf("grant -> grant, a whole page\n");
    reset();
    CHECK_EQ(
        copy1(GNTCOPY_source_gref | GNTCOPY_dest_gref, RSRC, self_id, 0, RDST, self_id, 0, 4096),
        GNTST_okay);
    CHECK(memcmp(dst[0], src[0], 4096) == 0, "copied page differs");
    CHECK_EQ(gflags(RSRC), GTF_permit_access | GTF_readonly);
    CHECK_EQ(gflags(RDST), GTF_permit_access);

    printf("grant -> grant, the same grant as both sides\n");
    CHECK_EQ(
        copy1(GNTCOPY_source_gref | GNTCOPY_dest_gref, RDST, self_id, 0, RDST, self_id, 2048, 1024),
        GNTST_okay);
    CHECK(memcmp(dst[0] + 2048, src[0], 1024) == 0, "copied bytes differ");
    CHECK_EQ(gflags(RDST), GTF_permit_access);

    printf("local frame -> local frame\n");
    reset();
    CHECK_EQ(copy1(0, mfn(src[1]), DOMID_SELF, 1, mfn(dst[2]), DOMID_SELF, 3, 4093), GNTST_okay);
    CHECK(memcmp(dst[2] + 3, src[1] + 1, 4093) == 0, "copied bytes differ");
    CHECK(zero(dst[2], 0, 3), "bytes outside the range written");

    printf("a v1 entry with GTF_sub_page is copied from\n");
    CHECK_EQ(copy1(GNTCOPY_source_gref, RSUB, self_id, 0, mfn(dst[2]), DOMID_SELF, 0, 4096),
             GNTST_okay);
    CHECK(memcmp(dst[2], src[1], 4096) == 0, "copied page differs");
    CHECK_EQ(gflags(RSUB), GTF_permit_access | GTF_sub_page);
}

static void test_batch(void)
{
    struct gnttab_copy c[11];
    uint64_t l1mfn = pt_maddr((uintptr_t)dst[2], 1) >> 12;
    uint64_t xen_l3 = PTE_MFN(pt_mfn_to_virt(read_cr3() >> 12)[256]);
    const uint16_t SG = GNTCOPY_source_gref, DG = GNTCOPY_dest_gref;

    printf("a batch with bad elements among good ones\n");
    reset();
    /* 0: good, grant -> frame */
    c[0] = copy_op(SG, RSRC, self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 16);
    /* 1: a reference past the table */
    c[1] = copy_op(SG, GT_ENTRIES, self_id, 0, mfn(dst[1]), DOMID_SELF, 16, 16);
    /* 2: good, frame -> grant */
    c[2] = copy_op(DG, mfn(src[1]), DOMID_SELF, 0, RDST, self_id, 32, 16);
    /* 3: past the end of the page */
    c[3] = copy_op(SG, RSRC, self_id, 4000, mfn(dst[1]), DOMID_SELF, 48, 97);
    /* 4: a frame side naming our domain by number */
    c[4] = copy_op(SG, RSRC, self_id, 0, mfn(dst[1]), self_id, 64, 16);
    /* 5: good, grant -> grant */
    c[5] = copy_op(SG | DG, RSRC1, self_id, 0, RDST, self_id, 80, 16);
    /* 6: a grant of a domain that does not exist */
    c[6] = copy_op(SG, RSRC, 0x7ef, 0, mfn(dst[1]), DOMID_SELF, 96, 16);
    /* 7: a source frame that is not ours (the hypervisor's L3) */
    c[7] = copy_op(0, xen_l3, DOMID_SELF, 0, mfn(dst[1]), DOMID_SELF, 112, 16);
    /* 8: a destination frame that is a page table of ours */
    c[8] = copy_op(0, mfn(src[0]), DOMID_SELF, 0, l1mfn, DOMID_SELF, 0, 16);
    /* 9: into a read-only grant */
    c[9] = copy_op(DG, mfn(src[1]), DOMID_SELF, 0, RSRC, self_id, 0, 16);
    /* 10: good, frame -> frame */
    c[10] = copy_op(0, mfn(src[1]), DOMID_SELF, 100, mfn(dst[2]), DOMID_SELF, 200, 16);
    uint64_t l1_before = pt_read(l1mfn << 12);

    CHECK_EQ(gnttab_op(GNTTABOP_copy, c, 11), 0);
    CHECK_EQ(c[0].status, GNTST_okay);
    CHECK_EQ(c[1].status, GNTST_bad_gntref);
    CHECK_EQ(c[2].status, GNTST_okay);
    CHECK_EQ(c[3].status, GNTST_bad_copy_arg);
    CHECK_EQ(c[4].status, GNTST_permission_denied);
    CHECK_EQ(c[5].status, GNTST_okay);
    CHECK_EQ(c[6].status, GNTST_bad_domain);
    CHECK_EQ(c[7].status, GNTST_bad_page);
    CHECK_EQ(c[8].status, GNTST_general_error);
    CHECK_EQ(c[9].status, GNTST_general_error);
    CHECK_EQ(c[10].status, GNTST_okay);

    CHECK(memcmp(dst[1], src[0], 16) == 0, "op 0 not done");
    CHECK(zero(dst[1], 16, 4096), "a refused op wrote dst[1]");
    CHECK(memcmp(dst[0] + 32, src[1], 16) == 0, "op 2 not done");
    CHECK(memcmp(dst[0] + 80, src[1], 16) == 0, "op 5 not done");
    CHECK(zero(dst[0], 0, 32) && zero(dst[0], 48, 80) && zero(dst[0], 96, 4096),
          "a refused op wrote dst[0]");
    CHECK(memcmp(dst[2] + 200, src[1] + 100, 16) == 0, "op 10 not done");
    CHECK(is_filled(src[0], 11, 0, 4096), "the read-only grant's frame changed");
    CHECK_EQ(pt_read(l1mfn << 12), l1_before);
    CHECK_EQ(gflags(RSRC), GTF_permit_access | GTF_readonly);
    CHECK_EQ(gflags(RSRC1), GTF_permit_access);
    CHECK_EQ(gflags(RDST), GTF_permit_access);

    printf("more refusals: not granted, granted elsewhere, both sides as frames of others\n");
    grant(30, self_id, mfn(src[0]), 0);
    grant(31, (domid_t)(self_id + 1), mfn(src[0]), GTF_permit_access);
    grant(32, self_id, mfn(src[0]), GTF_accept_transfer);
    CHECK_EQ(copy1(SG, 30, self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 8), GNTST_general_error);
    CHECK_EQ(copy1(SG, 31, self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 8), GNTST_general_error);
    CHECK_EQ(copy1(SG, 32, self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 8), GNTST_general_error);
    CHECK_EQ(copy1(DG, mfn(src[0]), DOMID_SELF, 0, 30, self_id, 0, 8), GNTST_general_error);
    CHECK_EQ(copy1(DG, mfn(src[0]), DOMID_SELF, 0, 0xffffffff, self_id, 0, 8), GNTST_bad_gntref);
    CHECK_EQ(copy1(0, mfn(src[0]), DOMID_SELF, 0, xen_l3, DOMID_SELF, 0, 8), GNTST_bad_page);
    /* A frame side naming a domain that does not exist (DOMID_XEN is not
     * one that can be looked up): the lookup comes first, bad_domain. */
    CHECK_EQ(copy1(0, mfn(src[0]), DOMID_XEN, 0, mfn(dst[1]), DOMID_SELF, 0, 8), GNTST_bad_domain);
    CHECK_EQ(copy1(SG, RSRC, self_id, 0, mfn(dst[1]), 0x7ef, 0, 8), GNTST_bad_domain);
    CHECK_EQ(copy1(0, mfn(src[0]), DOMID_SELF, 0, mfn(dst[1]), DOMID_SELF, 4095, 2),
             GNTST_bad_copy_arg);
    CHECK_EQ(gflags(30), 0);
    CHECK_EQ(gflags(31), GTF_permit_access);
    CHECK_EQ(gflags(32), GTF_accept_transfer);
    CHECK(zero(dst[1], 16, 4096), "a refused op wrote dst[1]");

    printf("two faults in one op: which status wins\n");
    /* Xen 4.17.7 (Debian's +13): both domains are looked up first, then the
     * source is claimed (a frame side must be DOMID_SELF, then its page must
     * be ours; a grant side is pinned), then the destination, then the
     * ranges are checked. */
    CHECK_EQ(copy1(DG, mfn(src[0]), self_id, 0, RDST, 0x7ef, 0, 8), GNTST_bad_domain);
    CHECK_EQ(copy1(SG, GT_ENTRIES, self_id, 0, mfn(dst[1]), self_id, 0, 8), GNTST_bad_gntref);
    CHECK_EQ(copy1(0, xen_l3, DOMID_SELF, 0, mfn(dst[1]), self_id, 0, 8), GNTST_bad_page);
    CHECK_EQ(copy1(DG, mfn(src[0]), self_id, 0, GT_ENTRIES, self_id, 0, 8),
             GNTST_permission_denied);
    CHECK_EQ(copy1(0, mfn(src[0]), self_id, 4000, mfn(dst[1]), DOMID_SELF, 0, 200),
             GNTST_permission_denied);
    /* The source grant pinned for the op is released when the destination
     * is refused. */
    CHECK_EQ(copy1(SG, RDST, self_id, 0, mfn(dst[1]), self_id, 0, 8), GNTST_permission_denied);
    CHECK_EQ(gflags(RDST), GTF_permit_access);
    CHECK_EQ(copy1(SG, 30, self_id, 4000, mfn(dst[1]), DOMID_SELF, 0, 200), GNTST_general_error);
    CHECK_EQ(copy1(SG, RSRC, 0x7ef, 4000, mfn(dst[1]), DOMID_SELF, 0, 200), GNTST_bad_domain);
    /* The source before the destination. */
    CHECK_EQ(copy1(SG | DG, GT_ENTRIES, self_id, 0, 30, self_id, 0, 8), GNTST_bad_gntref);
    CHECK_EQ(copy1(SG | DG, 30, self_id, 0, GT_ENTRIES, self_id, 0, 8), GNTST_general_error);
}

static void test_len0(void)
{
    printf("len 0\n");
    CHECK_EQ(copy1(GNTCOPY_source_gref, RSRC, self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 0),
             GNTST_okay);
    /* Xen 4.17 checks the rest of the op all the same (4.19 stopped). */
    CHECK_EQ(copy1(GNTCOPY_source_gref, GT_ENTRIES, self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 0),
             GNTST_bad_gntref);
    CHECK_EQ(copy1(GNTCOPY_source_gref, 30, self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 0),
             GNTST_general_error);
    CHECK_EQ(copy1(0, mfn(src[0]), self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 0),
             GNTST_permission_denied);
    /* An offset at the end of the page with len 0 is within the page. */
    CHECK_EQ(copy1(0, mfn(src[0]), DOMID_SELF, 4096, mfn(dst[1]), DOMID_SELF, 4096, 0), GNTST_okay);
    CHECK_EQ(copy1(0, mfn(src[0]), DOMID_SELF, 4097, mfn(dst[1]), DOMID_SELF, 0, 0),
             GNTST_bad_copy_arg);
}

static void test_efault(void)
{
    struct gnttab_copy *c = (struct gnttab_copy *)(fpage[1] - sizeof(*c));

    printf("-EFAULT: the second element unreadable\n");
    reset();
    CHECK_EQ(unmap_page(fpage[1]), 0);
    *c = copy_op(GNTCOPY_source_gref, RSRC, self_id, 0, mfn(dst[1]), DOMID_SELF, 0, 64);
    CHECK_EQ(gnttab_op(GNTTABOP_copy, c, 2), -EFAULT);
    CHECK_EQ(c->status, GNTST_okay);
    CHECK(memcmp(dst[1], src[0], 64) == 0, "the first element was not done");
    CHECK_EQ(gflags(RSRC), GTF_permit_access | GTF_readonly);
    CHECK_EQ(gnttab_op(GNTTABOP_copy, fpage[1], 1), -EFAULT);
    CHECK_EQ(remap_page(fpage[1], PROT_RW), 0);
}

void test_main(void)
{
    gt_init();
    grant(RSRC, self_id, mfn(src[0]), GTF_permit_access | GTF_readonly);
    grant(RDST, self_id, mfn(dst[0]), GTF_permit_access);
    grant(RSRC1, self_id, mfn(src[1]), GTF_permit_access);
    grant(RSUB, self_id, mfn(src[1]), GTF_permit_access | GTF_sub_page);
    test_directions();
    test_batch();
    test_len0();
    test_efault();
}
