/* SPDX-License-Identifier: MIT */
/*
 * Memory helpers.  The runtime's kernel is loaded without VIRT_BASE, so
 * VA = PFN << 12 for everything the builder mapped; start_info->mfn_list is
 * the p2m.
 */
#ifndef RT_MM_H
#define RT_MM_H

#include <stdint.h>
#include <xen/xen.h>

extern struct start_info *start_info;

static inline uint64_t pfn_to_mfn(uint64_t pfn)
{
    return ((const uint64_t *)start_info->mfn_list)[pfn];
}
static inline uint64_t virt_to_mfn(const void *va)
{
    return pfn_to_mfn((uintptr_t)va >> 12);
}
static inline uint64_t virt_to_maddr(const void *va)
{
    return (virt_to_mfn(va) << 12) | ((uintptr_t)va & 0xfff);
}
/* The machine-to-phys table Xen maps read-only at MACH2PHYS_VIRT_START. */
static inline uint64_t mfn_to_pfn(uint64_t mfn)
{
    return ((const uint64_t *)MACH2PHYS_VIRT_START)[mfn];
}

/* update_va_mapping of one of our own pages: unmap it, or map it back to its
 * own frame with the given flags (_PAGE_*). */
long unmap_page(void *va);
long remap_page(void *va, uint64_t flags);

#endif /* RT_MM_H */
