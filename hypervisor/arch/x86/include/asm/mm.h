/*
 * The PV MMU's reference and type accounting (Xen's model).
 *
 * Every frame has a general reference count and a type held by a type count:
 *  - count: references that keep the frame alive: its owner's allocation
 *    reference, each page-table entry mapping it, pins and base pointers;
 *  - type: what the frame may be used as right now: writable memory, an
 *    L1-L4 page table, or a descriptor table, with type_count references
 *    that need that use. A frame can change type only when its type count
 *    is zero, so it can never be writable-mapped and a page table at once.
 *
 * Taking a page-table type validates every entry of the frame (and, through
 * the references those entries take, every table below it); dropping the
 * last type reference releases what the entries held.
 *
 * Linear (recursive) page tables are refused: an entry must reference a
 * table exactly one level below, so a guest cannot map a page table
 * through itself.
 */
#ifndef ASM_MM_H
#define ASM_MM_H

#include <hv/domain.h>
#include <hv/frame.h>

/* Take a general reference on a frame d may map. 0 or -EINVAL. */
int get_page(mfn_t mfn, struct domain *d);
void put_page(mfn_t mfn);
/* Take a type reference, validating the frame if it gains the type. 0 or -errno. */
int get_page_type(mfn_t mfn, struct domain *d, unsigned int type);
void put_page_type(mfn_t mfn);
/* Both: the pair a page-table entry or a base pointer holds. */
int get_page_and_type(mfn_t mfn, struct domain *d, unsigned int type);
void put_page_and_type(mfn_t mfn);

/* Replace one entry of a validated table of `level` (1-4), with all checks. */
int pv_update_entry(struct domain *d, mfn_t table, unsigned int level, unsigned int index,
                    uint64_t new_entry, bool preserve_ad);
/* The same, with an L1 entry's frame taken from pg_owner (mmu_update's foreigndom). */
int pv_update_entry_foreign(struct domain *d, struct domain *pg_owner, mfn_t table,
                            unsigned int level, unsigned int index, uint64_t new_entry,
                            bool preserve_ad);
/* DOMID_XEN as a page owner: the frames the hypervisor shares read-only (the M2P). */
extern struct domain pv_dom_xen;

/*
 * Entry bits a guest may set (besides the frame number), as Xen allows them:
 * present, RW, user, accessed, dirty, the available bits (9-11, 52-62) and
 * NX at every level; global in L1 entries; the cache attributes (PWT, PCD,
 * PAT) in L1 entries only for a domain with device access. Superpages (PSE)
 * never.
 */
#define PV_BASE_ALLOWED (0x067ull | 0xe00ull | 0xfff0000000000000ull)
/*
 * Marks a grant host mapping in an L1 entry (bit 62, as Xen): the grant
 * core holds its frame's references, so the MMU takes and drops none for
 * it, and a guest may not write the bit itself.
 */
#define _PAGE_GNTTAB (1ull << 62)
#define PV_L1_ALLOWED_EXTRA 0x100ull    /* global */
#define PV_CACHE_ATTRS  (0x018ull | 0x080ull)

/* Check a descriptor page (set_gdt); fixes DPLs in place. 0 or -EINVAL. */
int pv_validate_desc_page(mfn_t mfn);
bool pv_check_descriptor(uint64_t *desc);

/* Is mfn a frame d may map: its own, its shared_info or its grant-table frames. */
bool pv_frame_mappable(const struct domain *d, mfn_t mfn);

/*
 * Grant PTEs (pv/gnttab.c). Install e, a grant entry, at index idx of d's
 * validated L1 table l1, dropping what the old entry held (a grant entry is
 * never replaced this way). Remove the grant entry mapping frame there; with
 * from_l1 != INVALID_MFN, move the entry at (from_l1, from_idx) into its
 * place with the references it holds (unmap_and_replace). 0 or -EINVAL,
 * nothing changed on error.
 */
int pv_grant_pte_install(struct domain *d, mfn_t l1, unsigned int idx, uint64_t e);
int pv_grant_pte_remove(struct domain *d, mfn_t l1, unsigned int idx, mfn_t frame,
                        mfn_t from_l1, unsigned int from_idx);
/* The L1 frame that maps va in v's current address space, or INVALID_MFN. */
mfn_t pv_find_l1(struct vcpu *v, uint64_t va);

#endif /* ASM_MM_H */
