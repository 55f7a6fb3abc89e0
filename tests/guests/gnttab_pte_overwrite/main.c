/* SPDX-License-Identifier: MIT */
/*
 * A domain overwrites its own live grant PTEs with ordinary page-table
 * updates ("implicit unmap").  What Debian's Xen 4.17 (a release build,
 * debug=n) does, and what this guest checks:
 *  - an L1 entry written by mmu_update may carry PTE bit 62 (the bit a debug
 *    Xen uses as _PAGE_GNTTAB; a release build defines it as 0), and maps
 *    normally;
 *  - map_grant_ref at an address that holds another grant mapping: the new
 *    grant PTE replaces the old one, whose grant stays pinned with an
 *    unmappable handle;
 *  - mmu_update of the L1 entry holding a grant mapping (to 0): accepted,
 *    no exception delivered, the domain runs on; the grant stays pinned:
 *    GTF_reading|GTF_writing stay set, the granter cannot end access,
 *    unmap_grant_ref at that address is general_error (the PTE no longer
 *    maps the frame), naming neither part is okay and changes nothing, and
 *    the handle stays in use;
 *  - the same with update_va_mapping replacing a read-only grant mapping by
 *    an ordinary page;
 *  - a new mapping of the same grant at the same address works and unmaps;
 *    the stale handle still cannot be unmapped.
 * (A debug Xen would in addition inject #GP for each implicit unmap: see
 * put_page_from_l1e() in xen/arch/x86/mm.c, _PAGE_GNTTAB in
 * asm/x86_64/page.h and its NDEBUG #undef in asm/page.h.)
 */
#include <rt/runtime.h>
#include "../gnttab_common/gnttab.h"

const char test_title[] =
    "gnttab_pte_overwrite: grant PTEs overwritten by mmu_update / update_va_mapping";

static uint64_t data[2][512] __aligned(4096);
static uint8_t win[3][4096] __aligned(4096);

#define R 60

static void test_bit62(void)
{
    uint64_t pma = pt_maddr((uintptr_t)win[2], 1);
    uint64_t mfn = virt_to_mfn(data[1]);

    printf("an ordinary L1 entry with bit 62 set\n");
    q(data[1])[7] = 0x6262;
    if (CHECK_EQ(pt_mmu1(pma, (mfn << 12) | PROT_RW | (UINT64_C(1) << 62), DOMID_SELF), 0)) {
        CHECK_EQ(pt_read(pma) & (PADDR_MASK | (UINT64_C(1) << 62)),
                 (mfn << 12) | (UINT64_C(1) << 62));
        CHECK_EQ(pt_invlpg(win[2]), 0);
        CHECK_EQ(q(win[2])[7], 0x6262);
        CHECK_EQ(pt_mmu1(pma, 0, DOMID_SELF), 0);
    }
    CHECK_EQ(remap_page(win[2], PROT_RW), 0);
}

static void test_map_over_grant(void)
{
    struct gnttab_map_grant_ref a, b;
    const grant_ref_t ra = R + 2, rb = R + 3;
    uint64_t exc = last_exc.count;

    printf("a grant mapped over another grant's PTE\n");
    fill(data[0], 3);
    fill(data[1], 4);
    grant(ra, self_id, virt_to_mfn(data[0]), GTF_permit_access);
    grant(rb, self_id, virt_to_mfn(data[1]), GTF_permit_access);
    CHECK_EQ(unmap_page(win[2]), 0);
    if (!CHECK_EQ(map1(&a, ra, self_id, (uintptr_t)win[2], GNTMAP_host_map), GNTST_okay))
        return;
    CHECK(is_filled(win[2], 3, 0, 4096), "the mapping does not show the frame");
    /* Xen writes the new grant PTE over the old one (dropping it as any
     * overwritten entry). */
    if (!CHECK_EQ(map1(&b, rb, self_id, (uintptr_t)win[2], GNTMAP_host_map | GNTMAP_readonly),
                  GNTST_okay)) {
        CHECK_EQ(unmap1((uintptr_t)win[2], 0, a.handle), GNTST_okay);
        CHECK_EQ(remap_page(win[2], PROT_RW), 0);
        return;
    }
    CHECK_EQ(last_exc.count, exc);
    CHECK_EQ(PTE_CMP(pt_l1e(win[2])), (virt_to_mfn(data[1]) << 12) | _PAGE_PRESENT);
    CHECK_EQ(pt_invlpg(win[2]), 0);
    CHECK(is_filled(win[2], 4, 0, 4096), "the mapping does not show the second frame");
    CHECK_EQ(gflags(ra), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gflags(rb), GTF_permit_access | GTF_reading);
    /* The first mapping is stale: its PTE is gone. */
    CHECK_EQ(unmap1((uintptr_t)win[2], 0, a.handle), GNTST_general_error);
    CHECK_EQ(unmap1((uintptr_t)win[2], 0, b.handle), GNTST_okay);
    CHECK_EQ(pt_l1e(win[2]), 0);
    CHECK_EQ(gflags(rb), GTF_permit_access);
    CHECK_EQ(gflags(ra), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK(!end_access(ra), "ended access to a grant still pinned");
    CHECK_EQ(remap_page(win[2], PROT_RW), 0);
}

static void test_mmu_update(void)
{
    struct gnttab_map_grant_ref m, m2;
    uint64_t pma = pt_maddr((uintptr_t)win[0], 1), v;
    const grant_ref_t ref = R;
    uint64_t exc = last_exc.count;

    printf("mmu_update overwrites a writable grant PTE\n");
    fill(data[0], 5);
    grant(ref, self_id, virt_to_mfn(data[0]), GTF_permit_access);
    CHECK_EQ(unmap_page(win[0]), 0);
    if (!CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay))
        return;
    CHECK_EQ(PTE_CMP(pt_read(pma)), (virt_to_mfn(data[0]) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK(is_filled(win[0], 5, 0, 4096), "the mapping does not show the frame");

    CHECK_EQ(pt_mmu1(pma, 0, DOMID_SELF), 0);
    CHECK_EQ(last_exc.count, exc); /* no #GP or anything else delivered */
    CHECK_EQ(pt_read(pma), 0);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(pt_probe_read(win[0], &v), PF_READ_NP);
    exc = last_exc.count;

    printf("  the grant stays pinned\n");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK(!end_access(ref), "ended access to a grant still pinned");
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, m.handle), GNTST_general_error);
    CHECK_EQ(unmap1(0, 0, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);

    printf("  the same grant mapped again at the same address\n");
    CHECK_EQ(map1(&m2, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay);
    CHECK(m2.handle != m.handle, "the stale handle %#x was handed out again", m.handle);
    CHECK(is_filled(win[0], 5, 0, 4096), "the mapping does not show the frame");
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, m2.handle), GNTST_okay);
    CHECK_EQ(pt_read(pma), 0);
    /* The stale mapping still holds the pin. */
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, m.handle), GNTST_general_error);
    CHECK_EQ(last_exc.count, exc);
    CHECK_EQ(remap_page(win[0], PROT_RW), 0);
}

static void test_update_va_mapping(void)
{
    struct gnttab_map_grant_ref m;
    const grant_ref_t ref = R + 1;
    uint64_t exc = last_exc.count;

    printf("update_va_mapping replaces a read-only grant PTE by our own page\n");
    fill(data[1], 6);
    fill(win[1], 7);
    grant(ref, self_id, virt_to_mfn(data[1]), GTF_permit_access | GTF_readonly);
    CHECK_EQ(unmap_page(win[1]), 0);
    if (!CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[1], GNTMAP_host_map | GNTMAP_readonly),
                  GNTST_okay))
        return;
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK(is_filled(win[1], 6, 0, 4096), "the mapping does not show the frame");

    CHECK_EQ(remap_page(win[1], PROT_RW), 0);
    CHECK_EQ(last_exc.count, exc);
    CHECK(is_filled(win[1], 7, 0, 4096), "our own page is not back");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK(!end_access(ref), "ended access to a grant still pinned");
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, m.handle), GNTST_general_error);
    CHECK_EQ(PTE_CMP(pt_l1e(win[1])), (virt_to_mfn(win[1]) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK(is_filled(win[1], 7, 0, 4096), "our own page changed");
    CHECK(is_filled(data[1], 6, 0, 4096), "the granted frame changed");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly | GTF_reading);
}

void test_main(void)
{
    gt_init();
    test_bit62();
    test_map_over_grant();
    test_mmu_update();
    test_update_va_mapping();
    printf("the domain still runs\n");
}
