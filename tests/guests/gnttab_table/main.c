/* SPDX-License-Identifier: MIT */
/*
 * Grant tables v1, the table itself (Xen 4.17 semantics, one domain):
 *  - query_size: 1 frame at start, the limit; an unknown domain; count != 1;
 *  - setup_table: grows to a few frames and lists them, never shrinks, a
 *    request beyond the limit is a per-op general_error (table unchanged),
 *    an unknown domain, count != 1, an unwritable frame list (-EFAULT);
 *  - get_version / set_version(1), and bad versions;
 *  - the frames mapped writable in our own address space (update_va_mapping
 *    and an mmu_update batch, as Linux does it); entries written through the
 *    mapping are the ones the hypervisor uses (a copy through an entry in the
 *    last frame), and the GTF_reading/GTF_writing it sets appear there (a
 *    device mapping, which needs no host page tables);
 *  - the hypercall itself: command bits above the mask, a count negative as
 *    an int, commands Xen 4.17 does not have (-ENOSYS), an unreadable op.
 */
#include <rt/runtime.h>
#include "../gnttab_common/gnttab.h"

const char test_title[] = "gnttab_table: query_size, setup_table, versions, mapping the table";

static uint64_t data[2][512] __aligned(4096);
static xen_pfn_t big_list[2048]; /* a frame list for requests beyond the limit */

static void test_query_initial(void)
{
    struct gnttab_query_size qs = {.dom = DOMID_SELF};

    printf("query_size at start\n");
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &qs, 1), 0);
    CHECK_EQ(qs.status, GNTST_okay);
    CHECK_EQ(qs.nr_frames, 1);
    CHECK(qs.max_nr_frames >= GT_FRAMES + 1, "max_nr_frames %u", qs.max_nr_frames);
    printf("  nr_frames %u max_nr_frames %u\n", qs.nr_frames, qs.max_nr_frames);

    /* By number too. */
    struct gnttab_query_size q2 = {.dom = self_id};
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q2, 1), 0);
    CHECK_EQ(q2.status, GNTST_okay);
    CHECK_EQ(q2.nr_frames, qs.nr_frames);
    CHECK_EQ(q2.max_nr_frames, qs.max_nr_frames);

    /* No such domain: the status, the other fields written back as given. */
    struct gnttab_query_size q3 = {.dom = 0x7ef, .nr_frames = 0xaaaa, .max_nr_frames = 0xbbbb};
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q3, 1), 0);
    CHECK_EQ(q3.status, GNTST_bad_domain);
    CHECK_EQ(q3.nr_frames, 0xaaaa);
    CHECK_EQ(q3.max_nr_frames, 0xbbbb);

    /* count must be 1. */
    struct gnttab_query_size q4 = {.dom = DOMID_SELF, .status = 0x55};
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q4, 0), -EINVAL);
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &q4, 2), -EINVAL);
    CHECK_EQ(q4.status, 0x55);
}

static uint32_t query_nr_frames(void)
{
    struct gnttab_query_size qs = {.dom = DOMID_SELF};
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &qs, 1), 0);
    CHECK_EQ(qs.status, GNTST_okay);
    return qs.nr_frames;
}

static uint32_t query_max(void)
{
    struct gnttab_query_size qs = {.dom = DOMID_SELF};
    gnttab_op(GNTTABOP_query_size, &qs, 1);
    return qs.max_nr_frames;
}

static void test_setup(void)
{
    xen_pfn_t fl[GT_FRAMES + 2];
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = GT_FRAMES, .status = 0x55};
    uint32_t max = query_max();

    printf("setup_table grows the table to %u frames\n", GT_FRAMES);
    for (unsigned int i = 0; i < ARRAY_SIZE(fl); i++)
        fl[i] = 0xdead;
    xen_set_guest_handle(st.frame_list, fl);
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_okay);
    for (unsigned int i = 0; i < GT_FRAMES; i++) {
        CHECK(fl[i] != 0xdead && fl[i] != 0, "frame %u is %#lx", i, fl[i]);
        for (unsigned int j = 0; j < i; j++)
            CHECK(fl[i] != fl[j], "frames %u and %u are both %#lx", j, i, fl[i]);
        gt_frames[i] = fl[i];
    }
    CHECK_EQ(fl[GT_FRAMES], 0xdead); /* nothing past nr_frames written */
    CHECK_EQ(query_nr_frames(), GT_FRAMES);

    printf("setup_table for fewer frames: the first ones, no shrinking\n");
    for (unsigned int i = 0; i < ARRAY_SIZE(fl); i++)
        fl[i] = 0xdead;
    st = (struct gnttab_setup_table){.dom = self_id, .nr_frames = 2, .status = 0x55};
    xen_set_guest_handle(st.frame_list, fl);
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_okay);
    CHECK_EQ(fl[0], gt_frames[0]);
    CHECK_EQ(fl[1], gt_frames[1]);
    CHECK_EQ(fl[2], 0xdead);
    CHECK_EQ(query_nr_frames(), GT_FRAMES);

    printf("setup_table beyond the limit (%u): general_error, nothing changed\n", max);
    for (unsigned int i = 0; i < ARRAY_SIZE(fl); i++)
        fl[i] = 0xdead;
    st = (struct gnttab_setup_table){.dom = DOMID_SELF, .nr_frames = max + 1, .status = 0x55};
    for (unsigned int i = 0; i < ARRAY_SIZE(big_list); i++)
        big_list[i] = 0xdead;
    xen_set_guest_handle(st.frame_list, big_list);
    if (CHECK(max + 1 <= ARRAY_SIZE(big_list), "limit %u", max)) {
        CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
        CHECK_EQ(st.status, GNTST_general_error);
        CHECK_EQ(big_list[0], 0xdead);
    }
    CHECK_EQ(query_nr_frames(), GT_FRAMES);

    printf("setup_table: unknown domain, count, bad lists\n");
    st = (struct gnttab_setup_table){.dom = 0x7ef, .nr_frames = 1, .status = 0x55};
    xen_set_guest_handle(st.frame_list, fl);
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_bad_domain);
    CHECK_EQ(fl[0], 0xdead);

    st = (struct gnttab_setup_table){.dom = DOMID_SELF, .nr_frames = 1, .status = 0x55};
    xen_set_guest_handle(st.frame_list, fl);
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &st, 0), -EINVAL);
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &st, 2), -EINVAL);
    CHECK_EQ(st.status, 0x55);

    /* A frame list in the hypervisor's range: -EFAULT, status untouched. */
    xen_set_guest_handle(st.frame_list, (xen_pfn_t *)HYPERVISOR_VIRT_START);
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &st, 1), -EFAULT);
    CHECK_EQ(st.status, 0x55);
    /* The op itself unreadable. */
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, (void *)HYPERVISOR_VIRT_START, 1), -EFAULT);
    CHECK_EQ(query_nr_frames(), GT_FRAMES);
}

static void test_versions(void)
{
    struct gnttab_get_version gv = {.dom = DOMID_SELF, .version = 0x55};
    struct gnttab_set_version sv;

    printf("get_version / set_version\n");
    CHECK_EQ(gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
    CHECK_EQ(gv.version, 1);
    gv = (struct gnttab_get_version){.dom = self_id, .version = 0x55};
    CHECK_EQ(gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
    CHECK_EQ(gv.version, 1);
    gv = (struct gnttab_get_version){.dom = 0x7ef, .version = 0x55};
    CHECK_EQ(gnttab_op(GNTTABOP_get_version, &gv, 1), -ESRCH);
    CHECK_EQ(gv.version, 0x55);

    sv.version = 1;
    CHECK_EQ(gnttab_op(GNTTABOP_set_version, &sv, 1), 0);
    CHECK_EQ(sv.version, 1);
    /* Versions other than 1 and 2: -EINVAL, the version in force written back. */
    sv.version = 0;
    CHECK_EQ(gnttab_op(GNTTABOP_set_version, &sv, 1), -EINVAL);
    CHECK_EQ(sv.version, 1);
    sv.version = 3;
    CHECK_EQ(gnttab_op(GNTTABOP_set_version, &sv, 1), -EINVAL);
    CHECK_EQ(sv.version, 1);
    gv = (struct gnttab_get_version){.dom = DOMID_SELF};
    CHECK_EQ(gnttab_op(GNTTABOP_get_version, &gv, 1), 0);
    CHECK_EQ(gv.version, 1);
}

static void test_map_table(void)
{
    struct mmu_update u[GT_FRAMES];
    unsigned int done = 0xdead;

    printf("mapping the table writable: update_va_mapping, then an mmu_update batch\n");
    CHECK_EQ(hypercall_update_va_mapping((uintptr_t)gt_area[0], (gt_frames[0] << 12) | PROT_RW,
                                         UVMF_INVLPG),
             0);
    for (unsigned int i = 1; i < GT_FRAMES; i++)
        u[i] = (struct mmu_update){.ptr = pt_maddr((uintptr_t)gt_area[i], 1),
                                   .val = (gt_frames[i] << 12) | PROT_RW};
    CHECK_EQ(hypercall_mmu_update(&u[1], GT_FRAMES - 1, &done, DOMID_SELF), 0);
    CHECK_EQ(done, GT_FRAMES - 1);
    CHECK_EQ(hypercall_mmuext_op(&(struct mmuext_op){.cmd = MMUEXT_TLB_FLUSH_LOCAL}, 1, NULL,
                                 DOMID_SELF),
             0);
    for (unsigned int i = 0; i < GT_FRAMES; i++)
        CHECK_EQ(PTE_CMP(pt_l1e(gt_area[i])), (gt_frames[i] << 12) | _PAGE_PRESENT | _PAGE_RW);
    gt_shared = (volatile struct grant_entry_v1 *)gt_area;

    /* A fresh table is zero. */
    bool zero = true;
    for (unsigned int i = 0; i < GT_ENTRIES; i++)
        if (gt_shared[i].flags || gt_shared[i].domid || gt_shared[i].frame)
            zero = false;
    CHECK(zero, "a fresh grant table holds entries");

    printf("an entry written through the mapping (last frame) is used: a copy\n");
    const grant_ref_t ref = GT_ENTRIES - 1;
    fill(data[0], 7);
    memset(data[1], 0, 4096);
    grant(ref, self_id, virt_to_mfn(data[0]), GTF_permit_access | GTF_readonly);
    CHECK_EQ(copy1(GNTCOPY_source_gref, ref, self_id, 0, virt_to_mfn(data[1]), DOMID_SELF, 0, 4096),
             GNTST_okay);
    CHECK(memcmp(data[0], data[1], 4096) == 0, "copied page differs");
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_readonly);

    printf("the hypervisor's GTF_reading/GTF_writing appear in the mapping\n");
    grant(ref, self_id, virt_to_mfn(data[0]), GTF_permit_access);
    struct gnttab_map_grant_ref m;
    CHECK_EQ(map1(&m, ref, self_id, 0, GNTMAP_device_map), GNTST_okay);
    CHECK_EQ(m.dev_bus_addr, virt_to_mfn(data[0]) << 12);
    CHECK_EQ(gflags(ref), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gt_shared[ref].domid, self_id);
    CHECK_EQ(gt_shared[ref].frame, virt_to_mfn(data[0]));
    CHECK(!end_access(ref), "ended access to a mapped grant");
    CHECK_EQ(unmap1(0, m.dev_bus_addr, m.handle), GNTST_okay);
    CHECK_EQ(gflags(ref), GTF_permit_access);
    CHECK(end_access(ref), "could not end access to an unmapped grant");
    CHECK_EQ(gflags(ref), 0);

    /* The mapping survives a second setup_table (frames do not move). */
    xen_pfn_t fl[GT_FRAMES];
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = GT_FRAMES};
    xen_set_guest_handle(st.frame_list, fl);
    CHECK_EQ(gnttab_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_okay);
    for (unsigned int i = 0; i < GT_FRAMES; i++)
        CHECK_EQ(fl[i], gt_frames[i]);
}

static void test_hypercall(void)
{
    struct gnttab_query_size qs = {.dom = DOMID_SELF, .status = 0x55};

    printf("the hypercall: command bits, count, unknown commands, faults\n");
    CHECK_EQ(gnttab_op(GNTTABOP_query_size | (1u << 12), &qs, 1), -EINVAL);
    CHECK_EQ(gnttab_op(GNTTABOP_query_size | (1u << 31), &qs, 1), -EINVAL);
    CHECK_EQ(qs.status, 0x55);
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, &qs, 0x80000000u), -EINVAL);
    CHECK_EQ(gnttab_op(GNTTABOP_copy, NULL, 0xffffffffu), -EINVAL);
    CHECK_EQ(qs.status, 0x55);
    CHECK_EQ(gnttab_op(GNTTABOP_dump_table, &qs, 1), -ENOSYS);
    CHECK_EQ(gnttab_op(13, &qs, 1), -ENOSYS);
    CHECK_EQ(gnttab_op(0xfff, &qs, 1), -ENOSYS);
    CHECK_EQ(qs.status, 0x55);
    CHECK_EQ(gnttab_op(GNTTABOP_query_size, (void *)HYPERVISOR_VIRT_START, 1), -EFAULT);
    CHECK_EQ(gnttab_op(GNTTABOP_get_version, (void *)HYPERVISOR_VIRT_START, 1), -EFAULT);
    CHECK_EQ(gnttab_op(GNTTABOP_map_grant_ref, (void *)HYPERVISOR_VIRT_START, 1), -EFAULT);
    CHECK_EQ(gnttab_op(GNTTABOP_copy, (void *)HYPERVISOR_VIRT_START, 1), -EFAULT);
    /* Empty batches. */
    CHECK_EQ(gnttab_op(GNTTABOP_map_grant_ref, NULL, 0), 0);
    CHECK_EQ(gnttab_op(GNTTABOP_unmap_grant_ref, NULL, 0), 0);
    CHECK_EQ(gnttab_op(GNTTABOP_copy, NULL, 0), 0);
}

void test_main(void)
{
    self_id = evtchn_self_domid();
    printf("our domid: %u\n", self_id);
    test_query_initial();
    test_setup();
    test_versions();
    test_map_table();
    test_hypercall();
}
