/*
 * Stale TLB entries (frame_tlb_note / frame_tlb_sync in common/frame.c,
 * called from arch/x86/pv/mm.c). mmu_update no longer flushes: a guest that
 * drops a mapping may keep it in its TLB until it flushes. The hypervisor
 * must flush before such a frame is freed or changes what it is (data to a
 * table or descriptor page, a table to data or to another level), unless a
 * flush already happened since the mapping went; and it must not flush when
 * nothing the stale entry reaches is protected (data staying data, a table
 * re-taken at its own level), which is what makes mmu_update cheap.
 *
 * The fake arch counts flushes (fake_tlb_flushes) and advances its clock on
 * each; arch_tlb_flush() stands for a context switch or a guest's own flush.
 */
#include "pvmm_test.h"
#include <fake.h>

/* Pin l1 holding one entry for f, then drop it: a stale mapping of f as data. */
static void map_and_unmap(mfn_t l1, mfn_t f, uint64_t flags)
{
    tab(l1)[3] = pte(f, flags);
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    assert_int_equal(pv_update_entry(t_d1, l1, 1, 3, 0, false), 0);
    t_unpin(l1);
}

static void data_to_table_flushes_once(void **state)
{
    mfn_t l1 = t_alloc(t_d1), f = t_alloc(t_d1);
    unsigned int before;

    (void)state;
    map_and_unmap(l1, f, T_RW);
    before = fake_tlb_flushes;
    assert_int_equal(t_pin(t_d1, f, 1), 0);            /* a stale RW entry would reach it */
    assert_int_equal(fake_tlb_flushes, before + 1);
    t_unpin(f);
    /* Stale now only as an L1 (walks through it): an L1 again costs nothing. */
    assert_int_equal(t_pin(t_d1, f, 1), 0);
    t_unpin(f);
    assert_int_equal(fake_tlb_flushes, before + 1);
}

static void data_staying_data_never_flushes(void **state)
{
    mfn_t l1 = t_alloc(t_d1), a = t_alloc(t_d1), b = t_alloc(t_d1);
    unsigned int before = fake_tlb_flushes;

    (void)state;
    /* mmu_update's alternating pattern: A and B swap in one writable entry. */
    tab(l1)[0] = pte(a, T_RW);
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(pv_update_entry(t_d1, l1, 1, 0, pte(i & 1 ? a : b, T_RW), false), 0);
    }
    assert_int_equal(pv_update_entry(t_d1, l1, 1, 0, pte(a, T_RO), false), 0);
    assert_int_equal(fake_tlb_flushes, before);
    t_unpin(l1);
}

static void flush_in_between_is_enough(void **state)
{
    mfn_t l1 = t_alloc(t_d1), f = t_alloc(t_d1);
    unsigned int before;

    (void)state;
    map_and_unmap(l1, f, T_RW);
    arch_tlb_flush();                                   /* e.g. a context switch */
    before = fake_tlb_flushes;
    assert_int_equal(t_pin(t_d1, f, 1), 0);
    assert_int_equal(fake_tlb_flushes, before);
    t_unpin(f);
}

static void table_to_data_or_other_level_flushes(void **state)
{
    mfn_t l2 = t_alloc(t_d1), l1 = t_alloc(t_d1);
    unsigned int before;

    (void)state;
    /* l1 hangs under l2, then the L2 entry goes: walks may still use it as an L1. */
    tab(l2)[1] = pte(l1, T_RW);
    assert_int_equal(t_pin(t_d1, l2, 2), 0);
    assert_int_equal(pv_update_entry(t_d1, l2, 2, 1, 0, false), 0);
    before = fake_tlb_flushes;
    assert_int_equal(t_pin(t_d1, l1, 1), 0);           /* an L1 again: harmless */
    assert_int_equal(fake_tlb_flushes, before);
    t_unpin(l1);                                        /* stale as an L1 once more */
    assert_int_equal(t_pin(t_d1, l1, 2), 0);           /* as an L2: must flush */
    assert_int_equal(fake_tlb_flushes, before + 1);
    t_unpin(l1);
    assert_int_equal(get_page_and_type(l1, t_d1, PGT_WRITABLE), 0);   /* was an L2 */
    assert_int_equal(fake_tlb_flushes, before + 2);
    put_page_and_type(l1);
    t_unpin(l2);
}

static void freeing_a_mapped_frame_flushes(void **state)
{
    mfn_t l1 = t_alloc(t_d1), f = t_alloc(t_d1), g = t_alloc(t_d1);
    unsigned int before;

    (void)state;
    map_and_unmap(l1, f, T_RO);                          /* read-only is enough to leak */
    before = fake_tlb_flushes;
    t_drop_alloc(f);
    assert_true(t_is_free(f));
    assert_int_equal(fake_tlb_flushes, before + 1);
    /* A frame nobody mapped goes back without a flush. */
    t_drop_alloc(g);
    assert_int_equal(fake_tlb_flushes, before + 1);
}

static void mixed_uses_always_flush(void **state)
{
    mfn_t f = t_alloc(t_d1);
    unsigned int before;

    (void)state;
    /* f is an L1 that also had a read-only mapping of itself dropped. */
    tab(f)[0] = pte(f, T_RO);
    assert_int_equal(t_pin(t_d1, f, 1), 0);
    assert_int_equal(pv_update_entry(t_d1, f, 1, 0, 0, false), 0);
    t_unpin(f);
    before = fake_tlb_flushes;
    assert_int_equal(t_pin(t_d1, f, 1), 0);           /* same level, but also stale as data */
    assert_int_equal(fake_tlb_flushes, before + 1);
    t_unpin(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(data_to_table_flushes_once),
        T_TEST(data_staying_data_never_flushes),
        T_TEST(flush_in_between_is_enough),
        T_TEST(table_to_data_or_other_level_flushes),
        T_TEST(freeing_a_mapped_frame_flushes),
        T_TEST(mixed_uses_always_flush),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
