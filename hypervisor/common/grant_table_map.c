/*
 * GNTTABOP_map_grant_ref, unmap_grant_ref and unmap_and_replace: one
 * element of a batch each (the batch loop is in grant_table_op.c). Status
 * codes and the order of the checks are Xen's.
 */
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <xen/xen.h>
#include "grant_table_internal.h"

static void map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
    struct grant_table *lgt = ld->grant_table, *rgt;
    bool host = op->flags & GNTMAP_host_map, dev = op->flags & GNTMAP_device_map;
    bool ro = op->flags & GNTMAP_readonly;
    struct maptrack_entry *e;
    struct domain *rd;
    uint64_t cookie = 0;
    unsigned long irq;
    uint32_t h;
    mfn_t mfn;
    int rc;

    if (!host && !dev) {
        op->status = GNTST_bad_gntref;      /* Xen's answer to "map as nothing" */
        return;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    rd = domain_lookup(op->dom);            /* DOMID_SELF is not accepted here (Xen) */
    rgt = rd ? rd->grant_table : NULL;
    if (!rgt) {
        rc = GNTST_bad_domain;
        goto out;
    }
    if (!lgt || !gnttab_maptrack_get(lgt, &h)) {
        rc = GNTST_no_space;
        goto out;
    }
    rc = gnttab_acquire(rgt, op->ref, ld->id, host, dev, ro, true, &mfn);
    if (rc != GNTST_okay) {
        gnttab_maptrack_put(lgt, h);
        goto out;
    }
    /* A writable mapping holds the writable type: never of a page table. */
    if (!ro && !gnttab_frame_get_writable(mfn)) {
        gnttab_unpin(rgt, op->ref, host, dev, ro);
        gnttab_frame_put(mfn);
        gnttab_maptrack_put(lgt, h);
        rc = GNTST_general_error;
        goto out;
    }
    e = mt_entry(lgt, h);
    e->gt = rgt;
    e->ref = op->ref;
    e->flags = op->flags & MAP_KEPT_FLAGS;
    e->busy = true;
    rgt->grant_maps++;
    if (host) {
        spin_unlock_irqrestore(&gnttab_lock, irq);
        rc = arch_gnttab_map(ld, op->host_addr, mfn, op->flags, &cookie);
        irq = spin_lock_irqsave(&gnttab_lock);
        e = mt_entry(lgt, h);
    }
    e->busy = false;
    if (rc != GNTST_okay) {
        gnttab_release_mapping(ld, lgt, h, GNTTAB_UNDO);
        goto out;
    }
    e->cookie = cookie;
    op->handle = h;
    op->dev_bus_addr = (uint64_t)mfn << PAGE_SHIFT;
out:
    spin_unlock_irqrestore(&gnttab_lock, irq);
    op->status = (int16_t)rc;
}

/*
 * Unmap what host_addr and dev_bus_addr name of mapping h (either may be 0:
 * that part stays mapped); the handle is freed when nothing is left mapped.
 */
static int unmap_one(struct domain *ld, uint32_t h, uint64_t host_addr, uint64_t dev_bus_addr,
                     uint64_t new_addr)
{
    struct grant_table *lgt = ld->grant_table;
    unsigned long irq = spin_lock_irqsave(&gnttab_lock);
    struct maptrack_entry *e;
    bool do_host, do_dev;
    uint32_t flags, done;
    mfn_t mfn;
    int rc = GNTST_okay;

    if (!lgt || h >= lgt->maptrack_limit) {
        rc = GNTST_bad_handle;
        goto out;
    }
    e = mt_entry(lgt, nospec(h));
    if (!e->flags || e->busy) {
        rc = GNTST_bad_handle;
        goto out;
    }
    flags = e->flags;
    mfn = active_entry(e->gt, e->ref)->mfn;
    if (dev_bus_addr && (flags & GNTMAP_device_map) && dev_bus_addr != (uint64_t)mfn << PAGE_SHIFT) {
        rc = GNTST_bad_dev_addr;
        goto out;
    }
    do_host = host_addr && (flags & GNTMAP_host_map);
    do_dev = dev_bus_addr && (flags & GNTMAP_device_map);
    if (do_host) {
        e->busy = true;
        spin_unlock_irqrestore(&gnttab_lock, irq);
        rc = arch_gnttab_unmap(ld, host_addr, mfn, new_addr, flags);
        irq = spin_lock_irqsave(&gnttab_lock);
        e = mt_entry(lgt, h);
        e->busy = false;
        if (rc != GNTST_okay) {
            goto out;
        }
    }
    if (!do_host && !do_dev) {
        goto out;                           /* nothing named: nothing done, as Xen */
    }
    done = (do_host ? GNTMAP_host_map : 0) | (do_dev ? GNTMAP_device_map : 0);
    if (!(flags & ~done & (GNTMAP_host_map | GNTMAP_device_map))) {
        gnttab_release_mapping(ld, lgt, h, GNTTAB_UNMAPPED);
        goto out;
    }
    /* One of host/device stays mapped: the handle and its frame reference stay. */
    gnttab_unpin(e->gt, e->ref, do_host, do_dev, flags & GNTMAP_readonly);
    e->flags &= ~done;
out:
    spin_unlock_irqrestore(&gnttab_lock, irq);
    return rc;
}

void gnttab_unmap_op(struct domain *d, void *p)
{
    struct gnttab_unmap_grant_ref *op = p;

    op->status = (int16_t)unmap_one(d, op->handle, op->host_addr, op->dev_bus_addr, 0);
}

void gnttab_unmap_replace_op(struct domain *d, void *p)
{
    struct gnttab_unmap_and_replace *op = p;

    op->status = (int16_t)unmap_one(d, op->handle, op->host_addr, 0, op->new_addr);
}

void gnttab_map_op(struct domain *d, void *p)
{
    map_one(d, p);
}

