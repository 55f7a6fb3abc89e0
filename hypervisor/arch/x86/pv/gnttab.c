/*
 * Grant host mappings for x86 PV (the arch_gnttab_* contract of
 * hv/grant_table.h). A mapping is one L1 entry marked _PAGE_GNTTAB, found
 * either by walking the mapper's current page tables for host_addr or, with
 * GNTMAP_contains_pte, named by its machine address. The grant core holds
 * the frame's references; the MMU (pv/mm.c) takes none for the entry and
 * crashes a guest that drops one without unmapping, as Xen does.
 *
 * Unmapping flushes at once: the granter may reuse the frame the moment the
 * grant is released, so no stale entry may survive the hypercall.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/grant_table.h>
#include <hv/guest_access.h>
#include <xen/grant_table.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/x86.h>

/* Present, accessed and dirty (the hypervisor set them, so the CPU need not), never executable. */
#define GRANT_PTE_FLAGS (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX | _PAGE_GNTTAB)

/* Where the entry for (host_addr, flags) lives: 0, or -EINVAL. */
static int grant_slot(struct domain *mapper, uint64_t host_addr, uint32_t flags, mfn_t *l1,
                      unsigned int *idx)
{
    if (flags & GNTMAP_contains_pte) {
        if (host_addr & (sizeof(uint64_t) - 1)) {
            return -EINVAL;
        }
        *l1 = host_addr >> PAGE_SHIFT;
        *idx = (unsigned int)((host_addr & (PAGE_SIZE - 1)) / sizeof(uint64_t));
        return 0;
    }
    if (!guest_range_ok(host_addr, 1) || mapper != current_vcpu()->domain) {
        return -EINVAL;
    }
    *l1 = pv_find_l1(current_vcpu(), host_addr);
    *idx = (unsigned int)pt_index(host_addr, L1_SHIFT);
    return *l1 == INVALID_MFN ? -EINVAL : 0;
}

/* Drop what the CPU may still cache for the entry just changed. */
static void grant_flush(uint64_t va, uint32_t flags)
{
    if (flags & GNTMAP_contains_pte) {
        arch_tlb_flush();   /* the entry's virtual addresses are unknown */
    } else {
        invlpg((const void *)va);
    }
}

int arch_gnttab_map(struct domain *mapper, uint64_t host_addr, mfn_t frame, uint32_t flags,
                    uint64_t *cookie)
{
    /* The guest's GNTMAP_guest_avail bits land in the entry's available bits 9-11, as on Xen. */
    uint64_t avail = (uint64_t)((flags >> _GNTMAP_guest_avail0) & 7) << 9;
    uint64_t e = (frame << PAGE_SHIFT) | GRANT_PTE_FLAGS | avail |
                 ((flags & GNTMAP_readonly) ? 0 : _PAGE_RW);
    unsigned int idx;
    mfn_t l1;

    if (grant_slot(mapper, host_addr, flags, &l1, &idx) ||
        pv_grant_pte_install(mapper, l1, idx, e)) {
        return GNTST_general_error;
    }
    grant_flush(host_addr, flags);      /* the old entry's translation */
    *cookie = (l1 << PAGE_SHIFT) | (idx * sizeof(uint64_t));
    return GNTST_okay;
}

int arch_gnttab_unmap(struct domain *mapper, uint64_t host_addr, mfn_t frame, uint64_t new_addr,
                      uint32_t flags)
{
    mfn_t l1, from_l1 = INVALID_MFN;
    unsigned int idx, from_idx = 0;

    if (grant_slot(mapper, host_addr, flags, &l1, &idx)) {
        return GNTST_general_error;
    }
    if (new_addr) {
        if ((flags & GNTMAP_contains_pte) ||
            grant_slot(mapper, new_addr, 0, &from_l1, &from_idx)) {
            return GNTST_general_error;
        }
    }
    if (pv_grant_pte_remove(mapper, l1, idx, frame, from_l1, from_idx)) {
        return GNTST_general_error;
    }
    grant_flush(host_addr, flags);
    if (new_addr) {
        invlpg((const void *)new_addr);
    }
    return GNTST_okay;
}

void arch_gnttab_release(struct domain *mapper, uint64_t cookie, mfn_t frame, uint32_t flags)
{
    (void)flags;
    /*
     * The mapper no longer runs, so this CPU has reloaded CR3 since it did.
     * A table already released (the guest crashed for it) no longer matches.
     */
    (void)pv_grant_pte_remove(mapper, cookie >> PAGE_SHIFT,
                              (unsigned int)((cookie & (PAGE_SIZE - 1)) / sizeof(uint64_t)), frame,
                              INVALID_MFN, 0);
}
