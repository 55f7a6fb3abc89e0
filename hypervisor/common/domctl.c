/*
 * The privileged control interface (guest-abi xenolith/domctl.h): how the
 * service domain's toolstack builds, runs, inspects and ends domains. Every
 * request is copied in once, checked (privilege, interface version, target)
 * and only then acted on; results are copied back out. docs/domctl.md.
 */
#include <hv/domain.h>
#include <hv/domctl.h>
#include <hv/errno.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <xen/sched.h>
#include <xen/xen.h>
#include <xen/vcpu.h>
#include <xenolith/domctl.h>

#define FIRST_DOMU_ID 1
#define LAST_DOMU_ID 0x7fefu          /* DOMID_FIRST_RESERVED - 1 */

static domid_t next_domid = FIRST_DOMU_ID;

/* A free id, round-robin as Xen hands them out, so a dead domain's id is not reused at once. */
static domid_t alloc_domid(void)
{
    for (unsigned int tries = 0; tries < LAST_DOMU_ID; tries++) {
        domid_t id = next_domid;
        next_domid = next_domid == LAST_DOMU_ID ? FIRST_DOMU_ID : next_domid + 1;
        if (!domain_lookup(id)) {
            return id;
        }
    }
    return DOMID_NONE;
}

static bool name_in_use(const char *name)
{
    for (struct domain *d = domain_next(0); d; d = domain_next((domid_t)(d->id + 1))) {
        if (d->state != DOMAIN_DYING && !strcmp(d->name, name)) {
            return true;
        }
    }
    return false;
}

static int op_create(struct xenolith_domctl *op)
{
    struct xl_domctl_create *c = &op->u.create;
    struct domain *d;
    domid_t id;

    if (c->flags || c->max_vcpus > 1 || !c->max_pages ||
        strnlen(c->name, sizeof(c->name)) == sizeof(c->name) || !c->name[0]) {
        return -EINVAL;
    }
    if (name_in_use(c->name)) {
        return -EEXIST;
    }
    id = alloc_domid();
    if (id == DOMID_NONE) {
        return -ENOSPC;
    }
    d = domain_create(id, c->name, 0, c->max_pages);
    if (!d) {
        return -ENOMEM;
    }
    if (!vcpu_create(d, 0)) {
        domain_kill(d);
        return -ENOMEM;
    }
    domain_pause(d);                /* it runs at the first UNPAUSE */
    op->domain = id;
    log_info("domain %u (%s) created, up to %llu KiB\n", id, d->name,
             (unsigned long long)(c->max_pages * 4));
    return 0;
}

static int build_p2m_grow(struct domain *d, uint64_t need)
{
    uint64_t cap = d->build_cap ? d->build_cap : 1024;
    uint64_t *p;

    while (cap < need) {
        cap *= 2;
    }
    if (cap == d->build_cap) {
        return 0;
    }
    p = xzalloc(cap * sizeof(*p));
    if (!p) {
        return -ENOMEM;
    }
    if (d->build_p2m) {
        memcpy(p, d->build_p2m, d->build_nr * sizeof(*p));
        xfree(d->build_p2m);
    }
    d->build_p2m = p;
    d->build_cap = cap;
    return 0;
}

static int op_populate(struct domain *d, struct xl_domctl_populate *p)
{
    uint64_t want = p->nr_pages < XL_POPULATE_BATCH ? p->nr_pages : XL_POPULATE_BATCH;
    unsigned int order = 9;     /* 2 MiB blocks where they can be had */

    p->done = 0;
    if (!d->ctl_pause || d->state != DOMAIN_RUNNING) {
        return -EBUSY;          /* only while it is being built */
    }
    if (build_p2m_grow(d, d->build_nr + want)) {
        return -ENOMEM;
    }
    while (p->done < want) {
        mfn_t mfn;

        while (order && (1ull << order) > want - p->done) {
            order--;
        }
        mfn = domain_alloc_frames(d, order);
        if (mfn == INVALID_MFN) {
            if (order == 0) {
                return -ENOMEM;
            }
            order--;
            continue;
        }
        for (uint64_t i = 0; i < (1ull << order); i++) {
            memset(mfn_to_virt(mfn + i), 0, PAGE_SIZE);   /* no other domain's leftovers */
            arch_frame_assigned(mfn + i, d->build_nr);
            d->build_p2m[d->build_nr++] = mfn + i;
        }
        p->done += 1ull << order;
    }
    return 0;
}

static int op_get_frames(struct domain *d, struct xl_domctl_frames *f)
{
    uint64_t n;

    if (f->start > d->build_nr) {
        return -EINVAL;
    }
    n = d->build_nr - f->start;
    if (n > f->nr) {
        n = f->nr;
    }
    if (n && copy_to_guest(f->list.p, d->build_p2m + f->start, n * sizeof(uint64_t))) {
        return -EFAULT;
    }
    f->nr = n;
    return 0;
}

static int op_vcpu_context(struct domain *d, const struct xl_domctl_vcpu_context *vc)
{
    struct vcpu_guest_context *ctxt;
    int rc;

    if (vc->vcpu >= MAX_VCPUS || !d->vcpus[vc->vcpu]) {
        return -ESRCH;
    }
    if (!d->ctl_pause || d->state != DOMAIN_RUNNING) {
        return -EBUSY;
    }
    ctxt = xmalloc(sizeof(*ctxt));
    if (!ctxt) {
        return -ENOMEM;
    }
    rc = copy_from_guest(ctxt, vc->ctxt.p, sizeof(*ctxt)) ? -EFAULT
         : arch_set_vcpu_context(d->vcpus[vc->vcpu], ctxt);
    xfree(ctxt);
    if (!rc) {
        vcpu_set_runnable(d->vcpus[vc->vcpu]);  /* it runs once unpaused */
    }
    return rc;
}

static void fill_info(const struct domain *d, struct xl_domctl_info *info)
{
    bool running = false, blocked = true;
    uint64_t cpu_ns = 0;

    memset(info, 0, sizeof(*info));
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        const struct vcpu *v = d->vcpus[i];
        if (v) {
            running |= arch_vcpu_is_running(v);
            blocked &= v->sched.state == VCPU_BLOCKED;
            cpu_ns += v->runstate.time[RUNSTATE_running];
        }
    }
    info->domid = d->id;
    info->flags = (running ? XL_INFO_RUNNING : 0) | (blocked && d->nr_vcpus ? XL_INFO_BLOCKED : 0) |
                  (d->ctl_pause ? XL_INFO_PAUSED : 0) |
                  (d->state == DOMAIN_SHUTDOWN ? XL_INFO_SHUTDOWN : 0) |
                  (d->state == DOMAIN_DYING ? XL_INFO_DYING : 0) |
                  (is_privileged(d) ? XL_INFO_PRIVILEGED : 0);
    info->shutdown_reason = d->shutdown_reason;
    info->nr_vcpus = d->nr_vcpus;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = d->shared_info_mfn;
    info->cpu_time_ns = cpu_ns;
    strlcpy_hv(info->name, d->name, sizeof(info->name));
    info->created_ns = (uint64_t)d->created;
    info->first_run_ns = (uint64_t)d->first_run;
    info->now_ns = (uint64_t)now();
}

static int op_read_log(struct xl_domctl_read_log *r)
{
    char chunk[256];
    uint64_t pos = r->offset, written = 0;

    while (written < r->size) {
        size_t want = r->size - written < sizeof(chunk) ? (size_t)(r->size - written) : sizeof(chunk);
        size_t n = log_ring_read(chunk, want, &pos);
        if (!n) {
            break;
        }
        if (copy_to_guest(r->buf.p + written, chunk, n)) {
            return -EFAULT;
        }
        written += n;
    }
    r->size = written;
    r->next = pos;
    return 0;
}

static void op_phys_info(struct xl_domctl_phys_info *p)
{
    struct frame_stats st;

    frame_get_stats(&st);
    memset(p, 0, sizeof(*p));
    p->nr_cpus = arch_nr_cpus();
    p->cpu_khz = (uint32_t)cpu_khz();
    p->total_pages = st.total_pages;
    p->free_pages = st.free_pages;
    p->nr_domains = domain_count();
    p->hypervisor_version = XENOLITH_DOMCTL_VERSION;
}

/* The operations on an existing domain other than the caller. */
static int op_on_domain(struct xenolith_domctl *op, struct domain *d)
{
    switch (op->cmd) {
    case XL_DOMCTL_DESTROY:
        domain_kill(d);
        return 0;
    case XL_DOMCTL_PAUSE:
        if (d->state != DOMAIN_RUNNING) {
            return -EINVAL;
        }
        domain_pause(d);
        return 0;
    case XL_DOMCTL_UNPAUSE:
        if (d->state != DOMAIN_RUNNING) {
            return -EINVAL;
        }
        if (d->ctl_pause == 1) {
            xfree(d->build_p2m);    /* built: the guest keeps its own p2m */
            d->build_p2m = NULL;
            d->build_nr = d->build_cap = 0;
        }
        return domain_unpause(d);
    case XL_DOMCTL_SHUTDOWN:
        if (op->u.shutdown.reason > SHUTDOWN_MAX) {
            return -EINVAL;
        }
        domain_shutdown(d, op->u.shutdown.reason);
        return 0;
    case XL_DOMCTL_SET_MAX_MEM:
        if (op->u.max_mem.max_pages < d->tot_pages) {
            return -EINVAL;
        }
        d->max_pages = op->u.max_mem.max_pages;
        return 0;
    case XL_DOMCTL_POPULATE:
        return op_populate(d, &op->u.populate);
    case XL_DOMCTL_GET_FRAMES:
        return op_get_frames(d, &op->u.frames);
    case XL_DOMCTL_SET_VCPU_CONTEXT:
        return op_vcpu_context(d, &op->u.vcpu_context);
    case XL_DOMCTL_HYPERCALL_PAGE:
        return arch_hypercall_page(d, op->u.hypercall_page.mfn);
    default:
        return -ENOSYS;
    }
}

long do_domctl(uint64_t uop, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct domain *self = current_vcpu()->domain, *d;
    struct xenolith_domctl op;
    int rc;

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (!is_privileged(self)) {
        return -EPERM;
    }
    if (copy_from_guest(&op, uop, sizeof(op))) {
        return -EFAULT;
    }
    if (op.interface_version != XENOLITH_DOMCTL_VERSION) {
        return -EACCES;
    }
    switch (op.cmd) {
    case XL_DOMCTL_CREATE:
        rc = op_create(&op);
        break;
    case XL_DOMCTL_GET_INFO:
        d = (op.domain & XL_INFO_NEXT) ? domain_next(op.domain & ~XL_INFO_NEXT)
                                       : domain_lookup(op.domain);
        if (!d) {
            return -ESRCH;
        }
        fill_info(d, &op.u.info);
        rc = 0;
        break;
    case XL_DOMCTL_READ_LOG:
        rc = op_read_log(&op.u.read_log);
        break;
    case XL_DOMCTL_PHYS_INFO:
        op_phys_info(&op.u.phys_info);
        rc = 0;
        break;
    default:
        d = domain_lookup(op.domain);
        if (!d) {
            return -ESRCH;
        }
        if (d == self) {
            return -EINVAL;     /* the toolstack does not operate on itself */
        }
        rc = op_on_domain(&op, d);
        break;
    }
    if (copy_to_guest(uop, &op, sizeof(op))) {
        return -EFAULT;
    }
    return rc;
}
