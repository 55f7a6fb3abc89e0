/*
 * The grant_table_op hypercall: the single operations (setup_table,
 * query_size, get_version, set_version) and the batched ones, whose
 * elements are copied in once, handled by grant_table_map.c or
 * grant_table_copy.c and their results copied back, with Xen's transparent
 * continuation of long batches.
 */
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <xen/xen.h>
#include "grant_table_internal.h"


/* The domain a setup/query names, with Xen's default policy: itself, or any if privileged. */
static struct domain *target_domain(struct domain *cur, domid_t id, bool *permitted)
{
    struct domain *t = id == DOMID_SELF ? cur : domain_lookup(id);

    *permitted = t == cur || is_privileged(cur);
    return t;
}

static long op_setup_table(struct domain *cur, uint64_t uop, uint32_t count)
{
    struct gnttab_setup_table op;
    struct grant_table *gt;
    struct domain *d;
    unsigned long irq;
    unsigned int n = 0;
    bool permitted;

    if (count != 1) {
        return -EINVAL;
    }
    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    if (op.nr_frames && !guest_range_ok(op.frame_list.p, (size_t)op.nr_frames * sizeof(xen_pfn_t))) {
        return -EFAULT;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    d = target_domain(cur, op.dom, &permitted);
    gt = d ? d->grant_table : NULL;
    if (!gt) {
        op.status = GNTST_bad_domain;
    } else if (!permitted) {
        op.status = GNTST_permission_denied;
    } else if (op.nr_frames > gt->max_frames) {
        op.status = GNTST_general_error;    /* beyond the domain's limit */
    } else if (op.nr_frames > gt->nr_frames && gnttab_grow(gt, op.nr_frames)) {
        op.status = GNTST_general_error;
    } else {
        op.status = GNTST_okay;
        n = op.nr_frames;
    }
    spin_unlock_irqrestore(&gnttab_lock, irq);
    /*
     * Frames below nr_frames stay until the domain is destroyed, which cannot
     * race its own call (nor, for a privileged caller, its own toolstack).
     */
    for (unsigned int i = 0; i < n; i++) {
        xen_pfn_t f = gt->frames[i];

        if (copy_to_guest(op.frame_list.p + i * sizeof(f), &f, sizeof(f))) {
            op.status = GNTST_bad_virt_addr;
            break;
        }
    }
    if (copy_to_guest(uop + offsetof(struct gnttab_setup_table, status), &op.status,
                      sizeof(op.status))) {
        return -EFAULT;
    }
    return 0;
}

static long op_query_size(struct domain *cur, uint64_t uop, uint32_t count)
{
    struct gnttab_query_size op;
    struct domain *d;
    unsigned long irq;
    bool permitted;

    if (count != 1) {
        return -EINVAL;
    }
    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    d = target_domain(cur, op.dom, &permitted);
    if (!d || !d->grant_table) {
        op.status = GNTST_bad_domain;
    } else if (!permitted) {
        op.status = GNTST_permission_denied;
    } else {
        op.nr_frames = d->grant_table->nr_frames;
        op.max_nr_frames = d->grant_table->max_frames;
        op.status = GNTST_okay;
    }
    spin_unlock_irqrestore(&gnttab_lock, irq);
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long op_get_version(struct domain *cur, uint64_t uop)
{
    struct gnttab_get_version op;
    struct domain *d;
    bool permitted;

    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    d = target_domain(cur, op.dom, &permitted);
    if (!d || !d->grant_table) {
        return -ESRCH;
    }
    if (!permitted) {
        return -EPERM;
    }
    op.version = 1;
    if (copy_to_guest(uop + offsetof(struct gnttab_get_version, version), &op.version,
                      sizeof(op.version))) {
        return -EFAULT;
    }
    return 0;
}

/*
 * Only version 1 exists here: Xen with a domain's max grant version at 1
 * answers set_version(2) with -ENOSYS ("as before set_version existed") and
 * anything but 1 or 2 with -EINVAL; every answer carries the version in force.
 */
static long op_set_version(uint64_t uop)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    rc = op.version == 1 ? 0 : op.version == 2 ? -ENOSYS : -EINVAL;
    op.version = 1;
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : rc;
}

/* --------------------------------------------------------- batches */

typedef void batch_fn(struct domain *d, void *op);

/*
 * Each element: copy it in once, act on the copy, write back `out_len`
 * bytes from `out_off` (the whole op, or just its status). 0 when every
 * element was processed, whatever their statuses; -EFAULT if the array
 * cannot be read or written. A long batch continues transparently, as
 * Xen's does: the rest of the array is re-issued as the same hypercall.
 */
static long run_batch(struct domain *d, uint32_t cmd, uint64_t uop, uint32_t count, size_t size,
                      size_t out_off, size_t out_len, batch_fn *fn)
{
    union {
        struct gnttab_map_grant_ref map;
        struct gnttab_unmap_grant_ref unmap;
        struct gnttab_unmap_and_replace replace;
        struct gnttab_copy copy;
    } op;

    if (count == 0) {
        return 0;
    }
    if (!guest_range_ok(uop, (size_t)count * size)) {
        return -EFAULT;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = uop + (uint64_t)i * size;

        if (i && hypercall_preempt_check()) {
            return hypercall_continue(__HYPERVISOR_grant_table_op, cmd, at, count - i, 0, 0);
        }
        if (copy_from_guest(&op, at, size)) {
            return -EFAULT;
        }
        fn(d, &op);
        if (copy_to_guest(at + out_off, (const char *)&op + out_off, out_len)) {
            return -EFAULT;
        }
    }
    return 0;
}

#define STATUS_OF(type) offsetof(type, status), sizeof(((type *)0)->status)

long do_grant_table_op(uint64_t cmd64, uint64_t uop, uint64_t count64, uint64_t a4, uint64_t a5)
{
    struct domain *d = current_vcpu()->domain;
    uint32_t cmd = (uint32_t)cmd64, count = (uint32_t)count64;

    (void)a4;
    (void)a5;
    if ((int32_t)count < 0) {
        return -EINVAL;
    }
    /* The upper bits carry continuation state in Xen, for cache_flush only. */
    if ((cmd & ~0xfffu) && (cmd & 0xfffu) != GNTTABOP_cache_flush) {
        return -EINVAL;
    }
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return run_batch(d, cmd, uop, count, sizeof(struct gnttab_map_grant_ref), 0,
                         sizeof(struct gnttab_map_grant_ref), gnttab_map_op);
    case GNTTABOP_unmap_grant_ref:
        return run_batch(d, cmd, uop, count, sizeof(struct gnttab_unmap_grant_ref),
                         STATUS_OF(struct gnttab_unmap_grant_ref), gnttab_unmap_op);
    case GNTTABOP_unmap_and_replace:
        return run_batch(d, cmd, uop, count, sizeof(struct gnttab_unmap_and_replace),
                         STATUS_OF(struct gnttab_unmap_and_replace), gnttab_unmap_replace_op);
    case GNTTABOP_copy:
        return run_batch(d, cmd, uop, count, sizeof(struct gnttab_copy),
                         STATUS_OF(struct gnttab_copy), gnttab_copy_op);
    case GNTTABOP_setup_table:
        return op_setup_table(d, uop, count);
    case GNTTABOP_query_size:
        return op_query_size(d, uop, count);
    case GNTTABOP_get_version:
        return op_get_version(d, uop);
    case GNTTABOP_set_version:
        return op_set_version(uop);
    default:
        /* dump_table, transfer, get_status_frames (v2), swap_grant_ref, cache_flush (Arm). */
        return -ENOSYS;
    }
}

