/*
 * Event channels, 2-level ABI. One lock serialises all port state changes
 * (interdomain operations touch two domains; a single lock has no ordering
 * to get wrong, and these operations are rare next to sending). The pending
 * and mask bitmaps live in shared_info, which the guest writes too, so
 * every update there is a locked bit operation.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/frame.h>
#include <hv/guest_access.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <xen/xen.h>

static spinlock_t evtchn_lock = SPINLOCK_INIT;

/*
 * A port number is valid once its bucket exists (as Xen's port_is_valid):
 * a free port there reads as closed, one past the limit in the same bucket too.
 */
static struct evtchn *port_ptr(struct domain *d, evtchn_port_t p)
{
    if (p >= EVTCHN_BUCKETS * EVTCHNS_PER_BUCKET || !d->evtchn[p / EVTCHNS_PER_BUCKET]) {
        return NULL;
    }
    return &d->evtchn[p / EVTCHNS_PER_BUCKET][p % EVTCHNS_PER_BUCKET];
}

bool evtchn_port_valid(struct domain *d, evtchn_port_t p)
{
    struct evtchn *c = port_ptr(d, p);
    return c && c->state != ECS_FREE;
}

/* Bound to something: Xen raises, unmasks and polls only these (not free, not port 0). */
static bool port_in_use(const struct evtchn *c)
{
    return c && c->state > ECS_RESERVED;
}

int evtchn_domain_init(struct domain *d, unsigned int max_ports)
{
    d->max_evtchns = MIN(max_ports, (unsigned int)EVTCHN_2L_NR_CHANNELS);
    d->evtchn[0] = xzalloc(EVTCHNS_PER_BUCKET * sizeof(struct evtchn));
    if (!d->evtchn[0]) {
        return -ENOMEM;
    }
    d->evtchn[0][0].state = ECS_RESERVED;
    return 0;
}

/* --------------------------------------------------------- bitmaps */

static bool test_and_set(uint64_t *word, unsigned int bit)
{
    return __atomic_fetch_or(word, 1ull << bit, __ATOMIC_SEQ_CST) & (1ull << bit);
}

static bool test_bit(const uint64_t *word, unsigned int bit)
{
    return __atomic_load_n(word, __ATOMIC_SEQ_CST) & (1ull << bit);
}

static void clear_bit(uint64_t *word, unsigned int bit)
{
    __atomic_fetch_and(word, ~(1ull << bit), __ATOMIC_SEQ_CST);
}

static bool test_and_clear(uint64_t *word, unsigned int bit)
{
    return __atomic_fetch_and(word, ~(1ull << bit), __ATOMIC_SEQ_CST) & (1ull << bit);
}

static void mark_vcpu_pending(struct vcpu *v, evtchn_port_t port)
{
    struct vcpu_info *vi = v->vcpu_info;

    if (test_and_set(&vi->evtchn_pending_sel, port / 64)) {
        return;
    }
    if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST)) {
        arch_vcpu_kick(v);
    }
}

/* Make port pending in d and, if it is not masked, tell its vCPU. */
static void set_pending(struct domain *d, evtchn_port_t port, unsigned int vcpu)
{
    struct shared_info *si = d->shared_info;
    struct vcpu *v = vcpu < MAX_VCPUS ? d->vcpus[vcpu] : NULL;

    if (!v) {
        v = d->vcpus[0];
    }
    if (test_and_set(&si->evtchn_pending[port / 64], port % 64)) {
        return;
    }
    if (!test_bit(&si->evtchn_mask[port / 64], port % 64) && v) {
        mark_vcpu_pending(v, port);
    }
    /* A vCPU polling this port wakes even when the port is masked. */
    for (unsigned int i = 0; i < MAX_VCPUS; i++) {
        struct vcpu *p = d->vcpus[i];
        if (p && p->poll_port != -2 && (p->poll_port == -1 || p->poll_port == (int)port)) {
            p->poll_port = -2;
            arch_vcpu_kick(p);
        }
    }
}

bool evtchn_is_pending(struct domain *d, evtchn_port_t port)
{
    /* A bit the guest set by hand on a free port is no event (as Xen's poll). */
    return port_in_use(port_ptr(d, port)) &&
           test_bit(&d->shared_info->evtchn_pending[port / 64], port % 64);
}

/* --------------------------------------------------------- ports */

/* A free port, allocating its bucket if needed; -ENOSPC past the limit. */
static int get_free_port(struct domain *d, evtchn_port_t *out)
{
    if (d->state == DOMAIN_DYING) {
        return -EINVAL;     /* as Xen: no new ports in a domain being torn down */
    }
    for (evtchn_port_t p = 1; p < d->max_evtchns; p++) {
        struct evtchn **b = &d->evtchn[p / EVTCHNS_PER_BUCKET];

        if (!*b) {
            *b = xzalloc(EVTCHNS_PER_BUCKET * sizeof(struct evtchn));
            if (!*b) {
                return -ENOMEM;
            }
        }
        if ((*b)[p % EVTCHNS_PER_BUCKET].state == ECS_FREE) {
            *out = p;
            return 0;
        }
    }
    return -ENOSPC;
}

static void free_port(struct domain *d, evtchn_port_t p)
{
    struct evtchn *c = port_ptr(d, p);

    memset(c, 0, sizeof(*c));
    clear_bit(&d->shared_info->evtchn_pending[p / 64], p % 64);
}

/*
 * An unbound port of d offered to remote. As Xen, the port is found before
 * `allowed` is looked at: a full table says -ENOSPC even to a caller that
 * may not allocate there (-EPERM).
 */
static int alloc_unbound(struct domain *d, domid_t remote, bool allowed, evtchn_port_t *port)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    evtchn_port_t p;
    int rc = get_free_port(d, &p);

    if (rc == 0 && !allowed) {
        rc = -EPERM;
    }
    if (rc == 0) {
        struct evtchn *c = port_ptr(d, p);
        c->state = ECS_UNBOUND;
        c->u.remote_domid = remote;
        *port = p;
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *port)
{
    return alloc_unbound(d, remote, true, port);
}

int evtchn_alloc_xen_port(struct domain *d, evtchn_xen_fn fn, void *data, evtchn_port_t *port)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    int rc = get_free_port(d, port);

    if (rc == 0) {
        struct evtchn *c = port_ptr(d, *port);
        c->state = ECS_XEN;
        c->u.xen.fn = fn;
        c->u.xen.data = data;
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

int evtchn_bind_interdomain_port(struct domain *ld, struct domain *rd, evtchn_port_t rport,
                                 evtchn_port_t *lport)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    struct evtchn *rc_chn, *lc;
    evtchn_port_t p;
    int rc;

    /* As Xen: the local port first (-ENOSPC), then the remote one (-EINVAL). */
    rc = get_free_port(ld, &p);
    if (rc) {
        goto out;
    }
    rc_chn = port_ptr(rd, rport);
    if (!rc_chn || rc_chn->state != ECS_UNBOUND || rc_chn->u.remote_domid != ld->id) {
        rc = -EINVAL;   /* not a port offered to us */
        goto out;
    }
    *lport = p;
    /* A port bound to itself: the free port found cannot be rport's own. */
    lc = port_ptr(ld, *lport);
    lc->state = ECS_INTERDOMAIN;
    lc->u.interdomain.dom = rd;
    lc->u.interdomain.port = rport;
    rc_chn->state = ECS_INTERDOMAIN;
    rc_chn->u.interdomain.dom = ld;
    rc_chn->u.interdomain.port = *lport;
    /* Anything sent while unbound was dropped; a new binding starts pending, as on Xen. */
    set_pending(ld, *lport, lc->notify_vcpu);
out:
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

/* Close one port; the other end of an interdomain channel becomes unbound. */
static int close_port(struct domain *d, evtchn_port_t p)
{
    struct evtchn *c = port_ptr(d, p);

    if (!c || c->state == ECS_FREE) {
        return -EINVAL;
    }
    switch (c->state) {
    case ECS_RESERVED:
        return -EINVAL;
    case ECS_VIRQ:
        for (unsigned int i = 0; i < MAX_VCPUS; i++) {
            if (d->vcpus[i] && d->vcpus[i]->virq_to_evtchn[c->u.virq] == p) {
                d->vcpus[i]->virq_to_evtchn[c->u.virq] = 0;
            }
        }
        break;
    case ECS_INTERDOMAIN: {
        struct evtchn *r = port_ptr(c->u.interdomain.dom, c->u.interdomain.port);
        if (r && r->state == ECS_INTERDOMAIN && r->u.interdomain.dom == d) {
            r->state = ECS_UNBOUND;
            r->u.remote_domid = d->id;
        }
        break;
    }
    default:
        break;
    }
    free_port(d, p);
    return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);

    for (evtchn_port_t p = 1; p < d->max_evtchns; p++) {
        struct evtchn *c = port_ptr(d, p);
        if (c && c->state != ECS_FREE) {
            close_port(d, p);
        }
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    for (unsigned int b = 0; b < EVTCHN_BUCKETS; b++) {
        xfree(d->evtchn[b]);
        d->evtchn[b] = NULL;
    }
    d->max_evtchns = 0;
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    evtchn_port_t p = virq < NR_VIRQS ? v->virq_to_evtchn[virq] : 0;

    if (p) {
        /* To the port's vCPU: bind_vcpu may have moved a global VIRQ off vCPU 0. */
        struct evtchn *c = port_ptr(v->domain, p);
        set_pending(v->domain, p, c ? c->notify_vcpu : v->id);
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
}

void evtchn_send_global_virq(struct domain *d, unsigned int virq)
{
    if (d->vcpus[0]) {
        evtchn_send_virq(d->vcpus[0], virq);
    }
}

/* Per-vCPU VIRQs; every other number below NR_VIRQS is global (x86's arch ones too). */
static bool virq_is_global(uint32_t virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}

/* --------------------------------------------------------- hypercall */

/*
 * The domain an op names: NULL (-ESRCH) if there is none, whoever asks.
 * Whether the caller may touch it is checked afterwards (may_control), as
 * Xen checks its XSM hook after the lookup.
 */
static struct domain *resolve(struct domain *self, domid_t id)
{
    if (id == DOMID_SELF || id == self->id) {
        return self;
    }
    return domain_lookup(id);
}

static bool may_control(const struct domain *self, const struct domain *t)
{
    return t == self || is_privileged(self);
}

static long op_alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
    struct domain *owner = resolve(d, a->dom);
    domid_t remote = a->remote_dom == DOMID_SELF ? d->id : a->remote_dom;

    if (!owner) {
        return -ESRCH;
    }
    return alloc_unbound(owner, remote, may_control(d, owner), &a->port);
}

static long op_bind_interdomain(struct domain *d, struct evtchn_bind_interdomain *b)
{
    struct domain *rd = b->remote_dom == DOMID_SELF ? d : domain_lookup(b->remote_dom);

    if (!rd) {
        return -ESRCH;
    }
    return evtchn_bind_interdomain_port(d, rd, b->remote_port, &b->local_port);
}

static long op_bind_virq(struct domain *d, struct evtchn_bind_virq *b)
{
    struct vcpu *v;
    unsigned long flags;
    int rc;

    if (b->virq >= NR_VIRQS) {
        return -EINVAL;
    }
    /* Global VIRQs are bound on vCPU 0 (and moved with bind_vcpu): checked before the vCPU. */
    if (virq_is_global(b->virq) && b->vcpu != 0) {
        return -EINVAL;
    }
    if (b->vcpu >= MAX_VCPUS || !(v = d->vcpus[b->vcpu])) {
        return -ENOENT;
    }
    flags = spin_lock_irqsave(&evtchn_lock);
    if (v->virq_to_evtchn[b->virq]) {
        rc = -EEXIST;
    } else if ((rc = get_free_port(d, &b->port)) == 0) {
        struct evtchn *c = port_ptr(d, b->port);
        c->state = ECS_VIRQ;
        c->notify_vcpu = (uint16_t)b->vcpu;
        c->u.virq = b->virq;
        v->virq_to_evtchn[b->virq] = b->port;
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

static long op_bind_ipi(struct domain *d, struct evtchn_bind_ipi *b)
{
    unsigned long flags;
    int rc;

    if (b->vcpu >= MAX_VCPUS || !d->vcpus[b->vcpu]) {
        return -ENOENT;
    }
    flags = spin_lock_irqsave(&evtchn_lock);
    rc = get_free_port(d, &b->port);
    if (rc == 0) {
        struct evtchn *c = port_ptr(d, b->port);
        c->state = ECS_IPI;
        c->notify_vcpu = (uint16_t)b->vcpu;
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

static long op_send(struct domain *d, evtchn_port_t p)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    struct evtchn *c = port_ptr(d, p);
    long rc = 0;

    if (!c) {
        rc = -EINVAL;
    } else if (c->state == ECS_INTERDOMAIN) {
        struct domain *rd = c->u.interdomain.dom;
        struct evtchn *r = port_ptr(rd, c->u.interdomain.port);
        set_pending(rd, c->u.interdomain.port, r ? r->notify_vcpu : 0);
    } else if (c->state == ECS_IPI) {
        set_pending(d, p, c->notify_vcpu);
    } else if (c->state == ECS_XEN) {
        evtchn_xen_fn fn = c->u.xen.fn;
        void *data = c->u.xen.data;
        spin_unlock_irqrestore(&evtchn_lock, flags);
        fn(d, p, data);     /* outside the lock: the consumer may raise events */
        return 0;
    } else if (c->state != ECS_UNBOUND) {
        rc = -EINVAL;   /* VIRQs are raised by the hypervisor only; free ports are invalid */
    }
    /* Unbound: the notification is dropped, as on Xen. */
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

static long op_status(struct domain *d, struct evtchn_status *s)
{
    struct domain *t = resolve(d, s->dom);
    unsigned long flags;
    struct evtchn *c;

    if (!t) {
        return -ESRCH;
    }
    flags = spin_lock_irqsave(&evtchn_lock);
    c = port_ptr(t, s->port);
    if (!c || !may_control(d, t)) {
        /* As Xen: a bad port is -EINVAL even in a domain we may not look at. */
        spin_unlock_irqrestore(&evtchn_lock, flags);
        return c ? -EPERM : -EINVAL;
    }
    /* Only the union member of the state is written; the rest is the caller's, as on Xen. */
    s->vcpu = c->notify_vcpu;
    switch (c->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        s->status = EVTCHNSTAT_closed;
        break;
    case ECS_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = c->u.remote_domid;
        break;
    case ECS_INTERDOMAIN:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = c->u.interdomain.dom->id;
        s->u.interdomain.port = c->u.interdomain.port;
        break;
    case ECS_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = c->u.virq;
        break;
    case ECS_XEN:
        s->status = EVTCHNSTAT_interdomain;     /* its backend is the hypervisor */
        s->u.interdomain.dom = DOMID_XEN;
        s->u.interdomain.port = 0;
        break;
    default:
        s->status = EVTCHNSTAT_ipi;
        break;
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return 0;
}

static long op_bind_vcpu(struct domain *d, evtchn_port_t p, uint32_t vcpu)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    struct evtchn *c = port_ptr(d, p);
    long rc = 0;

    if (vcpu >= MAX_VCPUS || !d->vcpus[vcpu]) {
        rc = -ENOENT;
    } else if (!c) {
        rc = -EINVAL;
    } else if (c->state == ECS_UNBOUND || c->state == ECS_INTERDOMAIN ||
               (c->state == ECS_VIRQ && virq_is_global(c->u.virq))) {
        c->notify_vcpu = (uint16_t)vcpu;
    } else {
        rc = -EINVAL;   /* per-vCPU VIRQs and IPIs stay where they were bound */
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

/*
 * As Xen's 2-level unmask: a port outside the allocated buckets is -EINVAL;
 * a free port (or port 0) is accepted and left alone, mask bit included; a
 * port in use has its mask cleared and is re-raised only if it was masked
 * and is pending.
 */
static long op_unmask(struct domain *d, evtchn_port_t p)
{
    struct shared_info *si = d->shared_info;
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    struct evtchn *c = port_ptr(d, p);
    long rc = 0;

    if (!c) {
        rc = -EINVAL;
    } else if (port_in_use(c) && test_and_clear(&si->evtchn_mask[p / 64], p % 64) &&
               test_bit(&si->evtchn_pending[p / 64], p % 64)) {
        struct vcpu *v = c->notify_vcpu < MAX_VCPUS ? d->vcpus[c->notify_vcpu] : NULL;
        if (v || (v = d->vcpus[0])) {
            mark_vcpu_pending(v, p);
        }
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

/*
 * reset (and reset_cont, Xen's continuation of it, which nothing here
 * issues: called directly it finds no reset under way, -EBUSY). As Xen:
 * the domain (-ESRCH), the caller's right (-EPERM), then another domain
 * must be paused by the toolstack (-EINVAL).
 */
static long op_reset(struct domain *d, domid_t dom, bool cont)
{
    struct domain *t = resolve(d, dom);
    unsigned long flags;

    if (!t) {
        return -ESRCH;
    }
    if (!may_control(d, t)) {
        return -EPERM;
    }
    if (t != d && !t->ctl_pause) {
        return -EINVAL;
    }
    if (cont) {
        return -EBUSY;
    }
    flags = spin_lock_irqsave(&evtchn_lock);
    for (evtchn_port_t p = 1; p < t->max_evtchns; p++) {
        struct evtchn *c = port_ptr(t, p);
        if (c && c->state != ECS_FREE) {
            close_port(t, p);
        }
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return 0;
}

/*
 * The FIFO ABI is not built. init_control still refuses what Xen refuses,
 * in Xen's order: no such vCPU (-ENOENT), a control block that crosses the
 * page end or is not 8-byte aligned, or a frame that is not one of ours we
 * could write (-EINVAL). A well-formed request, which would switch a Xen
 * domain to FIFO, gets -ENOSYS: guests then stay with the 2-level ABI.
 */
static long op_init_control(struct domain *d, const struct evtchn_init_control *ic)
{
    const struct page_info *pg;

    if (ic->vcpu >= MAX_VCPUS || !d->vcpus[ic->vcpu]) {
        return -ENOENT;
    }
    if (ic->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) || (ic->offset & 7)) {
        return -EINVAL;
    }
    if (ic->control_gfn >= frame_table_size || !mfn_valid((mfn_t)ic->control_gfn)) {
        return -EINVAL;
    }
    pg = mfn_to_page((mfn_t)ic->control_gfn);
    if (pg->owner != d->id || !(pg->flags & PGF_ALLOC_REF) ||
        (pg->type_count && pg->type != PGT_WRITABLE)) {
        return -EINVAL;
    }
    return -ENOSYS;
}

/* 2-level ports have no priority: a bad port is -EINVAL, any other -ENOSYS (as Xen). */
static long op_set_priority(struct domain *d, evtchn_port_t p)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    long rc = port_ptr(d, p) ? -ENOSYS : -EINVAL;

    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

/* Xen's continuation of EVTCHNOP_reset (not in the public header). */
#define EVTCHNOP_reset_cont 14

/* Copy the argument in, run the op, copy it back on success. */
#define WITH_ARG(type, call)                                                 \
    do {                                                                     \
        type a;                                                              \
        long rc_;                                                            \
        if (copy_from_guest(&a, arg, sizeof(a))) {                           \
            return -EFAULT;                                                  \
        }                                                                    \
        rc_ = call;                                                          \
        if (rc_ == 0 && copy_to_guest(arg, &a, sizeof(a))) {                 \
            return -EFAULT;                                                  \
        }                                                                    \
        return rc_;                                                          \
    } while (0)

long do_event_channel_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct domain *d = current_vcpu()->domain;

    /* Xen takes the command as a C int: the upper half of the register is not looked at. */
    switch ((uint32_t)cmd) {
    case EVTCHNOP_alloc_unbound:
        WITH_ARG(struct evtchn_alloc_unbound, op_alloc_unbound(d, &a));
    case EVTCHNOP_bind_interdomain:
        WITH_ARG(struct evtchn_bind_interdomain, op_bind_interdomain(d, &a));
    case EVTCHNOP_bind_virq:
        WITH_ARG(struct evtchn_bind_virq, op_bind_virq(d, &a));
    case EVTCHNOP_bind_ipi:
        WITH_ARG(struct evtchn_bind_ipi, op_bind_ipi(d, &a));
    case EVTCHNOP_close: {
        struct evtchn_close c;
        unsigned long flags;
        long rc;
        if (copy_from_guest(&c, arg, sizeof(c))) {
            return -EFAULT;
        }
        flags = spin_lock_irqsave(&evtchn_lock);
        rc = close_port(d, c.port);
        spin_unlock_irqrestore(&evtchn_lock, flags);
        return rc;
    }
    case EVTCHNOP_send: {
        struct evtchn_send s;
        if (copy_from_guest(&s, arg, sizeof(s))) {
            return -EFAULT;
        }
        return op_send(d, s.port);
    }
    case EVTCHNOP_status:
        WITH_ARG(struct evtchn_status, op_status(d, &a));
    case EVTCHNOP_bind_vcpu: {
        struct evtchn_bind_vcpu b;
        if (copy_from_guest(&b, arg, sizeof(b))) {
            return -EFAULT;
        }
        return op_bind_vcpu(d, b.port, b.vcpu);
    }
    case EVTCHNOP_unmask: {
        struct evtchn_unmask u;
        if (copy_from_guest(&u, arg, sizeof(u))) {
            return -EFAULT;
        }
        return op_unmask(d, u.port);
    }
    case EVTCHNOP_reset:
    case EVTCHNOP_reset_cont: {
        struct evtchn_reset r;
        if (copy_from_guest(&r, arg, sizeof(r))) {
            return -EFAULT;
        }
        return op_reset(d, r.dom, (uint32_t)cmd == EVTCHNOP_reset_cont);
    }
    case EVTCHNOP_init_control: {
        struct evtchn_init_control ic;
        if (copy_from_guest(&ic, arg, sizeof(ic))) {
            return -EFAULT;
        }
        return op_init_control(d, &ic);
    }
    case EVTCHNOP_expand_array: {
        struct evtchn_expand_array ea;
        if (copy_from_guest(&ea, arg, sizeof(ea))) {
            return -EFAULT;
        }
        return -EOPNOTSUPP;     /* as Xen for a domain that has not set up FIFO */
    }
    case EVTCHNOP_set_priority: {
        struct evtchn_set_priority sp;
        if (copy_from_guest(&sp, arg, sizeof(sp))) {
            return -EFAULT;
        }
        return op_set_priority(d, sp.port);
    }
    default:
        /* bind_pirq: no device interrupts for guests yet. */
        return -ENOSYS;
    }
}
