/*
 * memory_op for PV guests: reservations (grow, shrink, populate) counted
 * against the domain's limit, the pseudo-physical memory map, and where the
 * M2P is. A PV guest names frames by MFN, so extents are machine frames.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <xen/memory.h>
#include <xen/xen.h>
#include <asm/layout.h>
#include <asm/m2p.h>
#include <asm/mm.h>

/* Largest extent order a guest may ask for (Xen's domU default: 2 MiB). */
#define MAX_ORDER_DOMU 9
#define MAX_ORDER_PRIV 12

static struct domain *target(struct domain *self, domid_t id)
{
    if (id == DOMID_SELF || id == self->id) {
        return self;
    }
    return is_privileged(self) ? domain_lookup(id) : NULL;
}

/* Give back one frame: drop its allocation reference; it is freed when unmapped. */
static int remove_page(struct domain *d, mfn_t mfn)
{
    struct page_info *pg;

    if (!mfn_valid(mfn)) {
        return -EINVAL;
    }
    pg = mfn_to_page(mfn);
    if (pg->owner != d->id || !(pg->flags & PGF_ALLOC_REF)) {
        return -EINVAL;
    }
    pg->flags &= (uint16_t)~PGF_ALLOC_REF;
    m2p_set(mfn, M2P_INVALID);
    put_page(mfn);
    return 0;
}

#define MEMOP_CMD_MASK 0x3f
#define MEMOP_EXTENT_SHIFT 6    /* a resumed call carries its start extent in cmd */

static long reservation(struct domain *self, unsigned int op, uint64_t start, uint64_t arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    uint64_t i;

    if (copy_from_guest(&r, arg, sizeof(r))) {
        return -EFAULT;
    }
    d = target(self, r.domid);
    if (!d) {
        return is_privileged(self) ? -ESRCH : -EPERM;
    }
    if (r.extent_order > (is_privileged(self) ? MAX_ORDER_PRIV : MAX_ORDER_DOMU)) {
        return 0;
    }
    if (start > r.nr_extents) {
        return -EINVAL;
    }
    /* As Xen: a count a continuation could not carry, or a list the guest may not
     * name, does nothing and reports nothing done. */
    if (r.nr_extents > (UINT64_MAX >> MEMOP_EXTENT_SHIFT) ||
        (r.extent_start.p && !guest_range_ok(r.extent_start.p, r.nr_extents * sizeof(xen_pfn_t)))) {
        return (long)start;
    }
    for (i = start; i < r.nr_extents; i++) {
        uint64_t slot = r.extent_start.p + i * sizeof(xen_pfn_t);

        if (i > start && hypercall_preempt_check()) {
            return hypercall_continue(__HYPERVISOR_memory_op,
                                      op | (i << MEMOP_EXTENT_SHIFT), arg, 0, 0, 0);
        }
        xen_pfn_t gpfn = 0;
        mfn_t mfn;

        if (op != XENMEM_increase_reservation && copy_from_guest(&gpfn, slot, sizeof(gpfn))) {
            return i ? (long)i : -EFAULT;
        }
        if (op == XENMEM_decrease_reservation) {
            for (uint64_t j = 0; j < (1ull << r.extent_order); j++) {
                if (remove_page(d, gpfn + j)) {
                    return (long)i;
                }
            }
            continue;
        }
        mfn = domain_alloc_frames(d, r.extent_order);
        if (mfn == INVALID_MFN) {
            return (long)i;     /* limit or memory reached: report what was done */
        }
        for (uint64_t j = 0; j < (1ull << r.extent_order); j++) {
            memset(mfn_to_virt(mfn + j), 0, PAGE_SIZE);
            m2p_set(mfn + j, op == XENMEM_populate_physmap ? gpfn + j : M2P_INVALID);
        }
        if (r.extent_start.p && copy_to_guest(slot, &mfn, sizeof(mfn))) {
            return (long)i + 1;
        }
    }
    return (long)i;
}

/* The machine frames backing the M2P, one per 2 MiB of it (as Xen lists them). */
static long machphys_mfn_list(uint64_t arg)
{
    struct xen_machphys_mfn_list l;
    uint32_t n = 0;

    if (copy_from_guest(&l, arg, sizeof(l))) {
        return -EFAULT;
    }
    for (; n < l.max_extents; n++) {
        xen_pfn_t mfn = m2p_frame((uint64_t)n * 512);
        if (mfn == INVALID_MFN) {
            break;
        }
        if (copy_to_guest(l.extent_start.p + (uint64_t)n * sizeof(mfn), &mfn, sizeof(mfn))) {
            return -EFAULT;
        }
    }
    l.nr_extents = n;
    return copy_to_guest(arg, &l, sizeof(l));
}

long do_memory_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct domain *d = current_vcpu()->domain, *t;

    switch (cmd & MEMOP_CMD_MASK) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation(d, cmd & MEMOP_CMD_MASK, cmd >> MEMOP_EXTENT_SHIFT, arg);
    case XENMEM_maximum_ram_page:
        return (long)frame_table_size;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation: {
        domid_t id;
        if (copy_from_guest(&id, arg, sizeof(id))) {
            return -EFAULT;
        }
        t = target(d, id);
        if (!t) {
            return is_privileged(d) ? -ESRCH : -EPERM;
        }
        return (long)((cmd & MEMOP_CMD_MASK) == XENMEM_current_reservation ? t->tot_pages
                                                                          : t->max_pages);
    }
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m = { .v_start = MACH2PHYS_VIRT_START,
                                          .v_end = MACH2PHYS_VIRT_END,
                                          .max_mfn = frame_table_size - 1 };
        return copy_to_guest(arg, &m, sizeof(m));
    }
    case XENMEM_machphys_mfn_list:
        return machphys_mfn_list(arg);
    case XENMEM_memory_map:
        /* No map was set for this domain (no toolstack has set one): Linux then uses
         * one RAM region of nr_pages, which is what the domain has. */
        return -ENOSYS;
    default:
        return -ENOSYS;
    }
}
