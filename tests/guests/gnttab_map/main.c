/* SPDX-License-Identifier: MIT */
/*
 * Grant tables v1, map_grant_ref / unmap_grant_ref of our own grants (Xen
 * 4.17 semantics, one domain granting to itself):
 *  - GNTMAP_host_map at a virtual address: the PTE Xen writes (frame,
 *    present, writable, NX, GNTMAP_guest_avail bits in the PTE's available
 *    bits), handle and dev_bus_addr, data both ways, GTF_reading|GTF_writing
 *    while mapped and cleared after; unmap leaves the VA unmapped with no
 *    TLB flush of ours; the handle is then stale;
 *  - GNTMAP_readonly: PTE without RW, a write faults (#PF, present|write)
 *    and changes nothing, only GTF_reading set; a GTF_readonly grant mapped
 *    read-only;
 *  - two mappings of one grant: GTF_writing goes with the last writer,
 *    GTF_reading with the last mapping;
 *  - GNTMAP_contains_pte (host_addr = machine address of the L1 entry),
 *    writable and read-only;
 *  - GNTMAP_device_map, and device+host together unmapped in two steps;
 *    unmap naming neither part does nothing;
 *  - batches of maps and unmaps with a bad element in the middle;
 *  - unmap_and_replace: new_addr's PTE moved into host_addr's place (no
 *    flush of ours needed), new_addr 0 as a plain unmap, refused for a
 *    GNTMAP_contains_pte mapping.
 */
#include <rt/runtime.h>
#include "../gnttab_common/gnttab.h"

const char test_title[] = "gnttab_map: map_grant_ref / unmap_grant_ref of our own grants";

static uint64_t data[4][512] __aligned(4096); /* granted frames */
static uint8_t win[4][4096] __aligned(4096);  /* VAs the grants are mapped at */

#define REF0 10

/* Unmap one of our windows so that a grant can go there (as Linux maps
 * grants over ballooned-out, unmapped pages). */
static void clear_win(int i)
{
    CHECK_EQ(unmap_page(win[i]), 0);
    CHECK_EQ(pt_l1e(win[i]), 0);
}
static void restore_win(int i)
{
    CHECK_EQ(remap_page(win[i], PROT_RW), 0);
}
static uint64_t mfn_of(int i)
{
    return virt_to_mfn(data[i]);
}

static void test_host_rw(void)
{
    struct gnttab_map_grant_ref m;
    uint64_t v, pte;
    const grant_ref_t ref = REF0;

    printf("host_map writable at a VA\n");
    fill(data[0], 1);
    grant(ref, self_id, mfn_of(0), GTF_permit_access);
    clear_win(0);
    CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay);
    CHECK_EQ(m.dev_bus_addr, mfn_of(0) << 12);
    CHECK(m.handle != 0xdeadbeef, "handle not written");
    printf("  handle %#x dev_bus_addr %#lx\n", m.handle, m.dev_bus_addr);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    pte = pt_l1e(win[0]);
    printf("  pte %#lx\n", pte);
    CHECK_EQ(PTE_CMP(pte), (mfn_of(0) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(pte & _PAGE_NX, _PAGE_NX);
    CHECK_EQ(pte & _PAGE_AVAIL, 0);

    /* Data both ways. */
    CHECK_EQ(pt_probe_read(win[0] + 8, &v), 0);
    CHECK_EQ(v, q(data[0])[1]);
    CHECK(is_filled(win[0], 1, 0, 4096), "the mapping does not show the granted frame");
    CHECK_EQ(pt_probe_write(win[0] + 16, 0x1234567890abcdefull), 0);
    CHECK_EQ(q(data[0])[2], 0x1234567890abcdefull);
    q(data[0])[3] = 0xfeedfacecafebeefull;
    CHECK_EQ(q(win[0])[3], 0xfeedfacecafebeefull);

    /* While mapped a granter cannot end access. */
    CHECK(!end_access(ref), "ended access to a mapped grant");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);

    printf("unmap: the VA is unmapped, the flags cleared\n");
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK_EQ(pt_l1e(win[0]), 0);
    /* No invlpg of ours: the hypervisor flushed. */
    CHECK_EQ(pt_probe_read(win[0], &v), PF_READ_NP);
    CHECK_EQ(last_exc.cr2, (uintptr_t)win[0]);
    CHECK_EQ(q(data[0])[2], 0x1234567890abcdefull);

    /* The handle is gone. */
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, m.handle), GNTST_bad_handle);
    CHECK(end_access(ref), "could not end access after unmap");
    CHECK_EQ(gflags(ref), 0);
    restore_win(0);
}

static void test_host_ro(void)
{
    struct gnttab_map_grant_ref m;
    uint64_t v, pte;
    const grant_ref_t ref = REF0 + 1;

    printf("host_map read-only of a writable grant\n");
    fill(data[1], 2);
    grant(ref, self_id, mfn_of(1), GTF_permit_access);
    clear_win(1);
    CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[1], GNTMAP_host_map | GNTMAP_readonly),
             GNTST_okay);
    CHECK_EQ(m.dev_bus_addr, mfn_of(1) << 12);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading);
    pte = pt_l1e(win[1]);
    CHECK_EQ(PTE_CMP(pte), (mfn_of(1) << 12) | _PAGE_PRESENT);
    CHECK_EQ(pt_probe_read(win[1] + 64, &v), 0);
    CHECK_EQ(v, q(data[1])[8]);
    printf("  a write through it faults\n");
    CHECK_EQ(pt_probe_write(win[1] + 64, 0x77), PF_WRITE_P);
    CHECK_EQ(last_exc.cr2, (uintptr_t)win[1] + 64);
    CHECK(is_filled(data[1], 2, 0, 4096), "the frame changed");
    CHECK(!end_access(ref), "ended access to a mapped grant");
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK_EQ(pt_l1e(win[1]), 0);
    CHECK_EQ(pt_probe_read(win[1], &v), PF_READ_NP);

    printf("host_map read-only of a GTF_readonly grant\n");
    grant(ref, self_id, mfn_of(1), GTF_permit_access | GTF_readonly);
    CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[1], GNTMAP_host_map | GNTMAP_readonly),
             GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(PTE_CMP(pt_l1e(win[1])), (mfn_of(1) << 12) | _PAGE_PRESENT);
    CHECK_EQ(q(win[1])[5], q(data[1])[5]);
    CHECK_EQ(pt_probe_write(win[1], 0x77), PF_WRITE_P);
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly);
    CHECK(end_access(ref), "could not end access after unmap");
    restore_win(1);
}

static void test_two_mappings(void)
{
    struct gnttab_map_grant_ref a, b;
    const grant_ref_t ref = REF0 + 2;

    printf("one grant mapped twice, writable and read-only\n");
    fill(data[2], 3);
    grant(ref, self_id, mfn_of(2), GTF_permit_access);
    clear_win(0);
    clear_win(1);
    CHECK_EQ(map1(&a, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay);
    CHECK_EQ(map1(&b, ref, self_id, (uintptr_t)win[1], GNTMAP_host_map | GNTMAP_readonly),
             GNTST_okay);
    CHECK(a.handle != b.handle, "two mappings, one handle %#x", a.handle);
    CHECK_EQ(a.dev_bus_addr, b.dev_bus_addr);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    q(win[0])[9] = 0x99;
    CHECK_EQ(q(win[1])[9], 0x99);
    /* The writer goes first: GTF_writing goes, GTF_reading stays. */
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, a.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading);
    CHECK_EQ(q(win[1])[9], 0x99);
    CHECK(!end_access(ref), "ended access to a mapped grant");
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, b.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);

    printf("read-only first, then writable\n");
    CHECK_EQ(map1(&b, ref, self_id, (uintptr_t)win[1], GNTMAP_host_map | GNTMAP_readonly),
             GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading);
    CHECK_EQ(map1(&a, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap1((uintptr_t)win[1], 0, b.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, a.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK(end_access(ref), "could not end access after unmap");
    restore_win(0);
    restore_win(1);
}

static void test_contains_pte(void)
{
    struct gnttab_map_grant_ref m;
    uint64_t v;
    const grant_ref_t ref = REF0 + 3;
    uint64_t pma;

    printf("GNTMAP_contains_pte: host_addr is the L1 entry's machine address\n");
    fill(data[3], 4);
    grant(ref, self_id, mfn_of(3), GTF_permit_access);
    clear_win(2);
    pma = pt_maddr((uintptr_t)win[2], 1);
    CHECK_EQ(map1(&m, ref, self_id, pma, GNTMAP_host_map | GNTMAP_contains_pte), GNTST_okay);
    CHECK_EQ(m.dev_bus_addr, mfn_of(3) << 12);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(PTE_CMP(pt_read(pma)), (mfn_of(3) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK(is_filled(win[2], 4, 0, 4096), "the mapping does not show the granted frame");
    q(win[2])[511] = 0x5151;
    CHECK_EQ(q(data[3])[511], 0x5151);
    /* Unmap: the same machine address. */
    CHECK_EQ(unmap1(pma, 0, m.handle), GNTST_okay);
    CHECK_EQ(pt_read(pma), 0);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK_EQ(pt_probe_read(win[2], &v), PF_READ_NP);

    printf("GNTMAP_contains_pte read-only\n");
    CHECK_EQ(map1(&m, ref, self_id, pma, GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_readonly),
             GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading);
    CHECK_EQ(PTE_CMP(pt_read(pma)), (mfn_of(3) << 12) | _PAGE_PRESENT);
    CHECK_EQ(q(win[2])[511], 0x5151);
    CHECK_EQ(pt_probe_write(win[2], 1), PF_WRITE_P);
    CHECK_EQ(unmap1(pma, 0, m.handle), GNTST_okay);
    CHECK_EQ(pt_read(pma), 0);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK(end_access(ref), "could not end access after unmap");
    restore_win(2);
}

static void test_avail_bits(void)
{
    struct gnttab_map_grant_ref m;
    const grant_ref_t ref = REF0 + 4;

    printf("GNTMAP_guest_avail bits go into the PTE's available bits\n");
    grant(ref, self_id, mfn_of(0), GTF_permit_access);
    clear_win(3);
    CHECK_EQ(
        map1(&m, ref, self_id, (uintptr_t)win[3], GNTMAP_host_map | (5u << _GNTMAP_guest_avail0)),
        GNTST_okay);
    CHECK_EQ(pt_l1e(win[3]) & _PAGE_AVAIL, 5u << 9);
    CHECK_EQ(PTE_CMP(pt_l1e(win[3])), (mfn_of(0) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(unmap1((uintptr_t)win[3], 0, m.handle), GNTST_okay);
    CHECK_EQ(pt_l1e(win[3]), 0);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK(end_access(ref), "could not end access after unmap");
    restore_win(3);
}

static void test_device_map(void)
{
    struct gnttab_map_grant_ref m;
    const grant_ref_t ref = REF0 + 5;
    uint64_t v;

    printf("GNTMAP_device_map\n");
    grant(ref, self_id, mfn_of(1), GTF_permit_access);
    CHECK_EQ(map1(&m, ref, self_id, 0, GNTMAP_device_map), GNTST_okay);
    CHECK_EQ(m.dev_bus_addr, mfn_of(1) << 12);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    /* The wrong bus address. */
    CHECK_EQ(unmap1(0, (mfn_of(0) << 12), m.handle), GNTST_bad_dev_addr);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    /* Naming neither part does nothing (and succeeds). */
    CHECK_EQ(unmap1(0, 0, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_bad_handle);

    printf("GNTMAP_device_map read-only\n");
    CHECK_EQ(map1(&m, ref, self_id, 0, GNTMAP_device_map | GNTMAP_readonly), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading);
    CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);

    printf("device and host together, unmapped one part at a time\n");
    clear_win(0);
    CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[0], GNTMAP_device_map | GNTMAP_host_map),
             GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(PTE_CMP(pt_l1e(win[0])), (mfn_of(1) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(unmap1(0, 0, m.handle), GNTST_okay); /* neither: nothing */
    CHECK_EQ(PTE_CMP(pt_l1e(win[0])), (mfn_of(1) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, m.handle), GNTST_okay); /* the host part */
    CHECK_EQ(pt_l1e(win[0]), 0);
    CHECK_EQ(pt_probe_read(win[0], &v), PF_READ_NP);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing); /* device part */
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, m.handle), GNTST_okay); /* no host part left: nothing */
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_bad_handle);
    CHECK(end_access(ref), "could not end access after unmap");
    restore_win(0);
}

static void test_batches(void)
{
    struct gnttab_map_grant_ref m[3];
    struct gnttab_unmap_grant_ref u[3];
    const grant_ref_t ref = REF0 + 6;

    printf("a batch of maps with a bad one in the middle\n");
    grant(ref, self_id, mfn_of(0), GTF_permit_access);
    grant(ref + 1, self_id, mfn_of(1), 0); /* not granted */
    grant(ref + 2, self_id, mfn_of(2), GTF_permit_access | GTF_readonly);
    clear_win(0);
    clear_win(1);
    clear_win(2);
    for (int i = 0; i < 3; i++)
        m[i] = (struct gnttab_map_grant_ref){.host_addr = (uintptr_t)win[i],
                                             .flags = GNTMAP_host_map,
                                             .ref = ref + i,
                                             .dom = self_id,
                                             .status = 0x7777,
                                             .handle = 0xdeadbeef,
                                             .dev_bus_addr = 0x5a5a};
    m[2].flags |= GNTMAP_readonly;
    CHECK_EQ(gnttab_op(GNTTABOP_map_grant_ref, m, 3), 0);
    CHECK_EQ(m[0].status, GNTST_okay);
    CHECK_EQ(m[1].status, GNTST_general_error);
    CHECK_EQ(m[2].status, GNTST_okay);
    CHECK_EQ(m[1].handle, 0xdeadbeef);
    CHECK_EQ(m[1].dev_bus_addr, 0x5a5a);
    CHECK_EQ(m[0].dev_bus_addr, mfn_of(0) << 12);
    CHECK_EQ(m[2].dev_bus_addr, mfn_of(2) << 12);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gflags(ref + 1), 0);
    CHECK_EQ(gflags(ref + 2), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(PTE_CMP(pt_l1e(win[0])), (mfn_of(0) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(pt_l1e(win[1]), 0);
    CHECK_EQ(PTE_CMP(pt_l1e(win[2])), (mfn_of(2) << 12) | _PAGE_PRESENT);

    printf("a batch of unmaps with a bad handle in the middle\n");
    u[0] = (struct gnttab_unmap_grant_ref){
        .host_addr = (uintptr_t)win[0], .handle = m[0].handle, .status = 0x7777};
    u[1] = (struct gnttab_unmap_grant_ref){
        .host_addr = (uintptr_t)win[1], .handle = 0x7fffffff, .status = 0x7777};
    u[2] = (struct gnttab_unmap_grant_ref){
        .host_addr = (uintptr_t)win[2], .handle = m[2].handle, .status = 0x7777};
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_grant_ref, u, 3), 0);
    CHECK_EQ(u[0].status, GNTST_okay);
    CHECK_EQ(u[1].status, GNTST_bad_handle);
    CHECK_EQ(u[2].status, GNTST_okay);
    CHECK_EQ(pt_l1e(win[0]), 0);
    CHECK_EQ(pt_l1e(win[2]), 0);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK_EQ(gflags(ref + 2), GTF_permit_access | GTF_readonly);

    printf("the same handle twice in one batch\n");
    CHECK_EQ(map1(&m[0], ref, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay);
    u[0] = (struct gnttab_unmap_grant_ref){
        .host_addr = (uintptr_t)win[0], .handle = m[0].handle, .status = 0x7777};
    u[1] = u[0];
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_grant_ref, u, 2), 0);
    CHECK_EQ(u[0].status, GNTST_okay);
    CHECK_EQ(u[1].status, GNTST_bad_handle);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK_EQ(pt_l1e(win[0]), 0);
    CHECK(end_access(ref), "could not end access after unmap");
    CHECK(end_access(ref + 2), "could not end access after unmap");
    for (int i = 0; i < 3; i++)
        restore_win(i);
}

static void test_unmap_and_replace(void)
{
    struct gnttab_map_grant_ref m;
    struct gnttab_unmap_and_replace r;
    const grant_ref_t ref = REF0 + 10;
    uint64_t v, own, pma;

    printf("unmap_and_replace: new_addr's PTE moves into host_addr's place\n");
    fill(data[2], 8);
    fill(win[1], 9);
    grant(ref, self_id, mfn_of(2), GTF_permit_access);
    clear_win(0);
    CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map), GNTST_okay);
    own = pt_l1e(win[1]);
    /* Touch it, so that a TLB entry for win[1] may exist. */
    CHECK(is_filled(win[1], 9, 0, 4096), "our own page changed");
    r = (struct gnttab_unmap_and_replace){.host_addr = (uintptr_t)win[0],
                                          .new_addr = (uintptr_t)win[1],
                                          .handle = m.handle,
                                          .status = 0x7777};
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK_EQ(r.status, GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK_EQ(PTE_CMP(pt_l1e(win[0])), PTE_CMP(own));
    CHECK_EQ(pt_l1e(win[1]), 0);
    /* No flush of ours. */
    CHECK(is_filled(win[0], 9, 0, 4096), "host_addr does not show new_addr's page");
    CHECK_EQ(pt_probe_read(win[1], &v), PF_READ_NP);
    CHECK_EQ(unmap1((uintptr_t)win[0], 0, m.handle), GNTST_bad_handle);
    CHECK_EQ(remap_page(win[0], PROT_RW), 0);
    restore_win(1);

    printf("unmap_and_replace with new_addr 0: a plain unmap\n");
    clear_win(0);
    CHECK_EQ(map1(&m, ref, self_id, (uintptr_t)win[0], GNTMAP_host_map | GNTMAP_readonly),
             GNTST_okay);
    r = (struct gnttab_unmap_and_replace){
        .host_addr = (uintptr_t)win[0], .new_addr = 0, .handle = m.handle, .status = 0x7777};
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK_EQ(r.status, GNTST_okay);
    CHECK_EQ(pt_l1e(win[0]), 0);
    CHECK_EQ(pt_probe_read(win[0], &v), PF_READ_NP);
    CHECK_EQ(gflags(ref), GTF_permit_access);

    printf("unmap_and_replace of a GNTMAP_contains_pte mapping: refused\n");
    pma = pt_maddr((uintptr_t)win[0], 1);
    CHECK_EQ(map1(&m, ref, self_id, pma, GNTMAP_host_map | GNTMAP_contains_pte), GNTST_okay);
    own = pt_l1e(win[1]);
    r = (struct gnttab_unmap_and_replace){
        .host_addr = pma, .new_addr = (uintptr_t)win[1], .handle = m.handle, .status = 0x7777};
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_and_replace, &r, 1), 0);
    CHECK_EQ(r.status, GNTST_general_error);
    CHECK_EQ(pt_l1e(win[1]), own);
    CHECK_EQ(PTE_CMP(pt_read(pma)), (mfn_of(2) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap1(pma, 0, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK(end_access(ref), "could not end access after unmap");
    restore_win(0);
}

void test_main(void)
{
    gt_init();
    test_device_map();
    test_host_rw();
    test_host_ro();
    test_two_mappings();
    test_contains_pte();
    test_avail_bits();
    test_batches();
    test_unmap_and_replace();
}
