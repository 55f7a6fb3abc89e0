/* SPDX-License-Identifier: MIT */
/*
 * A domain releases an L1 table that still holds a grant PTE ("implicit
 * unmap" by table teardown).  What Debian's Xen 4.17 (a release build)
 * does, and what this guest checks:
 *  - a page pinned as an L1 table (MMUEXT_PIN_L1_TABLE, hooked in nowhere)
 *    takes a grant mapping through GNTMAP_contains_pte;
 *  - MMUEXT_UNPIN_TABLE drops its last type reference: accepted, no
 *    exception delivered, the domain runs on;
 *  - the page is an ordinary page again (mappable writable) and still holds
 *    the entry as the hypervisor wrote it;
 *  - the grant stays pinned (GTF_reading|GTF_writing, access cannot end),
 *    unmap_grant_ref of that PTE address is general_error (it is no longer
 *    an L1 table);
 *  - the same with an L1 hooked into an L2 slot and unhooked again.
 * (A debug Xen would in addition inject #GP: see put_page_from_l1e() in
 * xen/arch/x86/mm.c.)
 */
#include <rt/runtime.h>
#include "../gnttab_common/gnttab.h"

const char test_title[] = "gnttab_l1_unpin: an L1 table holding a grant PTE released";

static uint64_t data[2][512] __aligned(4096);
static uint64_t l1[2][512] __aligned(4096); /* pages made L1 tables */

#define R 70

static void test_unpin(void)
{
    struct gnttab_map_grant_ref m;
    uint64_t l1mfn = virt_to_mfn(l1[0]), e;
    const grant_ref_t ref = R;
    uint64_t exc = last_exc.count;

    printf("a pinned L1 takes a grant PTE through GNTMAP_contains_pte\n");
    memset(l1[0], 0, 4096);
    CHECK_EQ(remap_page(l1[0], PROT_RO), 0);
    if (!CHECK_EQ(pt_ext1(MMUEXT_PIN_L1_TABLE, l1mfn), 0))
        return;
    grant(ref, self_id, virt_to_mfn(data[0]), GTF_permit_access);
    if (!CHECK_EQ(
            map1(&m, ref, self_id, (l1mfn << 12) + 8 * 5, GNTMAP_host_map | GNTMAP_contains_pte),
            GNTST_okay))
        return;
    e = q(l1[0])[5];
    CHECK_EQ(PTE_CMP(e), (virt_to_mfn(data[0]) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);

    printf("unpinning it\n");
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, l1mfn), 0);
    CHECK_EQ(last_exc.count, exc);
    /* An ordinary page again, the entry still in it. */
    CHECK_EQ(remap_page(l1[0], PROT_RW), 0);
    CHECK_EQ(q(l1[0])[5], e);

    printf("  the grant stays pinned\n");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK(!end_access(ref), "ended access to a grant still pinned");
    CHECK_EQ(unmap1((l1mfn << 12) + 8 * 5, 0, m.handle), GNTST_general_error);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(last_exc.count, exc);
    memset(l1[0], 0, 4096);
}

static void test_unhook(void)
{
    const uint64_t va = 0x3fe00000; /* last 2 MiB of the first GiB */
    struct gnttab_map_grant_ref m;
    uint64_t l1mfn = virt_to_mfn(l1[1]), l2ma = pt_maddr(va, 2), v;
    const grant_ref_t ref = R + 1;
    uint64_t exc;

    printf("an L1 hooked into an L2 slot takes a grant PTE by VA\n");
    if (pt_read(l2ma) != 0) {
        test_skip("L2 slot for %#lx in use", va);
        return;
    }
    memset(l1[1], 0, 4096);
    CHECK_EQ(remap_page(l1[1], PROT_RO), 0);
    if (!CHECK_EQ(pt_mmu1(l2ma, (l1mfn << 12) | PROT_RW | _PAGE_USER, DOMID_SELF), 0))
        return;
    fill(data[1], 9);
    grant(ref, self_id, virt_to_mfn(data[1]), GTF_permit_access | GTF_readonly);
    if (!CHECK_EQ(map1(&m, ref, self_id, va + 0x3000, GNTMAP_host_map | GNTMAP_readonly),
                  GNTST_okay))
        return;
    CHECK(is_filled((void *)(va + 0x3000), 9, 0, 4096), "the mapping does not show the frame");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly | GTF_reading);

    printf("unhooking it\n");
    exc = last_exc.count;
    CHECK_EQ(pt_mmu1(l2ma, 0, DOMID_SELF), 0);
    CHECK_EQ(last_exc.count, exc);
    CHECK_EQ(hypercall_mmuext_op(&(struct mmuext_op){.cmd = MMUEXT_TLB_FLUSH_LOCAL}, 1, NULL,
                                 DOMID_SELF),
             0);
    CHECK_EQ(pt_probe_read((void *)(va + 0x3000), &v), PF_READ_NP);
    exc = last_exc.count;
    CHECK_EQ(remap_page(l1[1], PROT_RW), 0);
    CHECK_EQ(PTE_CMP(q(l1[1])[3]), virt_to_mfn(data[1]) << 12 | _PAGE_PRESENT);

    printf("  the grant stays pinned\n");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK(!end_access(ref), "ended access to a grant still pinned");
    CHECK_EQ(unmap1(va + 0x3000, 0, m.handle), GNTST_general_error);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(last_exc.count, exc);
    memset(l1[1], 0, 4096);
}

void test_main(void)
{
    gt_init();
    test_unpin();
    test_unhook();
    printf("the domain still runs\n");
}
