#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <hv/boot_info.h>
#include <hv/bootmem.h>
#include <hv/types.h>

/*
 * Build the hypervisor's own page tables (direct map of all memory in the
 * map, the image with per-section permissions) from boot memory and switch
 * to them. The identity map of the boot code is gone afterwards.
 */
void paging_init(const struct boot_info *bi, struct bootmem *bm);
/* Fill L4 slots 256-271 of a guest L4 with the hypervisor's entries. */
void paging_copy_hv_slots(uint64_t *l4);
/* Page-table pages come from the frame allocator from now on. */
void paging_use_frame_allocator(void);
/* A copy of the idle L4 that also identity-maps [0, 2 MiB), for AP start-up. */
paddr_t paging_ap_boot_l4(struct bootmem *bm);

#endif /* ASM_PAGING_H */
