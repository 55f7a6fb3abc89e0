/*
 * Grant tables (common/grant_table.c), part 1: the table operations
 * (setup_table, query_size, get/set_version, unknown commands), mapping and
 * unmapping with every refusal Xen makes, the GTF_reading/GTF_writing
 * protocol a granter relies on to end access safely, limits, and a granter
 * rewriting its entry between our read and our compare-and-swap.
 * test_gnttab_copy.c covers copies, batches and domain death.
 */
#include "test_gnttab.h"

/* ------------------------------------------------------------ table ops */

static void initial_table_and_query(void **state)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    struct gnttab_get_version v = { .dom = DOMID_SELF, .version = 99 };
    xen_pfn_t f[1];

    (void)state;
    assert_int_equal(t_op(t_d1, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(q.nr_frames, GNTTAB_INITIAL_FRAMES);
    assert_int_equal(q.max_nr_frames, GNTTAB_DEFAULT_MAX_FRAMES);
    assert_int_equal(t_op(t_d1, GNTTABOP_get_version, &v, 1), 0);
    assert_int_equal(v.version, 1);
    assert_int_equal(t_setup_table(t_d1, 1, f), GNTST_okay);
    /* The hypervisor's frame, lent to the domain: mappable by it, not by others. */
    assert_int_equal(mfn_to_page(f[0])->owner, DOMID_XEN);
    assert_int_equal(mfn_to_page(f[0])->count, 1);
    assert_true(gnttab_is_grant_frame(t_d1, f[0]));
    assert_false(gnttab_is_grant_frame(t_d2, f[0]));
    assert_false(gnttab_is_grant_frame(t_d1, t_d1->shared_info_mfn));
    assert_false(gnttab_is_grant_frame(t_d1, f[0] + 1));
}

static void setup_table_grows_and_never_shrinks(void **state)
{
    xen_pfn_t f[8], g[8];
    struct gnttab_info i;

    (void)state;
    memset(f, 0xff, sizeof(f));
    assert_int_equal(t_setup_table(t_d2, 4, f), GNTST_okay);
    i = t_info(t_d2);
    assert_int_equal(i.nr_frames, 4);
    for (unsigned int a = 0; a < 4; a++) {
        const uint8_t *p = mfn_to_virt(f[a]);
        assert_true(gnttab_is_grant_frame(t_d2, f[a]));
        assert_int_equal(mfn_to_page(f[a])->owner, DOMID_XEN);
        for (unsigned int b = 0; b < PAGE_SIZE; b++) {
            if (a > 0 && p[b]) {    /* frame 0 holds the warm-up entry 7, ended */
                fail_msg("new grant frame %u not zeroed", a);
            }
        }
        for (unsigned int b = 0; b < a; b++) {
            assert_true(f[a] != f[b]);
        }
    }
    assert_int_equal(f[4], (xen_pfn_t)-1);      /* nothing written past nr_frames */
    /* Asking for fewer returns the first ones; the table stays at 4. */
    assert_int_equal(t_setup_table(t_d2, 2, g), GNTST_okay);
    assert_int_equal(g[0], f[0]);
    assert_int_equal(g[1], f[1]);
    assert_int_equal(t_info(t_d2).nr_frames, 4);
    /* All of them go back when the table is destroyed (checked by the teardown). */
}

static void setup_table_limits_and_faults(void **state)
{
    struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = GNTTAB_DEFAULT_MAX_FRAMES + 1 };
    xen_pfn_t f[GNTTAB_DEFAULT_MAX_FRAMES + 1];
    static xen_pfn_t bad[4];

    (void)state;
    op.frame_list.p = (uint64_t)(uintptr_t)f;
    t_snap();
    /* Beyond the domain's limit: Xen's per-op status, the call itself succeeds. */
    assert_int_equal(t_op(t_d1, GNTTABOP_setup_table, &op, 1), 0);
    assert_int_equal(op.status, GNTST_general_error);
    T_UNCHANGED();
    /* setup_table takes exactly one op. */
    op.nr_frames = 1;
    assert_int_equal(t_op(t_d1, GNTTABOP_setup_table, &op, 2), -EINVAL);
    assert_int_equal(t_op(t_d1, GNTTABOP_setup_table, &op, 0), -EINVAL);
    /* An unreadable argument, or a frame list the guest may not name at all. */
    fake_fault_start = (uintptr_t)&op;
    fake_fault_end = fake_fault_start + 1;
    assert_int_equal(t_op(t_d1, GNTTABOP_setup_table, &op, 1), -EFAULT);
    fake_fault_start = fake_fault_end = 0;
    op.frame_list.p = 0;
    assert_int_equal(t_op(t_d1, GNTTABOP_setup_table, &op, 1), -EFAULT);
    T_UNCHANGED();
    /* A frame list that faults while written: GNTST_bad_virt_addr (the table still grew). */
    op.frame_list.p = (uint64_t)(uintptr_t)bad;
    op.nr_frames = 3;
    fake_fault_start = (uintptr_t)&bad[1];
    fake_fault_end = fake_fault_start + 8;
    assert_int_equal(t_op(t_d1, GNTTABOP_setup_table, &op, 1), 0);
    assert_int_equal(op.status, GNTST_bad_virt_addr);
    fake_fault_start = fake_fault_end = 0;
    assert_true(gnttab_is_grant_frame(t_d1, bad[0]));
    assert_int_equal(t_info(t_d1).nr_frames, 3);
}

static void setup_and_query_other_domains(void **state)
{
    struct gnttab_setup_table op = { .dom = 2, .nr_frames = 2 };
    struct gnttab_query_size q = { .dom = 2 };
    xen_pfn_t f[2];

    (void)state;
    op.frame_list.p = (uint64_t)(uintptr_t)f;
    t_snap();
    assert_int_equal(t_op(t_d1, GNTTABOP_setup_table, &op, 1), 0);
    assert_int_equal(op.status, GNTST_permission_denied);
    assert_int_equal(t_op(t_d1, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_permission_denied);
    op.dom = q.dom = 77;    /* no such domain: that is reported first */
    assert_int_equal(t_op(t_d1, GNTTABOP_setup_table, &op, 1), 0);
    assert_int_equal(op.status, GNTST_bad_domain);
    assert_int_equal(t_op(t_d1, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_bad_domain);
    assert_int_equal(t_op(t_d1, GNTTABOP_query_size, &q, 2), -EINVAL);
    T_UNCHANGED();
    /* The privileged domain may set up and query anyone's table. */
    op.dom = q.dom = 2;
    assert_int_equal(t_op(t_d0, GNTTABOP_setup_table, &op, 1), 0);
    assert_int_equal(op.status, GNTST_okay);
    assert_true(gnttab_is_grant_frame(t_d2, f[1]));
    assert_int_equal(t_op(t_d0, GNTTABOP_query_size, &q, 1), 0);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(q.nr_frames, 2);
}

static void versions(void **state)
{
    struct gnttab_set_version sv = { .version = 1 };
    struct gnttab_get_version gv = { .dom = 2 };

    (void)state;
    assert_int_equal(t_op(t_d1, GNTTABOP_set_version, &sv, 1), 0);
    assert_int_equal(sv.version, 1);
    /* v2 is not built: Xen's answer for a domain limited to v1, with the version in force. */
    sv.version = 2;
    assert_int_equal(t_op(t_d1, GNTTABOP_set_version, &sv, 1), -ENOSYS);
    assert_int_equal(sv.version, 1);
    sv.version = 3;
    assert_int_equal(t_op(t_d1, GNTTABOP_set_version, &sv, 1), -EINVAL);
    assert_int_equal(sv.version, 1);
    sv.version = 0;
    assert_int_equal(t_op(t_d1, GNTTABOP_set_version, &sv, 1), -EINVAL);
    /* get_version of another domain: privileged only; unknown domain: -ESRCH. */
    assert_int_equal(t_op(t_d1, GNTTABOP_get_version, &gv, 1), -EPERM);
    assert_int_equal(t_op(t_d0, GNTTABOP_get_version, &gv, 1), 0);
    assert_int_equal(gv.version, 1);
    gv.dom = 77;
    assert_int_equal(t_op(t_d0, GNTTABOP_get_version, &gv, 1), -ESRCH);
    fake_fault_start = (uintptr_t)&sv;
    fake_fault_end = fake_fault_start + sizeof(sv);
    assert_int_equal(t_op(t_d1, GNTTABOP_set_version, &sv, 1), -EFAULT);
}

static void unknown_and_malformed_commands(void **state)
{
    uint64_t buf[8] = { 0 };

    (void)state;
    t_snap();
    /* transfer, dump_table, get_status_frames (v2), swap_grant_ref, cache_flush (Arm). */
    assert_int_equal(t_op(t_d1, GNTTABOP_transfer, buf, 1), -ENOSYS);
    assert_int_equal(t_op(t_d1, GNTTABOP_dump_table, buf, 1), -ENOSYS);
    assert_int_equal(t_op(t_d1, GNTTABOP_get_status_frames, buf, 1), -ENOSYS);
    assert_int_equal(t_op(t_d1, GNTTABOP_swap_grant_ref, buf, 1), -ENOSYS);
    assert_int_equal(t_op(t_d1, GNTTABOP_cache_flush, buf, 1), -ENOSYS);
    assert_int_equal(t_op(t_d1, 13, buf, 1), -ENOSYS);
    assert_int_equal(t_op(t_d1, 0xfff, buf, 1), -ENOSYS);
    /* Continuation bits above the command are Xen's, for cache_flush only. */
    assert_int_equal(t_op(t_d1, GNTTABOP_map_grant_ref | 0x1000, buf, 1), -EINVAL);
    assert_int_equal(t_op(t_d1, GNTTABOP_cache_flush | 0x1000, buf, 1), -ENOSYS);
    /* A count that is negative as an int. */
    assert_int_equal(t_op(t_d1, GNTTABOP_map_grant_ref, buf, 0x80000000u), -EINVAL);
    /* An empty batch does nothing, even with a NULL array. */
    assert_int_equal(t_op(t_d1, GNTTABOP_map_grant_ref, NULL, 0), 0);
    assert_int_equal(t_op(t_d1, GNTTABOP_copy, NULL, 0), 0);
    T_UNCHANGED();
}

static void limits_can_be_changed(void **state)
{
    xen_pfn_t f[4];

    (void)state;
    assert_int_equal(gnttab_set_limits(t_d1, 2, 10), 0);
    assert_int_equal(t_info(t_d1).max_frames, 2);
    assert_int_equal(t_setup_table(t_d1, 2, f), GNTST_okay);
    assert_int_equal(t_setup_table(t_d1, 3, f), GNTST_general_error);
    /* Not below what is in use, not out of range. */
    assert_int_equal(gnttab_set_limits(t_d1, 1, 10), -EBUSY);
    assert_int_equal(gnttab_set_limits(t_d1, 0, 10), -EINVAL);
    assert_int_equal(gnttab_set_limits(t_d1, GNTTAB_MAX_FRAMES_LIMIT + 1, 10), -EINVAL);
    assert_int_equal(gnttab_set_limits(t_d1, 4, GNTTAB_MAX_MAPTRACK_LIMIT + 1), -EINVAL);
    assert_int_equal(gnttab_domain_init(t_d1, 0, 0), -EINVAL);
    /* Raising keeps the frames there are. */
    assert_int_equal(gnttab_set_limits(t_d1, 4, 10), 0);
    assert_int_equal(t_setup_table(t_d1, 4, f), GNTST_okay);
    assert_true(gnttab_is_grant_frame(t_d1, f[3]));
    assert_true(gnttab_is_grant_frame(t_d1, f[0]));
}

/* ------------------------------------------------------------ map / unmap */

static void map_unmap_writable(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    struct gnttab_map_grant_ref op = { .host_addr = T_VA(1), .flags = T_HOST_RW, .ref = 10, .dom = 1 };
    const struct fake_grant_pte *pte;

    (void)state;
    t_grant(t_d1, 10, 2, frame, T_PERMIT);
    assert_int_equal(t_op(t_d2, GNTTABOP_map_grant_ref, &op, 1), 0);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(op.dev_bus_addr, (uint64_t)frame << PAGE_SHIFT);
    /* The granter sees the grant in use; the frame holds the mapping's reference
     * and the writable type the architecture took for the PTE. */
    assert_int_equal(t_flags(t_d1, 10), T_PERMIT | T_RD | T_WR);
    T_FRAME(frame, 2, PGT_WRITABLE, 1);
    T_MAPTRACK(t_d2, 1, 0);
    T_MAPTRACK(t_d1, 0, 1);
    pte = fake_gnttab_find(2, T_VA(1));
    assert_non_null(pte);
    assert_int_equal(pte->frame, frame);
    assert_int_equal(pte->flags, T_HOST_RW);
    /* While mapped, ending access is refused: the protocol's point. */
    assert_false(t_end_access(t_d1, 10));
    assert_int_equal(t_flags(t_d1, 10), T_PERMIT | T_RD | T_WR);

    assert_false(mfn_to_page(frame)->flags & PGF_TLB_STALE);
    assert_int_equal(t_unmap(t_d2, op.handle, T_VA(1), 0), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 10), T_PERMIT);
    T_FRAME(frame, 1, PGT_NONE, 0);
    /* d2's TLB may still map it writable: a retype or free of the frame flushes first. */
    assert_true(mfn_to_page(frame)->flags & PGF_TLB_STALE);
    assert_int_equal(mfn_to_page(frame)->tlb_kind, PGT_WRITABLE);
    T_MAPTRACK(t_d2, 0, 0);
    T_MAPTRACK(t_d1, 0, 0);
    assert_null(fake_gnttab_find(2, T_VA(1)));
    assert_true(t_end_access(t_d1, 10));
    assert_int_equal(t_flags(t_d1, 10), 0);
}

static void map_readonly(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    grant_handle_t h1, h2;

    (void)state;
    /* A read-only map of a writable grant sets only GTF_reading, takes no writable type. */
    t_grant(t_d1, 11, 2, frame, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 11, T_HOST_RO, T_VA(1), &h1), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 11), T_PERMIT | T_RD);
    T_FRAME(frame, 2, PGT_NONE, 0);
    /* A read-only grant maps read-only. */
    t_grant(t_d1, 12, 2, frame, T_PERMIT | GTF_readonly);
    assert_int_equal(t_map(t_d2, 1, 12, T_HOST_RO, T_VA(2), &h2), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 12), T_PERMIT | GTF_readonly | T_RD);
    T_FRAME(frame, 3, PGT_NONE, 0);
    assert_int_equal(t_unmap(t_d2, h1, T_VA(1), 0), GNTST_okay);
    assert_int_equal(t_unmap(t_d2, h2, T_VA(2), 0), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 11), T_PERMIT);
    assert_int_equal(t_flags(t_d1, 12), T_PERMIT | GTF_readonly);
    T_FRAME(frame, 1, PGT_NONE, 0);
}

/* Every map below must be refused with `status` and change nothing at all. */
static void expect_map_refused(struct domain *ld, domid_t dom, grant_ref_t ref, uint32_t flags,
                               int16_t status)
{
    unsigned int ptes = fake_gnttab_nr_ptes(ld->id);

    t_snap();
    assert_int_equal(t_map(ld, dom, ref, flags, T_VA(9), NULL), status);
    T_UNCHANGED();
    assert_int_equal(fake_gnttab_nr_ptes(ld->id), ptes);
}

static void map_refused_entries(void **state)
{
    mfn_t frame = t_alloc(t_d1);

    (void)state;
    t_grant(t_d1, 20, 2, frame, T_PERMIT | GTF_readonly);
    t_grant(t_d1, 21, 3, frame, T_PERMIT);                  /* granted to someone else */
    t_grant(t_d1, 22, 2, frame, 0);                         /* not granted (invalid) */
    t_grant(t_d1, 23, 2, frame, GTF_accept_transfer);
    t_grant(t_d1, 24, 2, frame, GTF_transitive);            /* v2 only */
    t_grant(t_d1, 25, 2, frame, T_PERMIT | GTF_sub_page);   /* v2 only */
    t_grant(t_d1, 26, 2, frame, T_PERMIT);
    /* Writing through a read-only grant: Xen's status is general_error. */
    expect_map_refused(t_d2, 1, 20, T_HOST_RW, GNTST_general_error);
    expect_map_refused(t_d2, 1, 20, GNTMAP_device_map, GNTST_general_error);
    expect_map_refused(t_d2, 1, 21, T_HOST_RO, GNTST_general_error);
    expect_map_refused(t_d2, 1, 22, T_HOST_RO, GNTST_general_error);
    expect_map_refused(t_d2, 1, 23, T_HOST_RO, GNTST_general_error);
    expect_map_refused(t_d2, 1, 24, T_HOST_RO, GNTST_general_error);
    expect_map_refused(t_d2, 1, 25, T_HOST_RO, GNTST_general_error);
    /* Neither host nor device: bad_gntref, as Xen. */
    expect_map_refused(t_d2, 1, 26, GNTMAP_readonly, GNTST_bad_gntref);
    expect_map_refused(t_d2, 1, 26, 0, GNTST_bad_gntref);
    /* A reference past the table, a domain that does not exist, DOMID_SELF. */
    expect_map_refused(t_d2, 1, GNTTAB_ENTRIES_PER_FRAME, T_HOST_RO, GNTST_bad_gntref);
    expect_map_refused(t_d2, 1, 0xffffffffu, T_HOST_RO, GNTST_bad_gntref);
    expect_map_refused(t_d2, 77, 26, T_HOST_RO, GNTST_bad_domain);
    expect_map_refused(t_d2, DOMID_SELF, 26, T_HOST_RO, GNTST_bad_domain);
    expect_map_refused(t_d2, DOMID_XEN, 26, T_HOST_RO, GNTST_bad_domain);
}

static void map_refused_frames(void **state)
{
    mfn_t other = t_alloc(t_d3), own = t_alloc(t_d1), freed = frame_alloc(0, 1);
    xen_pfn_t gf[1];

    (void)state;
    assert_int_equal(frame_free(freed, 0), 0);
    assert_int_equal(t_setup_table(t_d1, 1, gf), GNTST_okay);
    /* Frames the granter does not own: another domain's, its grant-table frame
     * (the hypervisor's), its shared_info, a free frame, frames that are not RAM. */
    t_grant(t_d1, 30, 2, other, T_PERMIT);
    t_grant(t_d1, 31, 2, gf[0], T_PERMIT);
    t_grant(t_d1, 32, 2, t_d1->shared_info_mfn, T_PERMIT);
    t_grant(t_d1, 33, 2, freed, T_PERMIT);
    t_grant(t_d1, 34, 2, 0xfffffff0u, T_PERMIT);
    t_grant(t_d1, 36, 2, 0, T_PERMIT);
    for (grant_ref_t r = 30; r <= 36; r++) {
        if (r == 35) {
            continue;
        }
        expect_map_refused(t_d2, 1, r, T_HOST_RW, GNTST_bad_page);
        expect_map_refused(t_d2, 1, r, T_HOST_RO, GNTST_bad_page);
        /* The flags the attempt set were taken back. */
        assert_int_equal(t_flags(t_d1, r), T_PERMIT);
    }
    /* A page table of the granter is never mapped writable (its type is refused). */
    mfn_to_page(own)->type = PGT_L1;
    mfn_to_page(own)->type_count = 1;
    t_grant(t_d1, 35, 2, own, T_PERMIT);
    expect_map_refused(t_d2, 1, 35, T_HOST_RW, GNTST_general_error);
    assert_int_equal(t_flags(t_d1, 35), T_PERMIT);
    /* Read-only is fine. */
    {
        grant_handle_t h;
        assert_int_equal(t_map(t_d2, 1, 35, T_HOST_RO, T_VA(3), &h), GNTST_okay);
        T_FRAME(own, 2, PGT_L1, 1);
        assert_int_equal(t_unmap(t_d2, h, T_VA(3), 0), GNTST_okay);
    }
    mfn_to_page(own)->type = PGT_NONE;
    mfn_to_page(own)->type_count = 0;
}

static void map_refused_by_arch(void **state)
{
    mfn_t frame = t_alloc(t_d1);

    (void)state;
    t_grant(t_d1, 40, 2, frame, T_PERMIT);
    /* The architecture's status reaches the guest and everything is undone. */
    fake_gnttab_map_status = GNTST_bad_virt_addr;
    expect_map_refused(t_d2, 1, 40, T_HOST_RW, GNTST_bad_virt_addr);
    fake_gnttab_map_status = GNTST_okay;
    /* Something already mapped at that address. */
    {
        grant_handle_t h;
        assert_int_equal(t_map(t_d2, 1, 40, T_HOST_RO, T_VA(9), &h), GNTST_okay);
        t_snap();
        assert_int_equal(t_map(t_d2, 1, 40, T_HOST_RO, T_VA(9), NULL), GNTST_general_error);
        T_UNCHANGED();
        assert_int_equal(t_unmap(t_d2, h, T_VA(9), 0), GNTST_okay);
    }
    assert_int_equal(t_flags(t_d1, 40), T_PERMIT);
}

static void several_mappings_of_one_grant(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    grant_handle_t rw1, rw2, ro;

    (void)state;
    t_grant(t_d1, 50, 2, frame, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 50, T_HOST_RO, T_VA(1), &ro), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 50), T_PERMIT | T_RD);
    assert_int_equal(t_map(t_d2, 1, 50, T_HOST_RW, T_VA(2), &rw1), GNTST_okay);
    assert_int_equal(t_map(t_d2, 1, 50, T_HOST_RW, T_VA(3), &rw2), GNTST_okay);
    assert_true(ro != rw1 && rw1 != rw2 && ro != rw2);
    assert_int_equal(t_flags(t_d1, 50), T_PERMIT | T_RD | T_WR);
    T_FRAME(frame, 4, PGT_WRITABLE, 2);
    T_MAPTRACK(t_d2, 3, 0);
    T_MAPTRACK(t_d1, 0, 3);
    /* Writing stays while one writer is left; reading while anything is. */
    assert_int_equal(t_unmap(t_d2, rw1, T_VA(2), 0), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 50), T_PERMIT | T_RD | T_WR);
    assert_int_equal(t_unmap(t_d2, rw2, T_VA(3), 0), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 50), T_PERMIT | T_RD);
    assert_false(t_end_access(t_d1, 50));
    assert_int_equal(t_unmap(t_d2, ro, T_VA(1), 0), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 50), T_PERMIT);
    T_FRAME(frame, 1, PGT_NONE, 0);
    T_MAPTRACK(t_d2, 0, 0);
    T_MAPTRACK(t_d1, 0, 0);
}

static void pinned_grant_serves_one_domain(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    grant_handle_t h;

    (void)state;
    t_grant(t_d1, 51, 2, frame, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 51, T_HOST_RO, T_VA(1), &h), GNTST_okay);
    /* The granter rewrites the domid while the grant is pinned: the new
     * grantee is refused until the pin is gone, as on Xen. */
    t_ent(t_d1, 51)->domid = 3;
    expect_map_refused(t_d3, 1, 51, T_HOST_RO, GNTST_general_error);
    assert_int_equal(t_unmap(t_d2, h, T_VA(1), 0), GNTST_okay);
    assert_int_equal(t_map(t_d3, 1, 51, T_HOST_RO, T_VA(1), &h), GNTST_okay);
    assert_int_equal(t_unmap(t_d3, h, T_VA(1), 0), GNTST_okay);
}

static void use_after_end_access(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    grant_handle_t h;

    (void)state;
    t_grant(t_d1, 52, 2, frame, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 52, T_HOST_RW, T_VA(1), &h), GNTST_okay);
    assert_int_equal(t_unmap(t_d2, h, T_VA(1), 0), GNTST_okay);
    assert_true(t_end_access(t_d1, 52));
    expect_map_refused(t_d2, 1, 52, T_HOST_RW, GNTST_general_error);
    expect_map_refused(t_d2, 1, 52, T_HOST_RO, GNTST_general_error);
    assert_int_equal(t_flags(t_d1, 52), 0);
}

static void self_mapping(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    grant_handle_t h;

    (void)state;
    t_grant(t_d1, 53, 1, frame, T_PERMIT);
    assert_int_equal(t_map(t_d1, 1, 53, T_HOST_RW, T_VA(1), &h), GNTST_okay);
    T_MAPTRACK(t_d1, 1, 1);
    assert_int_equal(t_unmap(t_d1, h, T_VA(1), 0), GNTST_okay);
    T_MAPTRACK(t_d1, 0, 0);
    assert_int_equal(t_flags(t_d1, 53), T_PERMIT);
}

static void unmap_bad_handles(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    grant_handle_t h;

    (void)state;
    t_grant(t_d1, 60, 2, frame, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 60, T_HOST_RW, T_VA(1), &h), GNTST_okay);
    t_snap();
    assert_int_equal(t_unmap(t_d2, h + 1, T_VA(1), 0), GNTST_bad_handle);    /* free entry */
    assert_int_equal(t_unmap(t_d2, 100000, T_VA(1), 0), GNTST_bad_handle);  /* past maptrack */
    assert_int_equal(t_unmap(t_d2, 0xffffffffu, T_VA(1), 0), GNTST_bad_handle);
    assert_int_equal(t_unmap(t_d3, h, T_VA(1), 0), GNTST_bad_handle);       /* d2's handle */
    assert_int_equal(t_unmap(t_d1, h, T_VA(1), 0), GNTST_bad_handle);       /* even the granter */
    T_UNCHANGED();
    assert_int_equal(t_unmap(t_d2, h, T_VA(1), 0), GNTST_okay);
    t_snap();
    assert_int_equal(t_unmap(t_d2, h, T_VA(1), 0), GNTST_bad_handle);       /* twice */
    T_UNCHANGED();
}

static void unmap_checks_addresses(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    struct gnttab_map_grant_ref op = { .host_addr = T_VA(1), .ref = 61, .dom = 1,
                                       .flags = GNTMAP_host_map | GNTMAP_device_map };
    uint64_t bus = (uint64_t)frame << PAGE_SHIFT;

    (void)state;
    t_grant(t_d1, 61, 2, frame, T_PERMIT);
    assert_int_equal(t_op(t_d2, GNTTABOP_map_grant_ref, &op, 1), 0);
    assert_int_equal(op.status, GNTST_okay);
    T_FRAME(frame, 2, PGT_WRITABLE, 1);     /* one reference per mapping, host and device */
    t_snap();
    /* A PTE that does not map the frame, a bus address that is not the frame's. */
    assert_int_equal(t_unmap(t_d2, op.handle, T_VA(2), 0), GNTST_general_error);
    assert_int_equal(t_unmap(t_d2, op.handle, 0, bus + PAGE_SIZE), GNTST_bad_dev_addr);
    assert_int_equal(t_unmap(t_d2, op.handle, T_VA(1), bus ^ PAGE_SIZE), GNTST_bad_dev_addr);
    /* The architecture failing to unmap leaves the mapping in place. */
    fake_gnttab_unmap_status = GNTST_general_error;
    assert_int_equal(t_unmap(t_d2, op.handle, T_VA(1), bus), GNTST_general_error);
    fake_gnttab_unmap_status = GNTST_okay;
    /* Naming neither part: Xen says okay and does nothing. */
    assert_int_equal(t_unmap(t_d2, op.handle, 0, 0), GNTST_okay);
    T_UNCHANGED();
    /* Host part only: the device mapping, its pin and the frame reference stay. */
    assert_int_equal(t_unmap(t_d2, op.handle, T_VA(1), 0), GNTST_okay);
    assert_null(fake_gnttab_find(2, T_VA(1)));
    assert_int_equal(t_flags(t_d1, 61), T_PERMIT | T_RD | T_WR);
    T_FRAME(frame, 2, PGT_WRITABLE, 1);
    T_MAPTRACK(t_d2, 1, 0);
    /* The host part is gone: naming it again does nothing more. */
    assert_int_equal(t_unmap(t_d2, op.handle, T_VA(1), 0), GNTST_okay);
    T_MAPTRACK(t_d2, 1, 0);
    assert_int_equal(t_unmap(t_d2, op.handle, 0, bus), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 61), T_PERMIT);
    T_FRAME(frame, 1, PGT_NONE, 0);
    T_MAPTRACK(t_d2, 0, 0);
    assert_int_equal(t_unmap(t_d2, op.handle, 0, bus), GNTST_bad_handle);
}

static void device_map_readonly(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    grant_handle_t h;

    (void)state;
    t_grant(t_d1, 62, 2, frame, T_PERMIT | GTF_readonly);
    assert_int_equal(t_map(t_d2, 1, 62, GNTMAP_device_map | GNTMAP_readonly, 0, &h), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 62), T_PERMIT | GTF_readonly | T_RD);
    assert_int_equal(fake_gnttab_nr_ptes(2), 0);     /* no host mapping was asked for */
    T_FRAME(frame, 2, PGT_NONE, 0);
    assert_int_equal(t_unmap(t_d2, h, 0, (uint64_t)frame << PAGE_SHIFT), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 62), T_PERMIT | GTF_readonly);
}

static void unmap_and_replace(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    struct gnttab_unmap_and_replace op;
    grant_handle_t h, hp;

    (void)state;
    t_grant(t_d1, 63, 2, frame, T_PERMIT);
    assert_int_equal(t_map(t_d2, 1, 63, T_HOST_RW, T_VA(1), &h), GNTST_okay);
    op = (struct gnttab_unmap_and_replace){ .host_addr = T_VA(1), .new_addr = T_VA(5), .handle = h };
    assert_int_equal(t_op(t_d2, GNTTABOP_unmap_and_replace, &op, 1), 0);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(fake_gnttab_last_new_addr, T_VA(5));
    assert_int_equal(t_flags(t_d1, 63), T_PERMIT);
    T_FRAME(frame, 1, PGT_NONE, 0);
    T_MAPTRACK(t_d2, 0, 0);
    /* With GNTMAP_contains_pte a replacement address is refused by the architecture. */
    assert_int_equal(t_map(t_d2, 1, 63, T_HOST_RW | GNTMAP_contains_pte, 0x123000, &hp),
                     GNTST_okay);
    op = (struct gnttab_unmap_and_replace){ .host_addr = 0x123000, .new_addr = T_VA(5), .handle = hp };
    assert_int_equal(t_op(t_d2, GNTTABOP_unmap_and_replace, &op, 1), 0);
    assert_int_equal(op.status, GNTST_general_error);
    T_MAPTRACK(t_d2, 1, 0);
    op.new_addr = 0;
    op.status = 0x55;
    assert_int_equal(t_op(t_d2, GNTTABOP_unmap_and_replace, &op, 1), 0);
    assert_int_equal(op.status, GNTST_okay);
    T_MAPTRACK(t_d2, 0, 0);
    /* Bad handle. */
    assert_int_equal(t_op(t_d2, GNTTABOP_unmap_and_replace, &op, 1), 0);
    assert_int_equal(op.status, GNTST_bad_handle);
}

static void maptrack_exhaustion(void **state)
{
    mfn_t frame = t_alloc(t_d1);
    grant_handle_t h[4];

    (void)state;
    assert_int_equal(gnttab_set_limits(t_d2, GNTTAB_DEFAULT_MAX_FRAMES, 3), 0);
    t_grant(t_d1, 70, 2, frame, T_PERMIT);
    for (unsigned int i = 0; i < 3; i++) {
        assert_int_equal(t_map(t_d2, 1, 70, T_HOST_RO, T_VA(i), &h[i]), GNTST_okay);
    }
    T_MAPTRACK(t_d2, 3, 0);
    /* GNTST_no_space, as Xen reports a maptrack it cannot grow. */
    expect_map_refused(t_d2, 1, 70, T_HOST_RO, GNTST_no_space);
    /* Even for a bad reference: the handle is taken first, as on Xen. */
    expect_map_refused(t_d2, 1, 999999, T_HOST_RO, GNTST_no_space);
    assert_int_equal(gnttab_set_limits(t_d2, GNTTAB_DEFAULT_MAX_FRAMES, 2), -EBUSY);
    assert_int_equal(t_unmap(t_d2, h[1], T_VA(1), 0), GNTST_okay);
    assert_int_equal(t_map(t_d2, 1, 70, T_HOST_RO, T_VA(3), &h[3]), GNTST_okay);
    assert_int_equal(h[3], h[1]);       /* the freed handle is reused */
    /* A domain with no maptrack at all. */
    assert_int_equal(gnttab_set_limits(t_d3, GNTTAB_DEFAULT_MAX_FRAMES, 0), 0);
    t_grant(t_d1, 71, 3, frame, T_PERMIT);
    expect_map_refused(t_d3, 1, 71, T_HOST_RO, GNTST_no_space);
    for (unsigned int i = 0; i < 4; i++) {
        if (i != 1) {
            assert_int_equal(t_unmap(t_d2, h[i], T_VA(i), 0), GNTST_okay);
        }
    }
    assert_int_equal(t_flags(t_d1, 70), T_PERMIT);
}

static void maptrack_grows_in_chunks(void **state)
{
    enum { N = GNTTAB_MAPTRACK_CHUNK + 44 };
    mfn_t frame = t_alloc(t_d1);
    static grant_handle_t h[N];

    (void)state;
    t_grant(t_d1, 72, 2, frame, T_PERMIT);
    for (unsigned int i = 0; i < N; i++) {
        assert_int_equal(t_map(t_d2, 1, 72, GNTMAP_device_map | GNTMAP_readonly, 0, &h[i]),
                         GNTST_okay);
    }
    assert_int_equal(t_info(t_d2).maptrack_limit, 2 * GNTTAB_MAPTRACK_CHUNK);
    T_MAPTRACK(t_d2, N, 0);
    T_MAPTRACK(t_d1, 0, N);
    T_FRAME(frame, 1 + N, PGT_NONE, 0);
    for (unsigned int i = 0; i < N; i++) {
        assert_int_equal(t_unmap(t_d2, h[i], 0, (uint64_t)frame << PAGE_SHIFT), GNTST_okay);
    }
    T_MAPTRACK(t_d2, 0, 0);
    assert_int_equal(t_flags(t_d1, 72), T_PERMIT);
    T_FRAME(frame, 1, PGT_NONE, 0);
}

/* ------------------------------------------------------------ races */

static unsigned int race_calls;
static uint16_t race_flags;
static uint32_t race_frame;

/* The granter ends access just as we read its entry. */
static void race_end_access(struct grant_entry_v1 *e)
{
    race_calls++;
    if (race_calls == 1) {
        __atomic_store_n(&e->flags, 0, __ATOMIC_SEQ_CST);
    }
}

/* The granter touches a flag we do not care about, once. */
static void race_benign(struct grant_entry_v1 *e)
{
    if (race_calls++ == 0) {
        __atomic_fetch_or(&e->flags, GTF_PAT, __ATOMIC_SEQ_CST);
    }
}

/* The granter rewrites its entry every time we look: a livelock attempt. */
static void race_forever(struct grant_entry_v1 *e)
{
    race_calls++;
    __atomic_fetch_xor(&e->flags, GTF_PWT, __ATOMIC_SEQ_CST);
}

/* The granter swaps the frame under us (and makes it read-only). */
static void race_swap(struct grant_entry_v1 *e)
{
    if (race_calls++ == 0) {
        e->frame = race_frame;
        __atomic_store_n(&e->flags, race_flags, __ATOMIC_SEQ_CST);
    }
}

static void race_with_granter(void **state)
{
    mfn_t frame = t_alloc(t_d1), frame2 = t_alloc(t_d1);
    grant_handle_t h;
    uint64_t bus;

    (void)state;
    /* Access ended between our read and our swap: refused, the entry left as the granter wrote it. */
    t_grant(t_d1, 80, 2, frame, T_PERMIT);
    race_calls = 0;
    gnttab_test_race_hook = race_end_access;
    assert_int_equal(t_map(t_d2, 1, 80, T_HOST_RW, T_VA(1), NULL), GNTST_general_error);
    assert_int_equal(race_calls, 1);
    assert_int_equal(t_flags(t_d1, 80), 0);
    T_FRAME(frame, 1, PGT_NONE, 0);
    T_MAPTRACK(t_d2, 0, 0);
    assert_int_equal(fake_gnttab_nr_ptes(2), 0);

    /* A harmless change: the swap is retried with what the granter wrote. */
    t_grant(t_d1, 81, 2, frame, T_PERMIT);
    race_calls = 0;
    gnttab_test_race_hook = race_benign;
    assert_int_equal(t_map(t_d2, 1, 81, T_HOST_RW, T_VA(1), &h), GNTST_okay);
    assert_int_equal(race_calls, 2);
    assert_int_equal(t_flags(t_d1, 81), T_PERMIT | GTF_PAT | T_RD | T_WR);
    gnttab_test_race_hook = NULL;
    assert_int_equal(t_unmap(t_d2, h, T_VA(1), 0), GNTST_okay);
    assert_int_equal(t_flags(t_d1, 81), T_PERMIT | GTF_PAT);

    /* A granter that never stops rewriting: bounded retries, then refused. */
    t_grant(t_d1, 82, 2, frame, T_PERMIT);
    race_calls = 0;
    gnttab_test_race_hook = race_forever;
    assert_int_equal(t_map(t_d2, 1, 82, T_HOST_RW, T_VA(1), NULL), GNTST_general_error);
    assert_int_equal(race_calls, 5);
    assert_int_equal(t_flags(t_d1, 82) & (T_RD | T_WR), 0);
    T_FRAME(frame, 1, PGT_NONE, 0);
    T_MAPTRACK(t_d2, 0, 0);

    /* The frame changes under us: what gets pinned is what was validated (the new frame). */
    t_grant(t_d1, 83, 2, frame, T_PERMIT);
    race_calls = 0;
    race_frame = (uint32_t)frame2;
    race_flags = T_PERMIT;
    gnttab_test_race_hook = race_swap;
    {
        struct gnttab_map_grant_ref op = { .host_addr = T_VA(1), .flags = T_HOST_RW, .ref = 83,
                                           .dom = 1 };
        assert_int_equal(t_op(t_d2, GNTTABOP_map_grant_ref, &op, 1), 0);
        assert_int_equal(op.status, GNTST_okay);
        bus = op.dev_bus_addr;
        h = op.handle;
    }
    assert_int_equal(bus, (uint64_t)frame2 << PAGE_SHIFT);
    T_FRAME(frame, 1, PGT_NONE, 0);
    T_FRAME(frame2, 2, PGT_WRITABLE, 1);
    assert_int_equal(t_unmap(t_d2, h, T_VA(1), 0), GNTST_okay);
    /* ... and a swap that makes the grant read-only defeats a writable map. */
    race_calls = 0;
    race_flags = T_PERMIT | GTF_readonly;
    assert_int_equal(t_map(t_d2, 1, 83, T_HOST_RW, T_VA(1), NULL), GNTST_general_error);
    assert_int_equal(t_flags(t_d1, 83), T_PERMIT | GTF_readonly);
    gnttab_test_race_hook = NULL;
    T_FRAME(frame2, 1, PGT_NONE, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(initial_table_and_query),
        T_TEST(setup_table_grows_and_never_shrinks),
        T_TEST(setup_table_limits_and_faults),
        T_TEST(setup_and_query_other_domains),
        T_TEST(versions),
        T_TEST(unknown_and_malformed_commands),
        T_TEST(limits_can_be_changed),
        T_TEST(map_unmap_writable),
        T_TEST(map_readonly),
        T_TEST(map_refused_entries),
        T_TEST(map_refused_frames),
        T_TEST(map_refused_by_arch),
        T_TEST(several_mappings_of_one_grant),
        T_TEST(pinned_grant_serves_one_domain),
        T_TEST(use_after_end_access),
        T_TEST(self_mapping),
        T_TEST(unmap_bad_handles),
        T_TEST(unmap_checks_addresses),
        T_TEST(device_map_readonly),
        T_TEST(unmap_and_replace),
        T_TEST(maptrack_exhaustion),
        T_TEST(maptrack_grows_in_chunks),
        T_TEST(race_with_granter),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
