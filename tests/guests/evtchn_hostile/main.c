/* SPDX-License-Identifier: MIT */
/*
 * Hostile event-channel use by one domain, with the exact errors Xen 4.17
 * gives (its answers are the reference: the guest runs as dom0 on both).
 *
 * Bad port numbers (reserved, free, never allocated, past the 2-level
 * limit) for close, send, status, unmask and bind_vcpu; binding a port not
 * offered to us, one already bound, a VIRQ port; bind_virq with a bad VIRQ,
 * a global VIRQ on a vCPU other than 0, a vCPU we do not have, a VIRQ bound
 * twice; bind_ipi on a missing vCPU; a loopback interdomain channel to
 * ourselves: send sets the far end's pending bit, unmask raises the
 * selector and upcall flag, the upcall runs; unmask's exact rules; close of
 * one end leaving the other unbound; filling the table until Xen says
 * -ENOSPC and what then fails how; EVTCHNOP_reset (and reset_cont);
 * the FIFO ABI's init_control, expand_array and set_priority refusals;
 * unknown commands, the command number taken as a 32-bit int, and
 * unreadable arguments.
 *
 * All ports stay masked except where a test unmasks one, and events stay
 * masked except around the upcall checks.
 */
#include <rt/runtime.h>

const char test_title[] = "evtchn_hostile: bad ports, bad bindings, loopback, exhaustion, reset";

#define NOBODY              0x7fe0 /* a domid no domain has */
#define NR_PORTS            4096   /* the 2-level ABI: 64 words of 64 bits */
#define EVTCHNOP_reset_cont 14     /* Xen's continuation of EVTCHNOP_reset */
/* Unmapped, and outside the hypervisor's slots 256-271. */
#define BAD_PTR ((void *)0xffff9000deadb000ul)

static long op(int cmd, void *arg)
{
    return hypercall_event_channel_op(cmd, arg);
}

static long alloc_unbound(domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = {.dom = dom, .remote_dom = remote, .port = 0xdead};
    long rc = op(EVTCHNOP_alloc_unbound, &a);

    if (rc) {
        CHECK_EQ(a.port, 0xdead); /* nothing written back on a refusal */
        return rc;
    }
    return a.port;
}

static long bind_interdomain(domid_t dom, evtchn_port_t port)
{
    struct evtchn_bind_interdomain b = {
        .remote_dom = dom, .remote_port = port, .local_port = 0xdead};
    long rc = op(EVTCHNOP_bind_interdomain, &b);

    if (rc) {
        CHECK_EQ(b.local_port, 0xdead);
        return rc;
    }
    return b.local_port;
}

static long bind_virq(uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu, .port = 0xdead};
    long rc = op(EVTCHNOP_bind_virq, &b);

    if (rc) {
        CHECK_EQ(b.port, 0xdead);
        return rc;
    }
    return b.port;
}

static long bind_ipi(uint32_t vcpu)
{
    struct evtchn_bind_ipi b = {.vcpu = vcpu, .port = 0xdead};
    long rc = op(EVTCHNOP_bind_ipi, &b);

    return rc ? rc : (long)b.port;
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = {.port = port};
    return op(EVTCHNOP_send, &s);
}

static long bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};
    return op(EVTCHNOP_bind_vcpu, &b);
}

static long reset(domid_t dom)
{
    struct evtchn_reset r = {.dom = dom};
    return op(EVTCHNOP_reset, &r);
}

static long status(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0x5a, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return op(EVTCHNOP_status, st);
}

/* EVTCHNSTAT_* of our own port, or -errno. */
static long state_of(evtchn_port_t port)
{
    struct evtchn_status st;
    long rc = status(DOMID_SELF, port, &st);
    return rc ? rc : (long)st.status;
}

static bool masked(evtchn_port_t p)
{
    return (shared_info.evtchn_mask[p / 64] >> (p % 64)) & 1;
}

static uint64_t sel(void)
{
    return vcpu_info0()->evtchn_pending_sel;
}

static uint8_t upcall_flag(void)
{
    return vcpu_info0()->evtchn_upcall_pending;
}

/* Take whatever upcall is flagged, as a guest's handler would, without running it. */
static void ack_upcall(void)
{
    vcpu_info0()->evtchn_upcall_pending = 0;
    __atomic_store_n(&vcpu_info0()->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

static domid_t me;

/* ------------------------------------------------------------ bad ports */

static void test_bad_ports(void)
{
    static const evtchn_port_t never[] = {4095, 4096, 0x10000, 0xffffffffu};
    struct evtchn_status st;
    uint8_t pattern[sizeof(st.u)];

    printf("bad port numbers\n");
    /* Port 0 is reserved; 60 is free in the first bucket; the rest were never allocated. */
    CHECK_EQ(evtchn_close(0), -XEN_EINVAL);
    CHECK_EQ(evtchn_close(60), -XEN_EINVAL);
    CHECK_EQ(send(0), -XEN_EINVAL);
    CHECK_EQ(send(60), -XEN_EINVAL);
    for (unsigned int i = 0; i < ARRAY_SIZE(never); i++) {
        CHECK_EQ(evtchn_close(never[i]), -XEN_EINVAL);
        CHECK_EQ(send(never[i]), -XEN_EINVAL);
        CHECK_EQ(status(DOMID_SELF, never[i], &st), -XEN_EINVAL);
        CHECK_EQ(evtchn_unmask(never[i]), -XEN_EINVAL);
        CHECK_EQ(bind_vcpu(never[i], 0), -XEN_EINVAL);
    }
    /* Status of a closed port: status and vcpu only, the rest is left as we passed it. */
    memset(pattern, 0x5a, sizeof(pattern));
    CHECK_EQ(status(DOMID_SELF, 0, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    CHECK_EQ(st.vcpu, 0);
    CHECK(!memcmp(&st.u, pattern, sizeof(pattern)), "status wrote into the union of a closed port");
    CHECK_EQ(st._pad0, 0x5a5a);
    CHECK_EQ(state_of(60), EVTCHNSTAT_closed);
    /* Unmasking a free or reserved port is accepted and does nothing, not even to the mask. */
    CHECK(masked(60) && masked(0), "ports start masked here");
    CHECK_EQ(evtchn_unmask(60), 0);
    CHECK_EQ(evtchn_unmask(0), 0);
    CHECK(masked(60), "unmask of a free port cleared its mask bit");
    CHECK(masked(0), "unmask of port 0 cleared its mask bit");
    /* bind_vcpu: a missing vCPU is reported before a bad port. */
    CHECK_EQ(bind_vcpu(60, 0), -XEN_EINVAL);
    CHECK_EQ(bind_vcpu(0, 0), -XEN_EINVAL);
    CHECK_EQ(bind_vcpu(60, 1), -XEN_ENOENT);
    CHECK_EQ(bind_vcpu(4095, 7), -XEN_ENOENT);
    CHECK_EQ(bind_vcpu(60, 0xffffffffu), -XEN_ENOENT);
    /* Domains that do not exist, the hypervisor's own id included. */
    CHECK_EQ(status(NOBODY, 1, &st), -XEN_ESRCH);
    CHECK_EQ(status(DOMID_XEN, 1, &st), -XEN_ESRCH);
    CHECK_EQ(alloc_unbound(NOBODY, DOMID_SELF), -XEN_ESRCH);
    CHECK_EQ(alloc_unbound(DOMID_XEN, DOMID_SELF), -XEN_ESRCH);
    CHECK_EQ(reset(NOBODY), -XEN_ESRCH);
    /* Unreadable arguments. */
    CHECK_EQ(op(EVTCHNOP_close, BAD_PTR), -XEN_EFAULT);
    CHECK_EQ(op(EVTCHNOP_send, BAD_PTR), -XEN_EFAULT);
    CHECK_EQ(op(EVTCHNOP_status, BAD_PTR), -XEN_EFAULT);
    CHECK_EQ(op(EVTCHNOP_alloc_unbound, BAD_PTR), -XEN_EFAULT);
    CHECK_EQ(op(EVTCHNOP_bind_interdomain, BAD_PTR), -XEN_EFAULT);
    CHECK_EQ(op(EVTCHNOP_unmask, BAD_PTR), -XEN_EFAULT);
}

/* ------------------------------------------------------------ bindings */

static void test_bad_bindings(void)
{
    long offered, a, b, t;

    printf("binding what is not ours to bind\n");
    /* Nothing to bind at all. */
    CHECK_EQ(bind_interdomain(DOMID_SELF, 0), -XEN_EINVAL);
    CHECK_EQ(bind_interdomain(DOMID_SELF, 60), -XEN_EINVAL);
    CHECK_EQ(bind_interdomain(DOMID_SELF, 4095), -XEN_EINVAL);
    CHECK_EQ(bind_interdomain(DOMID_SELF, 0xffffffffu), -XEN_EINVAL);
    CHECK_EQ(bind_interdomain(NOBODY, 1), -XEN_ESRCH);
    /* Our own port, offered to another domain: not offered to us. */
    offered = alloc_unbound(DOMID_SELF, NOBODY);
    CHECK(offered > 0, "alloc_unbound: %ld", offered);
    CHECK_EQ(bind_interdomain(DOMID_SELF, offered), -XEN_EINVAL);
    CHECK_EQ(bind_interdomain(me, offered), -XEN_EINVAL);
    struct evtchn_status st;
    CHECK_EQ(status(DOMID_SELF, offered, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, NOBODY);
    /* A channel to ourselves; binding either end again is refused. */
    a = alloc_unbound(DOMID_SELF, DOMID_SELF);
    b = bind_interdomain(DOMID_SELF, a);
    CHECK(a > 0 && b > 0, "loopback %ld %ld", a, b);
    CHECK_EQ(bind_interdomain(DOMID_SELF, a), -XEN_EINVAL);
    CHECK_EQ(bind_interdomain(DOMID_SELF, b), -XEN_EINVAL);
    CHECK_EQ(bind_interdomain(me, a), -XEN_EINVAL);
    /* A VIRQ or IPI port is no offer. */
    t = bind_virq(VIRQ_DEBUG, 0);
    CHECK(t > 0, "bind_virq(VIRQ_DEBUG): %ld", t);
    CHECK_EQ(bind_interdomain(DOMID_SELF, t), -XEN_EINVAL);
    long i = bind_ipi(0);
    CHECK(i > 0, "bind_ipi: %ld", i);
    CHECK_EQ(bind_interdomain(DOMID_SELF, i), -XEN_EINVAL);
    /* Sending on a VIRQ port is the hypervisor's business. */
    CHECK_EQ(send(t), -XEN_EINVAL);
    /* Per-vCPU VIRQs and IPIs stay where they were bound; the others move (to vCPU 0 here). */
    CHECK_EQ(bind_vcpu(t, 0), -XEN_EINVAL);
    CHECK_EQ(bind_vcpu(i, 0), -XEN_EINVAL);
    CHECK_EQ(bind_vcpu(a, 0), 0);
    CHECK_EQ(bind_vcpu(offered, 0), 0);
    CHECK_EQ(evtchn_close(offered), 0);
    CHECK_EQ(evtchn_close(a), 0);
    CHECK_EQ(evtchn_close(b), 0);
    CHECK_EQ(evtchn_close(t), 0);
    CHECK_EQ(evtchn_close(i), 0);
    CHECK_EQ(state_of(a), EVTCHNSTAT_closed);
    CHECK_EQ(state_of(b), EVTCHNSTAT_closed);
}

static void test_bind_virq(void)
{
    static const uint32_t global[] = {VIRQ_CONSOLE, VIRQ_DOM_EXC};
    struct evtchn_status st;
    long timer, p;

    printf("bind_virq\n");
    CHECK_EQ(bind_virq(NR_VIRQS, 0), -XEN_EINVAL);
    CHECK_EQ(bind_virq(0xffffffffu, 0), -XEN_EINVAL);
    CHECK_EQ(bind_virq(NR_VIRQS, 7), -XEN_EINVAL);
    /* We have one vCPU: a per-vCPU VIRQ on another is -ENOENT ... */
    CHECK_EQ(bind_virq(VIRQ_TIMER, 1), -XEN_ENOENT);
    CHECK_EQ(bind_virq(VIRQ_DEBUG, 7), -XEN_ENOENT);
    CHECK_EQ(bind_virq(VIRQ_TIMER, 0x80000000u), -XEN_ENOENT);
    /* ... a global one is -EINVAL, checked before the vCPU. */
    for (unsigned int i = 0; i < ARRAY_SIZE(global); i++) {
        CHECK_EQ(bind_virq(global[i], 1), -XEN_EINVAL);
        CHECK_EQ(bind_virq(global[i], 7), -XEN_EINVAL);
        p = bind_virq(global[i], 0);
        CHECK(p > 0, "bind_virq(%u, 0): %ld", global[i], p);
        CHECK_EQ(bind_virq(global[i], 0), -XEN_EEXIST);
        CHECK_EQ(status(DOMID_SELF, p, &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_virq);
        CHECK_EQ(st.u.virq, global[i]);
        CHECK_EQ(st.vcpu, 0);
        CHECK_EQ(bind_vcpu(p, 0), 0);
        CHECK_EQ(bind_vcpu(p, 1), -XEN_ENOENT);
        CHECK_EQ(send(p), -XEN_EINVAL);
        CHECK_EQ(evtchn_close(p), 0);
        CHECK_EQ(evtchn_close(p), -XEN_EINVAL);
    }
    timer = bind_virq(VIRQ_TIMER, 0);
    CHECK(timer > 0, "bind_virq(VIRQ_TIMER): %ld", timer);
    CHECK_EQ(bind_virq(VIRQ_TIMER, 0), -XEN_EEXIST);
    CHECK_EQ(status(DOMID_SELF, timer, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_virq);
    CHECK_EQ(st.u.virq, VIRQ_TIMER);
    /* Closing unbinds the VIRQ: it binds again. */
    CHECK_EQ(evtchn_close(timer), 0);
    p = bind_virq(VIRQ_TIMER, 0);
    CHECK_EQ(p, timer);
    CHECK_EQ(evtchn_close(p), 0);

    printf("bind_ipi\n");
    CHECK_EQ(bind_ipi(1), -XEN_ENOENT);
    CHECK_EQ(bind_ipi(0xffffffffu), -XEN_ENOENT);
    p = bind_ipi(0);
    CHECK(p > 0, "bind_ipi(0): %ld", p);
    CHECK_EQ(status(DOMID_SELF, p, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 0);
    CHECK_EQ(send(p), 0);
    CHECK(evtchn_is_pending(p), "IPI send did not set the pending bit");
    CHECK_EQ(evtchn_close(p), 0);
    CHECK(!evtchn_is_pending(p), "close left the pending bit");
}

/* ------------------------------------------------------------ loopback */

static volatile unsigned int hits[64];

static void count(uint32_t port, struct cpu_regs *regs)
{
    (void)regs;
    hits[port]++;
}

static void test_loopback(void)
{
    struct evtchn_status st;
    long a, b;

    printf("a loopback channel: send, pending, unmask, upcall\n");
    ack_upcall();
    a = alloc_unbound(DOMID_SELF, DOMID_SELF);
    CHECK(a > 0 && a < 64, "alloc_unbound: %ld", a);
    CHECK_EQ(status(DOMID_SELF, a, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, me);
    CHECK_EQ(send(a), 0); /* unbound: dropped */
    CHECK(!evtchn_is_pending(a), "send on an unbound port set its bit");
    b = bind_interdomain(DOMID_SELF, a);
    CHECK(b > 0 && b < 64, "bind_interdomain to ourselves: %ld", b);
    if (a <= 0 || a >= 64 || b <= 0 || b >= 64)
        return;
    CHECK_EQ(status(DOMID_SELF, a, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, me);
    CHECK_EQ(st.u.interdomain.port, b);
    CHECK_EQ(status(DOMID_SELF, b, &st), 0);
    CHECK_EQ(st.u.interdomain.port, a);
    /* A new binding starts pending (what was sent while unbound is lost); masked: no upcall. */
    CHECK(evtchn_is_pending(b), "new binding not pending");
    CHECK(!evtchn_is_pending(a), "the offering end is pending");
    CHECK_EQ(sel(), 0);
    CHECK_EQ(upcall_flag(), 0);
    evtchn_clear_pending(b);

    /* a -> b, masked: the bit only. */
    CHECK_EQ(send(a), 0);
    CHECK(evtchn_is_pending(b), "send did not set the far end's bit");
    CHECK(!evtchn_is_pending(a), "send set the sender's own bit");
    CHECK_EQ(sel(), 0);
    CHECK_EQ(upcall_flag(), 0);
    /* Unmask: the mask goes; pending, so the selector and upcall flag are raised. */
    evtchn_set_handler(a, count);
    evtchn_set_handler(b, count);
    CHECK_EQ(evtchn_unmask(b), 0);
    CHECK(!masked(b), "unmask left the mask bit");
    CHECK_EQ(sel(), 1ull << (b / 64));
    CHECK_EQ(upcall_flag(), 1);
    /* Events on: the upcall runs our handler for b, once. */
    events_unmask();
    events_mask();
    CHECK_EQ(hits[b], 1);
    CHECK_EQ(hits[a], 0);
    CHECK(!evtchn_is_pending(b), "the handler's port still pending");
    /* Unmasked now: a send raises the upcall at once. */
    CHECK_EQ(send(a), 0);
    CHECK_EQ(upcall_flag(), 1);
    CHECK_EQ(sel(), 1ull << (b / 64));
    /* Sends merge while pending. */
    CHECK_EQ(send(a), 0);
    events_unmask();
    events_mask();
    CHECK_EQ(hits[b], 2);
    /* The other way: a is masked, unmask delivers it. */
    CHECK_EQ(send(b), 0);
    CHECK(evtchn_is_pending(a), "b -> a did not set a's bit");
    CHECK_EQ(upcall_flag(), 0);
    CHECK_EQ(evtchn_unmask(a), 0);
    events_unmask();
    events_mask();
    CHECK_EQ(hits[a], 1);

    /*
     * Unmask re-raises only a port whose mask bit it cleared: b is unmasked and
     * pending, and we took the selector and flag ourselves; unmask(b) does nothing.
     */
    CHECK_EQ(send(a), 0);
    CHECK_EQ(upcall_flag(), 1);
    ack_upcall();
    CHECK_EQ(evtchn_unmask(b), 0);
    CHECK_EQ(sel(), 0);
    CHECK_EQ(upcall_flag(), 0);
    /* Masked again and pending, the selector bit still ours: no new upcall flag. */
    evtchn_mask(b);
    __atomic_fetch_or(&vcpu_info0()->evtchn_pending_sel, 1ull << (b / 64), __ATOMIC_SEQ_CST);
    CHECK_EQ(evtchn_unmask(b), 0);
    CHECK(!masked(b), "unmask left the mask bit");
    CHECK_EQ(upcall_flag(), 0);
    ack_upcall();
    evtchn_clear_pending(b);
    evtchn_mask(a);
    evtchn_mask(b);

    /* Closing one end: it is closed, its bit cleared, its mask kept; the other is unbound. */
    CHECK_EQ(send(b), 0);
    CHECK(evtchn_is_pending(a), "a not pending");
    CHECK_EQ(evtchn_close(a), 0);
    CHECK_EQ(state_of(a), EVTCHNSTAT_closed);
    CHECK(!evtchn_is_pending(a), "close left the pending bit");
    CHECK(masked(a), "close cleared the mask bit");
    CHECK_EQ(status(DOMID_SELF, b, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, me);
    CHECK_EQ(send(a), -XEN_EINVAL);
    CHECK_EQ(send(b), 0); /* unbound: dropped */
    CHECK_EQ(evtchn_close(a), -XEN_EINVAL);
    /* The survivor can be bound again (it is offered to us). */
    long a2 = bind_interdomain(DOMID_SELF, b);
    CHECK_EQ(a2, a);
    CHECK_EQ(status(DOMID_SELF, b, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.port, a);
    CHECK_EQ(evtchn_close(b), 0);
    CHECK_EQ(state_of(a), EVTCHNSTAT_unbound);
    CHECK_EQ(evtchn_close(a), 0);
    evtchn_set_handler(a, NULL);
    evtchn_set_handler(b, NULL);
    ack_upcall();
}

/* ------------------------------------------------------------ exhaustion */

static void test_exhaustion(void)
{
    long p, last = 0, n = 0, rc;

    printf("allocating until the table is full\n");
    for (;;) {
        rc = alloc_unbound(DOMID_SELF, DOMID_SELF);
        if (rc < 0)
            break;
        if (rc != last + 1) {
            CHECK(0, "allocation %ld gave port %ld", n + 1, rc);
            break;
        }
        last = rc;
        n++;
    }
    printf("%ld ports allocated, then %ld\n", n, rc);
    CHECK_EQ(rc, -XEN_ENOSPC);
    CHECK_EQ(last, NR_PORTS - 1);
    /* Everything that needs a port says so, before looking at anything else. */
    CHECK_EQ(bind_ipi(0), -XEN_ENOSPC);
    CHECK_EQ(bind_virq(VIRQ_TIMER, 0), -XEN_ENOSPC);
    CHECK_EQ(bind_interdomain(DOMID_SELF, NR_PORTS - 1), -XEN_ENOSPC); /* offered to us */
    CHECK_EQ(bind_interdomain(DOMID_SELF, 0), -XEN_ENOSPC);
    CHECK_EQ(bind_interdomain(NOBODY, 1), -XEN_ESRCH);
    CHECK_EQ(alloc_unbound(DOMID_SELF, NOBODY), -XEN_ENOSPC);
    CHECK_EQ(state_of(NR_PORTS - 1), EVTCHNSTAT_unbound);
    /* Room for one: a channel between the top two ports. */
    CHECK_EQ(evtchn_close(4000), 0);
    p = bind_interdomain(DOMID_SELF, NR_PORTS - 1);
    CHECK_EQ(p, 4000);
    CHECK_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF), -XEN_ENOSPC);
    evtchn_clear_pending(4000); /* the new binding's */
    ack_upcall();
    CHECK_EQ(send(4000), 0);
    CHECK_EQ(shared_info.evtchn_pending[63], 1ull << 63);
    CHECK_EQ(sel(), 0); /* masked */
    CHECK_EQ(evtchn_unmask(NR_PORTS - 1), 0);
    CHECK_EQ(sel(), 1ull << 63);
    CHECK_EQ(upcall_flag(), 1);
    evtchn_mask(NR_PORTS - 1);
    evtchn_clear_pending(NR_PORTS - 1);
    ack_upcall();

    printf("EVTCHNOP_reset\n");
    shared_info.evtchn_mask[10] = 0x0123456789abcdefull;
    CHECK_EQ(reset(DOMID_SELF), 0);
    unsigned int open = 0;
    for (evtchn_port_t q = 1; q < NR_PORTS; q++)
        open += state_of(q) != EVTCHNSTAT_closed;
    CHECK_EQ(open, 0);
    for (unsigned int w = 0; w < 64; w++)
        CHECK_EQ(shared_info.evtchn_pending[w], 0);
    CHECK_EQ(shared_info.evtchn_mask[10], 0x0123456789abcdefull); /* masks are the guest's */
    shared_info.evtchn_mask[10] = ~0ull;
    /* The table's buckets stay: port 4000 is now a closed port, not a bad number. */
    CHECK_EQ(send(4000), -XEN_EINVAL);
    CHECK_EQ(evtchn_close(4000), -XEN_EINVAL);
    CHECK_EQ(evtchn_unmask(4000), 0);
    CHECK(masked(4000), "unmask of a free port cleared its mask bit");
    CHECK_EQ(alloc_unbound(DOMID_SELF, DOMID_SELF), 1);
    CHECK_EQ(evtchn_close(1), 0);
}

static void test_reset(void)
{
    long t, i, a, b;
    struct evtchn_reset r = {.dom = DOMID_SELF};

    printf("EVTCHNOP_reset of every kind of port\n");
    t = bind_virq(VIRQ_TIMER, 0);
    i = bind_ipi(0);
    a = alloc_unbound(DOMID_SELF, DOMID_SELF);
    b = bind_interdomain(DOMID_SELF, a);
    CHECK(t > 0 && i > 0 && a > 0 && b > 0, "ports %ld %ld %ld %ld", t, i, a, b);
    CHECK_EQ(send(i), 0);
    CHECK_EQ(reset(DOMID_SELF), 0);
    CHECK_EQ(state_of(t), EVTCHNSTAT_closed);
    CHECK_EQ(state_of(i), EVTCHNSTAT_closed);
    CHECK_EQ(state_of(a), EVTCHNSTAT_closed);
    CHECK_EQ(state_of(b), EVTCHNSTAT_closed);
    CHECK(!evtchn_is_pending(i) && !evtchn_is_pending(b), "reset left pending bits");
    /* The VIRQ is free to bind again. */
    long t2 = bind_virq(VIRQ_TIMER, 0);
    CHECK_EQ(t2, 1);
    CHECK_EQ(reset(me), 0);
    CHECK_EQ(state_of(1), EVTCHNSTAT_closed);
    /* reset_cont, Xen's continuation, outside a reset: -EBUSY (after the domain lookup). */
    CHECK_EQ(op(EVTCHNOP_reset_cont, &r), -XEN_EBUSY);
    r.dom = NOBODY;
    CHECK_EQ(op(EVTCHNOP_reset_cont, &r), -XEN_ESRCH);
    CHECK_EQ(op(EVTCHNOP_reset, BAD_PTR), -XEN_EFAULT);
}

/* ------------------------------------------------------------ FIFO ABI */

static void test_fifo_refusals(void)
{
    uint64_t l4 = virt_to_mfn((void *)start_info->pt_base);
    struct evtchn_init_control ic;
    struct evtchn_expand_array ea = {.array_gfn = l4};
    struct evtchn_set_priority sp = {.port = 1, .priority = EVTCHN_FIFO_PRIORITY_DEFAULT};
    long rc;

    printf("FIFO ABI refusals\n");
#define INIT(gfn, off, cpu)                                                                        \
    (ic = (struct evtchn_init_control){.control_gfn = (gfn), .offset = (off), .vcpu = (cpu)},      \
     op(EVTCHNOP_init_control, &ic))
    /* Xen's order: the vCPU, the offset (in the page, 8-byte aligned), the frame. */
    CHECK_EQ(INIT(l4, 0, 1), -XEN_ENOENT);
    CHECK_EQ(INIT(l4, 4, 1), -XEN_ENOENT);
    CHECK_EQ(INIT(1ull << 40, 0, 0xffffffffu), -XEN_ENOENT);
    CHECK_EQ(INIT(l4, 4096 - 72 + 8, 0), -XEN_EINVAL);
    CHECK_EQ(INIT(l4, 0xffffffffu, 0), -XEN_EINVAL);
    CHECK_EQ(INIT(l4, 4, 0), -XEN_EINVAL);
    /* Frames we could not write: our own L4, one that is not RAM, one that is not ours. */
    rc = INIT(l4, 0, 0);
    CHECK_EQ(rc, -XEN_EINVAL);
    rc = INIT(1ull << 40, 0, 0);
    CHECK_EQ(rc, -XEN_EINVAL);
    rc = INIT(0, 8, 0);
    CHECK_EQ(rc, -XEN_EINVAL);
    /* Not set up: expand_array is -EOPNOTSUPP whatever it names. */
    CHECK_EQ(op(EVTCHNOP_expand_array, &ea), -XEN_EOPNOTSUPP);
    ea.array_gfn = 1ull << 40;
    CHECK_EQ(op(EVTCHNOP_expand_array, &ea), -XEN_EOPNOTSUPP);
    /* 2-level ports have no priorities: a port that exists -ENOSYS, a bad one -EINVAL. */
    CHECK_EQ(op(EVTCHNOP_set_priority, &sp), -XEN_ENOSYS);
    sp.port = 4095;
    CHECK_EQ(op(EVTCHNOP_set_priority, &sp), -XEN_EINVAL);
    CHECK_EQ(op(EVTCHNOP_init_control, BAD_PTR), -XEN_EFAULT);
    CHECK_EQ(op(EVTCHNOP_expand_array, BAD_PTR), -XEN_EFAULT);
#undef INIT
    /* Still 2-level: a loopback pair raises its bit in shared_info. */
    long a = alloc_unbound(DOMID_SELF, DOMID_SELF), b = bind_interdomain(DOMID_SELF, a);
    evtchn_clear_pending(b);
    CHECK_EQ(send(a), 0);
    CHECK(evtchn_is_pending(b), "2-level delivery broken");
    CHECK_EQ(reset(DOMID_SELF), 0);
}

/* ------------------------------------------------------------ commands */

static void test_commands(void)
{
    struct evtchn_status st;
    uint64_t buf[4] = {0};
    long p;

    printf("unknown commands and the command width\n");
    CHECK_EQ(op(15, buf), -XEN_ENOSYS);
    CHECK_EQ(op(0xffff, buf), -XEN_ENOSYS);
    CHECK_EQ(op((int)0x80000004u, buf), -XEN_ENOSYS);
    /* The command is a 32-bit int: bits above it in the register are not looked at. */
    p = alloc_unbound(DOMID_SELF, DOMID_SELF);
    CHECK(p > 0, "alloc_unbound: %ld", p);
    memset(&st, 0, sizeof(st));
    st.dom = DOMID_SELF;
    st.port = (evtchn_port_t)p;
    CHECK_EQ(hypercall_raw(__HYPERVISOR_event_channel_op, (1ul << 32) | EVTCHNOP_status,
                           (unsigned long)&st, 0, 0, 0),
             0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    struct evtchn_close c = {.port = (evtchn_port_t)p};
    CHECK_EQ(hypercall_raw(__HYPERVISOR_event_channel_op, (0xabcdul << 40) | EVTCHNOP_close,
                           (unsigned long)&c, 0, 0, 0),
             0);
    CHECK_EQ(state_of(p), EVTCHNSTAT_closed);
}

void test_main(void)
{
    unsigned int open = 0;

    events_mask();
    for (unsigned int w = 0; w < 64; w++)
        shared_info.evtchn_mask[w] = ~0ull;
    ack_upcall();

    /* Who we are (0 as dom0), and that we start with no ports in use. */
    long p = alloc_unbound(DOMID_SELF, DOMID_SELF);
    struct evtchn_status st;
    CHECK(p > 0, "alloc_unbound: %ld", p);
    CHECK_EQ(status(DOMID_SELF, p, &st), 0);
    me = st.u.unbound.dom;
    CHECK_EQ(evtchn_close(p), 0);
    for (evtchn_port_t q = 1; q < 64; q++)
        open += state_of(q) != EVTCHNSTAT_closed;
    printf("domain %u, %u ports in use at start\n", me, open);
    if (open) {
        test_error("this test needs a domain with no ports in use");
        return;
    }

    test_bad_ports();
    test_bad_bindings();
    test_bind_virq();
    test_loopback();
    test_fifo_refusals();
    test_commands();
    test_reset();
    test_exhaustion();
}
