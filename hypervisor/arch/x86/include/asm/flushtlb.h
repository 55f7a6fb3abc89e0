/*
 * Loading CR3 flushes every non-global TLB entry (the hypervisor leaves
 * CR4.PGE off, so guest entries are never global). Each load advances the
 * flush clock of hv/arch.h, which lets frame_tlb_sync() skip flushes a
 * context switch or a guest's own flush already did.
 */
#ifndef ASM_FLUSHTLB_H
#define ASM_FLUSHTLB_H

#include <hv/types.h>

/* Switch to (or reload) the page tables at cr3, advancing the flush clock. */
void tlb_load_cr3(uint64_t cr3);

#endif /* ASM_FLUSHTLB_H */
