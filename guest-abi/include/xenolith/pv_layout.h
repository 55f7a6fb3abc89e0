/*
 * The start-of-day layout of a 64-bit PV guest, as Xen's dom0 builder lays it
 * out, shared by the hypervisor (the initial domain) and dom0's domain builder
 * so there is one implementation of it.
 *
 * From the kernel's virtual base v_start upwards, each area page aligned:
 *
 *   kernel [kern_start, kern_end)     the ELF's loadable segments
 *   initrd [initrd_start, initrd_end) (empty when there is none)
 *   p2m    [p2m_start, p2m_end)       unsigned long[nr_pages]: pfn -> mfn
 *   start_info                        one page
 *   extra pages                       e.g. the xenstore and console rings of a domU
 *   page tables [pt_start, pt_end)    L4, L3s, L2s, L1s, in that order
 *   boot stack                        one page
 *   padding to a 4 MiB boundary, at least 512 KiB
 *
 * Every page of [v_start, v_end) is mapped with 4 KiB pages to consecutive
 * pseudo-physical frames: pfn = (va - v_start) >> 12. Page-table pages are
 * mapped read-only; everything else read-write, user-accessible (a 64-bit PV
 * kernel runs in ring 3). The hypervisor's own L4 slots are not touched.
 */
#ifndef XENOLITH_PV_LAYOUT_H
#define XENOLITH_PV_LAYOUT_H

#include "../xen/types.h"
#include "pv_elf.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pv_layout_request {
    const struct pv_elf_info *elf;
    uint64_t nr_pages;         /* the domain's memory, in 4 KiB pages */
    uint64_t initrd_len;       /* bytes; 0 for none */
    uint32_t nr_extra_pages;   /* pages after start_info (xenstore, console, ...) */
    uint32_t start_info_bytes; /* start_info plus anything the builder puts after it */
};

struct pv_layout {
    uint64_t v_start, v_end;
    uint64_t kern_start, kern_end;
    uint64_t initrd_start, initrd_end;
    uint64_t p2m_start, p2m_end;
    uint64_t start_info;
    uint64_t extra_start;       /* first extra page, if any */
    uint64_t pt_start, pt_end;
    uint64_t stack_start, stack_end;
    uint64_t nr_pt_frames;
    uint64_t nr_l3, nr_l2, nr_l1; /* page-table pages per level (one L4) */
    uint64_t entry;
};

#define PV_LAYOUT_E_ARGS   (-1)  /* missing request fields */
#define PV_LAYOUT_E_MEMORY (-2)  /* nr_pages too small for the bootstrap region */
#define PV_LAYOUT_E_SPAN   (-3)  /* the region would not fit under one L2 (1 GiB) or wraps */

/* Compute the layout. Returns 0 or a PV_LAYOUT_E_* code. */
int pv_layout_compute(const struct pv_layout_request *req, struct pv_layout *out);

static inline uint64_t pv_layout_va_to_pfn(const struct pv_layout *l, uint64_t va)
{
    return (va - l->v_start) >> 12;
}

/*
 * Write the bootstrap page tables. For every entry, calls
 *   write(ctx, pfn of the table page, index in it, entry value)
 * with the frame part of each entry taken from pfn_to_mfn(ctx, pfn).
 * Entries not written are zero. Returns 0 or the first non-zero callback result.
 */
typedef uint64_t (*pv_pfn_to_mfn_fn)(void *ctx, uint64_t pfn);
typedef int (*pv_pte_write_fn)(void *ctx, uint64_t table_pfn, unsigned int index, uint64_t pte);
int pv_layout_build_pagetables(const struct pv_layout *l, pv_pfn_to_mfn_fn pfn_to_mfn,
                               pv_pte_write_fn write, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* XENOLITH_PV_LAYOUT_H */
