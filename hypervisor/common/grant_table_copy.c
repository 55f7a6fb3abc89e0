/*
 * GNTTABOP_copy: one element of a batch (the loop is in grant_table_op.c).
 * Source and destination are each a grant (pinned for the copy, GTF_reading
 * or GTF_writing set meanwhile) or a frame of the caller's own, named with
 * DOMID_SELF. The copy goes through the hypervisor's mapping of machine
 * memory and stays within one page on both sides.
 *
 * The checks run in the order Debian's Xen 4.17.7 (the oracle) makes them,
 * so an op with several faults gets the status Xen gives it: both domains
 * are looked up (bad_domain); then the source is claimed, then the
 * destination, each as a frame (the side must say DOMID_SELF, even the
 * caller's own id is permission_denied; then the page must be the caller's,
 * bad_page) or a grant (the pin's checks); the destination's frame must
 * take the writable type (general_error); last the ranges (bad_copy_arg).
 * Length 0 is not special: every check is made, nothing is copied (Xen 4.19
 * skips such ops, 4.17 does not).
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

/* The domain a copy names: DOMID_SELF or any existing domain (Xen's any_id);
 * the reserved ids (DOMID_XEN, DOMID_IO, ...) name none. */
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
        /* Only DOMID_SELF may name a frame; the frame must be the caller's own. */
        if (p->domid != DOMID_SELF) {
            return GNTST_permission_denied;
        }
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

/* One copy, checked in Xen's order (see the top) so the status is Xen's. */
static int copy_one(struct domain *ld, const struct gnttab_copy *op)
{
    bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;
    struct copy_buf src = { 0 }, dst = { 0 };
    struct domain *sd, *dd;
    unsigned long irq;
    int rc;

    irq = spin_lock_irqsave(&gnttab_lock);
    sd = copy_domain(ld, op->source.domid);
    dd = copy_domain(ld, op->dest.domid);
    if (!sd || !dd) {
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
        } else if (op->len) {
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

