/*
 * Event channels (common/event_channel.c), part 1: making and breaking
 * bindings. alloc_unbound, bind_interdomain (to another domain and to
 * itself), bind_virq (per-vCPU and global VIRQs), bind_ipi, bind_vcpu,
 * close in every state, and status, each with every refusal Xen 4.17
 * makes, in Xen's order of checks, and a snapshot showing that a refusal
 * changed nothing. test_evtchn_deliver.c covers sending and delivery.
 */
#include "test_evtchn.h"

/* ------------------------------------------------------------ alloc_unbound */

static void alloc_unbound_self(void **state)
{
    struct evtchn_status st;

    (void)state;
    t_snap();
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 2), 1); /* port 0 is reserved */
    assert_int_equal(t_status(t_d1, DOMID_SELF, 1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 2);
    assert_int_equal(st.vcpu, 0);
    /* Allocating changes nothing in shared_info: no pending bit, no upcall. */
    assert_memory_equal(t_snap_buf[1].shared, t_d1->shared_info, PAGE_SIZE);
    /* DOMID_SELF as the remote is the caller; our own id works as dom. */
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, DOMID_SELF), 2);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 2, &st), 0);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_int_equal(t_alloc(t_d1, 1, 2), 3);
    /* Any remote id is accepted, even one no domain has (yet). */
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, T_NOBODY), 4);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 4, &st), 0);
    assert_int_equal(st.u.unbound.dom, T_NOBODY);
    /* The lowest free port is handed out first. */
    assert_int_equal(t_close(t_d1, 2), 0);
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 0), 2);
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 0), 5);
}

static void alloc_unbound_for_others(void **state)
{
    struct evtchn_status st;

    (void)state;
    /* Unprivileged: another domain's table is not ours (-EPERM), a missing one -ESRCH. */
    T_REFUSED(t_alloc(t_d1, 2, 1), EPERM);
    T_REFUSED(t_alloc(t_d1, 0, 1), EPERM);
    T_REFUSED(t_alloc(t_d1, T_NOBODY, 1), ESRCH);
    T_REFUSED(t_alloc(t_d0, T_NOBODY, 1), ESRCH);
    /* The privileged domain allocates in anyone's table (what a builder does). */
    assert_int_equal(t_alloc(t_d0, 2, 1), 1);
    assert_int_equal(t_status(t_d2, DOMID_SELF, 1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 1);
    /* ... and DOMID_SELF as the remote then means the privileged caller. */
    assert_int_equal(t_alloc(t_d0, 2, DOMID_SELF), 2);
    assert_int_equal(t_status(t_d2, DOMID_SELF, 2, &st), 0);
    assert_int_equal(st.u.unbound.dom, 0);
    /* The offered port is bindable by the remote named. */
    assert_int_equal(t_bind(t_d1, 2, 1), 1);
    /* No new port in a domain being torn down. */
    t_d2->state = DOMAIN_DYING;
    T_REFUSED(t_alloc(t_d0, 2, 1), EINVAL);
    T_REFUSED(t_alloc(t_d0, 2, DOMID_SELF), EINVAL);
    t_d2->state = DOMAIN_RUNNING;
    /* An unreadable argument. */
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_alloc_unbound, 0x1ffc, 0, 0, 0), -EFAULT);
    assert_int_equal(do_event_channel_op(EVTCHNOP_alloc_unbound, 0, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

/* ------------------------------------------------------------ bind_interdomain */

static void bind_interdomain_pair(void **state)
{
    struct evtchn_status st;
    long rp, lp;

    (void)state;
    t_quiet(t_d1);
    t_quiet(t_d2);
    rp = t_alloc(t_d2, DOMID_SELF, 1);
    assert_int_equal(rp, 1);
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 2), 1); /* so d1's new port is not 1 */
    lp = t_bind(t_d1, 2, (evtchn_port_t)rp);
    assert_int_equal(lp, 2);
    assert_int_equal(t_status(t_d1, DOMID_SELF, (evtchn_port_t)lp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, 2);
    assert_int_equal(st.u.interdomain.port, rp);
    assert_int_equal(st.vcpu, 0);
    assert_int_equal(t_status(t_d2, DOMID_SELF, (evtchn_port_t)rp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, 1);
    assert_int_equal(st.u.interdomain.port, lp);
    /* Notifications sent while unbound were dropped: the new local end starts pending. */
    assert_true(t_pending(t_d1, (evtchn_port_t)lp));
    assert_int_equal(t_sel(t_d1, 0), 1ull << (lp / 64));
    assert_int_equal(t_upcall(t_d1, 0), 1);
    assert_int_equal(t_sel(t_d1, 1), 0);
    assert_false(t_pending(t_d2, (evtchn_port_t)rp));
    assert_int_equal(t_upcall(t_d2, 0), 0);
}

static void bind_interdomain_starts_pending_even_masked(void **state)
{
    long rp, lp;

    (void)state;
    t_quiet(t_d1);
    rp = t_alloc(t_d2, DOMID_SELF, 1);
    t_set_mask(t_d1, 1, true); /* the port bind_interdomain will hand out */
    lp = t_bind(t_d1, 2, (evtchn_port_t)rp);
    assert_int_equal(lp, 1);
    assert_true(t_pending(t_d1, 1));
    assert_int_equal(t_sel(t_d1, 0), 0); /* masked: no selector, no upcall */
    assert_int_equal(t_upcall(t_d1, 0), 0);
    assert_true(t_masked(t_d1, 1));
}

static void bind_interdomain_refusals(void **state)
{
    long to_d0, to_d1, lp;

    (void)state;
    to_d0 = t_alloc(t_d2, DOMID_SELF, 0);
    to_d1 = t_alloc(t_d2, DOMID_SELF, 1);
    assert_true(to_d0 > 0 && to_d1 > 0);
    /* No such domain. */
    T_REFUSED(t_bind(t_d1, T_NOBODY, (evtchn_port_t)to_d1), ESRCH);
    /* A port offered to someone else. */
    T_REFUSED(t_bind(t_d1, 2, (evtchn_port_t)to_d0), EINVAL);
    /* Free, reserved, never allocated, past every limit. */
    T_REFUSED(t_bind(t_d1, 2, 10), EINVAL);
    T_REFUSED(t_bind(t_d1, 2, 0), EINVAL);
    T_REFUSED(t_bind(t_d1, 2, 4095), EINVAL);
    T_REFUSED(t_bind(t_d1, 2, 4096), EINVAL);
    T_REFUSED(t_bind(t_d1, 2, 0xffffffffu), EINVAL);
    /* Bound once; a second bind of the same port (by anyone) is refused. */
    lp = t_bind(t_d1, 2, (evtchn_port_t)to_d1);
    assert_true(lp > 0);
    T_REFUSED(t_bind(t_d1, 2, (evtchn_port_t)to_d1), EINVAL);
    T_REFUSED(t_bind(t_d0, 2, (evtchn_port_t)to_d1), EINVAL);
    /* A VIRQ or IPI port is not an offer either. */
    long v = t_virq(t_d2, VIRQ_TIMER, 0), i = t_ipi(t_d2, 0);
    T_REFUSED(t_bind(t_d1, 2, (evtchn_port_t)v), EINVAL);
    T_REFUSED(t_bind(t_d1, 2, (evtchn_port_t)i), EINVAL);
    /* Our own port offered to d2, bound by ourselves: not offered to us. */
    long mine = t_alloc(t_d1, DOMID_SELF, 2);
    T_REFUSED(t_bind(t_d1, DOMID_SELF, (evtchn_port_t)mine), EINVAL);
    /* The privileged domain gets no exception. */
    T_REFUSED(t_bind(t_d0, 1, (evtchn_port_t)mine), EINVAL);
    /* An unreadable argument. */
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_bind_interdomain, 0x1ff8, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

static void bind_interdomain_loopback(void **state)
{
    struct evtchn_status st;
    long a, b;

    (void)state;
    t_quiet(t_d1);
    a = t_alloc(t_d1, DOMID_SELF, DOMID_SELF);
    b = t_bind(t_d1, DOMID_SELF, (evtchn_port_t)a);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, 1);
    assert_int_equal(st.u.interdomain.port, 2);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 2, &st), 0);
    assert_int_equal(st.u.interdomain.dom, 1);
    assert_int_equal(st.u.interdomain.port, 1);
    assert_true(t_pending(t_d1, 2));
    assert_false(t_pending(t_d1, 1));
    /* Naming ourselves by id instead of DOMID_SELF is the same thing. */
    long c = t_alloc(t_d1, DOMID_SELF, 1);
    assert_int_equal(t_bind(t_d1, 1, (evtchn_port_t)c), 4);
    /* Each end sends to the other. */
    t_quiet(t_d1);
    assert_int_equal(t_send(t_d1, 1), 0);
    assert_true(t_pending(t_d1, 2));
    assert_false(t_pending(t_d1, 1));
    assert_int_equal(t_send(t_d1, 2), 0);
    assert_true(t_pending(t_d1, 1));
    /* Closing one end leaves the other unbound, offered to ourselves again. */
    assert_int_equal(t_close(t_d1, 1), 0);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 2, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_false(t_pending(t_d1, 1)); /* the closed port's pending bit goes */
    /* ... and can be bound again. */
    assert_int_equal(t_bind(t_d1, DOMID_SELF, 2), 1);
}

/* ------------------------------------------------------------ bind_virq */

static void bind_virq_per_vcpu(void **state)
{
    struct evtchn_status st;
    long p0, p1, dbg1;

    (void)state;
    p0 = t_virq(t_d1, VIRQ_TIMER, 0);
    p1 = t_virq(t_d1, VIRQ_TIMER, 1);
    assert_int_equal(p0, 1);
    assert_int_equal(p1, 2);
    assert_int_equal(t_d1->vcpus[0]->virq_to_evtchn[VIRQ_TIMER], 1);
    assert_int_equal(t_d1->vcpus[1]->virq_to_evtchn[VIRQ_TIMER], 2);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 2, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_virq);
    assert_int_equal(st.u.virq, VIRQ_TIMER);
    assert_int_equal(st.vcpu, 1);
    dbg1 = t_virq(t_d1, VIRQ_DEBUG, 1);
    assert_int_equal(dbg1, 3);
    assert_int_equal(t_virq(t_d1, VIRQ_XENOPROF, 1), 4);
    assert_int_equal(t_virq(t_d1, VIRQ_XENPMU, 1), 5);
    /* Bound already on that vCPU. */
    T_REFUSED(t_virq(t_d1, VIRQ_TIMER, 0), EEXIST);
    T_REFUSED(t_virq(t_d1, VIRQ_TIMER, 1), EEXIST);
    T_REFUSED(t_virq(t_d1, VIRQ_DEBUG, 1), EEXIST);
    /* A vCPU the domain does not have (t_d2 has one). */
    T_REFUSED(t_virq(t_d1, VIRQ_TIMER, 2), ENOENT);
    T_REFUSED(t_virq(t_d1, VIRQ_DEBUG, MAX_VCPUS), ENOENT);
    T_REFUSED(t_virq(t_d1, VIRQ_TIMER, 0x80000000u), ENOENT);
    T_REFUSED(t_virq(t_d2, VIRQ_TIMER, 1), ENOENT);
    /* Raising it marks that vCPU's port. */
    t_quiet(t_d1);
    evtchn_send_virq(t_d1->vcpus[1], VIRQ_TIMER);
    assert_true(t_pending(t_d1, 2));
    assert_false(t_pending(t_d1, 1));
    assert_int_equal(t_upcall(t_d1, 1), 1);
    assert_int_equal(t_sel(t_d1, 1), 1);
    assert_int_equal(t_upcall(t_d1, 0), 0);
    /* A per-vCPU VIRQ stays on its vCPU. */
    T_REFUSED(t_bind_vcpu(t_d1, 2, 0), EINVAL);
    T_REFUSED(t_bind_vcpu(t_d1, (evtchn_port_t)dbg1, 0), EINVAL);
    /* Closing unbinds it: the VIRQ can be bound again, raising it marks nothing. */
    assert_int_equal(t_close(t_d1, 1), 0);
    assert_int_equal(t_d1->vcpus[0]->virq_to_evtchn[VIRQ_TIMER], 0);
    assert_int_equal(t_d1->vcpus[1]->virq_to_evtchn[VIRQ_TIMER], 2);
    t_snap();
    evtchn_send_virq(t_d1->vcpus[0], VIRQ_TIMER);
    T_UNCHANGED();
    assert_int_equal(t_virq(t_d1, VIRQ_TIMER, 0), 1);
}

static void bind_virq_global(void **state)
{
    struct evtchn_status st;
    static const uint32_t global[] = {VIRQ_CONSOLE,
                                      VIRQ_DOM_EXC,
                                      VIRQ_TBUF,
                                      5,
                                      VIRQ_DEBUGGER,
                                      VIRQ_CON_RING,
                                      VIRQ_PCPU_STATE,
                                      VIRQ_MEM_EVENT,
                                      VIRQ_ARGO,
                                      VIRQ_ENOMEM,
                                      14,
                                      15,
                                      VIRQ_ARCH_0,
                                      VIRQ_ARCH_7};

    (void)state;
    for (unsigned int i = 0; i < ARRAY_SIZE(global); i++) {
        /* Global VIRQs bind on vCPU 0 only: -EINVAL before the vCPU is even looked up. */
        T_REFUSED(t_virq(t_d1, global[i], 1), EINVAL);
        T_REFUSED(t_virq(t_d1, global[i], 5), EINVAL);
        T_REFUSED(t_virq(t_d1, global[i], 0xffffffffu), EINVAL);
        assert_int_equal(t_virq(t_d1, global[i], 0), i + 1);
        assert_int_equal(t_d1->vcpus[0]->virq_to_evtchn[global[i]], i + 1);
        T_REFUSED(t_virq(t_d1, global[i], 0), EEXIST);
    }
    assert_int_equal(t_status(t_d1, DOMID_SELF, 2, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_virq);
    assert_int_equal(st.u.virq, VIRQ_DOM_EXC);
    assert_int_equal(st.vcpu, 0);
    /* Out of range. */
    T_REFUSED(t_virq(t_d1, NR_VIRQS, 0), EINVAL);
    T_REFUSED(t_virq(t_d1, 0xffffffffu, 0), EINVAL);
    T_REFUSED(t_virq(t_d1, 0x80000000u, 5), EINVAL);
    /* A global VIRQ moves with bind_vcpu, and is then raised on its new vCPU. */
    t_quiet(t_d1);
    assert_int_equal(t_bind_vcpu(t_d1, 1, 1), 0); /* VIRQ_CONSOLE */
    assert_int_equal(t_status(t_d1, DOMID_SELF, 1, &st), 0);
    assert_int_equal(st.vcpu, 1);
    evtchn_send_global_virq(t_d1, VIRQ_CONSOLE);
    assert_true(t_pending(t_d1, 1));
    assert_int_equal(t_sel(t_d1, 1), 1);
    assert_int_equal(t_upcall(t_d1, 1), 1);
    assert_int_equal(t_sel(t_d1, 0), 0);
    assert_int_equal(t_upcall(t_d1, 0), 0);
    /* Its binding stays in vCPU 0's table; closing clears it. */
    assert_int_equal(t_d1->vcpus[0]->virq_to_evtchn[VIRQ_CONSOLE], 1);
    assert_int_equal(t_close(t_d1, 1), 0);
    assert_int_equal(t_d1->vcpus[0]->virq_to_evtchn[VIRQ_CONSOLE], 0);
    assert_int_equal(t_d1->vcpus[1]->virq_to_evtchn[VIRQ_CONSOLE], 0);
    /* Unbound global VIRQs are dropped. */
    t_snap();
    evtchn_send_global_virq(t_d1, VIRQ_CONSOLE);
    evtchn_send_global_virq(t_d2, VIRQ_DOM_EXC);
    evtchn_send_virq(t_d1->vcpus[0], NR_VIRQS);
    T_UNCHANGED();
    /* An unreadable argument. */
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_bind_virq, 0x1ff8, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

/* ------------------------------------------------------------ bind_ipi */

static void bind_ipi(void **state)
{
    struct evtchn_status st;
    long p;

    (void)state;
    t_quiet(t_d1);
    p = t_ipi(t_d1, 1);
    assert_int_equal(p, 1);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_ipi);
    assert_int_equal(st.vcpu, 1);
    assert_false(t_pending(t_d1, 1));
    /* Sending raises it on the vCPU it was bound to. */
    assert_int_equal(t_send(t_d1, 1), 0);
    assert_true(t_pending(t_d1, 1));
    assert_int_equal(t_sel(t_d1, 1), 1);
    assert_int_equal(t_upcall(t_d1, 1), 1);
    assert_int_equal(t_upcall(t_d1, 0), 0);
    /* Several IPI ports per vCPU are fine. */
    assert_int_equal(t_ipi(t_d1, 1), 2);
    assert_int_equal(t_ipi(t_d1, 0), 3);
    /* No such vCPU. */
    T_REFUSED(t_ipi(t_d1, 2), ENOENT);
    T_REFUSED(t_ipi(t_d2, 1), ENOENT);
    T_REFUSED(t_ipi(t_d1, MAX_VCPUS), ENOENT);
    T_REFUSED(t_ipi(t_d1, 0xffffffffu), ENOENT);
    /* IPIs stay on their vCPU. */
    T_REFUSED(t_bind_vcpu(t_d1, 1, 0), EINVAL);
    T_REFUSED(t_bind_vcpu(t_d1, 3, 0), EINVAL);
}

/* ------------------------------------------------------------ bind_vcpu */

static void bind_vcpu(void **state)
{
    struct evtchn_status st;
    long un, rp;

    (void)state;
    un = t_alloc(t_d1, DOMID_SELF, 2);
    assert_int_equal(t_bind_vcpu(t_d1, (evtchn_port_t)un, 1), 0);
    assert_int_equal(t_status(t_d1, DOMID_SELF, (evtchn_port_t)un, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.vcpu, 1);
    /* The binding survives being bound: d2 binds it, sends, and d1's vCPU 1 sees it. */
    rp = t_bind(t_d2, 1, (evtchn_port_t)un);
    assert_true(rp > 0);
    t_quiet(t_d1);
    assert_int_equal(t_send(t_d2, (evtchn_port_t)rp), 0);
    assert_true(t_pending(t_d1, (evtchn_port_t)un));
    assert_int_equal(t_upcall(t_d1, 1), 1);
    assert_int_equal(t_upcall(t_d1, 0), 0);
    /* An interdomain port moves too, and back. */
    assert_int_equal(t_bind_vcpu(t_d1, (evtchn_port_t)un, 0), 0);
    t_quiet(t_d1);
    assert_int_equal(t_send(t_d2, (evtchn_port_t)rp), 0);
    assert_int_equal(t_upcall(t_d1, 0), 1);
    assert_int_equal(t_upcall(t_d1, 1), 0);
    /* No such vCPU: -ENOENT, checked before the port. */
    T_REFUSED(t_bind_vcpu(t_d1, (evtchn_port_t)un, 2), ENOENT);
    T_REFUSED(t_bind_vcpu(t_d1, 4000, 2), ENOENT);
    T_REFUSED(t_bind_vcpu(t_d1, (evtchn_port_t)un, 0xffffffffu), ENOENT);
    T_REFUSED(t_bind_vcpu(t_d2, (evtchn_port_t)rp, 1), ENOENT);
    /* Bad ports: reserved, free, never allocated, out of range. */
    T_REFUSED(t_bind_vcpu(t_d1, 0, 1), EINVAL);
    T_REFUSED(t_bind_vcpu(t_d1, 30, 1), EINVAL);
    T_REFUSED(t_bind_vcpu(t_d1, 4000, 1), EINVAL);
    T_REFUSED(t_bind_vcpu(t_d1, 0x80000000u, 1), EINVAL);
    /* A port the hypervisor serves stays where it is. */
    evtchn_port_t xp;
    assert_int_equal(evtchn_alloc_xen_port(t_d1, t_xen_fn, NULL, &xp), 0);
    T_REFUSED(t_bind_vcpu(t_d1, xp, 1), EINVAL);
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_bind_vcpu, 0x1ffc, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

/* ------------------------------------------------------------ close */

static void close_each_state(void **state)
{
    struct evtchn_status st;
    long un, lp, rp, v, g, i;

    (void)state;
    un = t_alloc(t_d1, DOMID_SELF, 2);
    rp = t_alloc(t_d2, DOMID_SELF, 1);
    lp = t_bind(t_d1, 2, (evtchn_port_t)rp);
    v = t_virq(t_d1, VIRQ_TIMER, 1);
    g = t_virq(t_d1, VIRQ_DOM_EXC, 0);
    i = t_ipi(t_d1, 1);
    assert_int_equal(un, 1);
    assert_int_equal(lp, 2);
    assert_int_equal(v, 3);
    assert_int_equal(g, 4);
    assert_int_equal(i, 5);
    /* Make all of them pending, some masked: closing clears pending, never the mask. */
    for (evtchn_port_t p = 1; p <= 5; p++) {
        t_d1->shared_info->evtchn_pending[0] |= 1ull << p;
    }
    t_set_mask(t_d1, 3, true);
    t_set_mask(t_d1, 5, true);
    t_d2->shared_info->evtchn_pending[0] |= 1ull << rp;

    assert_int_equal(t_close(t_d1, 1), 0); /* unbound */
    assert_int_equal(t_state(t_d1, 1), EVTCHNSTAT_closed);
    assert_false(t_pending(t_d1, 1));
    assert_int_equal(t_close(t_d1, 2), 0); /* interdomain: the far end is unbound */
    assert_int_equal(t_state(t_d1, 2), EVTCHNSTAT_closed);
    assert_false(t_pending(t_d1, 2));
    assert_int_equal(t_status(t_d2, DOMID_SELF, (evtchn_port_t)rp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_true(t_pending(t_d2, (evtchn_port_t)rp)); /* the far end's bits are its own */
    assert_int_equal(t_close(t_d1, 3), 0);           /* per-vCPU VIRQ */
    assert_int_equal(t_d1->vcpus[1]->virq_to_evtchn[VIRQ_TIMER], 0);
    assert_true(t_masked(t_d1, 3));
    assert_int_equal(t_close(t_d1, 4), 0); /* global VIRQ */
    assert_int_equal(t_d1->vcpus[0]->virq_to_evtchn[VIRQ_DOM_EXC], 0);
    assert_int_equal(t_close(t_d1, 5), 0); /* IPI */
    assert_true(t_masked(t_d1, 5));
    for (evtchn_port_t p = 1; p <= 5; p++) {
        assert_int_equal(t_state(t_d1, p), EVTCHNSTAT_closed);
        assert_false(t_pending(t_d1, p));
        T_REFUSED(t_close(t_d1, p), EINVAL); /* closed twice */
    }
    /* Sending on the unbound far end is dropped; d2 may bind it again to d1's offer. */
    T_NOOP(t_send(t_d2, (evtchn_port_t)rp));
    assert_int_equal(t_close(t_d2, (evtchn_port_t)rp), 0);
}

static void close_refusals(void **state)
{
    (void)state;
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 2), 1);
    T_REFUSED(t_close(t_d1, 0), EINVAL); /* reserved */
    T_REFUSED(t_close(t_d1, 2), EINVAL); /* free */
    T_REFUSED(t_close(t_d1, 63), EINVAL);
    T_REFUSED(t_close(t_d1, 64), EINVAL); /* bucket never allocated */
    T_REFUSED(t_close(t_d1, 4095), EINVAL);
    T_REFUSED(t_close(t_d1, 4096), EINVAL);
    T_REFUSED(t_close(t_d1, 0xffffffffu), EINVAL);
    T_REFUSED(t_close(t_d2, 1), EINVAL); /* d2's port 1 is free: ports are per domain */
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_close, 0x1ffe, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

static void close_far_end_first(void **state)
{
    struct evtchn_status st;
    long rp, lp;

    (void)state;
    rp = t_alloc(t_d2, DOMID_SELF, 1);
    lp = t_bind(t_d1, 2, (evtchn_port_t)rp);
    /* The offering side closes: the binder's end becomes unbound, offered to d2. */
    assert_int_equal(t_close(t_d2, (evtchn_port_t)rp), 0);
    assert_int_equal(t_status(t_d1, DOMID_SELF, (evtchn_port_t)lp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 2);
    /* d2 can now bind to what used to be its peer; a port number is reused. */
    long again = t_bind(t_d2, 1, (evtchn_port_t)lp);
    assert_int_equal(again, rp);
    assert_int_equal(t_status(t_d1, DOMID_SELF, (evtchn_port_t)lp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.port, rp);
}

/* ------------------------------------------------------------ status */

static void status_refusals_and_order(void **state)
{
    struct evtchn_status st;

    (void)state;
    assert_int_equal(t_alloc(t_d2, DOMID_SELF, 1), 1);
    /* Xen: domain (-ESRCH), then the port (-EINVAL), then permission (-EPERM). */
    T_REFUSED(t_status(t_d1, T_NOBODY, 1, &st), ESRCH);
    T_REFUSED(t_status(t_d1, 2, 4000, &st), EINVAL);
    T_REFUSED(t_status(t_d1, 2, 1, &st), EPERM);
    T_REFUSED(t_status(t_d1, 2, 2, &st), EPERM); /* a free port of another domain too */
    T_REFUSED(t_status(t_d1, 0, 0, &st), EPERM);
    T_REFUSED(t_status(t_d1, DOMID_SELF, 64, &st), EINVAL);
    T_REFUSED(t_status(t_d1, DOMID_SELF, 4096, &st), EINVAL);
    T_REFUSED(t_status(t_d1, DOMID_SELF, 0xffffffffu, &st), EINVAL);
    T_REFUSED(t_status(t_d0, T_NOBODY, 1, &st), ESRCH);
    /* The privileged domain may look at anyone's ports. */
    assert_int_equal(t_status(t_d0, 2, 1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 1);
    /* Our own id is the same as DOMID_SELF. */
    assert_int_equal(t_status(t_d2, 2, 1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_status, 0x1ff0, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

static void status_writes_only_what_xen_writes(void **state)
{
    struct evtchn_status st;
    uint8_t pattern[sizeof(st.u)];

    (void)state;
    memset(pattern, 0x5a, sizeof(pattern));
    /* Closed (free and reserved): status and vcpu; the union is left as the guest had it. */
    assert_int_equal(t_status(t_d1, DOMID_SELF, 0, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_closed);
    assert_int_equal(st.vcpu, 0);
    assert_memory_equal(&st.u, pattern, sizeof(pattern));
    assert_int_equal(t_status(t_d1, DOMID_SELF, 9, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_closed);
    assert_int_equal(st.vcpu, 0);
    assert_memory_equal(&st.u, pattern, sizeof(pattern));
    /* IPI: nothing in the union. */
    assert_int_equal(t_ipi(t_d1, 1), 1);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_ipi);
    assert_int_equal(st.vcpu, 1);
    assert_memory_equal(&st.u, pattern, sizeof(pattern));
    /* Unbound: the two bytes of the remote domid, no more. */
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 0x1234), 2);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 2, &st), 0);
    assert_int_equal(st.u.unbound.dom, 0x1234);
    assert_memory_equal((uint8_t *)&st.u + 2, pattern, sizeof(pattern) - 2);
    /* VIRQ: four bytes. */
    assert_int_equal(t_virq(t_d1, VIRQ_DEBUG, 0), 3);
    assert_int_equal(t_status(t_d1, DOMID_SELF, 3, &st), 0);
    assert_int_equal(st.u.virq, VIRQ_DEBUG);
    assert_memory_equal((uint8_t *)&st.u + 4, pattern, sizeof(pattern) - 4);
    /* The fields before the union are the caller's, as passed. */
    assert_int_equal(st.dom, DOMID_SELF);
    assert_int_equal(st.port, 3);
    assert_int_equal(st._pad0, 0x5a5a);
}

static void status_of_hypervisor_port(void **state)
{
    struct evtchn_status st;
    evtchn_port_t xp;

    (void)state;
    assert_int_equal(evtchn_alloc_xen_port(t_d1, t_xen_fn, (void *)0x42, &xp), 0);
    assert_int_equal(xp, 1);
    /* Xenolith's own console-style port: reported as interdomain to DOMID_XEN. */
    assert_int_equal(t_status(t_d1, DOMID_SELF, xp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, DOMID_XEN);
    assert_int_equal(st.u.interdomain.port, 0);
    /* Nobody may bind it. */
    T_REFUSED(t_bind(t_d0, 1, xp), EINVAL);
    T_REFUSED(t_bind(t_d1, DOMID_SELF, xp), EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(alloc_unbound_self),
        T_TEST(alloc_unbound_for_others),
        T_TEST(bind_interdomain_pair),
        T_TEST(bind_interdomain_starts_pending_even_masked),
        T_TEST(bind_interdomain_refusals),
        T_TEST(bind_interdomain_loopback),
        T_TEST(bind_virq_per_vcpu),
        T_TEST(bind_virq_global),
        T_TEST(bind_ipi),
        T_TEST(bind_vcpu),
        T_TEST(close_each_state),
        T_TEST(close_refusals),
        T_TEST(close_far_end_first),
        T_TEST(status_refusals_and_order),
        T_TEST(status_writes_only_what_xen_writes),
        T_TEST(status_of_hypervisor_port),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
