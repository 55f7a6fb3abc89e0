/*
 * Grant PTEs in the PV MMU (pv_grant_pte_install / _remove in
 * arch/x86/pv/mm.c, used by pv/gnttab.c): an L1 entry marked _PAGE_GNTTAB
 * holds no references of its own (the grant core holds them), a guest may
 * neither write the mark nor overwrite or release such an entry without
 * unmapping it (Xen crashes the domain for that), and a domain may map its
 * grant-table frames like its shared_info.
 *
 * The grant core's own references are played here by get_page/put_page on
 * the granted frame, so the counts show that the MMU takes none.
 */
#include "pvmm_test.h"
#include <hv/grant_table.h>
#include <xen/sched.h>

#define T_GNT(m, flags) (pte((m), (flags)) | _PAGE_GNTTAB)

static void install_and_remove(void **state)
{
    mfn_t l1 = t_alloc(t_d1), a = t_alloc(t_d1), f = t_alloc(t_d2);

    (void)state;
    tab(l1)[5] = pte(a, T_RO);
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    T_FRAME(a, 2, PGT_NONE, 0, 0);
    assert_int_equal(get_page(f, t_d2), 0);             /* the grant core's reference */
    assert_int_equal(pv_grant_pte_install(t_d1, l1, 5, T_GNT(f, T_RW)), 0);
    assert_int_equal(tab(l1)[5], T_GNT(f, T_RW) | _PAGE_USER);
    T_IDLE(a);                                           /* the old entry's reference went */
    T_FRAME(f, 2, PGT_NONE, 0, 0);                      /* and the MMU took none for f */

    /* Removal must name the frame the entry maps. */
    t_snap();
    assert_int_equal(pv_grant_pte_remove(t_d1, l1, 5, a, INVALID_MFN, 0), -EINVAL);
    assert_int_equal(pv_grant_pte_remove(t_d1, l1, 6, f, INVALID_MFN, 0), -EINVAL);
    assert_int_equal(pv_grant_pte_remove(t_d2, l1, 5, f, INVALID_MFN, 0), -EINVAL);
    T_UNCHANGED();
    assert_int_equal(pv_grant_pte_remove(t_d1, l1, 5, f, INVALID_MFN, 0), 0);
    assert_int_equal(tab(l1)[5], 0);
    T_FRAME(f, 2, PGT_NONE, 0, 0);
    put_page(f);
    t_unpin(l1);
    T_IDLE(l1);
    assert_int_equal(t_d1->state, DOMAIN_RUNNING);
}

static void install_refused(void **state)
{
    mfn_t l1 = t_alloc(t_d1), l2 = t_alloc(t_d1), plain = t_alloc(t_d1), f = t_alloc(t_d2);
    mfn_t other = t_alloc(t_d2);

    (void)state;
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    assert_int_equal(t_pin(t_d1, l2, 2), 0);
    assert_int_equal(t_pin(t_d2, other, 1), 0);
    t_snap();
    assert_int_equal(pv_grant_pte_install(t_d1, l2, 0, T_GNT(f, T_RW)), -EINVAL);
    assert_int_equal(pv_grant_pte_install(t_d1, plain, 0, T_GNT(f, T_RW)), -EINVAL);
    assert_int_equal(pv_grant_pte_install(t_d1, other, 0, T_GNT(f, T_RW)), -EINVAL);
    assert_int_equal(pv_grant_pte_install(t_d1, l1, PT_ENTRIES, T_GNT(f, T_RW)), -EINVAL);
    assert_int_equal(pv_grant_pte_install(t_d1, l1, 0, pte(f, T_RW)), -EINVAL);  /* no mark */
    T_UNCHANGED();
    /* One grant mapping per entry. */
    assert_int_equal(pv_grant_pte_install(t_d1, l1, 0, T_GNT(f, T_RO)), 0);
    t_snap();
    assert_int_equal(pv_grant_pte_install(t_d1, l1, 0, T_GNT(f, T_RW)), -EINVAL);
    T_UNCHANGED();
    assert_int_equal(pv_grant_pte_remove(t_d1, l1, 0, f, INVALID_MFN, 0), 0);
    t_unpin(l1);
    t_unpin(l2);
    t_unpin(other);
}

static void guest_cannot_write_the_mark(void **state)
{
    mfn_t l1 = t_alloc(t_d1), a = t_alloc(t_d1);

    (void)state;
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    t_snap();
    assert_int_equal(pv_update_entry(t_d1, l1, 1, 9, T_GNT(a, T_RW), false), -EINVAL);
    assert_int_equal(pv_update_entry(t_d1, l1, 1, 9, T_GNT(a, T_RO), false), -EINVAL);
    T_UNCHANGED();
    t_unpin(l1);
    /* Nor put it in a table before validation. */
    tab(l1)[9] = T_GNT(a, T_RO);
    t_snap();
    assert_int_equal(t_pin(t_d1, l1, 1), -EINVAL);
    T_UNCHANGED();
    tab(l1)[9] = 0;
}

static void unmap_and_replace_moves_an_entry(void **state)
{
    mfn_t l1 = t_alloc(t_d1), l1b = t_alloc(t_d1), a = t_alloc(t_d1), f = t_alloc(t_d2);

    (void)state;
    tab(l1b)[7] = pte(a, T_RW);
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    assert_int_equal(t_pin(t_d1, l1b, 1), 0);
    T_FRAME(a, 2, PGT_WRITABLE, 1, 0);
    assert_int_equal(get_page(f, t_d2), 0);
    assert_int_equal(pv_grant_pte_install(t_d1, l1, 3, T_GNT(f, T_RW)), 0);
    /* The source may be neither the grant slot itself nor another grant entry. */
    t_snap();
    assert_int_equal(pv_grant_pte_remove(t_d1, l1, 3, f, l1, 3), -EINVAL);
    assert_int_equal(pv_grant_pte_remove(t_d1, l1, 3, f, a, 0), -EINVAL);  /* not a table */
    T_UNCHANGED();
    assert_int_equal(pv_grant_pte_remove(t_d1, l1, 3, f, l1b, 7), 0);
    assert_int_equal(tab(l1)[3], pte(a, T_RW) | _PAGE_USER);
    assert_int_equal(tab(l1b)[7], 0);
    T_FRAME(a, 2, PGT_WRITABLE, 1, 0);                  /* its references moved with it */
    put_page(f);
    t_unpin(l1);
    T_IDLE(a);
    t_unpin(l1b);
}

static mfn_t grant_frame_of(const struct domain *d)
{
    for (mfn_t m = 0; m < T_NR_FRAMES; m++) {
        if (mfn_valid(m) && gnttab_is_grant_frame(d, m)) {
            return m;
        }
    }
    fail_msg("domain %u has no grant-table frame", d->id);
    return INVALID_MFN;
}

static void grant_frames_mappable_by_owner_only(void **state)
{
    mfn_t gf = grant_frame_of(t_d1);

    (void)state;
    assert_true(pv_frame_mappable(t_d1, gf));
    assert_false(pv_frame_mappable(t_d2, gf));
    assert_int_equal(get_page_and_type(gf, t_d1, PGT_WRITABLE), 0);   /* Linux writes entries */
    put_page_and_type(gf);
    t_snap();
    assert_int_equal(get_page_and_type(gf, t_d2, PGT_WRITABLE), -EINVAL);
    assert_int_equal(get_page_and_type(gf, t_d1, PGT_L1), -EINVAL);    /* data only */
    T_UNCHANGED();
}

/*
 * Overwriting a live grant entry crashes its domain and changes nothing
 * (a fresh domain each time: the crash is final).
 */
static void overwriting_a_grant_entry_crashes(void **state)
{
    struct domain *g = domain_create(7, "g", 0, 400);
    mfn_t l1, f = t_alloc(t_d2);

    (void)state;
    assert_non_null(g);
    l1 = t_alloc(g);
    assert_int_equal(t_pin(g, l1, 1), 0);
    assert_int_equal(get_page(f, t_d2), 0);
    assert_int_equal(pv_grant_pte_install(g, l1, 2, T_GNT(f, T_RW)), 0);
    assert_int_equal(pv_update_entry(g, l1, 1, 2, pte(f, T_RO), false), -EINVAL);
    assert_int_equal(g->state, DOMAIN_SHUTDOWN);
    assert_int_equal(g->shutdown_reason, SHUTDOWN_crash);
    assert_int_equal(tab(l1)[2], T_GNT(f, T_RW) | _PAGE_USER);     /* refused: it stays */
    T_FRAME(f, 2, PGT_NONE, 0, 0);
    /* Teardown (arch_gnttab_release) finds the entry still live and removes it. */
    assert_int_equal(pv_grant_pte_remove(g, l1, 2, f, INVALID_MFN, 0), 0);
    put_page(f);
    t_unpin(l1);
    domain_destroy(g);
}

/* Releasing a table that holds a grant entry crashes its domain; the frame keeps its count. */
static void releasing_a_grant_entry_crashes(void **state)
{
    struct domain *h = domain_create(8, "h", 0, 400);
    mfn_t l1, f = t_alloc(t_d2);

    (void)state;
    assert_non_null(h);
    l1 = t_alloc(h);
    assert_int_equal(t_pin(h, l1, 1), 0);
    assert_int_equal(get_page(f, t_d2), 0);
    assert_int_equal(pv_grant_pte_install(h, l1, 4, T_GNT(f, T_RO)), 0);
    t_unpin(l1);
    assert_int_equal(h->state, DOMAIN_SHUTDOWN);
    assert_int_equal(h->shutdown_reason, SHUTDOWN_crash);
    T_FRAME(f, 2, PGT_NONE, 0, 0);
    /* Teardown no longer matches the released table: nothing is written. */
    assert_int_equal(pv_grant_pte_remove(h, l1, 4, f, INVALID_MFN, 0), -EINVAL);
    put_page(f);
    tab(l1)[4] = 0;
    domain_destroy(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(install_and_remove),
        T_TEST(install_refused),
        T_TEST(guest_cannot_write_the_mark),
        T_TEST(unmap_and_replace_moves_an_entry),
        T_TEST(grant_frames_mappable_by_owner_only),
        T_TEST(overwriting_a_grant_entry_crashes),
        T_TEST(releasing_a_grant_entry_crashes),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
