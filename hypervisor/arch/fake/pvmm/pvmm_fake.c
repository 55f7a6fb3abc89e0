/*
 * What the PV MMU needs besides the fake arch, for host tests: the
 * hypervisor's L4 slots (a recognisable pattern), and the frame release
 * path, which on the host just counts.
 */
#include <hv/domain.h>
#include <hv/frame.h>
#include <asm/layout.h>
#include <asm/paging.h>

unsigned int pvmm_fake_frames_freed;

void paging_copy_hv_slots(uint64_t *l4)
{
    for (unsigned int slot = HV_L4_FIRST_SLOT; slot <= HV_L4_LAST_SLOT; slot++) {
        l4[slot] = 0x8000000000000001ull | ((uint64_t)slot << 12);  /* present, NX, fake */
    }
}
