/*
 * Page-table validation (arch/x86/pv/mm.c): what an entry may contain and
 * reference at each level, U/S forced on present entries, the hypervisor's
 * L4 slots 256-271, type confusion and linear (recursive) tables, recursive
 * validation of a 4-level tree and its release, and failures deep in a tree.
 * Every refusal is -EINVAL and leaves the frame table and memory exactly as
 * they were (snapshot of everything).
 */
#include "pvmm_test.h"

/* A frame an entry of `level` may reference: data for L1, an empty table above. */
static mfn_t target_for(struct domain *d, unsigned int level)
{
    (void)level;    /* a zeroed frame validates as an empty table of any level */
    return t_alloc(d);
}

/*
 * Validate a fresh table of `level` holding `e` at `idx`. On success check
 * U/S was forced and release it; on failure check nothing changed.
 */
static int try_entry(struct domain *d, unsigned int level, unsigned int idx, uint64_t e)
{
    mfn_t t = t_alloc(d);
    int rc;

    tab(t)[idx] = e;
    t_snap();
    rc = get_page_and_type(t, d, ptype(level));
    if (rc) {
        assert_int_equal(rc, t_refusal(d, level, e));
        T_UNCHANGED();
        return rc;
    }
    T_FRAME(t, 2, ptype(level), 1, PGF_VALIDATED);
    assert_int_equal(tab(t)[idx], (e & _PAGE_PRESENT) ? e | _PAGE_USER : e);
    put_page_and_type(t);
    T_IDLE(t);
    return 0;
}

static void guest_bits_accepted(void **state)
{
    const uint64_t ok[] = {
        _PAGE_PRESENT, T_RO, T_RW, T_RW | _PAGE_USER, _PAGE_PRESENT | _PAGE_DIRTY,
        _PAGE_PRESENT | T_BIT(9), _PAGE_PRESENT | T_BIT(10), _PAGE_PRESENT | T_BIT(11),
        _PAGE_PRESENT | _PAGE_NX, _PAGE_PRESENT | T_BIT(53), _PAGE_PRESENT | T_BIT(58),
        _PAGE_PRESENT | T_BIT(62), T_RW | _PAGE_USER | 0xe00 | 0xffe0000000000000ull,
    };

    (void)state;
    for (unsigned int level = 1; level <= 4; level++) {
        for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
            mfn_t x = target_for(t_d1, level);
            /* Bit 62 marks grant mappings in L1 entries: the guest may not set it there. */
            uint64_t bits = level == 1 ? ok[i] & ~T_BIT(62) : ok[i];

            assert_int_equal(try_entry(t_d1, level, 17, pte(x, bits)), 0);
            T_IDLE(x);
        }
    }
}

static void forbidden_bits_refused(void **state)
{
    const uint64_t cache[] = { _PAGE_PWT, _PAGE_PCD, _PAGE_PWT | _PAGE_PCD };

    (void)state;
    for (unsigned int level = 1; level <= 4; level++) {
        mfn_t x = target_for(t_d1, level);
        /* The grant-mapping mark (bit 62): refused in L1 entries only, as on Xen. */
        assert_int_equal(try_entry(t_d1, level, 3, pte(x, T_RO | T_BIT(62))),
                         level == 1 ? -EINVAL : 0);
        T_IDLE(x);
        /* Global: allowed in L1 entries (as on Xen), refused above. */
        if (level > 1) {
            assert_int_equal(try_entry(t_d1, level, 3, pte(x, T_RW | _PAGE_GLOBAL)), -EINVAL);
            assert_int_equal(try_entry(t_dp, level, 3, pte(t_alloc(t_dp), T_RW | _PAGE_GLOBAL)),
                             -EINVAL);
        }
        /* Cache attributes: not for an unprivileged domain. */
        for (unsigned int i = 0; i < 3; i++) {
            assert_int_equal(try_entry(t_d1, level, 3, pte(x, T_RW | cache[i])), -EINVAL);
        }
        T_IDLE(x);
    }
    /* Superpages (PSE, bit 7) at L2 and L3, and the reserved bit 7 in L4. */
    for (unsigned int level = 2; level <= 4; level++) {
        mfn_t x = target_for(t_d1, level);
        assert_int_equal(try_entry(t_d1, level, 0, pte(x, T_RW | _PAGE_PSE)), -EINVAL);
        assert_int_equal(try_entry(t_dp, level, 0, pte(t_alloc(t_dp), T_RW | _PAGE_PSE)),
                         -EINVAL);
        /* Cache attributes above L1: not even for a privileged domain. */
        assert_int_equal(try_entry(t_dp, level, 0, pte(t_alloc(t_dp), T_RW | _PAGE_PCD)),
                         -EINVAL);
    }
    /* Bit 7 of an L1 entry is PAT: a cache attribute. */
    assert_int_equal(try_entry(t_d1, 1, 0, pte(t_alloc(t_d1), T_RW | _PAGE_PSE)), -EINVAL);
}

static void privileged_cache_attributes(void **state)
{
    const uint64_t cache[] = { _PAGE_PWT, _PAGE_PCD, _PAGE_PSE /* PAT */,
                               _PAGE_PWT | _PAGE_PCD | _PAGE_PSE };

    (void)state;
    for (unsigned int i = 0; i < 4; i++) {
        mfn_t x = t_alloc(t_dp);
        assert_int_equal(try_entry(t_dp, 1, 9, pte(x, T_RW | cache[i])), 0);
        T_IDLE(x);
    }
}

/* Present entries get U/S (the kernel runs in ring 3); others are left alone. */
static void user_forced_on_present_only(void **state)
{
    mfn_t l1 = t_alloc(t_d1), x = t_alloc(t_d1);

    (void)state;
    tab(l1)[0] = pte(x, T_RO);
    tab(l1)[1] = pte(x, T_RO | _PAGE_USER);
    tab(l1)[2] = T_JUNK;
    tab(l1)[3] = pte(T_NR_FRAMES + 77, _PAGE_GLOBAL | _PAGE_PSE);   /* not present: anything */
    assert_int_equal(get_page_and_type(l1, t_d1, PGT_L1), 0);
    assert_int_equal(tab(l1)[0], pte(x, T_RO | _PAGE_USER));
    assert_int_equal(tab(l1)[1], pte(x, T_RO | _PAGE_USER));
    assert_int_equal(tab(l1)[2], T_JUNK);
    assert_int_equal(tab(l1)[3], pte(T_NR_FRAMES + 77, _PAGE_GLOBAL | _PAGE_PSE));
    T_FRAME(x, 3, PGT_NONE, 0, 0);      /* only the present entries reference it */
    put_page_and_type(l1);
    T_IDLE(x);
}

static void entries_reference_only_mappable_frames(void **state)
{
    mfn_t other = t_alloc(t_d2), l1 = t_alloc(t_d1), l2 = t_alloc(t_d1), gone = t_alloc(t_d1);
    const mfn_t bad[] = { other, t_xen, t_xen + 15, t_d2->shared_info_mfn, 0,
                          T_HOLE_START, T_NR_FRAMES, (1ull << 40) - 1 };

    (void)state;
    /* A frame given back and freed (try_entry would allocate it again). */
    t_drop_alloc(gone);
    tab(l1)[44] = pte(gone, T_RO);
    tab(l2)[44] = pte(gone, T_RW);
    t_snap();
    assert_int_equal(t_pin(t_d1, l1, 1), -EBUSY);
    assert_int_equal(t_pin(t_d1, l2, 2), -EINVAL);
    tab(l1)[44] = pte(gone, T_RW);
    assert_int_equal(t_pin(t_d1, l1, 1), -EBUSY);
    tab(l1)[44] = pte(gone, T_RO);
    T_UNCHANGED();
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (unsigned int level = 1; level <= 4; level++) {
            int rc = level == 1 ? -EBUSY : -EINVAL;

            assert_int_equal(try_entry(t_d1, level, 44, pte(bad[i], T_RO)), rc);
            assert_int_equal(try_entry(t_d1, level, 44, pte(bad[i], T_RW)), rc);
        }
        assert_int_equal(try_entry(t_dp, 1, 44, pte(bad[i], T_RO)), -EBUSY);
    }
    /* The domain's own shared_info: read-only and writable. */
    assert_int_equal(try_entry(t_d1, 1, 44, pte(t_d1->shared_info_mfn, T_RO)), 0);
    assert_int_equal(try_entry(t_d1, 1, 44, pte(t_d1->shared_info_mfn, T_RW)), 0);
    T_FRAME(t_d1->shared_info_mfn, 1, PGT_NONE, 0, 0);
    T_IDLE(other);
}

/* Page tables and descriptor pages are mapped read-only or not at all. */
static void tables_mapped_read_only_only(void **state)
{
    (void)state;
    for (unsigned int type = PGT_L1; type <= PGT_SEG_DESC; type++) {
        mfn_t p = t_alloc(t_d1);

        assert_int_equal(get_page_and_type(p, t_d1, type), 0);
        assert_int_equal(try_entry(t_d1, 1, 8, pte(p, T_RW)), -EBUSY);
        assert_int_equal(try_entry(t_d1, 1, 8, pte(p, T_RW | _PAGE_NX)), -EBUSY);
        T_FRAME(p, 2, type, 1, type == PGT_SEG_DESC ? 0 : PGF_VALIDATED);
        assert_int_equal(try_entry(t_d1, 1, 8, pte(p, T_RO)), 0);
        T_FRAME(p, 2, type, 1, type == PGT_SEG_DESC ? 0 : PGF_VALIDATED);
        put_page_and_type(p);
        T_IDLE(p);
    }
}

/* A writable-mapped frame cannot become a page table, at any level. */
static void writable_frame_never_a_table(void **state)
{
    mfn_t f = t_alloc(t_d1), l1 = t_alloc(t_d1);

    (void)state;
    tab(l1)[0] = pte(f, T_RW);
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    T_FRAME(f, 2, PGT_WRITABLE, 1, 0);
    for (unsigned int level = 2; level <= 4; level++) {
        assert_int_equal(try_entry(t_d1, level, 0, pte(f, T_RO)), -EINVAL);
    }
    t_snap();
    for (unsigned int level = 1; level <= 4; level++) {
        assert_int_equal(t_pin(t_d1, f, level), -EINVAL);
    }
    assert_int_equal(get_page_and_type(f, t_d1, PGT_SEG_DESC), -EINVAL);
    T_UNCHANGED();
    t_unpin(l1);
    T_IDLE(f);
    assert_int_equal(try_entry(t_d1, 2, 0, pte(f, T_RO)), 0);  /* now it may */
}

/*
 * L4 slots 256-271 are the hypervisor's: whatever the guest left there is
 * replaced when the L4 is validated, references nothing of the guest's, and
 * cannot be written afterwards. A former L4 cannot smuggle those entries
 * into another table type either: they name frames the guest may not map.
 */
static void hypervisor_l4_slots(void **state)
{
    mfn_t l4 = t_alloc(t_d1), own = t_alloc(t_d1), other = t_alloc(t_d2);

    (void)state;
    tab(l4)[HV_L4_FIRST_SLOT] = pte(own, T_RW);
    tab(l4)[HV_L4_FIRST_SLOT + 1] = pte(other, T_RW);
    tab(l4)[HV_L4_FIRST_SLOT + 2] = pte(l4, T_RW | _PAGE_GLOBAL | _PAGE_PSE);
    tab(l4)[HV_L4_FIRST_SLOT + 3] = pte(t_xen, T_RW);
    tab(l4)[HV_L4_LAST_SLOT] = T_JUNK;
    assert_int_equal(t_pin(t_d1, l4, 4), 0);
    for (unsigned int s = HV_L4_FIRST_SLOT; s <= HV_L4_LAST_SLOT; s++) {
        assert_int_equal(tab(l4)[s], pte(t_xen + s - HV_L4_FIRST_SLOT,
                                         _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED));
    }
    T_IDLE(own);
    T_IDLE(other);
    T_FRAME(t_xen, 1, PGT_NONE, 0, 0);
    T_FRAME(l4, 2, PGT_L4, 1, T_VP);

    t_snap();
    for (unsigned int s = HV_L4_FIRST_SLOT; s <= HV_L4_LAST_SLOT; s++) {
        assert_int_equal(pv_update_entry(t_d1, l4, 4, s, pte(own, T_RW), false), -EINVAL);
        assert_int_equal(pv_update_entry(t_d1, l4, 4, s, 0, false), -EINVAL);
        assert_int_equal(pv_update_entry(t_d1, l4, 4, s, tab(l4)[s], true), -EINVAL);
    }
    T_UNCHANGED();
    /* The slots on either side are the guest's. */
    assert_int_equal(pv_update_entry(t_d1, l4, 4, HV_L4_FIRST_SLOT - 1, pte(own, T_RO), false),
                     0);
    assert_int_equal(pv_update_entry(t_d1, l4, 4, HV_L4_LAST_SLOT + 1, pte(own, T_RO), false),
                     0);
    T_FRAME(own, 3, PGT_L3, 2, PGF_VALIDATED);
    t_unpin(l4);
    T_IDLE(own);
    T_IDLE(l4);

    /* The ex-L4 still holds the hypervisor's entries: no other use of it passes. */
    t_snap();
    assert_int_equal(get_page_and_type(l4, t_d1, PGT_L3), -EINVAL);
    assert_int_equal(get_page_and_type(l4, t_d1, PGT_L2), -EINVAL);
    assert_int_equal(get_page_and_type(l4, t_d1, PGT_L1), -EBUSY);
    T_UNCHANGED();
    assert_int_equal(t_pin(t_d1, l4, 4), 0);    /* as an L4 again it is fine */
    t_unpin(l4);
}

static void type_confusion_refused(void **state)
{
    mfn_t tbl[5], x = t_alloc(t_d1);

    (void)state;
    for (unsigned int level = 1; level <= 4; level++) {
        tbl[level] = t_alloc(t_d1);
        if (level == 1) {
            tab(tbl[1])[0] = pte(x, T_RW);  /* an L1 full of writable mappings... */
        }
        assert_int_equal(t_pin(t_d1, tbl[level], level), 0);
    }
    /* An entry of level L takes a table of level L-1, nothing else. */
    for (unsigned int entry_level = 2; entry_level <= 4; entry_level++) {
        for (unsigned int level = 1; level <= 4; level++) {
            int want = level == entry_level - 1 ? 0 : -EINVAL;
            assert_int_equal(try_entry(t_d1, entry_level, 1, pte(tbl[level], T_RW)), want);
        }
    }
    t_snap();
    for (unsigned int level = 1; level <= 4; level++) {
        for (unsigned int other = 1; other <= 4; other++) {
            if (other != level) {
                assert_int_equal(get_page_and_type(tbl[level], t_d1, ptype(other)), -EINVAL);
            }
        }
    }
    T_UNCHANGED();
    /* ...offered as an L2 elsewhere (above) was refused; x is mapped once. */
    T_FRAME(x, 2, PGT_WRITABLE, 1, 0);
    for (unsigned int level = 1; level <= 4; level++) {
        T_FRAME(tbl[level], 2, ptype(level), 1, T_VP);
        t_unpin(tbl[level]);
    }
}

/* Linear page tables are refused: every entry names a table one level down. */
static void linear_tables_refused(void **state)
{
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d1), c = t_alloc(t_d1);

    (void)state;
    for (unsigned int level = 2; level <= 4; level++) {
        mfn_t t = t_alloc(t_d1);
        tab(t)[5] = pte(t, T_RO);       /* itself, read-only */
        t_snap();
        assert_int_equal(t_pin(t_d1, t, level), -EINVAL);
        T_UNCHANGED();
        tab(t)[5] = pte(t, T_RW);
        t_snap();
        assert_int_equal(t_pin(t_d1, t, level), -EINVAL);
        T_UNCHANGED();
    }
    /* An L1 may map itself read-only (an ordinary read-only page-table mapping)... */
    {
        mfn_t t = t_alloc(t_d1);
        tab(t)[5] = pte(t, T_RO);
        assert_int_equal(t_pin(t_d1, t, 1), 0);
        T_FRAME(t, 3, PGT_L1, 1, T_VP);
        t_unpin(t);
        T_IDLE(t);
        tab(t)[5] = pte(t, T_RW);       /* ...but never writable */
        t_snap();
        assert_int_equal(t_pin(t_d1, t, 1), -EBUSY);
        T_UNCHANGED();
    }
    /* A loop through a lower level: a -> b (as L3) -> a (as L2). */
    tab(a)[0] = pte(b, T_RW);
    tab(b)[0] = pte(a, T_RW);
    t_snap();
    assert_int_equal(t_pin(t_d1, a, 4), -EINVAL);
    T_UNCHANGED();
    /* An L4 entry naming another, validated L4. */
    tab(b)[0] = 0;
    assert_int_equal(t_pin(t_d1, c, 4), 0);
    tab(a)[0] = pte(c, T_RO);
    t_snap();
    assert_int_equal(t_pin(t_d1, a, 4), -EINVAL);
    T_UNCHANGED();
    t_unpin(c);
}

static uint64_t user(uint64_t e)
{
    return (e & _PAGE_PRESENT) ? e | _PAGE_USER : e;
}

/* Pinning the root validates everything below; unpinning releases it all. */
static void tree_validation_and_release(void **state)
{
    struct t_tree t;
    mfn_t tables[7], l4b;
    uint64_t orig[7][PT_ENTRIES];

    (void)state;
    t_tree_build(&t, t_d1);
    tables[0] = t.l4, tables[1] = t.l3a, tables[2] = t.l3b, tables[3] = t.l2a;
    tables[4] = t.l2b, tables[5] = t.l1a, tables[6] = t.l1b;
    for (unsigned int i = 0; i < 7; i++) {
        memcpy(orig[i], tab(tables[i]), PAGE_SIZE);
    }
    t_tree_expect_idle(&t);
    assert_int_equal(t_pin(t_d1, t.l4, 4), 0);
    t_tree_expect_pinned(&t);
    for (unsigned int i = 0; i < 7; i++) {
        for (unsigned int j = 0; j < PT_ENTRIES; j++) {
            if (i == 0 && j >= HV_L4_FIRST_SLOT && j <= HV_L4_LAST_SLOT) {
                continue;
            }
            assert_int_equal(tab(tables[i])[j], user(orig[i][j]));
        }
    }
    /* A second L4 sharing l3a: only the top gains a reference. */
    l4b = t_alloc(t_d1);
    tab(l4b)[9] = pte(t.l3a, T_RO);
    assert_int_equal(t_pin(t_d1, l4b, 4), 0);
    T_FRAME(t.l3a, 3, PGT_L3, 2, PGF_VALIDATED);
    T_FRAME(t.l2a, 2, PGT_L2, 1, PGF_VALIDATED);
    t_unpin(t.l4);
    T_IDLE(t.l4);
    T_IDLE(t.l3b);
    T_IDLE(t.l2b);
    T_FRAME(t.l3a, 2, PGT_L3, 1, PGF_VALIDATED);
    T_FRAME(t.l1a, 2, PGT_L1, 1, PGF_VALIDATED);
    T_FRAME(t.data[0], 3, PGT_WRITABLE, 2, 0);
    T_FRAME(t.data[1], 3, PGT_NONE, 0, 0);
    t_unpin(l4b);
    t_tree_expect_idle(&t);
    T_IDLE(l4b);
}

struct injection {
    int table;          /* index into the tree's tables: 0 l4 .. 6 l1b */
    unsigned int idx;
    uint64_t flags;
    int target;         /* -1 d2's frame, -2 xen, -3 beyond, -4 fresh own, else tables[] */
};

/*
 * One bad entry anywhere in the tree, with earlier parts of the walk already
 * validated, fails the pin and leaves every count and every byte as before.
 */
static void deep_failure_changes_nothing(void **state)
{
    const struct injection inj[] = {
        { 6, 511, T_RW, -1 },           /* last entry of the last L1: another domain's */
        { 5, 400, T_RO, -2 },           /* hypervisor frame */
        { 6, 10, T_RW, 5 },             /* writable mapping of l1a, validated earlier */
        { 6, 11, T_RW, 3 },             /* writable mapping of l2a, being validated */
        { 6, 12, T_RW, 0 },             /* writable mapping of the root */
        { 4, 8, T_RW, 7 },              /* data[0], writable-mapped already, as an L1 */
        { 3, 2, T_RW | _PAGE_PSE, -4 }, /* superpage */
        { 2, 4, T_RW, 5 },              /* an L1 as an L2 */
        { 0, 1, T_RO, 0 },              /* the root names itself */
        { 0, 2, _PAGE_PRESENT | _PAGE_GLOBAL, -4 },
        { 0, 510, T_RW, -3 },           /* beyond the frame table */
        { 6, 100, _PAGE_PRESENT | _PAGE_PCD, -4 },
        { 1, 511, T_RW, 6 },            /* l1b, an L1 by then, as an L2 */
    };
    struct t_tree t;
    mfn_t tables[10], other = t_alloc(t_d2);

    (void)state;
    t_tree_build(&t, t_d1);
    tables[0] = t.l4, tables[1] = t.l3a, tables[2] = t.l3b, tables[3] = t.l2a;
    tables[4] = t.l2b, tables[5] = t.l1a, tables[6] = t.l1b, tables[7] = t.data[0];
    for (unsigned int pass = 0; pass < 2; pass++) {
        /* Second pass: parts of the tree are already in use through pins. */
        if (pass == 1) {
            assert_int_equal(t_pin(t_d1, t.l1a, 1), 0);
            assert_int_equal(t_pin(t_d1, t.l2b, 2), 0);
        }
        for (unsigned int i = 0; i < sizeof(inj) / sizeof(inj[0]); i++) {
            uint64_t *slot = &tab(tables[inj[i].table])[inj[i].idx];
            uint64_t saved = *slot;
            mfn_t target;

            if (pass == 1 && (inj[i].table == 4 || inj[i].table == 5)) {
                continue;   /* validated and read-only now: the guest cannot write it */
            }
            target = inj[i].target == -1 ? other
                         : inj[i].target == -2 ? t_xen
                         : inj[i].target == -3 ? T_NR_FRAMES + 3
                         : inj[i].target == -4 ? t_alloc(t_d1)
                         : tables[inj[i].target];
            *slot = pte(target, inj[i].flags);
            t_snap();
            if (t_pin(t_d1, t.l4, 4) >= 0) {
                fail_msg("injection %u (pass %u) was not refused", i, pass);
            }
            T_UNCHANGED_BUT_USER();
            *slot = saved;
        }
        assert_int_equal(t_pin(t_d1, t.l4, 4), 0);
        t_unpin(t.l4);
        if (pass == 1) {
            T_FRAME(t.l2b, 2, PGT_L2, 1, T_VP);
            T_FRAME(t.l1a, 3, PGT_L1, 2, T_VP);     /* the pin and l2b[7] */
            t_unpin(t.l2b);
            T_FRAME(t.l1a, 2, PGT_L1, 1, T_VP);
            t_unpin(t.l1a);
        }
        t_tree_expect_idle(&t);
    }
    T_IDLE(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(guest_bits_accepted),
        T_TEST(forbidden_bits_refused),
        T_TEST(privileged_cache_attributes),
        T_TEST(user_forced_on_present_only),
        T_TEST(entries_reference_only_mappable_frames),
        T_TEST(tables_mapped_read_only_only),
        T_TEST(writable_frame_never_a_table),
        T_TEST(hypervisor_l4_slots),
        T_TEST(type_confusion_refused),
        T_TEST(linear_tables_refused),
        T_TEST(tree_validation_and_release),
        T_TEST(deep_failure_changes_nothing),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
