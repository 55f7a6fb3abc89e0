/*
 * Frame references and types (arch/x86/pv/mm.c, model in asm/mm.h):
 * get_page/put_page, get_page_type/put_page_type, get_page_and_type.
 * Which frames a domain may reference at all, the exclusivity of types (a
 * frame is never writable and a page table or descriptor page at once),
 * shared type references, pins and base pointers as mmuext_op takes them,
 * frames freed on their last reference, and overflow and underflow of the
 * counts. Every refusal is -EINVAL and is checked against a snapshot of the
 * whole frame table and machine memory.
 */
#include "pvmm_test.h"

static const unsigned int all_types[] = { PGT_WRITABLE, PGT_L1, PGT_L2, PGT_L3, PGT_L4,
                                          PGT_SEG_DESC };
#define NR_TYPES (sizeof(all_types) / sizeof(all_types[0]))

static void get_put_page_own_frame(void **state)
{
    mfn_t f = t_alloc(t_d1);

    (void)state;
    T_IDLE(f);
    assert_int_equal(mfn_to_page(f)->owner, t_d1->id);
    assert_true(pv_frame_mappable(t_d1, f));
    assert_int_equal(get_page(f, t_d1), 0);
    assert_int_equal(get_page(f, t_d1), 0);
    T_FRAME(f, 3, PGT_NONE, 0, 0);
    put_page(f);
    put_page(f);
    T_IDLE(f);
}

/* Refuse f for d with every kind of reference; nothing may change. */
static void refuse_all(struct domain *d, mfn_t f)
{
    t_snap();
    assert_false(pv_frame_mappable(d, f));
    assert_int_equal(get_page(f, d), -EINVAL);
    for (unsigned int i = 0; i < NR_TYPES; i++) {
        assert_int_equal(get_page_and_type(f, d, all_types[i]), -EINVAL);
    }
    T_UNCHANGED();
}

static void unmappable_frames_refused(void **state)
{
    mfn_t other = t_alloc(t_d2), gone = t_alloc(t_d1), never = INVALID_MFN;

    (void)state;
    t_drop_alloc(gone);                 /* freed: back in the allocator */
    assert_true(t_is_free(gone));
    for (mfn_t m = T_NR_FRAMES - 1; m > 0; m--) {
        if (mfn_valid(m) && mfn_to_page(m)->owner == DOMID_NONE &&
            !(mfn_to_page(m)->flags & PGF_FREE)) {
            never = m;                  /* inside a free block, not its head */
            break;
        }
    }
    assert_true(never != INVALID_MFN);

    refuse_all(t_d1, other);            /* another domain's frame */
    refuse_all(t_d2, t_d1->shared_info_mfn);   /* another domain's shared_info */
    refuse_all(t_dp, t_d1->shared_info_mfn);   /* even for a privileged domain */
    refuse_all(t_dp, other);
    refuse_all(t_d1, gone);
    refuse_all(t_d1, never);
    for (unsigned int i = 0; i < 16; i++) {
        refuse_all(t_d1, t_xen + i);    /* the hypervisor's own frames */
        refuse_all(t_dp, t_xen + i);
    }
    /* Holes and frames beyond the frame table: mfn_valid is false. */
    refuse_all(t_d1, 0);
    refuse_all(t_d1, T_HOLE_START);
    refuse_all(t_d1, T_HOLE_END - 1);
    refuse_all(t_d1, T_NR_FRAMES);
    refuse_all(t_d1, T_NR_FRAMES + 1);
    refuse_all(t_d1, (1ull << 40) - 1);
    refuse_all(t_d1, INVALID_MFN);
    T_IDLE(other);
}

/*
 * The shared_info frame is the hypervisor's, lent to its domain: mappable,
 * read-only or writable. It must never become a page table or descriptor
 * page: the hypervisor writes it (event bits at offset 2048 are entries
 * 256-319 of the page, settable by the guest through EVTCHNOP_send), which
 * would install entries or descriptors nobody validated.
 */
static void shared_info_is_data_only(void **state)
{
    mfn_t si = t_d1->shared_info_mfn;
    mfn_t l1 = t_alloc(t_d1), l2 = t_alloc(t_d1);

    (void)state;
    assert_true(pv_frame_mappable(t_d1, si));
    T_FRAME(si, 1, PGT_NONE, 0, 0);     /* the permanent reference */
    assert_int_equal(get_page(si, t_d1), 0);
    T_FRAME(si, 2, PGT_NONE, 0, 0);
    put_page(si);
    assert_int_equal(get_page_and_type(si, t_d1, PGT_WRITABLE), 0);
    T_FRAME(si, 2, PGT_WRITABLE, 1, 0);
    put_page_and_type(si);
    T_FRAME(si, 1, PGT_NONE, 0, 0);

    t_snap();
    for (unsigned int i = 1; i < NR_TYPES; i++) {
        assert_int_equal(get_page_and_type(si, t_d1, all_types[i]), -EINVAL);
    }
    T_UNCHANGED();
    /* Nor through an entry: an L2 entry naming it wants it as an L1. */
    tab(l2)[4] = pte(si, T_RW);
    t_snap();
    assert_int_equal(t_pin(t_d1, l2, 2), -EINVAL);
    T_UNCHANGED();
    /* An L1 may map it read-only and writable. */
    tab(l1)[0] = pte(si, T_RW);
    tab(l1)[1] = pte(si, T_RO);
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    T_FRAME(si, 3, PGT_WRITABLE, 1, 0);
    T_FRAME(l1, 2, PGT_L1, 1, T_VP);
    t_unpin(l1);
    T_FRAME(si, 1, PGT_NONE, 0, 0);
    T_IDLE(l1);
}

static void writable_frame_refuses_other_types(void **state)
{
    mfn_t f = t_alloc(t_d1);

    (void)state;
    assert_int_equal(get_page_and_type(f, t_d1, PGT_WRITABLE), 0);
    T_FRAME(f, 2, PGT_WRITABLE, 1, 0);
    t_snap();
    for (unsigned int i = 1; i < NR_TYPES; i++) {
        assert_int_equal(get_page_and_type(f, t_d1, all_types[i]), -EINVAL);
        assert_int_equal(get_page_type(f, t_d1, all_types[i]), -EINVAL);
    }
    for (unsigned int level = 1; level <= 4; level++) {
        assert_int_equal(t_pin(t_d1, f, level), -EINVAL);
    }
    T_UNCHANGED();
    put_page_and_type(f);
    T_IDLE(f);
    /* Once the last writable reference is gone, the type may change. */
    assert_int_equal(t_pin(t_d1, f, 1), 0);
    T_FRAME(f, 2, PGT_L1, 1, T_VP);
    t_unpin(f);
    T_IDLE(f);
}

static void table_frame_refuses_other_types(void **state)
{
    (void)state;
    for (unsigned int level = 1; level <= 4; level++) {
        mfn_t f = t_alloc(t_d1);

        assert_int_equal(get_page_and_type(f, t_d1, ptype(level)), 0);
        T_FRAME(f, 2, ptype(level), 1, PGF_VALIDATED);
        t_snap();
        for (unsigned int i = 0; i < NR_TYPES; i++) {
            if (all_types[i] != ptype(level)) {
                assert_int_equal(get_page_and_type(f, t_d1, all_types[i]), -EINVAL);
            }
        }
        T_UNCHANGED();
        put_page_and_type(f);
        T_IDLE(f);
    }
}

static void type_references_are_shared(void **state)
{
    mfn_t l1 = t_alloc(t_d1), data = t_alloc(t_d1);

    (void)state;
    tab(l1)[0] = pte(data, T_RW);
    assert_int_equal(get_page_and_type(l1, t_d1, PGT_L1), 0);
    assert_int_equal(get_page_and_type(l1, t_d1, PGT_L1), 0);
    T_FRAME(l1, 3, PGT_L1, 2, PGF_VALIDATED);
    T_FRAME(data, 2, PGT_WRITABLE, 1, 0);   /* validated once, not twice */
    put_page_and_type(l1);
    T_FRAME(l1, 2, PGT_L1, 1, PGF_VALIDATED);
    T_FRAME(data, 2, PGT_WRITABLE, 1, 0);
    put_page_and_type(l1);
    T_IDLE(l1);
    T_IDLE(data);
    assert_int_equal(tab(l1)[0], pte(data, T_RW | _PAGE_USER));
}

static void descriptor_page_type(void **state)
{
    mfn_t f = t_alloc(t_d1);

    (void)state;
    tab(f)[1] = 0x00af9a000000ffffull;      /* 64-bit code, DPL 0 */
    assert_int_equal(get_page_and_type(f, t_d1, PGT_SEG_DESC), 0);
    T_FRAME(f, 2, PGT_SEG_DESC, 1, 0);
    assert_int_equal(tab(f)[1], 0x00affa000000ffffull);   /* DPL 3 */
    t_snap();
    assert_int_equal(get_page_and_type(f, t_d1, PGT_WRITABLE), -EINVAL);
    assert_int_equal(get_page_and_type(f, t_d1, PGT_L1), -EINVAL);
    T_UNCHANGED();
    put_page_and_type(f);
    T_IDLE(f);
    /* A page with a system descriptor never takes the type, and is not touched. */
    tab(f)[1] = 0x00af9a000000ffffull;
    tab(f)[7] = 0x00008900d0000067ull;      /* available 64-bit TSS */
    t_snap();
    assert_int_equal(get_page_and_type(f, t_d1, PGT_SEG_DESC), -EINVAL);
    T_UNCHANGED();
}

/* A frame stays while anything references it and goes back when nothing does. */
static void last_reference_frees_frame(void **state)
{
    mfn_t l1 = t_alloc(t_d1), data = t_alloc(t_d1);
    uint64_t tot = t_d1->tot_pages, free0;
    mfn_t got[T_NR_FRAMES];
    unsigned int n = 0;
    bool found = false;

    (void)state;
    tab(l1)[3] = pte(data, T_RW);
    assert_int_equal(t_pin(t_d1, l1, 1), 0);
    T_FRAME(data, 2, PGT_WRITABLE, 1, 0);
    t_drop_alloc(data);                 /* the guest gave it back, still mapped */
    T_FRAME(data, 1, PGT_WRITABLE, 1, 0);
    assert_int_equal(mfn_to_page(data)->owner, t_d1->id);
    assert_int_equal(t_d1->tot_pages, tot);
    free0 = t_free_pages();
    t_drop_alloc(l1);                   /* the table too: the pin holds it */
    T_FRAME(l1, 1, PGT_L1, 1, T_VP);
    assert_int_equal(t_free_pages(), free0);

    t_unpin(l1);                        /* the last reference of both */
    assert_true(t_is_free(l1));
    assert_true(t_is_free(data));
    assert_int_equal(t_free_pages(), free0 + 2);
    assert_int_equal(t_d1->tot_pages, tot - 2);
    assert_int_equal(get_page(data, t_d1), -EINVAL);

    /* Both are in the allocator again: draining it hands them out. */
    for (mfn_t m; (m = frame_alloc(0, DOMID_XEN)) != INVALID_MFN;) {
        found |= m == data;
        got[n++] = m;
    }
    assert_true(found);
    for (unsigned int i = 0; i < n; i++) {
        assert_int_equal(frame_free(got[i], 0), 0);
    }
    assert_int_equal(t_free_pages(), free0 + 2);
}

static void count_overflow_refused(void **state)
{
    mfn_t f = t_alloc(t_d1), l1 = t_alloc(t_d1), l2 = t_alloc(t_d1);

    (void)state;
    mfn_to_page(f)->count = UINT32_MAX - 1;
    assert_int_equal(get_page(f, t_d1), 0);
    assert_int_equal(mfn_to_page(f)->count, UINT32_MAX);
    tab(l1)[0] = pte(f, T_RO);
    t_snap();
    assert_int_equal(get_page(f, t_d1), -EINVAL);
    assert_int_equal(get_page_and_type(f, t_d1, PGT_WRITABLE), -EINVAL);
    assert_int_equal(t_pin(t_d1, l1, 1), -EBUSY);   /* the entry cannot take its reference */
    T_UNCHANGED();
    mfn_to_page(f)->count = 1;

    /* type_count: get_page succeeds, get_page_type refuses, get_page is undone. */
    assert_int_equal(get_page_and_type(f, t_d1, PGT_WRITABLE), 0);
    mfn_to_page(f)->type_count = UINT32_MAX;
    tab(l1)[0] = pte(f, T_RW);
    t_snap();
    assert_int_equal(get_page_type(f, t_d1, PGT_WRITABLE), -EINVAL);
    assert_int_equal(get_page_and_type(f, t_d1, PGT_WRITABLE), -EINVAL);
    assert_int_equal(t_pin(t_d1, l1, 1), -EBUSY);
    T_UNCHANGED();
    mfn_to_page(f)->type_count = 1;
    put_page_and_type(f);

    /* The same for a table: an L2 entry cannot take one more L1 reference. */
    tab(l1)[0] = 0;
    assert_int_equal(get_page_and_type(l1, t_d1, PGT_L1), 0);
    mfn_to_page(l1)->type_count = UINT32_MAX;
    tab(l2)[0] = pte(l1, T_RW);
    t_snap();
    assert_int_equal(t_pin(t_d1, l2, 2), -EINVAL);
    T_UNCHANGED();
    mfn_to_page(l1)->type_count = 1;
    put_page_and_type(l1);
    T_IDLE(f);
    T_IDLE(l1);
    T_IDLE(l2);
}

/* Dropping a reference nobody holds is a hypervisor bug: BUG_ON, nothing changed. */
static void underflow_is_a_bug(void **state)
{
    mfn_t f = t_alloc(t_d1), gone = t_alloc(t_d1);

    (void)state;
    t_drop_alloc(gone);
    t_snap();
    T_EXPECT_PANIC(put_page_type(f));
    T_EXPECT_PANIC(put_page(gone));
    T_UNCHANGED();
}

/*
 * Pins and base pointers hold their own reference each (mmuext_op pin,
 * NEW_BASEPTR): unpinning a live base pointer leaves the tree validated.
 * A writable-mapped frame cannot be pinned.
 */
static void pins_and_base_pointers(void **state)
{
    struct t_tree t;

    (void)state;
    t_tree_build(&t, t_d1);
    assert_int_equal(t_pin(t_d1, t.l4, 4), 0);
    t_tree_expect_pinned(&t);
    assert_int_equal(get_page_and_type(t.l4, t_d1, PGT_L4), 0);   /* the base pointer */
    T_FRAME(t.l4, 3, PGT_L4, 2, T_VP);
    t_snap();
    assert_int_equal(t_pin(t_d1, t.l4, 4), -EINVAL);     /* already pinned */
    assert_int_equal(t_pin(t_d1, t.data[0], 1), -EINVAL);   /* writable-mapped */
    assert_int_equal(t_pin(t_d1, t.l1a, 2), -EINVAL);    /* an L1 as an L2 */
    assert_int_equal(t_pin(t_d2, t.l1b, 1), -EINVAL);    /* not d2's */
    T_UNCHANGED();
    t_unpin(t.l4);
    T_FRAME(t.l4, 2, PGT_L4, 1, PGF_VALIDATED);
    T_FRAME(t.l3a, 2, PGT_L3, 1, PGF_VALIDATED);
    T_FRAME(t.l1a, 3, PGT_L1, 2, PGF_VALIDATED);
    put_page_and_type(t.l4);        /* the base pointer moves elsewhere */
    t_tree_expect_idle(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(get_put_page_own_frame),
        T_TEST(unmappable_frames_refused),
        T_TEST(shared_info_is_data_only),
        T_TEST(writable_frame_refuses_other_types),
        T_TEST(table_frame_refuses_other_types),
        T_TEST(type_references_are_shared),
        T_TEST(descriptor_page_type),
        T_TEST(last_reference_frees_frame),
        T_TEST(count_overflow_refused),
        T_TEST(underflow_is_a_bug),
        T_TEST(pins_and_base_pointers),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
