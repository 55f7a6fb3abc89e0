/*
 * pv_update_entry (arch/x86/pv/mm.c), the single path of mmu_update,
 * update_va_mapping and trapped page-table stores: installing, replacing and
 * clearing entries at every level with the references moving exactly; the
 * new entry's references taken before the old one's are dropped; flag-only
 * changes; MMU_PT_UPDATE_PRESERVE_AD (Xen: "*ptr = val | (*ptr & (A|D))");
 * and refusals (-EINVAL, nothing changed) for bad entries and for tables
 * that are not the caller's validated tables of that level.
 */
#include "pvmm_test.h"

#define AD (_PAGE_ACCESSED | _PAGE_DIRTY)

/* l4[0] -> l3, l3[0] -> l2, l2[0] -> l1, pinned at l4. */
struct chain {
    mfn_t l4, l3, l2, l1;
};

static void chain_build(struct chain *c, struct domain *d)
{
    c->l4 = t_alloc(d);
    c->l3 = t_alloc(d);
    c->l2 = t_alloc(d);
    c->l1 = t_alloc(d);
    tab(c->l4)[0] = pte(c->l3, T_RW);
    tab(c->l3)[0] = pte(c->l2, T_RW);
    tab(c->l2)[0] = pte(c->l1, T_RW);
    assert_int_equal(t_pin(d, c->l4, 4), 0);
}

static void chain_expect(const struct chain *c)
{
    T_FRAME(c->l4, 2, PGT_L4, 1, T_VP);
    T_FRAME(c->l3, 2, PGT_L3, 1, PGF_VALIDATED);
    T_FRAME(c->l2, 2, PGT_L2, 1, PGF_VALIDATED);
    T_FRAME(c->l1, 2, PGT_L1, 1, PGF_VALIDATED);
}

static void chain_release(const struct chain *c)
{
    t_unpin(c->l4);
    T_IDLE(c->l4);
    T_IDLE(c->l3);
    T_IDLE(c->l2);
    T_IDLE(c->l1);
}

/* Apply an update that must be refused with -EINVAL and change nothing. */
#define REFUSE_RC(d, table, level, idx, e, ad, rc)                                                 \
    do {                                                                                           \
        t_snap();                                                                                  \
        assert_int_equal(pv_update_entry((d), (table), (level), (idx), (e), (ad)), (rc));         \
        T_UNCHANGED();                                                                             \
    } while (0)
#define REFUSE(d, table, level, idx, e, ad) REFUSE_RC(d, table, level, idx, e, ad, t_refusal((d), (level), (e)))

static void install_replace_clear(void **state)
{
    struct chain c;
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d1);

    (void)state;
    chain_build(&c, t_d1);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 0, pte(a, T_RW), false), 0);
    assert_int_equal(tab(c.l1)[0], pte(a, T_RW | _PAGE_USER));
    T_FRAME(a, 2, PGT_WRITABLE, 1, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 0, pte(b, T_RO), false), 0);
    T_IDLE(a);
    T_FRAME(b, 2, PGT_NONE, 0, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 0, pte(b, T_RW), false), 0);
    T_FRAME(b, 2, PGT_WRITABLE, 1, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 0, pte(b, T_RO), false), 0);
    T_FRAME(b, 2, PGT_NONE, 0, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 0, T_JUNK, false), 0);   /* not present */
    assert_int_equal(tab(c.l1)[0], T_JUNK);
    T_IDLE(b);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 0, 0, false), 0);
    chain_expect(&c);
    chain_release(&c);
}

static void refused_updates_change_nothing(void **state)
{
    struct chain c, c2;
    mfn_t a = t_alloc(t_d1), gone = t_alloc(t_d1), other = t_alloc(t_d2);

    (void)state;
    chain_build(&c, t_d1);
    chain_build(&c2, t_d1);
    t_drop_alloc(gone);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 7, pte(a, T_RW), false), 0);
    /* L1: frames d1 may not map, forbidden bits, writable page tables. */
    REFUSE(t_d1, c.l1, 1, 7, pte(other, T_RO), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(gone, T_RO), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(t_xen + 3, T_RO), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(t_d2->shared_info_mfn, T_RW), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(T_HOLE_START + 1, T_RO), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(T_NR_FRAMES + 9, T_RO), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(a, T_RW | _PAGE_PSE), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(a, T_RW | _PAGE_PCD), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(a, T_RW | _PAGE_PSE), false);
    REFUSE(t_d1, c.l1, 1, 8, pte(a, T_RW | _PAGE_PWT), true);
    REFUSE(t_d1, c.l1, 1, 7, pte(c.l1, T_RW), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(c.l2, T_RW), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(c.l4, T_RW), false);
    REFUSE(t_d1, c.l1, 1, 7, pte(c2.l4, T_RW), false);
    /* L2-L4: superpages, wrong levels, linear entries, writable-mapped frames. */
    REFUSE(t_d1, c.l2, 2, 0, pte(c.l1, T_RW | _PAGE_PSE), false);
    REFUSE(t_d1, c.l2, 2, 1, pte(a, T_RW), false);       /* writable-mapped as an L1 */
    REFUSE(t_d1, c.l2, 2, 0, pte(c.l2, T_RO), false);    /* itself */
    REFUSE(t_d1, c.l2, 2, 0, pte(c2.l2, T_RO), false);   /* an L2 as an L1 */
    REFUSE(t_d1, c.l3, 3, 0, pte(c.l2, T_RW | _PAGE_PSE), false);
    REFUSE(t_d1, c.l3, 3, 1, pte(c.l3, T_RO), false);
    REFUSE(t_d1, c.l3, 3, 1, pte(c2.l1, T_RO), false);   /* an L1 as an L2 */
    REFUSE(t_d1, c.l4, 4, 1, pte(c.l4, T_RO), false);    /* the root names itself */
    REFUSE(t_d1, c.l4, 4, 1, pte(c2.l4, T_RO), false);   /* another L4 */
    REFUSE(t_d1, c.l4, 4, 1, pte(other, T_RO), false);
    REFUSE(t_d1, c.l4, 4, 1, pte(c.l3, T_RO | _PAGE_GLOBAL), false);
    assert_int_equal(tab(c.l1)[7], pte(a, T_RW | _PAGE_USER));
    T_FRAME(a, 2, PGT_WRITABLE, 1, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 7, 0, false), 0);
    chain_release(&c);
    chain_release(&c2);
    T_IDLE(a);
    T_IDLE(other);
}

/*
 * The new entry's references are taken before the old one's are dropped:
 * an update that keeps the same frame (or the same table below) must not
 * let the frame drop to zero references in between, which would free it or
 * release the whole subtree below it.
 */
static void new_references_before_old(void **state)
{
    struct chain c;
    mfn_t f = t_alloc(t_d1), d = t_alloc(t_d1), l1b = t_alloc(t_d1), l2b = t_alloc(t_d1);

    (void)state;
    chain_build(&c, t_d1);
    /* L1: f is referenced only by the entry; RO -> RW -> RO of the same frame. */
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 1, pte(f, T_RO), false), 0);
    t_drop_alloc(f);
    T_FRAME(f, 1, PGT_NONE, 0, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 1, pte(f, T_RW), false), 0);
    T_FRAME(f, 1, PGT_WRITABLE, 1, 0);
    assert_int_equal(mfn_to_page(f)->owner, t_d1->id);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 1, pte(f, T_RO), false), 0);
    T_FRAME(f, 1, PGT_NONE, 0, 0);

    /* L2: l1b (holding the only mapping of d) is referenced only by l2[1]. */
    tab(l1b)[4] = pte(d, T_RW);
    assert_int_equal(pv_update_entry(t_d1, c.l2, 2, 1, pte(l1b, T_RO), false), 0);
    t_drop_alloc(l1b);
    t_drop_alloc(d);
    T_FRAME(l1b, 1, PGT_L1, 1, PGF_VALIDATED);
    T_FRAME(d, 1, PGT_WRITABLE, 1, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l2, 2, 1, pte(l1b, T_RW), false), 0);
    T_FRAME(l1b, 1, PGT_L1, 1, PGF_VALIDATED);
    T_FRAME(d, 1, PGT_WRITABLE, 1, 0);

    /* L3: move the subtree under a second L2 that names the same l1b. */
    tab(l2b)[9] = pte(l1b, T_RW);
    assert_int_equal(pv_update_entry(t_d1, c.l3, 3, 1, pte(l2b, T_RW), false), 0);
    T_FRAME(l1b, 2, PGT_L1, 2, PGF_VALIDATED);
    assert_int_equal(pv_update_entry(t_d1, c.l2, 2, 1, 0, false), 0);
    T_FRAME(l1b, 1, PGT_L1, 1, PGF_VALIDATED);
    T_FRAME(d, 1, PGT_WRITABLE, 1, 0);

    /* Clearing the last references frees all three. */
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 1, 0, false), 0);
    assert_true(t_is_free(f));
    assert_int_equal(pv_update_entry(t_d1, c.l3, 3, 1, 0, false), 0);
    assert_true(t_is_free(l1b));
    assert_true(t_is_free(d));
    T_IDLE(l2b);
    chain_expect(&c);
    chain_release(&c);
}

/* Flags that no reference depends on change in place; forbidden ones never. */
static void same_frame_flag_changes(void **state)
{
    struct chain c;
    mfn_t a = t_alloc(t_d1);
    const uint64_t flags[] = { T_RW, T_RW & ~AD, T_RW | _PAGE_NX, T_RW | T_BIT(9) | T_BIT(55),
                               _PAGE_PRESENT | _PAGE_RW, T_RW | _PAGE_USER };

    (void)state;
    chain_build(&c, t_d1);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 2, pte(a, T_RW), false), 0);
    for (unsigned int i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 2, pte(a, flags[i]), false), 0);
        assert_int_equal(tab(c.l1)[2], pte(a, flags[i] | _PAGE_USER));
        T_FRAME(a, 2, PGT_WRITABLE, 1, 0);
    }
    REFUSE(t_d1, c.l1, 1, 2, pte(a, T_RW | _PAGE_PSE), false);
    REFUSE(t_d1, c.l1, 1, 2, pte(a, T_RW | _PAGE_PCD), false);
    REFUSE(t_d1, c.l1, 1, 2, pte(a, T_RW | _PAGE_PSE), false);
    /* The same at L2-L4: the table below keeps exactly its one reference. */
    for (unsigned int level = 2; level <= 4; level++) {
        mfn_t table = level == 2 ? c.l2 : level == 3 ? c.l3 : c.l4;
        mfn_t below = level == 2 ? c.l1 : level == 3 ? c.l2 : c.l3;
        assert_int_equal(pv_update_entry(t_d1, table, level, 0, pte(below, T_RO | _PAGE_NX),
                                         false), 0);
        assert_int_equal(tab(table)[0], pte(below, T_RO | _PAGE_NX | _PAGE_USER));
        REFUSE(t_d1, table, level, 0, pte(below, T_RW | _PAGE_PSE), false);
        REFUSE(t_d1, table, level, 0, pte(below, T_RW | _PAGE_GLOBAL), false);
        REFUSE(t_d1, table, level, 0, pte(below, T_RO | _PAGE_NX | _PAGE_GLOBAL), false);
        REFUSE(t_d1, table, level, 0, pte(below, T_RO | _PAGE_NX | _PAGE_PCD), false);
        assert_int_equal(pv_update_entry(t_d1, table, level, 0, pte(below, T_RW), false), 0);
    }
    chain_expect(&c);
    T_FRAME(a, 2, PGT_WRITABLE, 1, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 2, 0, false), 0);
    chain_release(&c);
}

/* XSA-182: turning a read-only mapping of a page table writable in place. */
static void no_writable_upgrade_of_table_mapping(void **state)
{
    struct chain c;

    (void)state;
    chain_build(&c, t_d1);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 3, pte(c.l1, T_RO), false), 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 4, pte(c.l4, T_RO), false), 0);
    T_FRAME(c.l1, 3, PGT_L1, 1, PGF_VALIDATED);
    REFUSE(t_d1, c.l1, 1, 3, pte(c.l1, T_RO | _PAGE_RW), false);
    REFUSE(t_d1, c.l1, 1, 3, pte(c.l1, T_RO | _PAGE_RW), true);
    REFUSE(t_d1, c.l1, 1, 4, pte(c.l4, T_RW), false);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 3, 0, false), 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 4, 0, false), 0);
    chain_release(&c);
}

/* MMU_PT_UPDATE_PRESERVE_AD: the entry's current A/D bits are ORed in. */
static void preserve_ad(void **state)
{
    struct chain c;
    mfn_t a = t_alloc(t_d1), b = t_alloc(t_d1);
    const uint64_t base = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;

    (void)state;
    chain_build(&c, t_d1);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 5, pte(a, base), false), 0);
    tab(c.l1)[5] |= AD;                 /* the CPU sets them as the guest runs */
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 5, pte(a, base | _PAGE_NX), true), 0);
    assert_int_equal(tab(c.l1)[5], pte(a, base | _PAGE_NX | AD));
    /* Without PRESERVE_AD the guest's value is taken as it is. */
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 5, pte(a, base), false), 0);
    assert_int_equal(tab(c.l1)[5], pte(a, base));
    /* Old A, new D: both (an OR, not a replacement of the new bits). */
    tab(c.l1)[5] |= _PAGE_ACCESSED;
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 5, pte(a, base | _PAGE_DIRTY), true), 0);
    assert_int_equal(tab(c.l1)[5], pte(a, base | AD));
    /* New A/D with none in the old entry: kept. */
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 5, pte(a, base), false), 0);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 5, pte(a, base | AD), true), 0);
    assert_int_equal(tab(c.l1)[5], pte(a, base | AD));
    /* Also when the frame changes; the references move as without it. */
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 5, pte(b, _PAGE_PRESENT), true), 0);
    assert_int_equal(tab(c.l1)[5], pte(b, _PAGE_PRESENT | _PAGE_USER | AD));
    T_IDLE(a);
    T_FRAME(b, 2, PGT_NONE, 0, 0);
    /* A refused update leaves the old entry, A/D included. */
    REFUSE(t_d1, c.l1, 1, 5, pte(t_xen, base), true);
    assert_int_equal(pv_update_entry(t_d1, c.l1, 1, 5, 0, false), 0);
    T_IDLE(b);
    chain_release(&c);
}

/* Only d's own validated tables, at their own level, can be updated. */
static void table_must_be_validated_of_level(void **state)
{
    struct chain c, c2;
    mfn_t plain = t_alloc(t_d1), wr = t_alloc(t_d1), gdt = t_alloc(t_d1), a = t_alloc(t_d1);

    (void)state;
    chain_build(&c, t_d1);
    chain_build(&c2, t_d2);
    assert_int_equal(get_page_and_type(wr, t_d1, PGT_WRITABLE), 0);
    assert_int_equal(get_page_and_type(gdt, t_d1, PGT_SEG_DESC), 0);
    for (unsigned int level = 1; level <= 4; level++) {
        /* The table itself is not a validated table of that level. */
        REFUSE_RC(t_d1, plain, level, 0, pte(a, T_RO), false, -EINVAL);
        REFUSE_RC(t_d1, wr, level, 0, pte(a, T_RO), false, -EINVAL);
        REFUSE_RC(t_d1, gdt, level, 0, pte(a, T_RO), false, -EINVAL);
    }
    REFUSE(t_d1, c.l1, 2, 0, 0, false);
    REFUSE(t_d1, c.l1, 4, 0, 0, false);
    REFUSE(t_d1, c.l2, 1, 0, 0, false);
    REFUSE(t_d1, c.l4, 3, 0, 0, false);
    REFUSE(t_d1, c.l1, 0, 0, 0, false);
    REFUSE(t_d1, c.l1, 5, 0, 0, false);
    REFUSE(t_d1, c.l1, 1, PT_ENTRIES, 0, false);
    REFUSE(t_d1, c.l1, 1, 0xffffffffu, 0, false);
    REFUSE(t_d1, 0, 1, 0, 0, false);
    REFUSE(t_d1, T_HOLE_START, 1, 0, 0, false);
    REFUSE(t_d1, T_NR_FRAMES, 1, 0, 0, false);
    REFUSE(t_d1, INVALID_MFN, 1, 0, 0, false);
    REFUSE(t_d1, t_xen, 1, 0, 0, false);
    /* Another domain's validated tables. */
    REFUSE_RC(t_d1, c2.l1, 1, 0, pte(a, T_RW), false, -EINVAL);
    REFUSE(t_d1, c2.l4, 4, 1, 0, false);
    REFUSE(t_d2, c.l1, 1, 0, 0, false);
    /* A table with the type but not (yet) validated. */
    mfn_to_page(c.l1)->flags &= (uint16_t)~PGF_VALIDATED;
    REFUSE_RC(t_d1, c.l1, 1, 0, pte(a, T_RO), false, -EINVAL);
    mfn_to_page(c.l1)->flags |= PGF_VALIDATED;
    put_page_and_type(wr);
    put_page_and_type(gdt);
    chain_release(&c);
    chain_release(&c2);
    T_IDLE(a);
}

/* Updates above L1 validate new subtrees and release replaced ones. */
static void subtrees_installed_and_released(void **state)
{
    struct chain c;
    mfn_t l1x = t_alloc(t_d1), l1y = t_alloc(t_d1), e = t_alloc(t_d1), l3n = t_alloc(t_d1);
    mfn_t l2n = t_alloc(t_d1), l3f = t_alloc(t_d1), l2f = t_alloc(t_d1), l1f = t_alloc(t_d1);

    (void)state;
    chain_build(&c, t_d1);
    tab(l1x)[0] = pte(e, T_RW);
    tab(l1y)[0] = pte(e, T_RO);
    assert_int_equal(pv_update_entry(t_d1, c.l2, 2, 1, pte(l1x, T_RW), false), 0);
    T_FRAME(l1x, 2, PGT_L1, 1, PGF_VALIDATED);
    T_FRAME(e, 2, PGT_WRITABLE, 1, 0);
    t_drop_alloc(l1x);
    assert_int_equal(pv_update_entry(t_d1, c.l2, 2, 1, pte(l1y, T_RW), false), 0);
    assert_true(t_is_free(l1x));
    T_FRAME(l1y, 2, PGT_L1, 1, PGF_VALIDATED);
    T_FRAME(e, 2, PGT_NONE, 0, 0);
    assert_int_equal(pv_update_entry(t_d1, c.l2, 2, 1, 0, false), 0);
    T_IDLE(l1y);
    T_IDLE(e);
    /* A new L3 -> L2 -> (the existing l1) under the root. */
    tab(l3n)[5] = pte(l2n, T_RW);
    tab(l2n)[6] = pte(c.l1, T_RW);
    assert_int_equal(pv_update_entry(t_d1, c.l4, 4, 7, pte(l3n, T_RW), false), 0);
    T_FRAME(l3n, 2, PGT_L3, 1, PGF_VALIDATED);
    T_FRAME(l2n, 2, PGT_L2, 1, PGF_VALIDATED);
    T_FRAME(c.l1, 3, PGT_L1, 2, PGF_VALIDATED);
    /* A new subtree failing at its bottom (a writable mapping of the root) takes nothing. */
    tab(l3f)[1] = pte(l2f, T_RW);
    tab(l2f)[2] = pte(l1f, T_RW);
    tab(l1f)[3] = pte(e, T_RW);
    tab(l1f)[4] = pte(c.l4, T_RW);
    /* The L1 entry's refusal (-EBUSY) propagates up through the new tables. */
    REFUSE_RC(t_d1, c.l4, 4, 8, pte(l3f, T_RW), false, -EBUSY);
    /* An L1 as an L3: its entry naming the root as an L2 is a type clash. */
    REFUSE_RC(t_d1, c.l4, 4, 8, pte(l1f, T_RW), false, -EINVAL);
    assert_int_equal(pv_update_entry(t_d1, c.l4, 4, 7, 0, false), 0);
    T_IDLE(l3n);
    T_IDLE(l2n);
    chain_expect(&c);
    chain_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(install_replace_clear),
        T_TEST(refused_updates_change_nothing),
        T_TEST(new_references_before_old),
        T_TEST(same_frame_flag_changes),
        T_TEST(no_writable_upgrade_of_table_mapping),
        T_TEST(preserve_ad),
        T_TEST(table_must_be_validated_of_level),
        T_TEST(subtrees_installed_and_released),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
