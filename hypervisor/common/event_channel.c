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
#include <hv/guest_access.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <xen/xen.h>

static spinlock_t evtchn_lock = SPINLOCK_INIT;

static struct evtchn *port_ptr(struct domain *d, evtchn_port_t p)
{
    if (p >= d->max_evtchns || !d->evtchn[p / EVTCHNS_PER_BUCKET]) {
        return NULL;
    }
    return &d->evtchn[p / EVTCHNS_PER_BUCKET][p % EVTCHNS_PER_BUCKET];
}

bool evtchn_port_valid(struct domain *d, evtchn_port_t p)
{
    struct evtchn *c = port_ptr(d, p);
    return c && c->state != ECS_FREE;
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
    return port < d->max_evtchns &&
           test_bit(&d->shared_info->evtchn_pending[port / 64], port % 64);
}

/* --------------------------------------------------------- ports */

/* A free port, allocating its bucket if needed; -ENOSPC past the limit. */
static int get_free_port(struct domain *d, evtchn_port_t *out)
{
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

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *port)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    int rc = get_free_port(d, port);

    if (rc == 0) {
        struct evtchn *c = port_ptr(d, *port);
        c->state = ECS_UNBOUND;
        c->u.remote_domid = remote;
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
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
    struct evtchn *rc_chn = port_ptr(rd, rport), *lc;
    int rc = -EINVAL;

    if (!rc_chn || rc_chn->state != ECS_UNBOUND || rc_chn->u.remote_domid != ld->id) {
        goto out;       /* not a port offered to us */
    }
    rc = get_free_port(ld, lport);
    if (rc) {
        goto out;
    }
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
        set_pending(v->domain, p, v->id);
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
}

void evtchn_send_global_virq(struct domain *d, unsigned int virq)
{
    if (d->vcpus[0]) {
        evtchn_send_virq(d->vcpus[0], virq);
    }
}

/* VIRQs a guest may bind, and whether they are per vCPU. */
static int virq_kind(uint32_t virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return 1;       /* per vCPU */
    case VIRQ_CONSOLE:
    case VIRQ_DOM_EXC:
    case VIRQ_TBUF:
    case VIRQ_DEBUGGER:
    case VIRQ_CON_RING:
    case VIRQ_PCPU_STATE:
    case VIRQ_MEM_EVENT:
    case VIRQ_ARGO:
    case VIRQ_ENOMEM:
        return 2;       /* global */
    default:
        return virq < NR_VIRQS ? 2 : 0;
    }
}

/* --------------------------------------------------------- hypercall */

static struct domain *resolve(struct domain *self, domid_t id)
{
    if (id == DOMID_SELF || id == self->id) {
        return self;
    }
    return is_privileged(self) ? domain_lookup(id) : NULL;
}

static long op_alloc_unbound(struct domain *d, struct evtchn_alloc_unbound *a)
{
    struct domain *owner = a->dom == DOMID_SELF || a->dom == d->id ? d : NULL;
    domid_t remote = a->remote_dom == DOMID_SELF ? d->id : a->remote_dom;

    if (!owner) {
        owner = is_privileged(d) ? domain_lookup(a->dom) : NULL;
        if (!owner) {
            return is_privileged(d) ? -ESRCH : -EPERM;
        }
    }
    return evtchn_alloc_unbound_port(owner, remote, &a->port);
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
    int kind = virq_kind(b->virq);
    struct vcpu *v;
    unsigned long flags;
    int rc;

    if (kind == 0) {
        return -EINVAL;
    }
    if (b->vcpu >= MAX_VCPUS || !(v = d->vcpus[b->vcpu])) {
        return -ENOENT;
    }
    if (kind == 2 && b->vcpu != 0) {
        return -EINVAL;     /* global VIRQs are bound on vCPU 0 and moved with bind_vcpu */
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
        return is_privileged(d) ? -ESRCH : -EPERM;
    }
    flags = spin_lock_irqsave(&evtchn_lock);
    c = port_ptr(t, s->port);
    if (!c) {
        spin_unlock_irqrestore(&evtchn_lock, flags);
        return -EINVAL;
    }
    memset(&s->u, 0, sizeof(s->u));
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
               (c->state == ECS_VIRQ && virq_kind(c->u.virq) == 2)) {
        c->notify_vcpu = (uint16_t)vcpu;
    } else {
        rc = -EINVAL;   /* per-vCPU VIRQs and IPIs stay where they were bound */
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

static long op_unmask(struct domain *d, evtchn_port_t p)
{
    struct shared_info *si = d->shared_info;
    struct evtchn *c;

    if (p >= d->max_evtchns) {
        return -EINVAL;
    }
    clear_bit(&si->evtchn_mask[p / 64], p % 64);
    c = port_ptr(d, p);
    if (test_bit(&si->evtchn_pending[p / 64], p % 64)) {
        struct vcpu *v = c && c->notify_vcpu < MAX_VCPUS ? d->vcpus[c->notify_vcpu] : NULL;
        mark_vcpu_pending(v ? v : d->vcpus[0], p);
    }
    return 0;
}

static long op_reset(struct domain *d, domid_t dom)
{
    struct domain *t = resolve(d, dom);
    unsigned long flags;

    if (!t) {
        return is_privileged(d) ? -ESRCH : -EPERM;
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

    switch (cmd) {
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
    case EVTCHNOP_reset: {
        struct evtchn_reset r;
        if (copy_from_guest(&r, arg, sizeof(r))) {
            return -EFAULT;
        }
        return op_reset(d, r.dom);
    }
    default:
        /* bind_pirq (no device interrupts for guests yet) and the FIFO ABI. */
        return -ENOSYS;
    }
}
