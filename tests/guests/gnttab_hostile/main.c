/* SPDX-License-Identifier: MIT */
/*
 * Grant tables v1, hostile and mistaken requests against our own grants,
 * each refused with Xen 4.17's status and nothing changed (the entry's
 * flags, the op's handle/dev_bus_addr, the PTE, the data), and a legitimate
 * request working afterwards:
 *  - map: no host/device flag, dom DOMID_SELF or a domain that does not
 *    exist, a reference past the table, an entry not granted (flags 0, an
 *    accept-transfer entry, GTF_sub_page), granted to another domid, a
 *    GTF_readonly grant mapped writable, a frame that is not ours, a
 *    page-table frame of ours mapped writable (read-only is fine);
 *  - host_addr without an L1 (an empty L2 slot, the hypervisor's range);
 *    GNTMAP_contains_pte misaligned, at a data page, at an L2 entry;
 *  - host_addr over a present mapping of ours: Xen replaces it (and unmap
 *    leaves the VA empty);
 *  - unmap: a handle never used, an already unmapped handle, host_addr that
 *    does not map the grant (another grant's VA, an ordinary page), a
 *    dev_bus_addr for a host-only mapping;
 *  - copy into a read-only grant;
 *  - the granter ends access (flags 0): no new map or copy; ending access
 *    while mapped fails (GTF_reading/GTF_writing), and a granter that clears
 *    the flags anyway does not revoke the mapping (nor further maps by the
 *    same domain, which Xen does not re-check while the grant is pinned).
 */
#include <rt/runtime.h>
#include "../gnttab_common/gnttab.h"

const char test_title[] = "gnttab_hostile: refused grant requests leave no state changed";

static uint64_t data[3][512] __aligned(4096);
static uint8_t win[3][4096] __aligned(4096);

#define R 50 /* the references used here start at R */

static uint64_t mfn_of(int i)
{
    return virt_to_mfn(data[i]);
}
static void clear_win(int i)
{
    CHECK_EQ(unmap_page(win[i]), 0);
}
static void restore_win(int i)
{
    CHECK_EQ(remap_page(win[i], PROT_RW), 0);
}

/* A map that must be refused with `want`: the op's outputs untouched, the
 * entry's flags as they were, the VA (if any) still unmapped. */
static void refused_map(int line, grant_ref_t ref, domid_t dom, uint64_t host_addr, uint32_t flags,
                        int16_t want, const void *va)
{
    struct gnttab_map_grant_ref m;
    uint16_t before = ref < GT_ENTRIES ? gflags(ref) : 0;
    uint64_t pte_before = va ? pt_l1e(va) : 0;
    int16_t st = map1(&m, ref, dom, host_addr, flags);

    if (st != want)
        check_failed(__FILE__, line, "map status", " got %d, expected %d", st, want);
    else
        test_checks_passed++;
    if (m.handle != 0xdeadbeef || m.dev_bus_addr != 0x5a5a5a5a5a5a5a5a)
        check_failed(__FILE__, line, "refused map outputs", " handle %#x dev_bus_addr %#lx",
                     m.handle, m.dev_bus_addr);
    if (ref < GT_ENTRIES && gflags(ref) != before)
        check_failed(__FILE__, line, "flags unchanged", " %#x -> %#x", before, gflags(ref));
    if (va && pt_l1e(va) != pte_before)
        check_failed(__FILE__, line, "PTE unchanged", " %#lx -> %#lx", pte_before, pt_l1e(va));
    if (st == GNTST_okay) /* do not leak a mapping we did not expect */
        unmap1(host_addr, flags & GNTMAP_device_map ? m.dev_bus_addr : 0, m.handle);
}
#define REFUSED(ref, dom, addr, flags, want, va)                                                   \
    refused_map(__LINE__, (ref), (dom), (addr), (flags), (want), (va))

/* The legitimate map afterwards. */
static void map_works(grant_ref_t ref, int w, int d)
{
    struct gnttab_map_grant_ref m;

    if (!CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[w], GNTMAP_host_map), GNTST_okay))
        return;
    CHECK_EQ(q(win[w])[0], q(data[d])[0]);
    CHECK_EQ(unmap1((uintptr_t)win[w], 0, m.handle), GNTST_okay);
    CHECK_EQ(pt_l1e(win[w]), 0);
}

static void test_map_refusals(void)
{
    const uint64_t va = (uintptr_t)win[0];
    uint64_t xen_l3 = PTE_MFN(pt_mfn_to_virt(read_cr3() >> 12)[256]);
    uint64_t l1mfn = pt_maddr(va, 1) >> 12;

    printf("map refusals\n");
    clear_win(0);
    grant(R, self_id, mfn_of(0), GTF_permit_access);
    REFUSED(R, self_id, va, 0, GNTST_bad_gntref, win[0]);
    REFUSED(R, self_id, va, GNTMAP_readonly | GNTMAP_contains_pte, GNTST_bad_gntref, win[0]);
    REFUSED(R, DOMID_SELF, va, GNTMAP_host_map, GNTST_bad_domain, win[0]);
    REFUSED(R, 0x7ef, va, GNTMAP_host_map, GNTST_bad_domain, win[0]);
    REFUSED(R, DOMID_XEN, va, GNTMAP_host_map, GNTST_bad_domain, win[0]);
    REFUSED(GT_ENTRIES, self_id, va, GNTMAP_host_map, GNTST_bad_gntref, win[0]);
    REFUSED(0xffffffff, self_id, va, GNTMAP_host_map, GNTST_bad_gntref, win[0]);
    REFUSED(GT_ENTRIES, self_id, 0, GNTMAP_device_map, GNTST_bad_gntref, NULL);

    printf("  entries that do not grant us the frame\n");
    grant(R + 1, self_id, mfn_of(0), 0);
    REFUSED(R + 1, self_id, va, GNTMAP_host_map, GNTST_general_error, win[0]);
    REFUSED(R + 1, self_id, va, GNTMAP_host_map | GNTMAP_readonly, GNTST_general_error, win[0]);
    REFUSED(R + 1, self_id, 0, GNTMAP_device_map, GNTST_general_error, NULL);
    grant(R + 2, self_id, mfn_of(0), GTF_accept_transfer);
    REFUSED(R + 2, self_id, va, GNTMAP_host_map, GNTST_general_error, win[0]);
    grant(R + 3, self_id, mfn_of(0), GTF_permit_access | GTF_sub_page);
    REFUSED(R + 3, self_id, va, GNTMAP_host_map | GNTMAP_readonly, GNTST_general_error, win[0]);
    grant(R + 4, (domid_t)(self_id + 1), mfn_of(0), GTF_permit_access);
    REFUSED(R + 4, self_id, va, GNTMAP_host_map, GNTST_general_error, win[0]);
    grant(R + 5, DOMID_SELF, mfn_of(0), GTF_permit_access);
    REFUSED(R + 5, self_id, va, GNTMAP_host_map, GNTST_general_error, win[0]);
    /* Ungranted entry gets no GTF_reading from a refused map. */
    CHECK_EQ(gflags(R + 1), 0);

    printf("  a GTF_readonly grant mapped writable\n");
    grant(R + 6, self_id, mfn_of(0), GTF_permit_access | GTF_readonly);
    REFUSED(R + 6, self_id, va, GNTMAP_host_map, GNTST_general_error, win[0]);
    REFUSED(R + 6, self_id, 0, GNTMAP_device_map, GNTST_general_error, NULL);
    CHECK_EQ(gflags(R + 6), GTF_permit_access | GTF_readonly);

    printf("  frames that are not ours: bad_page\n");
    grant(R + 7, self_id, xen_l3, GTF_permit_access);
    REFUSED(R + 7, self_id, va, GNTMAP_host_map | GNTMAP_readonly, GNTST_bad_page, win[0]);
    grant(R + 7, self_id, 0xfffff00, GTF_permit_access); /* beyond RAM */
    REFUSED(R + 7, self_id, va, GNTMAP_host_map | GNTMAP_readonly, GNTST_bad_page, win[0]);
    CHECK_EQ(gflags(R + 7), GTF_permit_access);

    printf("  a page table of ours: not writable, read-only is fine\n");
    grant(R + 8, self_id, l1mfn, GTF_permit_access);
    REFUSED(R + 8, self_id, va, GNTMAP_host_map, GNTST_general_error, win[0]);
    REFUSED(R + 8, self_id, 0, GNTMAP_device_map, GNTST_general_error, NULL);
    struct gnttab_map_grant_ref m;
    if (CHECK_EQ(map1(&m, R + 8, self_id, va, GNTMAP_host_map | GNTMAP_readonly), GNTST_okay)) {
        /* The L1 seen through the grant shows its own entry for va. */
        CHECK_EQ(PTE_MFN(q(win[0])[pt_idx(va, 1)]), l1mfn);
        CHECK_EQ(PTE_CMP(q(win[0])[pt_idx(va, 1)]), (l1mfn << 12) | _PAGE_PRESENT);
        /* (No write probe: a write to a read-only mapping of an L1 table
         * is writable-page-table emulation, not a fault.) */
        CHECK_EQ(unmap1(va, 0, m.handle), GNTST_okay);
    }
    CHECK_EQ(gflags(R + 8), GTF_permit_access);

    map_works(R, 0, 0);
    CHECK_EQ(gflags(R), GTF_permit_access);
    restore_win(0);
}

static void test_addr_refusals(void)
{
    const uint64_t empty_va = 0x3fe00000; /* last 2 MiB of the first GiB */
    const uint64_t va = (uintptr_t)win[1];
    uint64_t pma;

    printf("host_addr without an L1 table\n");
    grant(R + 10, self_id, mfn_of(1), GTF_permit_access);
    if (pt_maddr(empty_va, 1) != 0) {
        test_skip("the L2 slot of %#lx is in use", empty_va);
    } else {
        REFUSED(R + 10, self_id, empty_va, GNTMAP_host_map, GNTST_general_error, NULL);
        CHECK_EQ(pt_maddr(empty_va, 1), 0);
    }
    REFUSED(R + 10, self_id, 0x00007ff000000000ull, GNTMAP_host_map, GNTST_general_error, NULL);
    REFUSED(R + 10, self_id, HYPERVISOR_VIRT_START, GNTMAP_host_map, GNTST_general_error, NULL);
    REFUSED(R + 10, self_id, HYPERVISOR_VIRT_START + 0x1000000, GNTMAP_host_map | GNTMAP_readonly,
            GNTST_general_error, NULL);

    printf("GNTMAP_contains_pte at the wrong places\n");
    clear_win(1);
    pma = pt_maddr(va, 1);
    REFUSED(R + 10, self_id, pma + 4, GNTMAP_host_map | GNTMAP_contains_pte, GNTST_general_error,
            win[1]);
    REFUSED(R + 10, self_id, pma + 1, GNTMAP_host_map | GNTMAP_contains_pte, GNTST_general_error,
            win[1]);
    /* A data page of ours, not a page table. */
    uint64_t data2_before = q(data[2])[3];
    REFUSED(R + 10, self_id, (mfn_of(2) << 12) + 24, GNTMAP_host_map | GNTMAP_contains_pte,
            GNTST_general_error, win[1]);
    CHECK_EQ(q(data[2])[3], data2_before);
    /* An L2 entry. */
    uint64_t l2ma = pt_maddr(va, 2), l2e = pt_read(l2ma);
    REFUSED(R + 10, self_id, l2ma, GNTMAP_host_map | GNTMAP_contains_pte, GNTST_general_error,
            win[1]);
    CHECK_EQ(pt_read(l2ma), l2e);
    /* A page that is not ours (the hypervisor's L3). */
    uint64_t xen_l3 = PTE_MFN(pt_mfn_to_virt(read_cr3() >> 12)[256]);
    REFUSED(R + 10, self_id, xen_l3 << 12, GNTMAP_host_map | GNTMAP_contains_pte,
            GNTST_general_error, win[1]);
    CHECK_EQ(gflags(R + 10), GTF_permit_access);
    map_works(R + 10, 1, 1);
    restore_win(1);
}

static void test_map_over_present(void)
{
    struct gnttab_map_grant_ref m;
    uint64_t v;

    printf("host_addr over a present mapping of ours: replaced\n");
    fill(data[2], 21);
    fill(win[2], 22);
    grant(R + 12, self_id, mfn_of(2), GTF_permit_access);
    CHECK_EQ(PTE_CMP(pt_l1e(win[2])), (virt_to_mfn(win[2]) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(map1(&m, R + 12, self_id, (uintptr_t)win[2], GNTMAP_host_map), GNTST_okay);
    CHECK_EQ(PTE_CMP(pt_l1e(win[2])), (mfn_of(2) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(pt_invlpg(win[2]), 0);
    CHECK(is_filled(win[2], 21, 0, 4096), "the VA does not show the granted frame");
    CHECK_EQ(unmap1((uintptr_t)win[2], 0, m.handle), GNTST_okay);
    /* The old mapping is not put back. */
    CHECK_EQ(pt_l1e(win[2]), 0);
    CHECK_EQ(pt_probe_read(win[2], &v), PF_READ_NP);
    CHECK_EQ(gflags(R + 12), GTF_permit_access);
    restore_win(2);
    CHECK(is_filled(win[2], 22, 0, 4096), "our own page changed");
}

static void test_unmap_refusals(void)
{
    struct gnttab_map_grant_ref a, b;

    printf("unmap refusals\n");
    grant(R + 20, self_id, mfn_of(0), GTF_permit_access);
    grant(R + 21, self_id, mfn_of(1), GTF_permit_access);
    clear_win(0);
    clear_win(1);
    CHECK_EQ(map1(&a, R + 20, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay);
    CHECK_EQ(map1(&b, R + 21, self_id, (uintptr_t)win[1], GNTMAP_host_map | GNTMAP_readonly),
             GNTST_okay);
    uint64_t pa = pt_l1e(win[0]), pb = pt_l1e(win[1]);

    /* Handles never handed out. */
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, 0x7fffffff), GNTST_bad_handle);
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, 0xffffffff), GNTST_bad_handle);
    for (grant_handle_t h = 0; h < 8; h++)
        if (h != a.handle && h != b.handle)
            CHECK_EQ(unmap1((uintptr_t)win[0], 0, h), GNTST_bad_handle);
    /* Another mapping's address (another frame): general_error. */
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, a.handle), GNTST_general_error);
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, b.handle), GNTST_general_error);
    /* An ordinary page of ours. */
    CHECK_EQ(unmap1((uintptr_t)win[2], 0, a.handle), GNTST_general_error);
    /* No L1 at all. */
    CHECK_EQ(unmap1(0x3fe00000, 0, a.handle), GNTST_general_error);
    /* A dev_bus_addr for a host-only mapping: nothing to do, okay. */
    CHECK_EQ(unmap1(0, 0x1000, a.handle), GNTST_okay);
    CHECK_EQ(pt_l1e(win[0]), pa);
    CHECK_EQ(pt_l1e(win[1]), pb);
    CHECK_EQ(gflags(R + 20), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gflags(R + 21), GTF_permit_access | GTF_reading);
    CHECK_EQ(q(win[0])[0], q(data[0])[0]);

    CHECK_EQ(unmap1((uintptr_t)win[0], 0, a.handle), GNTST_okay);
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, b.handle), GNTST_okay);
    /* Already unmapped. */
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, a.handle), GNTST_bad_handle);
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, b.handle), GNTST_bad_handle);
    CHECK_EQ(gflags(R + 20), GTF_permit_access);
    CHECK_EQ(gflags(R + 21), GTF_permit_access);
    restore_win(0);
    restore_win(1);
}

static void test_copy_readonly(void)
{
    printf("copy into a read-only grant\n");
    fill(data[1], 31);
    fill(data[2], 32);
    grant(R + 30, self_id, mfn_of(1), GTF_permit_access | GTF_readonly);
    CHECK_EQ(copy1(GNTCOPY_dest_gref, mfn_of(2), DOMID_SELF, 0, R + 30, self_id, 0, 64),
             GNTST_general_error);
    CHECK_EQ(copy1(GNTCOPY_source_gref | GNTCOPY_dest_gref, R + 30, self_id, 0, R + 30, self_id,
                   128, 64),
             GNTST_general_error);
    CHECK(is_filled(data[1], 31, 0, 4096), "the read-only grant's frame changed");
    CHECK_EQ(gflags(R + 30), GTF_permit_access | GTF_readonly);
    /* Reading from it is fine. */
    CHECK_EQ(copy1(GNTCOPY_source_gref, R + 30, self_id, 0, mfn_of(2), DOMID_SELF, 0, 64),
             GNTST_okay);
    CHECK(memcmp(data[2], data[1], 64) == 0, "copy from a read-only grant");

    printf("copy into a grant that is mapped read-only\n");
    struct gnttab_map_grant_ref m;
    grant(R + 31, self_id, mfn_of(1), GTF_permit_access | GTF_readonly);
    clear_win(0);
    if (CHECK_EQ(map1(&m, R + 31, self_id, (uintptr_t)win[0], GNTMAP_host_map | GNTMAP_readonly),
                 GNTST_okay)) {
        CHECK_EQ(copy1(GNTCOPY_dest_gref, mfn_of(2), DOMID_SELF, 0, R + 31, self_id, 0, 64),
                 GNTST_general_error);
        CHECK_EQ(gflags(R + 31), GTF_permit_access | GTF_readonly | GTF_reading);
        CHECK_EQ(unmap1((uintptr_t)win[0], 0, m.handle), GNTST_okay);
    }
    CHECK_EQ(gflags(R + 31), GTF_permit_access | GTF_readonly);
    CHECK(is_filled(data[1], 31, 0, 4096), "the read-only grant's frame changed");
    restore_win(0);
}

static void test_end_access(void)
{
    struct gnttab_map_grant_ref a, b;
    const grant_ref_t ref = R + 40;

    printf("the granter ends access: no new map or copy\n");
    fill(data[0], 41);
    grant(ref, self_id, mfn_of(0), GTF_permit_access);
    CHECK_EQ(copy1(GNTCOPY_source_gref, ref, self_id, 0, mfn_of(2), DOMID_SELF, 0, 8), GNTST_okay);
    CHECK(end_access(ref), "could not end access to an idle grant");
    CHECK_EQ(gflags(ref), 0);
    clear_win(0);
    REFUSED(ref, self_id, (uintptr_t)win[0], GNTMAP_host_map, GNTST_general_error, win[0]);
    REFUSED(ref, self_id, (uintptr_t)win[0], GNTMAP_host_map | GNTMAP_readonly, GNTST_general_error,
            win[0]);
    REFUSED(ref, self_id, 0, GNTMAP_device_map, GNTST_general_error, NULL);
    CHECK_EQ(copy1(GNTCOPY_source_gref, ref, self_id, 0, mfn_of(2), DOMID_SELF, 0, 8),
             GNTST_general_error);
    CHECK_EQ(copy1(GNTCOPY_dest_gref, mfn_of(2), DOMID_SELF, 0, ref, self_id, 0, 8),
             GNTST_general_error);
    CHECK_EQ(gflags(ref), 0);
    CHECK(is_filled(data[0], 41, 0, 4096), "the frame changed");

    printf("ending access while mapped fails; clearing the flags anyway revokes nothing\n");
    grant(ref, self_id, mfn_of(0), GTF_permit_access);
    if (!CHECK_EQ(map1(&a, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay)) {
        restore_win(0);
        return;
    }
    CHECK(!end_access(ref), "ended access to a mapped grant");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    /* A misbehaving granter clears the flags with a plain store. */
    gt_shared[ref].flags = 0;
    barrier();
    q(win[0])[4] = 0x4444;
    CHECK_EQ(q(data[0])[4], 0x4444);
    /* While the grant is pinned Xen does not read the entry again for the
     * same domain: a second mapping works, read-only or writable. */
    clear_win(1);
    CHECK_EQ(map1(&b, ref, self_id, (uintptr_t)win[1], GNTMAP_host_map | GNTMAP_readonly),
             GNTST_okay);
    CHECK_EQ(gflags(ref), 0);
    CHECK_EQ(q(win[1])[4], 0x4444);
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, b.handle), GNTST_okay);
    CHECK_EQ(map1(&b, ref, self_id, (uintptr_t)win[1], GNTMAP_host_map), GNTST_okay);
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, b.handle), GNTST_okay);
    /* A copy of the pinned grant works too. */
    CHECK_EQ(copy1(GNTCOPY_source_gref, ref, self_id, 32, mfn_of(2), DOMID_SELF, 0, 8), GNTST_okay);
    CHECK_EQ(q(data[2])[0], 0x4444);
    CHECK_EQ(gflags(ref), 0);
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, a.handle), GNTST_okay);
    CHECK_EQ(pt_l1e(win[0]), 0);
    CHECK_EQ(gflags(ref), 0);
    /* Unpinned now, the cleared entry is read again: refused. */
    REFUSED(ref, self_id, (uintptr_t)win[0], GNTMAP_host_map, GNTST_general_error, win[0]);

    printf("a read-only pin, the flags cleared, then a writable map: only GTF_readonly counts\n");
    grant(ref, self_id, mfn_of(0), GTF_permit_access);
    CHECK_EQ(map1(&a, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map | GNTMAP_readonly),
             GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading);
    gt_shared[ref].flags = GTF_readonly;
    barrier();
    REFUSED(ref, self_id, (uintptr_t)win[1], GNTMAP_host_map, GNTST_general_error, win[1]);
    gt_shared[ref].flags = 0;
    barrier();
    CHECK_EQ(map1(&b, ref, self_id, (uintptr_t)win[1], GNTMAP_host_map), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_reading | GTF_writing);
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, b.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_reading);
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, a.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), 0);
    restore_win(0);
    restore_win(1);
}

void test_main(void)
{
    gt_init();
    test_map_refusals();
    test_addr_refusals();
    test_map_over_present();
    test_unmap_refusals();
    test_copy_readonly();
    test_end_access();
}
