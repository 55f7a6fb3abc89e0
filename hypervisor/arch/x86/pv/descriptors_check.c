/*
 * Segment descriptor checks for PV guests (Xen's rules): code and data
 * descriptors get DPL 3, as a PV kernel runs in ring 3; system descriptors
 * are refused, except call gates, which are kept with DPL 0 (so using one
 * faults and can be emulated) and their DPL moved into the target
 * selector's RPL. Plain C, host-tested with the PV MMU (tests/unit/pvmm/).
 */
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <asm/desc.h>
#include <asm/mm.h>

#define SEG_P (1u << 15)            /* in the high dword */
#define SEG_S (1u << 12)
#define SEG_DPL_SHIFT 13
#define SEG_TYPE_MASK 0xf00u
#define SEG_TYPE_CALLGATE 0xc00u

static bool gate_selector_ok(uint16_t sel)
{
    /* A guest GDT descriptor, an LDT one, or exactly the flat kernel code selector (Xen). */
    return (sel >> 3) < FIRST_RESERVED_GDT_ENTRY || (sel & 4) || sel == FLAT_RING3_CS64;
}

/* Check one descriptor and fix it up in place; false if it must be refused. */
bool pv_check_descriptor(uint64_t *desc)
{
    uint32_t a = (uint32_t)*desc, b = (uint32_t)(*desc >> 32);

    if (!(b & SEG_P)) {
        return true;    /* a not-present descriptor always faults: harmless */
    }
    /* As Xen, the DPL is first raised to the guest kernel's RPL, 3, for every type. */
    if (b & SEG_S) {
        b |= 3u << SEG_DPL_SHIFT;
        *desc = ((uint64_t)b << 32) | a;
        return true;
    }
    if ((b & SEG_TYPE_MASK) == 0) {
        return true;    /* type 0: the upper half of a 16-byte gate */
    }
    if ((b & SEG_TYPE_MASK) != SEG_TYPE_CALLGATE || (b & 0xff) != 0 ||
        !gate_selector_ok((uint16_t)(a >> 16))) {
        return false;
    }
    a |= 3u << 16;                          /* the gate's (raised) DPL, as the selector's RPL */
    b &= ~(3u << SEG_DPL_SHIFT);
    *desc = ((uint64_t)b << 32) | a;
    return true;
}

/* Called when a frame takes the segment-descriptor type (asm/mm.h). */
int pv_validate_desc_page(mfn_t mfn)
{
    uint64_t *d = mfn_to_virt(mfn);
    uint64_t copy[512];

    memcpy(copy, d, sizeof(copy));
    for (unsigned int i = 0; i < 512; i++) {
        if (!pv_check_descriptor(&copy[i])) {
            return -EINVAL;
        }
    }
    memcpy(d, copy, sizeof(copy));
    return 0;
}

