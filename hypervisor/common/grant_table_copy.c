/*
 * GNTTABOP_copy: one element of a batch (the loop is in grant_table_op.c).
 * Source and destination are each a grant (pinned for the copy, GTF_reading
 * or GTF_writing set meanwhile) or a frame of the caller's own, named with
 * DOMID_SELF. The copy goes through the hypervisor's mapping of machine
 * memory and stays within one page on both sides.
 */
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <xen/xen.h>
#include "grant_table_internal.h"


struct copy_buf {
    struct grant_table *gt; /* set when the buffer is a pinned grant */
    grant_ref_t ref;
    mfn_t mfn;
    bool have_frame;        /* holds a general reference on mfn */
    bool have_type;         /* holds the writable type */
    bool readonly;
};

/* The domain a copy names: DOMID_SELF or any existing domain (Xen's any_id). */
static struct domain *copy_domain(struct domain *cur, domid_t id)
{
    return id == DOMID_SELF ? cur : domain_lookup(id);
}

static int copy_claim(struct domain *ld, struct domain *rd, const struct gnttab_copy_ptr *p,
                      bool is_gref, bool readonly, struct copy_buf *b)
{
    b->readonly = readonly;
    if (is_gref) {
        int rc;

        if (!rd->grant_table) {
            return GNTST_bad_domain;
        }
        rc = gnttab_acquire(rd->grant_table, p->u.ref, ld->id, true, false, readonly, false, &b->mfn);
        if (rc != GNTST_okay) {
            return rc;
        }
        b->gt = rd->grant_table;
        b->ref = p->u.ref;
    } else {
        /* Only DOMID_SELF reaches here: the frame must be the caller's own. */
        if (!gnttab_frame_get(p->u.gmfn, ld->id)) {
            return GNTST_bad_page;
        }
        b->mfn = p->u.gmfn;
    }
    b->have_frame = true;
    if (!readonly) {
        if (!gnttab_frame_get_writable(b->mfn)) {
            return GNTST_general_error;     /* a page table or descriptor page */
        }
        b->have_type = true;
    }
    return GNTST_okay;
}

static void copy_release(struct copy_buf *b)
{
    if (b->have_type) {
        gnttab_frame_put_writable(b->mfn, false);
    }
    if (b->gt) {
        gnttab_unpin(b->gt, b->ref, true, false, b->readonly);
    }
    if (b->have_frame) {
        gnttab_frame_put(b->mfn);
    }
}

/* One copy, checked in Xen's order so the status is the one Xen reports. */
static int copy_one(struct domain *ld, const struct gnttab_copy *op)
{
    bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;
    struct copy_buf src = { 0 }, dst = { 0 };
    struct domain *sd, *dd;
    unsigned long irq;
    int rc;

    if (op->len == 0) {
        return GNTST_okay;
    }
    /* Only grants may name another domain's memory. */
    if (!src_gref && op->source.domid != DOMID_SELF) {
        return GNTST_permission_denied;
    }
    irq = spin_lock_irqsave(&gnttab_lock);
    sd = copy_domain(ld, op->source.domid);
    if (!sd) {
        rc = GNTST_bad_domain;
        goto out;
    }
    if (!dst_gref && op->dest.domid != DOMID_SELF) {
        rc = GNTST_permission_denied;
        goto out;
    }
    dd = copy_domain(ld, op->dest.domid);
    if (!dd) {
        rc = GNTST_bad_domain;
        goto out;
    }
    rc = copy_claim(ld, sd, &op->source, src_gref, true, &src);
    if (rc == GNTST_okay) {
        rc = copy_claim(ld, dd, &op->dest, dst_gref, false, &dst);
    }
    if (rc == GNTST_okay) {
        if (op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE) {
            rc = GNTST_bad_copy_arg;
        } else {
            memmove((char *)mfn_to_virt(dst.mfn) + op->dest.offset,
                    (const char *)mfn_to_virt(src.mfn) + op->source.offset, op->len);
        }
    }
    copy_release(&dst);
    copy_release(&src);
out:
    spin_unlock_irqrestore(&gnttab_lock, irq);
    return rc;
}

void gnttab_copy_op(struct domain *d, void *p)
{
    struct gnttab_copy *op = p;

    op->status = (int16_t)copy_one(d, op);
}

