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

static unsigned int level_type(unsigned int level)
{
    return PGT_L1 + level - 1;
}

/* The hypervisor as a page owner (mmu_update's DOMID_XEN): frames it shares read-only. */
struct domain pv_dom_xen = { .id = DOMID_XEN, .shared_info_mfn = INVALID_MFN };

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
    /* The shared_info frame is the hypervisor's, lent to its domain. */
    return mfn == d->shared_info_mfn;
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
    /* Frames lent to d (shared_info) are data only: the hypervisor writes them. */
    if (type != PGT_WRITABLE && pg->owner != d->id) {
        return -EINVAL;
    }
    /* Of the hypervisor's own frames, a domain may write its shared_info only. */
    if (pg->owner == DOMID_XEN && mfn != d->shared_info_mfn) {
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
    return PV_BASE_ALLOWED | (level == 1 ? PV_L1_ALLOWED_EXTRA : 0) |
           (level == 1 && is_privileged(d) ? PV_CACHE_ATTRS : 0);
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

static void put_entry(uint64_t e, unsigned int level)
{
    mfn_t m = entry_mfn(e);

    if (!(e & _PAGE_PRESENT)) {
        return;
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
        if (!hypervisor_slot(level, i)) {
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
