/*
 * The machine-to-physical table: for every machine frame, the guest's
 * pseudo-physical frame number (or M2P_INVALID). The hypervisor writes it
 * through the direct map; every guest reads it at 0xffff800000000000
 * (read-only, user-accessible), as the Xen PV ABI promises.
 */
#ifndef ASM_M2P_H
#define ASM_M2P_H

#include <hv/types.h>

#define M2P_INVALID (~0ull)

void m2p_init(void);
void m2p_set(mfn_t mfn, uint64_t pfn);
uint64_t m2p_get(mfn_t mfn);
/* The table's own frames (XENMEM_machphys_mfn_list): the i-th, INVALID_MFN past the end. */
mfn_t m2p_frame(uint64_t i);
uint64_t m2p_nr_frames(void);

#endif /* ASM_M2P_H */
