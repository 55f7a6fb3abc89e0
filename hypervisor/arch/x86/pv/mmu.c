/*
 * The PV MMU hypercalls: update_va_mapping, mmu_update and mmuext_op. They
 * decode and check what the guest passed, then act through asm/mm.h, which
 * validates every entry and keeps the reference counts. Batches stop at the
 * first failing element and report how many were done.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <xen/xen.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/flushtlb.h>
#include <asm/pv.h>
#include <asm/x86.h>

static void flush_local(void)
{
    arch_tlb_flush();
}

mfn_t pv_find_l1(struct vcpu *v, uint64_t va)
{
    mfn_t table = v->arch.kernel_mode || v->arch.guest_table_user == INVALID_MFN
                      ? v->arch.guest_table : v->arch.guest_table_user;
    static const unsigned int shifts[3] = { L4_SHIFT, L3_SHIFT, L2_SHIFT };

    for (unsigned int i = 0; i < 3; i++) {
        uint64_t e = ((const uint64_t *)mfn_to_virt(table))[pt_index(va, shifts[i])];
        if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE)) {
            return INVALID_MFN;
        }
        table = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        if (!mfn_valid(table) || mfn_to_page(table)->owner != v->domain->id) {
            return INVALID_MFN;
        }
    }
    return table;
}

/* A MULTI flush names vCPUs in a guest bitmap: it must at least be readable. */
static bool vcpumask_ok(uint64_t mask)
{
    uint64_t bits;

    return copy_from_guest(&bits, mask, sizeof(bits)) == 0;
}

long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();
    mfn_t l1;
    int rc;

    if (!is_canonical(va) || !guest_range_ok(va, 1)) {
        return -EINVAL;
    }
    l1 = pv_find_l1(v, va);
    if (l1 == INVALID_MFN) {
        return -EINVAL;
    }
    rc = pv_update_entry(v->domain, l1, 1, (unsigned int)pt_index(va, L1_SHIFT), val, false);
    if (rc) {
        return rc;
    }
    /* The flush target: this vCPU, all of them, or a bitmap (which must be readable). */
    if ((flags & ~UVMF_FLUSHTYPE_MASK) != UVMF_LOCAL && (flags & ~UVMF_FLUSHTYPE_MASK) != UVMF_ALL &&
        !vcpumask_ok(flags & ~UVMF_FLUSHTYPE_MASK)) {
        flush_local();
        return -EFAULT;     /* the update itself was made, as on Xen */
    }
    /* One vCPU per domain so far: "all" and "multi" flush this CPU. */
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        flush_local();
        break;
    case UVMF_INVLPG:
        invlpg((void *)va);
        break;
    default:
        break;
    }
    return 0;
}

static long report_done(uint64_t pdone, unsigned int done, long rc)
{
    if (pdone && copy_to_guest(pdone, &done, sizeof(done))) {
        return -EFAULT;
    }
    return rc;
}

/* A resumed batch starts from the count of what earlier parts did. */
static unsigned int resume_done(uint64_t *count, uint64_t pdone)
{
    unsigned int done = 0;

    if (*count & MMU_UPDATE_PREEMPTED) {
        *count &= ~(uint64_t)MMU_UPDATE_PREEMPTED;
        if (pdone) {
            (void)copy_from_guest(&done, pdone, sizeof(done));
        }
    }
    return done;
}

/*
 * The domain whose frames an update may map (the low half of foreigndom):
 * DOMID_SELF, or for the privileged domain another domain or DOMID_XEN (the
 * frames the hypervisor shares read-only). Naming oneself by number is
 * refused, as on Xen.
 */
static long page_owner(struct domain *d, domid_t id, struct domain **out)
{
    if (id == DOMID_SELF) {
        *out = d;
        return 0;
    }
    if (id == d->id) {
        return -ESRCH;
    }
    if (id == DOMID_XEN) {
        *out = &pv_dom_xen;
    } else if (!(*out = domain_lookup(id))) {
        return -ESRCH;
    }
    return is_privileged(d) ? 0 : -EPERM;
}

/* Whose page tables are updated (the high half of foreigndom, plus one; 0 = the caller's). */
static long table_owner(struct domain *d, uint64_t foreigndom, struct domain **out)
{
    unsigned int pt = (foreigndom >> 16) & 0xffff;

    *out = d;
    if (pt == 0) {
        return 0;
    }
    if (!(*out = domain_lookup((domid_t)(pt - 1)))) {
        return -ESRCH;
    }
    return *out == d || is_privileged(d) ? 0 : -EINVAL;
}

long do_mmu_update(uint64_t ureqs, uint64_t count, uint64_t pdone, uint64_t foreigndom,
                   uint64_t a5)
{
    struct domain *d = current_vcpu()->domain, *pg_owner, *pt_owner;
    unsigned int i, done;
    long rc = 0;

    count &= 0xffffffffu;
    done = resume_done(&count, pdone);
    rc = page_owner(d, (domid_t)foreigndom, &pg_owner);
    if (!rc) {
        rc = table_owner(d, foreigndom, &pt_owner);
    }
    if (rc) {
        return rc;
    }
    for (i = 0; i < count; i++) {
        struct mmu_update req;
        mfn_t mfn;

        if (i && hypercall_preempt_check()) {
            if (report_done(pdone, done + i, 0)) {
                return -EFAULT;
            }
            return hypercall_continue(__HYPERVISOR_mmu_update,
                                      ureqs + (uint64_t)i * sizeof(req),
                                      (count - i) | MMU_UPDATE_PREEMPTED, pdone, foreigndom, 0);
        }
        if (copy_from_guest(&req, ureqs + (uint64_t)i * sizeof(req), sizeof(req))) {
            rc = -EFAULT;
            break;
        }
        mfn = req.ptr >> PAGE_SHIFT;
        /* The command is the entry address's low three bits, as in Xen. */
        switch (req.ptr & 7) {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_NO_TRANSLATE:    /* a PV guest's entries are never translated */
        case MMU_PT_UPDATE_PRESERVE_AD: {
            const struct page_info *pg;
            if (!mfn_valid(mfn)) {
                rc = -EINVAL;
                break;
            }
            pg = mfn_to_page(mfn);
            if (pg->type < PGT_L1 || pg->type > PGT_L4) {
                rc = -EINVAL;   /* only page tables are updated this way */
                break;
            }
            rc = pv_update_entry_foreign(pt_owner, pg_owner, mfn, pg->type - PGT_L1 + 1,
                                         (unsigned int)((req.ptr & (PAGE_SIZE - 1)) >> 3),
                                         req.val, (req.ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD);
            break;
        }
        case MMU_MACHPHYS_UPDATE:
            if (!mfn_valid(mfn) || pg_owner == &pv_dom_xen ||
                mfn_to_page(mfn)->owner != pg_owner->id) {
                rc = -EINVAL;
                break;
            }
            m2p_set(mfn, req.val);
            break;
        default:
            rc = -ENOSYS;
            break;
        }
        if (rc) {
            break;
        }
    }
    /* No flush: as on Xen the guest flushes; frame_tlb_sync() protects the rest. */
    return report_done(pdone, done + i, rc);
}

static int set_baseptr(struct vcpu *v, mfn_t mfn, bool user)
{
    mfn_t *slot = user ? &v->arch.guest_table_user : &v->arch.guest_table;
    mfn_t old = *slot;
    int rc;

    if (user && mfn == 0) {
        *slot = INVALID_MFN;
    } else {
        rc = get_page_and_type(mfn, v->domain, PGT_L4);
        if (rc) {
            return rc;
        }
        *slot = mfn;
    }
    if (old != INVALID_MFN) {
        put_page_and_type(old);
    }
    if (user != !v->arch.kernel_mode) {
        return 0;   /* not the table in use */
    }
    if (*slot != INVALID_MFN) {
        tlb_load_cr3(*slot << PAGE_SHIFT);
    }
    return 0;
}

/* COPY_PAGE (src valid) or CLEAR_PAGE: the destination must be writable memory of d. */
static int copy_or_clear(struct domain *d, mfn_t dst, mfn_t src)
{
    if (!mfn_valid(dst) || mfn_to_page(dst)->owner != d->id ||
        get_page_and_type(dst, d, PGT_WRITABLE)) {
        return -EINVAL;
    }
    if (src != INVALID_MFN && (!mfn_valid(src) || mfn_to_page(src)->owner != d->id ||
                               get_page(src, d))) {
        put_page_and_type(dst);
        return -EINVAL;
    }
    if (src == INVALID_MFN) {
        memset(mfn_to_virt(dst), 0, PAGE_SIZE);
    } else {
        memcpy(mfn_to_virt(dst), mfn_to_virt(src), PAGE_SIZE);
        put_page(src);
    }
    put_page_and_type(dst);
    return 0;
}

static int mmuext_one(struct vcpu *v, const struct mmuext_op *op)
{
    struct domain *d = v->domain;
    mfn_t mfn = op->arg1.mfn;
    struct page_info *pg;
    int rc;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        if (!mfn_valid(mfn) || (mfn_to_page(mfn)->flags & PGF_PINNED)) {
            return -EINVAL;
        }
        rc = get_page_and_type(mfn, d, PGT_L1 + op->cmd - MMUEXT_PIN_L1_TABLE);
        if (rc == 0) {
            mfn_to_page(mfn)->flags |= PGF_PINNED;
        }
        return rc;
    case MMUEXT_UNPIN_TABLE:
        if (!mfn_valid(mfn)) {
            return -EINVAL;
        }
        pg = mfn_to_page(mfn);
        if (pg->owner != d->id || !(pg->flags & PGF_PINNED)) {
            return -EINVAL;
        }
        pg->flags &= (uint16_t)~PGF_PINNED;
        put_page_and_type(mfn);
        return 0;
    case MMUEXT_NEW_BASEPTR:
        return set_baseptr(v, mfn, false);
    case MMUEXT_NEW_USER_BASEPTR:
        return set_baseptr(v, mfn, true);
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
        if (!vcpumask_ok(op->arg2.vcpumask.p)) {
            return -EINVAL;
        }
        /* One vCPU per domain, so "these vCPUs" is this CPU. */
        __attribute__((fallthrough));
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_ALL:
        if (op->cmd == MMUEXT_INVLPG_LOCAL || op->cmd == MMUEXT_INVLPG_MULTI ||
            op->cmd == MMUEXT_INVLPG_ALL) {
            /* A non-canonical address maps nothing: nothing to flush, as Xen answers. */
            if (is_canonical(op->arg1.linear_addr)) {
                invlpg((void *)op->arg1.linear_addr);
            }
        } else {
            flush_local();
        }
        return 0;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return 0;   /* caches are coherent for PV guests */
    case MMUEXT_COPY_PAGE:
    case MMUEXT_CLEAR_PAGE:
        return copy_or_clear(d, mfn, op->cmd == MMUEXT_COPY_PAGE ? op->arg2.src_mfn : INVALID_MFN);
    case MMUEXT_SET_LDT:
        /* Checked and recorded; loading LDT descriptors is not supported yet. */
        if ((op->arg1.linear_addr & (PAGE_SIZE - 1)) || op->arg2.nr_ents > 8192 ||
            !guest_range_ok(op->arg1.linear_addr, (uint64_t)op->arg2.nr_ents * 8)) {
            return -EINVAL;
        }
        v->arch.ldt_base = op->arg1.linear_addr;
        v->arch.ldt_ents = op->arg2.nr_ents;
        return 0;
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -EOPNOTSUPP;
    default:
        return -ENOSYS;
    }
}

long do_mmuext_op(uint64_t uops, uint64_t count, uint64_t pdone, uint64_t foreigndom,
                  uint64_t a5)
{
    struct vcpu *v = current_vcpu();
    unsigned int i, done;
    long rc = 0;

    count &= 0xffffffffu;
    done = resume_done(&count, pdone);
    {
        struct domain *pg_owner;
        rc = page_owner(v->domain, (domid_t)foreigndom, &pg_owner);
        if (rc) {
            return rc;
        }
    }
    for (i = 0; i < count; i++) {
        struct mmuext_op op;

        if (i && hypercall_preempt_check()) {
            if (report_done(pdone, done + i, 0)) {
                return -EFAULT;
            }
            return hypercall_continue(__HYPERVISOR_mmuext_op, uops + (uint64_t)i * sizeof(op),
                                      (count - i) | MMU_UPDATE_PREEMPTED, pdone, foreigndom, 0);
        }
        if (copy_from_guest(&op, uops + (uint64_t)i * sizeof(op), sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        rc = mmuext_one(v, &op);
        if (rc) {
            break;
        }
    }
    return report_done(pdone, done + i, rc);
}
