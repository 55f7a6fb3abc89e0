/*
 * The boot-time page allocator: hands out pages from RAM not used by the
 * image, the loader or the modules, before the frame allocator exists. What it
 * still holds at the end is given to the frame allocator.
 */
#ifndef HV_BOOTMEM_H
#define HV_BOOTMEM_H

#include <hv/types.h>

#define BOOTMEM_MAX_RANGES 256

struct bootmem_range {
    paddr_t start, end;   /* [start, end), page aligned */
};

struct bootmem {
    unsigned int nr;
    struct bootmem_range free[BOOTMEM_MAX_RANGES];
    uint64_t allocated_pages;
};

void bootmem_init(struct bootmem *bm);
/* Add RAM; partial pages at either end are dropped. */
int bootmem_add(struct bootmem *bm, paddr_t start, uint64_t size);
/* Remove a range (image, modules, loader data); may split a free range. */
int bootmem_reserve(struct bootmem *bm, paddr_t start, uint64_t size);
/*
 * Take nr contiguous pages aligned to align bytes, wholly below limit,
 * from the highest suitable range. Returns the address or 0 if none.
 */
paddr_t bootmem_alloc(struct bootmem *bm, uint64_t nr, uint64_t align, paddr_t limit);
/* Same, but the lowest suitable range at or above floor (e.g. real-mode pages). */
paddr_t bootmem_alloc_low(struct bootmem *bm, uint64_t nr, paddr_t floor, paddr_t limit);
uint64_t bootmem_free_pages(const struct bootmem *bm);

#endif /* HV_BOOTMEM_H */
