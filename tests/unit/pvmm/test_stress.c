/*
 * Randomized stress of the PV MMU accounting (fixed seeds, reproducible):
 * random valid and invalid pv_update_entry calls at every level, pins and
 * unpins at random levels, descriptor-page references, the CPU setting A/D
 * bits, and frames given back while still mapped, over a small universe of
 * frames under one pinned L4. After every step the whole state is checked
 * against a recount from scratch:
 *  - every frame's count is exactly its allocation reference, permanent
 *    references, pins, descriptor references and the present entries of
 *    validated tables that name it; its type count is exactly the references
 *    that need its type; a frame with no type reference has no type;
 *  - no frame is at once writable-mapped and a page table or descriptor page;
 *    every present entry of a validated table is within the rules (U/S set,
 *    no forbidden bit, a mappable target of the right type); L4 slots
 *    256-271 hold the hypervisor's entries; a frame with no reference is free;
 *  - a refused step changed nothing (accounting and contents of the universe).
 */
#include "pvmm_test.h"

#define NT 12           /* candidate table frames */
#define ND 8            /* data frames */
#define NU (1 + NT + ND + 3)
#define STEPS 6000

static mfn_t u[NU];                 /* root, tables, data, d2's frame, xen, shared_info */
static unsigned int pins[NU];       /* 0, or the level pinned at */
static unsigned int gdt_refs[NU];
static unsigned int n_updates_ok, n_updates_refused;
static struct page_info snap_pi[NU];
static uint64_t snap_mem[NU][PT_ENTRIES];

#define ROOT 0
#define OTHER (1 + NT + ND)
#define XEN (OTHER + 1)
#define SI (OTHER + 2)

static int index_of(mfn_t m)
{
    for (int i = 0; i < NU; i++) {
        if (u[i] == m) {
            return i;
        }
    }
    return -1;
}

static bool validated_table(const struct page_info *pg)
{
    return pg->type >= PGT_L1 && pg->type <= PGT_L4 && pg->type_count > 0 &&
           (pg->flags & PGF_VALIDATED);
}

static void check_invariants(unsigned int step)
{
    uint32_t cnt[NU] = { 0 }, wr[NU] = { 0 }, lv[NU][5] = { { 0 } };

    for (int i = 0; i < NU; i++) {
        const struct page_info *pg = mfn_to_page(u[i]);
        cnt[i] += (pg->flags & PGF_ALLOC_REF) ? 1 : 0;
        cnt[i] += (i == XEN || i == SI) ? 1 : 0;          /* permanent */
        cnt[i] += (pins[i] ? 1 : 0) + gdt_refs[i];
        if (pins[i]) {
            lv[i][pins[i]]++;
        }
    }
    for (int i = 0; i < NU; i++) {
        const struct page_info *pg = mfn_to_page(u[i]);
        unsigned int level = pg->type - PGT_L1 + 1;
        const uint64_t *t = tab(u[i]);

        if (!validated_table(pg)) {
            continue;
        }
        assert_int_equal(pg->owner, t_d1->id);
        for (unsigned int j = 0; j < PT_ENTRIES; j++) {
            uint64_t e = t[j];
            int k;
            if (level == 4 && j >= HV_L4_FIRST_SLOT && j <= HV_L4_LAST_SLOT) {
                assert_int_equal(e, pte(t_xen + j - HV_L4_FIRST_SLOT,
                                        _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED));
                continue;
            }
            if (!(e & _PAGE_PRESENT)) {
                continue;
            }
            if (!(e & _PAGE_USER) ||
                (e & ~PTE_ADDR_MASK & ~PV_BASE_ALLOWED &
                 ~(mfn_to_page(u[i])->type == PGT_L1 ? PV_L1_ALLOWED_EXTRA : 0))) {
                fail_msg("step %u: bad entry %#llx in mfn %#llx[%u]", step,
                         (unsigned long long)e, (unsigned long long)u[i], j);
            }
            k = index_of((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
            assert_true(k >= 0 && k != XEN && k != OTHER);
            cnt[k]++;
            if (level == 1) {
                if (e & _PAGE_RW) {
                    wr[k]++;
                    assert_int_equal(mfn_to_page(u[k])->type, PGT_WRITABLE);
                }
            } else {
                lv[k][level - 1]++;
                assert_int_equal(mfn_to_page(u[k])->type, ptype(level - 1));
                assert_true(mfn_to_page(u[k])->flags & PGF_VALIDATED);
            }
        }
    }
    for (int i = 0; i < NU; i++) {
        const struct page_info *pg = mfn_to_page(u[i]);
        uint32_t want_tc = 0;
        if (pg->count != cnt[i]) {
            fail_msg("step %u: mfn %#llx count %u, %u references exist", step,
                     (unsigned long long)u[i], pg->count, cnt[i]);
        }
        switch (pg->type) {
        case PGT_WRITABLE:
            want_tc = wr[i];
            break;
        case PGT_L1: case PGT_L2: case PGT_L3: case PGT_L4:
            want_tc = lv[i][pg->type - PGT_L1 + 1];
            break;
        case PGT_SEG_DESC:
            want_tc = gdt_refs[i];
            break;
        default:
            break;
        }
        if (pg->type_count != want_tc) {
            fail_msg("step %u: mfn %#llx type %u type_count %u, %u references need it", step,
                     (unsigned long long)u[i], pg->type, pg->type_count, want_tc);
        }
        /* No reference may need a type the frame does not have. */
        assert_true(pg->type == PGT_WRITABLE || wr[i] == 0);
        for (unsigned int l = 1; l <= 4; l++) {
            assert_true(pg->type == ptype(l) || lv[i][l] == 0);
        }
        assert_true(pg->type == PGT_SEG_DESC || gdt_refs[i] == 0);
        if (pg->type_count == 0) {
            assert_int_equal(pg->type, PGT_NONE);
            assert_false(pg->flags & PGF_VALIDATED);
        }
        if (cnt[i] == 0) {
            assert_true(t_is_free(u[i]));
        }
    }
}

static void snap_universe(void)
{
    for (int i = 0; i < NU; i++) {
        snap_pi[i] = *mfn_to_page(u[i]);
        memcpy(snap_mem[i], tab(u[i]), PAGE_SIZE);
    }
}

/* Unchanged but for U/S forced on tables validated and released within the step. */
static void universe_unchanged(unsigned int step)
{
    for (int i = 0; i < NU; i++) {
        if (!t_same_accounting(&snap_pi[i], mfn_to_page(u[i]))) {
            fail_msg("step %u: refused, but mfn %#llx accounting changed", step,
                     (unsigned long long)u[i]);
        }
        for (unsigned int j = 0; j < PT_ENTRIES; j++) {
            uint64_t x = snap_mem[i][j], y = tab(u[i])[j];
            if (x != y && !((x & _PAGE_PRESENT) && (x | _PAGE_USER) == y)) {
                fail_msg("step %u: refused, but mfn %#llx[%u] changed %#llx -> %#llx", step,
                         (unsigned long long)u[i], j, (unsigned long long)x,
                         (unsigned long long)y);
            }
        }
    }
}

static uint64_t random_flags(uint64_t *s)
{
    uint64_t r = t_rand(s), f = _PAGE_PRESENT;

    f |= (r & 1) ? _PAGE_RW : 0;
    f |= (r & 2) ? _PAGE_ACCESSED : 0;
    f |= (r & 4) ? _PAGE_DIRTY : 0;
    f |= (r & 8) ? _PAGE_USER : 0;
    f |= ((r >> 4) & 3) == 0 ? _PAGE_NX : 0;
    f |= ((r >> 6) & 7) == 0 ? T_BIT(9) | T_BIT(60) : 0;
    switch ((r >> 9) % 40) {
    case 0: return f | _PAGE_GLOBAL;
    case 1: return f | _PAGE_PSE;
    case 2: return f | _PAGE_PCD;
    case 3: return f & ~_PAGE_PRESENT;
    default: return f;
    }
}

/* Mostly a frame that fits an entry of `level`, else anything. */
static mfn_t random_target(uint64_t *s, unsigned int level)
{
    uint64_t r = t_rand_below(s, 100);

    if (r < 75) {
        for (unsigned int tries = 0; tries < 8; tries++) {
            mfn_t m = u[1 + t_rand_below(s, level == 1 ? NT + ND : NT)];
            unsigned int ty = mfn_to_page(m)->type;
            if (ty == PGT_NONE || (level > 1 && ty == ptype(level - 1)) ||
                (level == 1 && ty == PGT_WRITABLE)) {
                return m;
            }
        }
    }
    r = t_rand_below(s, 100);
    if (r < 60) {
        return u[1 + t_rand_below(s, NT)];
    }
    if (r < 88) {
        return u[1 + NT + t_rand_below(s, ND)];
    }
    switch (r % 6) {
    case 0: return u[OTHER];
    case 1: return u[XEN];
    case 2: return u[SI];
    case 3: return u[ROOT];
    case 4: return T_HOLE_START + 2;
    default: return T_NR_FRAMES + 100;
    }
}

/* A random validated table of the universe (the root always is one). */
static int random_table(uint64_t *s)
{
    for (;;) {
        int i = (int)t_rand_below(s, 1 + NT);
        if (validated_table(mfn_to_page(u[i]))) {
            return i;
        }
    }
}

static void step_update(uint64_t *s, unsigned int step)
{
    int ti = random_table(s);
    unsigned int level = mfn_to_page(u[ti])->type - PGT_L1 + 1;
    unsigned int idx = (unsigned int)t_rand_below(s, 4);
    bool preserve = t_rand_below(s, 4) == 0;
    uint64_t e, old, want;
    int rc;

    if (level == 4 && t_rand_below(s, 10) == 0) {
        idx = HV_L4_FIRST_SLOT + (unsigned int)t_rand_below(s, 16);
    }
    switch (t_rand_below(s, 20)) {
    case 0: e = 0; break;
    case 1: e = T_JUNK; break;
    default: e = pte(random_target(s, level), random_flags(s)); break;
    }
    old = tab(u[ti])[idx];
    snap_universe();
    rc = pv_update_entry(t_d1, u[ti], level, idx, e, preserve);
    if (rc) {
        /* A table entry can also fail with -EBUSY from an L1 entry further down. */
        if (level == 1) {
            assert_int_equal(rc, t_refusal(t_d1, level, e));
        } else {
            assert_true(rc == -EINVAL || rc == -EBUSY);
        }
        universe_unchanged(step);
        n_updates_refused++;
        return;
    }
    n_updates_ok++;
    assert_false(level == 4 && idx >= HV_L4_FIRST_SLOT && idx <= HV_L4_LAST_SLOT);
    want = e | (preserve ? old & (_PAGE_ACCESSED | _PAGE_DIRTY) : 0);
    want |= (want & _PAGE_PRESENT) ? _PAGE_USER : 0;
    assert_int_equal(tab(u[ti])[idx], want);
}

static void step_pin(uint64_t *s, unsigned int step)
{
    int i = 1 + (int)t_rand_below(s, NT + ND);
    unsigned int level = 1 + (unsigned int)t_rand_below(s, 4);
    int rc;

    if (pins[i]) {
        t_unpin(u[i]);
        pins[i] = 0;
        return;
    }
    if (mfn_to_page(u[i])->count == 0) {
        return;     /* freed: t_pin would refuse it, no need to ask */
    }
    snap_universe();
    rc = t_pin(t_d1, u[i], level);
    if (rc) {
        /* -EBUSY when the failure is an L1 entry's frame, wherever it sits below. */
        assert_true(rc == -EINVAL || rc == -EBUSY);
        universe_unchanged(step);
    } else {
        pins[i] = level;
    }
}

static void step_gdt(uint64_t *s, unsigned int step)
{
    int i = 1 + (int)t_rand_below(s, NT + ND);

    if (gdt_refs[i] && t_rand_below(s, 2)) {
        put_page_and_type(u[i]);
        gdt_refs[i]--;
        return;
    }
    snap_universe();
    if (get_page_and_type(u[i], t_d1, PGT_SEG_DESC) == 0) {
        gdt_refs[i]++;
    } else {
        universe_unchanged(step);
    }
}

/* The CPU sets A (and D through writable entries) in a validated L1. */
static void step_hardware_ad(uint64_t *s)
{
    int ti = random_table(s);
    unsigned int idx = (unsigned int)t_rand_below(s, 4);
    uint64_t *e = &tab(u[ti])[idx];

    if (mfn_to_page(u[ti])->type == PGT_L1 && (*e & _PAGE_PRESENT)) {
        *e |= _PAGE_ACCESSED | ((*e & _PAGE_RW) ? _PAGE_DIRTY : 0);
    }
}

/* The guest rewrites one of its frames that is not a table (it may map it writable). */
static void step_guest_write(uint64_t *s)
{
    int i = 1 + (int)t_rand_below(s, NT + ND);
    const struct page_info *pg = mfn_to_page(u[i]);
    uint64_t *t = tab(u[i]);

    if (pg->count == 0 || (pg->type != PGT_NONE && pg->type != PGT_WRITABLE)) {
        return;
    }
    memset(&t[HV_L4_FIRST_SLOT], 0, 16 * sizeof(*t));
    for (unsigned int j = 0; j < 4; j++) {
        t[j] = t_rand_below(s, 3) ? 0 : pte(random_target(s, 1 + (unsigned int)t_rand_below(s, 4)),
                                            random_flags(s));
    }
}

static void step_give_back(uint64_t *s)
{
    int i = 1 + (int)t_rand_below(s, NT + ND);

    if (mfn_to_page(u[i])->flags & PGF_ALLOC_REF) {
        t_drop_alloc(u[i]);
    }
}

static void run(uint64_t seed)
{
    uint64_t s = seed;
    unsigned int n_ok = 0, n_deep = 0;

    n_updates_ok = n_updates_refused = 0;
    memset(pins, 0, sizeof(pins));
    memset(gdt_refs, 0, sizeof(gdt_refs));
    for (int i = 0; i < 1 + NT + ND; i++) {
        u[i] = t_alloc(t_d1);
    }
    u[OTHER] = t_alloc(t_d2);
    u[XEN] = t_xen;
    u[SI] = t_d1->shared_info_mfn;
    assert_int_equal(t_pin(t_d1, u[ROOT], 4), 0);
    pins[ROOT] = 4;
    check_invariants(0);
    for (unsigned int step = 1; step <= STEPS; step++) {
        uint64_t r = t_rand_below(&s, 100);
        if (r < 70) {
            step_update(&s, step);
        } else if (r < 84) {
            step_pin(&s, step);
        } else if (r < 90) {
            step_gdt(&s, step);
        } else if (r < 94) {
            step_hardware_ad(&s);
        } else if (r < 98) {
            step_guest_write(&s);
        } else if (t_rand_below(&s, 4) == 0) {
            step_give_back(&s);
        }
        check_invariants(step);
        unsigned int levels = 0;
        for (int i = 1; i <= NT; i++) {
            const struct page_info *pg = mfn_to_page(u[i]);
            if (validated_table(pg)) {
                n_ok++;
                levels |= 1u << pg->type;
            }
        }
        n_deep += (levels & (1u << PGT_L1 | 1u << PGT_L2 | 1u << PGT_L3)) ==
                  (1u << PGT_L1 | 1u << PGT_L2 | 1u << PGT_L3);
    }
    /* The walk did build trees, and did both kinds of update. */
    print_message("seed %#llx: %u updates applied, %u refused; %u table-steps, %u with L1-L3\n",
                  (unsigned long long)seed, n_updates_ok, n_updates_refused, n_ok, n_deep);
    assert_true(n_ok > STEPS);
    assert_true(n_deep > STEPS / 20);
    assert_true(n_updates_ok > STEPS / 8 && n_updates_refused > STEPS / 10);
    /* Tear down: every pin and descriptor reference, then the root. */
    for (int i = 1; i < NU; i++) {
        if (pins[i]) {
            t_unpin(u[i]);
            pins[i] = 0;
        }
        while (gdt_refs[i]) {
            put_page_and_type(u[i]);
            gdt_refs[i]--;
        }
    }
    t_unpin(u[ROOT]);
    pins[ROOT] = 0;
    for (int i = 0; i < NU; i++) {
        const struct page_info *pg = mfn_to_page(u[i]);
        if (pg->count) {
            assert_int_equal(pg->count, 1);     /* the allocation or permanent one */
            assert_int_equal(pg->type_count, 0);
            assert_int_equal(pg->type, PGT_NONE);
        } else {
            assert_true(t_is_free(u[i]));
        }
    }
}

static void stress_seed_1(void **state)
{
    (void)state;
    run(1);
}

static void stress_seed_2(void **state)
{
    (void)state;
    run(0x5eed5eed);
}

static void stress_seed_3(void **state)
{
    (void)state;
    run(0xdecafbad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(stress_seed_1),
        T_TEST(stress_seed_2),
        T_TEST(stress_seed_3),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
