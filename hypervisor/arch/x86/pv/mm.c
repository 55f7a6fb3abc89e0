/*
 * Frame references, frame types and page-table validation for PV guests
 * (the model is described in asm/mm.h). All writes to a guest's page tables
 * go through pv_update_entry, which takes the references the new entry needs
 * before it drops those of the old one, so a failure leaves nothing changed.
 */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <asm/layout.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <hv/grant_table.h>

static unsigned int level_type(unsigned int level)
{
    return PGT_L1 + level - 1;
}

/* The hypervisor as a page owner (mmu_update's DOMID_XEN): frames it shares read-only. */
struct domain pv_dom_xen = { .id = DOMID_XEN, .shared_info_mfn = INVALID_MFN };

/* Hypervisor frames lent to d as data: its shared_info and its grant-table frames. */
static bool pv_frame_lent(const struct domain *d, mfn_t mfn)
{
    return mfn == d->shared_info_mfn ||
           (mfn_to_page(mfn)->owner == DOMID_XEN && gnttab_is_grant_frame(d, mfn));
}

bool pv_frame_mappable(const struct domain *d, mfn_t mfn)
{
    const struct page_info *pg;

    if (!mfn_valid(mfn)) {
        return false;
    }
    pg = mfn_to_page(mfn);
    if (pg->flags & PGF_FREE) {
        return false;
    }
    if (d == &pv_dom_xen) {
        return pg->owner == DOMID_XEN && (pg->flags & PGF_XEN_SHARED);
    }
    if (pg->owner == d->id) {
        return true;
    }
    return pv_frame_lent(d, mfn);
}

int get_page(mfn_t mfn, struct domain *d)
{
    struct page_info *pg;

    if (!pv_frame_mappable(d, mfn)) {
        return -EINVAL;
    }
    pg = mfn_to_page(mfn);
    if (pg->count == UINT32_MAX) {
        return -EINVAL;
    }
    pg->count++;
    return 0;
}

void put_page(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    BUG_ON(pg->count == 0);
    if (--pg->count == 0) {
        domain_free_frame(mfn);    /* released by its owner and no longer mapped */
    }
}

static int validate_table(struct domain *d, mfn_t mfn, unsigned int level);
static void release_table(mfn_t mfn, unsigned int level);

int get_page_type(mfn_t mfn, struct domain *d, unsigned int type)
{
    struct page_info *pg = mfn_to_page(mfn);
    int rc;

    if (pg->type_count == UINT32_MAX) {
        return -EINVAL;
    }
    /* Frames lent to d (shared_info, grant table) are data only. */
    if (type != PGT_WRITABLE && pg->owner != d->id) {
        return -EINVAL;
    }
    /* Of the hypervisor's own frames, a domain may write only those lent to it. */
    if (pg->owner == DOMID_XEN && !pv_frame_lent(d, mfn)) {
        return -EINVAL;
    }
    if (pg->type_count > 0) {
        if (pg->type != type) {
            return -EINVAL;     /* in use as something else */
        }
        pg->type_count++;
        return 0;
    }
    frame_tlb_sync(mfn, type);
    if (type >= PGT_L1 && type <= PGT_L4) {
        /* Claim the type first: a table that names itself is then refused. */
        pg->type = (uint8_t)type;
        pg->type_count = 1;
        rc = validate_table(d, mfn, type - PGT_L1 + 1);
        if (rc) {
            pg->type_count = 0;
            pg->type = PGT_NONE;
            return rc;
        }
        pg->flags |= PGF_VALIDATED;
        return 0;
    }
    if (type == PGT_SEG_DESC && pv_validate_desc_page(mfn)) {
        return -EINVAL;
    }
    pg->type = (uint8_t)type;
    pg->type_count = 1;
    return 0;
}

void put_page_type(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    BUG_ON(pg->type_count == 0);
    if (--pg->type_count > 0) {
        return;
    }
    frame_tlb_note(mfn, pg->type);     /* writable mappings, or walks through the table */
    if (pg->type >= PGT_L1 && pg->type <= PGT_L4 && (pg->flags & PGF_VALIDATED)) {
        pg->flags &= (uint16_t)~PGF_VALIDATED;
        release_table(mfn, pg->type - PGT_L1 + 1);
    }
    pg->type = PGT_NONE;
}

int get_page_and_type(mfn_t mfn, struct domain *d, unsigned int type)
{
    int rc = get_page(mfn, d);

    if (rc) {
        return rc;
    }
    rc = get_page_type(mfn, d, type);
    if (rc) {
        put_page(mfn);
    }
    return rc;
}

void put_page_and_type(mfn_t mfn)
{
    put_page_type(mfn);
    put_page(mfn);
}

static uint64_t allowed_bits(const struct domain *d, unsigned int level)
{
    if (level != 1) {
        return PV_BASE_ALLOWED;
    }
    return (PV_BASE_ALLOWED & ~_PAGE_GNTTAB) | PV_L1_ALLOWED_EXTRA |
           (is_privileged(d) ? PV_CACHE_ATTRS : 0);
}

static mfn_t entry_mfn(uint64_t e)
{
    return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

/*
 * Take what a present entry at `level` needs; 0 or -errno, nothing held on
 * error. An L1 entry's frame must be pg_owner's (d's own, or the foreign
 * domain an mmu_update names).
 */
static int get_entry_for(struct domain *d, struct domain *pg_owner, uint64_t e,
                         unsigned int level)
{
    mfn_t m = entry_mfn(e);

    if (!(e & _PAGE_PRESENT)) {
        return 0;
    }
    if (e & ~allowed_bits(d, level) & ~PTE_ADDR_MASK) {
        return -EINVAL;     /* superpages, global pages, reserved bits */
    }
    if (level == 1) {
        /* As on Xen, an L1 entry whose frame cannot be taken is -EBUSY. */
        int rc = (e & _PAGE_RW) ? get_page_and_type(m, pg_owner, PGT_WRITABLE)
                                : get_page(m, pg_owner);
        return rc ? -EBUSY : 0;
    }
    return get_page_and_type(m, d, level_type(level - 1));
}

static int get_entry(struct domain *d, uint64_t e, unsigned int level)
{
    return get_entry_for(d, d, e, level);
}

static bool grant_entry(uint64_t e, unsigned int level)
{
    return level == 1 && (e & (_PAGE_PRESENT | _PAGE_GNTTAB)) == (_PAGE_PRESENT | _PAGE_GNTTAB);
}

/*
 * A guest dropped a grant mapping by rewriting or releasing its table
 * instead of unmapping it: Xen crashes the domain for that, and so do we
 * (the grant core still holds the mapping; teardown releases it).
 */
static void implicit_grant_unmap(domid_t owner)
{
    struct domain *d = domain_lookup(owner);

    if (d && d->state != DOMAIN_DYING) {
        domain_crash(d, "a grant mapping was dropped without unmap_grant_ref");
    }
}

static void put_entry(uint64_t e, unsigned int level)
{
    mfn_t m = entry_mfn(e);

    if (!(e & _PAGE_PRESENT) || grant_entry(e, level)) {
        return;     /* a grant entry's references belong to the grant core */
    }
    if (level == 1 && !(e & _PAGE_RW)) {
        frame_tlb_note(m, PGT_WRITABLE);
        put_page(m);
    } else {
        put_page_and_type(m);
    }
}

static bool hypervisor_slot(unsigned int level, unsigned int i)
{
    return level == 4 && i >= HV_L4_FIRST_SLOT && i <= HV_L4_LAST_SLOT;
}

/* Guest entries are user-accessible: a 64-bit PV kernel runs in ring 3. */
static uint64_t adjust(uint64_t e)
{
    return (e & _PAGE_PRESENT) ? e | _PAGE_USER : e;
}

static int validate_table(struct domain *d, mfn_t mfn, unsigned int level)
{
    uint64_t *t = mfn_to_virt(mfn);
    unsigned int i;
    int rc = 0;

    for (i = 0; i < PT_ENTRIES; i++) {
        if (hypervisor_slot(level, i)) {
            continue;
        }
        rc = get_entry(d, t[i], level);
        if (rc) {
            break;
        }
    }
    if (rc) {
        while (i-- > 0) {
            if (!hypervisor_slot(level, i)) {
                put_entry(t[i], level);
            }
        }
        return rc;
    }
    for (i = 0; i < PT_ENTRIES; i++) {
        if (!hypervisor_slot(level, i)) {
            t[i] = adjust(t[i]);
        }
    }
    if (level == 4) {
        paging_copy_hv_slots(t);    /* the guest's values there are replaced */
    }
    return 0;
}

static void release_table(mfn_t mfn, unsigned int level)
{
    uint64_t *t = mfn_to_virt(mfn);

    for (unsigned int i = 0; i < PT_ENTRIES; i++) {
        if (grant_entry(t[i], level)) {
            implicit_grant_unmap(mfn_to_page(mfn)->owner);
        } else if (!hypervisor_slot(level, i)) {
            put_entry(t[i], level);
        }
    }
}

int pv_update_entry(struct domain *d, mfn_t table, unsigned int level, unsigned int index,
                    uint64_t new_entry, bool preserve_ad)
{
    return pv_update_entry_foreign(d, d, table, level, index, new_entry, preserve_ad);
}

int pv_update_entry_foreign(struct domain *d, struct domain *pg_owner, mfn_t table,
                            unsigned int level, unsigned int index, uint64_t new_entry,
                            bool preserve_ad)
{
    struct page_info *pg;
    uint64_t *slot, old;
    int rc;

    if (!mfn_valid(table) || level < 1 || level > 4 || index >= PT_ENTRIES) {
        return -EINVAL;
    }
    pg = mfn_to_page(table);
    if (pg->owner != d->id || pg->type != level_type(level) || pg->type_count == 0 ||
        !(pg->flags & PGF_VALIDATED)) {
        return -EINVAL;     /* not one of d's validated tables of that level */
    }
    if (hypervisor_slot(level, index)) {
        return -EINVAL;
    }
    slot = (uint64_t *)mfn_to_virt(table) + index;
    old = *slot;
    if (grant_entry(old, level)) {
        implicit_grant_unmap(d->id);
        return -EINVAL;
    }
    if (preserve_ad) {
        new_entry |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);  /* Xen: val | (*ptr & (A|D)) */
    }
    new_entry = adjust(new_entry);
    /* Same frame and permissions: only flags the references do not depend on change. */
    if ((old & _PAGE_PRESENT) && (new_entry & _PAGE_PRESENT) &&
        entry_mfn(old) == entry_mfn(new_entry) &&
        ((old ^ new_entry) & (_PAGE_RW | _PAGE_PSE)) == 0) {
        if (new_entry & ~allowed_bits(d, level) & ~PTE_ADDR_MASK) {
            return -EINVAL;
        }
        __atomic_store_n(slot, new_entry, __ATOMIC_RELEASE);
        return 0;
    }
    rc = get_entry_for(d, pg_owner, new_entry, level);
    if (rc) {
        return rc;
    }
    __atomic_store_n(slot, new_entry, __ATOMIC_RELEASE);
    put_entry(old, level);
    return 0;
}

/* d's validated L1 table l1, or NULL. */
static uint64_t *grant_l1(const struct domain *d, mfn_t l1, unsigned int idx)
{
    const struct page_info *pg;

    if (!mfn_valid(l1) || idx >= PT_ENTRIES) {
        return NULL;
    }
    pg = mfn_to_page(l1);
    if (pg->owner != d->id || pg->type != PGT_L1 || pg->type_count == 0 ||
        !(pg->flags & PGF_VALIDATED)) {
        return NULL;
    }
    return (uint64_t *)mfn_to_virt(l1) + idx;
}

int pv_grant_pte_install(struct domain *d, mfn_t l1, unsigned int idx, uint64_t e)
{
    uint64_t *slot = grant_l1(d, l1, idx), old;

    if (!slot || !grant_entry(e, 1)) {
        return -EINVAL;
    }
    old = *slot;
    if (grant_entry(old, 1)) {
        return -EINVAL;     /* one grant mapping per entry */
    }
    __atomic_store_n(slot, adjust(e), __ATOMIC_RELEASE);
    put_entry(old, 1);
    return 0;
}

int pv_grant_pte_remove(struct domain *d, mfn_t l1, unsigned int idx, mfn_t frame,
                        mfn_t from_l1, unsigned int from_idx)
{
    uint64_t *slot = grant_l1(d, l1, idx), *from = NULL, replacement = 0;

    if (!slot || !grant_entry(*slot, 1) || entry_mfn(*slot) != frame) {
        return -EINVAL;
    }
    if (from_l1 != INVALID_MFN) {
        from = grant_l1(d, from_l1, from_idx);
        if (!from || from == slot || grant_entry(*from, 1)) {
            return -EINVAL;
        }
        /* The entry moves with the references it holds: no counts change. */
        replacement = *from;
        __atomic_store_n(from, 0, __ATOMIC_RELEASE);
    }
    __atomic_store_n(slot, replacement, __ATOMIC_RELEASE);
    frame_tlb_note(frame, PGT_WRITABLE);
    return 0;
}
