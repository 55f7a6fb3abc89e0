/*
 * Descriptor tables for PV guests: set_gdt and update_descriptor. A frame
 * becomes a GDT frame by taking the segment-descriptor type, which checks
 * every descriptor in it and refuses frames the guest can still write. The
 * checks are Xen's: code and data descriptors get DPL 3 (a PV kernel runs in
 * ring 3); system descriptors are refused, except call gates, which are kept
 * with DPL 0 (so using one faults and can be emulated) and their DPL moved
 * into the target selector's RPL.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <asm/desc.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>

#define GDT_WINDOW_PAGES 16
#define MAX_GDT_FRAMES FIRST_RESERVED_GDT_PAGE

static uint64_t gdt_window_va(unsigned int cpu)
{
    return PERCPU_VIRT_START + (uint64_t)cpu * PERCPU_VIRT_STRIDE;
}

void pv_load_gdt(struct vcpu *v)
{
    struct cpu_info *ci = this_cpu();
    uint64_t va = gdt_window_va(ci->id);

    for (unsigned int i = 0; i < MAX_GDT_FRAMES; i++) {
        if (i < (v->arch.gdt_ents + 511) / 512) {
            map_pages(va + i * PAGE_SIZE, v->arch.gdt_frames[i] << PAGE_SHIFT, 1, PAGE_HV_RW);
        } else {
            map_pages(va + i * PAGE_SIZE, virt_to_maddr(gdt_zero_page), 1, PAGE_HV_RO);
        }
    }
}

long do_set_gdt(uint64_t list, uint64_t entries, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();
    uint64_t frames[MAX_GDT_FRAMES];
    unsigned int n, i;

    if (entries > FIRST_RESERVED_GDT_ENTRY) {
        return -EINVAL;
    }
    n = (unsigned int)(entries + 511) / 512;
    if (copy_from_guest(frames, list, n * sizeof(frames[0]))) {
        return -EFAULT;
    }
    for (i = 0; i < n; i++) {
        if (get_page_and_type(frames[i], v->domain, PGT_SEG_DESC)) {
            while (i-- > 0) {
                put_page_and_type(frames[i]);
            }
            return -EINVAL;
        }
    }
    for (i = 0; i < (v->arch.gdt_ents + 511) / 512; i++) {
        put_page_and_type(v->arch.gdt_frames[i]);
    }
    memcpy(v->arch.gdt_frames, frames, n * sizeof(frames[0]));
    v->arch.gdt_ents = (unsigned int)entries;
    pv_load_gdt(v);
    return 0;
}

long do_update_descriptor(uint64_t maddr, uint64_t desc, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct domain *d = current_vcpu()->domain;
    mfn_t mfn = maddr >> PAGE_SHIFT;
    unsigned int type;
    int rc;

    if ((maddr & 7) || !pv_check_descriptor(&desc) || !mfn_valid(mfn) ||
        mfn_to_page(mfn)->owner != d->id) {
        return -EINVAL;
    }
    /* A descriptor page in use stays one; any other frame must be writable memory. */
    type = mfn_to_page(mfn)->type == PGT_SEG_DESC && mfn_to_page(mfn)->type_count
               ? PGT_SEG_DESC : PGT_WRITABLE;
    rc = get_page_and_type(mfn, d, type);
    if (rc) {
        return -EINVAL;
    }
    __atomic_store_n((uint64_t *)mfn_to_virt(mfn) + ((maddr & (PAGE_SIZE - 1)) >> 3), desc,
                     __ATOMIC_RELEASE);
    put_page_and_type(mfn);
    return 0;
}
