/* x86-64 4-level paging: entry bits and the hypervisor's mapping API. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <hv/types.h>
#include <asm/layout.h>

#define _PAGE_PRESENT  (1ull << 0)
#define _PAGE_RW       (1ull << 1)
#define _PAGE_USER     (1ull << 2)
#define _PAGE_PWT      (1ull << 3)
#define _PAGE_PCD      (1ull << 4)
#define _PAGE_ACCESSED (1ull << 5)
#define _PAGE_DIRTY    (1ull << 6)
#define _PAGE_PSE      (1ull << 7)
#define _PAGE_GLOBAL   (1ull << 8)
#define _PAGE_NX       (1ull << 63)
#define PTE_ADDR_MASK  0x000ffffffffff000ull

#define PAGE_HV_RO     (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_HV_RW     (PAGE_HV_RO | _PAGE_RW | _PAGE_DIRTY)
#define PAGE_HV_RX     (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PAGE_HV_MMIO   (PAGE_HV_RW | _PAGE_PCD | _PAGE_PWT)

#define L4_SHIFT 39
#define L3_SHIFT 30
#define L2_SHIFT 21
#define L1_SHIFT 12
#define PT_ENTRIES 512
#define pt_index(va, shift) (((uint64_t)(va) >> (shift)) & (PT_ENTRIES - 1))

static inline void *maddr_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(DIRECTMAP_VIRT_START + pa);
}

static inline paddr_t virt_to_maddr(const void *va)
{
    uint64_t v = (uint64_t)(uintptr_t)va;

    /* Image addresses and direct-map addresses are both linear in PA. */
    return v >= DIRECTMAP_VIRT_START ? v - DIRECTMAP_VIRT_START : v - IMAGE_BASE;
}

/* Map [va, va + n pages) to [pa, ...) with flags in the idle page tables. */
int map_pages(vaddr_t va, paddr_t pa, uint64_t npages, uint64_t flags);
void unmap_pages(vaddr_t va, uint64_t npages);
/* Map MMIO uncached in the ioremap window; NULL if it does not fit. */
void *ioremap(paddr_t pa, uint64_t size);
paddr_t idle_pt_maddr(void);

#endif /* ASM_PAGE_H */
