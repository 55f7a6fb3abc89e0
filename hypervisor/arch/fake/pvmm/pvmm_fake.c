/*
 * What the PV MMU needs besides the fake arch, for host tests
 * (tests/unit/pvmm/): the hypervisor's L4 slots 256-271.
 *
 * On x86 they are copied from the idle L4 and point at the hypervisor's own
 * L3 tables. Here they point at pvmm_fake_hv_l3 + (slot - 256), which a test
 * sets to 16 frames it allocated to DOMID_XEN, so an entry copied into a
 * guest L4 references frames no guest may map, as on the real machine.
 */
#include <hv/domain.h>
#include <hv/frame.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/paging.h>

mfn_t pvmm_fake_hv_l3 = 0x100;

void paging_copy_hv_slots(uint64_t *l4)
{
    for (unsigned int slot = HV_L4_FIRST_SLOT; slot <= HV_L4_LAST_SLOT; slot++) {
        l4[slot] = ((pvmm_fake_hv_l3 + slot - HV_L4_FIRST_SLOT) << PAGE_SHIFT) |
                   _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
    }
}
