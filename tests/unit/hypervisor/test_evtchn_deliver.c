/*
 * Event channels (common/event_channel.c), part 2: delivery. send on every
 * kind of port and on bad ones; the 2-level pending and mask bitmaps with
 * each vcpu_info's pending_sel and upcall_pending; unmask re-raising a
 * pending port; SCHEDOP_poll's view of pending ports; ports the hypervisor
 * serves; reset (and reset_cont); the FIFO ABI's init_control,
 * expand_array and set_priority refusals; per-domain port limits; unknown
 * commands; and a domain's destruction leaving its peers consistent.
 */
#include "test_evtchn.h"

/* An interdomain channel: d1's port *l, d2's port *r. */
static void t_pair(evtchn_port_t *l, evtchn_port_t *r)
{
    long rp = t_alloc(t_d2, DOMID_SELF, 1), lp;

    assert_true(rp > 0);
    lp = t_bind(t_d1, 2, (evtchn_port_t)rp);
    assert_true(lp > 0);
    *l = (evtchn_port_t)lp;
    *r = (evtchn_port_t)rp;
    t_quiet(t_d1);
    t_quiet(t_d2);
}

/* ------------------------------------------------------------ send */

static void send_interdomain(void **state)
{
    evtchn_port_t l, r;

    (void)state;
    t_pair(&l, &r);
    /* d2 -> d1: the pending bit, then the selector word, then the upcall flag. */
    assert_int_equal(t_send(t_d2, r), 0);
    assert_true(t_pending(t_d1, l));
    assert_int_equal(t_sel(t_d1, 0), 1ull << (l / 64));
    assert_int_equal(t_upcall(t_d1, 0), 1);
    assert_false(t_pending(t_d2, r)); /* the sender's own end is untouched */
    assert_int_equal(t_upcall(t_d2, 0), 0);
    /* Again while pending: nothing more happens, even if the guest took the upcall. */
    t_ack_upcall(t_d1, 0);
    T_NOOP(t_send(t_d2, r));
    assert_int_equal(t_upcall(t_d1, 0), 0);
    /* Once consumed, a new send raises it again. */
    t_clear_pending(t_d1, l);
    assert_int_equal(t_send(t_d2, r), 0);
    assert_int_equal(t_upcall(t_d1, 0), 1);
    /* The other way. */
    assert_int_equal(t_send(t_d1, l), 0);
    assert_true(t_pending(t_d2, r));
    assert_int_equal(t_upcall(t_d2, 0), 1);
}

static void send_selector_already_set(void **state)
{
    evtchn_port_t l, r;

    (void)state;
    t_pair(&l, &r);
    /* The guest has not yet scanned the selector word: no second upcall flag. */
    t_d1->shared_info->vcpu_info[0].evtchn_pending_sel = 1ull << (l / 64);
    assert_int_equal(t_send(t_d2, r), 0);
    assert_true(t_pending(t_d1, l));
    assert_int_equal(t_upcall(t_d1, 0), 0);
}

static void send_to_masked_port(void **state)
{
    evtchn_port_t l, r;

    (void)state;
    t_pair(&l, &r);
    t_set_mask(t_d1, l, true);
    assert_int_equal(t_send(t_d2, r), 0);
    assert_true(t_pending(t_d1, l));
    assert_int_equal(t_sel(t_d1, 0), 0);
    assert_int_equal(t_upcall(t_d1, 0), 0);
    /* Unmasking delivers it: the mask bit goes, selector and flag are set. */
    assert_int_equal(t_unmask(t_d1, l), 0);
    assert_false(t_masked(t_d1, l));
    assert_int_equal(t_sel(t_d1, 0), 1ull << (l / 64));
    assert_int_equal(t_upcall(t_d1, 0), 1);
}

static void send_high_port_uses_its_word(void **state)
{
    long p = 0;

    (void)state;
    /* IPI ports up to 200: the last lands in selector bit 3, word 3. */
    for (unsigned int i = 1; i <= 200; i++) {
        p = t_ipi(t_d1, 1);
        assert_int_equal(p, i);
    }
    t_quiet(t_d1);
    assert_int_equal(t_send(t_d1, 200), 0);
    assert_int_equal(t_d1->shared_info->evtchn_pending[3], 1ull << (200 % 64));
    assert_int_equal(t_d1->shared_info->evtchn_pending[0], 0);
    assert_int_equal(t_sel(t_d1, 1), 1ull << 3);
    assert_int_equal(t_upcall(t_d1, 1), 1);
    assert_int_equal(t_sel(t_d1, 0), 0);
}

static void send_refusals(void **state)
{
    evtchn_port_t l, r;
    long v, un;

    (void)state;
    t_pair(&l, &r);
    v = t_virq(t_d1, VIRQ_TIMER, 0);
    un = t_alloc(t_d1, DOMID_SELF, 2);
    /* An unbound port: accepted, and dropped. */
    T_NOOP(t_send(t_d1, (evtchn_port_t)un));
    /* VIRQ ports are raised by the hypervisor only. */
    T_REFUSED(t_send(t_d1, (evtchn_port_t)v), EINVAL);
    /* Reserved, free, never allocated, out of range. */
    T_REFUSED(t_send(t_d1, 0), EINVAL);
    T_REFUSED(t_send(t_d1, 40), EINVAL);
    T_REFUSED(t_send(t_d1, 64), EINVAL);
    T_REFUSED(t_send(t_d1, 4000), EINVAL);
    T_REFUSED(t_send(t_d1, 4096), EINVAL);
    T_REFUSED(t_send(t_d1, 0xffffffffu), EINVAL);
    /* Closed. */
    assert_int_equal(t_close(t_d1, l), 0);
    T_REFUSED(t_send(t_d1, l), EINVAL);
    /* Its far end is unbound now: dropped. */
    T_NOOP(t_send(t_d2, r));
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_send, 0x1ffe, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

static void send_to_hypervisor_port(void **state)
{
    evtchn_port_t xp;

    (void)state;
    assert_int_equal(evtchn_alloc_xen_port(t_d1, t_xen_fn, (void *)0x42, &xp), 0);
    t_quiet(t_d1);
    t_snap();
    assert_int_equal(t_send(t_d1, xp), 0);
    assert_int_equal(t_xen_calls, 1);
    assert_ptr_equal(t_xen_dom, t_d1);
    assert_int_equal(t_xen_port, xp);
    assert_ptr_equal(t_xen_data, (void *)0x42);
    T_UNCHANGED(); /* nothing raised in the guest */
    /* Another domain's send on the same number reaches nothing of ours. */
    T_REFUSED(t_send(t_d2, xp), EINVAL);
    assert_int_equal(t_xen_calls, 1);
}

/* ------------------------------------------------------------ unmask */

static void unmask_rules(void **state)
{
    evtchn_port_t l, r;

    (void)state;
    t_pair(&l, &r);
    /* Masked, not pending: the mask goes, nothing is raised. */
    t_set_mask(t_d1, l, true);
    assert_int_equal(t_unmask(t_d1, l), 0);
    assert_false(t_masked(t_d1, l));
    assert_int_equal(t_upcall(t_d1, 0), 0);
    /* Not masked but pending, the selector already taken by the guest: Xen re-raises only
     * a port whose mask it cleared, so nothing happens. */
    t_d1->shared_info->evtchn_pending[l / 64] |= 1ull << (l % 64);
    T_NOOP(t_unmask(t_d1, l));
    /* Masked and pending, selector bit still set: the mask goes, no new upcall flag. */
    t_set_mask(t_d1, l, true);
    t_d1->shared_info->vcpu_info[0].evtchn_pending_sel = 1ull << (l / 64);
    assert_int_equal(t_unmask(t_d1, l), 0);
    assert_false(t_masked(t_d1, l));
    assert_int_equal(t_upcall(t_d1, 0), 0);
    /* Masked and pending: raised on the port's vCPU. */
    assert_int_equal(t_bind_vcpu(t_d1, l, 1), 0);
    t_ack_upcall(t_d1, 0);
    t_set_mask(t_d1, l, true);
    assert_int_equal(t_unmask(t_d1, l), 0);
    assert_int_equal(t_sel(t_d1, 1), 1ull << (l / 64));
    assert_int_equal(t_upcall(t_d1, 1), 1);
    assert_int_equal(t_upcall(t_d1, 0), 0);
}

static void unmask_bad_ports(void **state)
{
    (void)state;
    /* Ports whose bucket was never allocated, or past the 2-level limit: -EINVAL. */
    t_d1->shared_info->evtchn_mask[1] = ~0ull;
    t_d1->shared_info->evtchn_mask[63] = ~0ull;
    T_REFUSED(t_unmask(t_d1, 64), EINVAL);
    T_REFUSED(t_unmask(t_d1, 4095), EINVAL);
    T_REFUSED(t_unmask(t_d1, 4096), EINVAL);
    T_REFUSED(t_unmask(t_d1, 0xffffffffu), EINVAL);
    /* Free and reserved ports in an allocated bucket: accepted, and nothing done (not
     * even the mask bit: Xen acts only on ports in use). */
    t_d1->shared_info->evtchn_mask[0] = ~0ull;
    t_d1->shared_info->evtchn_pending[0] = ~0ull;
    T_NOOP(t_unmask(t_d1, 0));
    T_NOOP(t_unmask(t_d1, 5));
    T_NOOP(t_unmask(t_d1, 63));
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_unmask, 0x1ffe, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

/* ------------------------------------------------------------ poll */

static void poll_sees_only_ports_in_use(void **state)
{
    evtchn_port_t l, r;

    (void)state;
    t_pair(&l, &r);
    /* A pending bit the guest set by hand on a free or reserved port is not an event. */
    t_d1->shared_info->evtchn_pending[0] = ~0ull;
    assert_false(evtchn_is_pending(t_d1, 0));
    assert_false(evtchn_is_pending(t_d1, 20));
    assert_true(evtchn_is_pending(t_d1, l));
    assert_false(evtchn_is_pending(t_d1, 4095));
    assert_false(evtchn_is_pending(t_d1, 4096));
    t_quiet(t_d1);
    assert_false(evtchn_is_pending(t_d1, l));
    assert_true(evtchn_port_valid(t_d1, l));
    assert_false(evtchn_port_valid(t_d1, 20));
    assert_false(evtchn_port_valid(t_d1, 0xffffffffu));
}

static void poll_woken_by_send_even_masked(void **state)
{
    evtchn_port_t l, r;

    (void)state;
    t_pair(&l, &r);
    t_set_mask(t_d1, l, true);
    /* vCPU 1 polls l, vCPU 0 polls a set of ports (-1). */
    t_d1->vcpus[1]->poll_port = (int)l;
    t_d1->vcpus[0]->poll_port = -1;
    assert_int_equal(t_send(t_d2, r), 0);
    assert_int_equal(t_d1->vcpus[1]->poll_port, -2);
    assert_int_equal(t_d1->vcpus[0]->poll_port, -2);
    assert_int_equal(t_upcall(t_d1, 0), 0); /* masked: polling wakes, no upcall */
    /* A poller of another port sleeps on. */
    t_clear_pending(t_d1, l);
    t_d1->vcpus[1]->poll_port = (int)l + 1;
    assert_int_equal(t_send(t_d2, r), 0);
    assert_int_equal(t_d1->vcpus[1]->poll_port, (int)l + 1);
    t_d1->vcpus[1]->poll_port = -2;
}

/* ------------------------------------------------------------ reset */

static void reset_self(void **state)
{
    struct evtchn_status st;
    evtchn_port_t l, r;
    long un, v, ipi, lo_a, lo_b, offered;

    (void)state;
    t_pair(&l, &r);                         /* d1 l <-> d2 r */
    offered = t_alloc(t_d2, DOMID_SELF, 1); /* d2 offers to d1, not yet bound */
    un = t_alloc(t_d1, DOMID_SELF, 2);
    v = t_virq(t_d1, VIRQ_TIMER, 1);
    ipi = t_ipi(t_d1, 0);
    lo_a = t_alloc(t_d1, DOMID_SELF, DOMID_SELF);
    lo_b = t_bind(t_d1, DOMID_SELF, (evtchn_port_t)lo_a);
    t_d1->shared_info->evtchn_mask[0] = 0xf0f0;
    t_d1->shared_info->evtchn_pending[0] = ~0ull;
    assert_int_equal(t_reset(t_d1, DOMID_SELF), 0);
    long ports[] = {l, un, v, ipi, lo_a, lo_b};
    for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
        assert_int_equal(t_state(t_d1, (evtchn_port_t)ports[i]), EVTCHNSTAT_closed);
        assert_false(t_pending(t_d1, (evtchn_port_t)ports[i]));
    }
    assert_int_equal(t_d1->vcpus[1]->virq_to_evtchn[VIRQ_TIMER], 0);
    assert_int_equal(t_d1->shared_info->evtchn_mask[0], 0xf0f0); /* masks stay */
    /* d2's end of the pair is unbound (offered to d1), its own offer untouched. */
    assert_int_equal(t_status(t_d2, DOMID_SELF, r, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_int_equal(t_status(t_d2, DOMID_SELF, (evtchn_port_t)offered, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    /* Everything can be bound again, from port 1. */
    assert_int_equal(t_virq(t_d1, VIRQ_TIMER, 1), 1);
    assert_int_equal(t_bind(t_d1, 2, r), 2);
    /* Resetting an empty table is fine; our own id works as DOMID_SELF. */
    assert_int_equal(t_reset(t_d2, 2), 0);
    T_NOOP(t_reset(t_d2, DOMID_SELF));
}

static void reset_refusals(void **state)
{
    (void)state;
    assert_int_equal(t_alloc(t_d2, DOMID_SELF, 1), 1);
    T_REFUSED(t_reset(t_d1, T_NOBODY), ESRCH);
    T_REFUSED(t_reset(t_d1, 2), EPERM);
    T_REFUSED(t_reset(t_d1, 0), EPERM);
    T_REFUSED(t_reset(t_d0, T_NOBODY), ESRCH);
    /* Even the privileged domain resets another domain only while the toolstack has it
     * paused (a vCPU paused for other reasons, a shut-down domain, do not count). */
    T_REFUSED(t_reset(t_d0, 2), EINVAL);
    vcpu_pause(t_d2->vcpus[0]);
    T_REFUSED(t_reset(t_d0, 2), EINVAL);
    vcpu_unpause(t_d2->vcpus[0]);
    domain_pause(t_d2);
    assert_int_equal(t_reset(t_d0, 2), 0);
    assert_int_equal(t_state(t_d2, 1), EVTCHNSTAT_closed);
    assert_int_equal(domain_unpause(t_d2), 0);
    /* reset_cont, Xen's continuation, with no reset under way: -EBUSY, after the checks. */
    struct evtchn_reset rc = {.dom = DOMID_SELF};
    T_REFUSED(t_op(t_d1, EVTCHNOP_reset_cont, &rc), EBUSY);
    rc.dom = T_NOBODY;
    T_REFUSED(t_op(t_d1, EVTCHNOP_reset_cont, &rc), ESRCH);
    rc.dom = 2;
    T_REFUSED(t_op(t_d1, EVTCHNOP_reset_cont, &rc), EPERM);
    T_REFUSED(t_op(t_d0, EVTCHNOP_reset_cont, &rc), EINVAL);
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_reset, 0x1fff, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

/* ------------------------------------------------------------ FIFO ABI */

static long t_init_control(struct domain *d, uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    struct evtchn_init_control ic = {
        .control_gfn = gfn, .offset = offset, .vcpu = vcpu, .link_bits = 0xee};
    long rc = t_op(d, EVTCHNOP_init_control, &ic);

    assert_int_equal(ic.link_bits, 0xee); /* only written back on success */
    return rc;
}

static void fifo_init_control_refusals(void **state)
{
    mfn_t mine, theirs;

    (void)state;
    mine = domain_alloc_frames(t_d1, 0);
    theirs = domain_alloc_frames(t_d2, 0);
    assert_true(mine != INVALID_MFN && theirs != INVALID_MFN);
    /* Xen's order: the vCPU, the offset (within the page, 8-byte aligned), the frame. */
    T_REFUSED(t_init_control(t_d1, mine, 0, 2), ENOENT);
    T_REFUSED(t_init_control(t_d1, mine, 5000, 2), ENOENT);
    T_REFUSED(t_init_control(t_d1, mine, 0, 0xffffffffu), ENOENT);
    T_REFUSED(t_init_control(t_d1, mine, PAGE_SIZE - 72 + 8, 0), EINVAL);
    T_REFUSED(t_init_control(t_d1, mine, 0xffffffffu, 0), EINVAL);
    T_REFUSED(t_init_control(t_d1, mine, 4, 1), EINVAL);
    T_REFUSED(t_init_control(t_d1, INVALID_MFN, 8, 0), EINVAL);
    T_REFUSED(t_init_control(t_d1, T_NR_FRAMES + 5, 8, 0), EINVAL);
    T_REFUSED(t_init_control(t_d1, ~0ull, 8, 0), EINVAL);
    T_REFUSED(t_init_control(t_d1, theirs, 8, 0), EINVAL); /* not ours */
    /* A frame of ours that is a page table cannot be made writable. */
    mfn_to_page(mine)->type = PGT_L1;
    mfn_to_page(mine)->type_count = 1;
    T_REFUSED(t_init_control(t_d1, mine, 0, 0), EINVAL);
    mfn_to_page(mine)->type = PGT_NONE;
    mfn_to_page(mine)->type_count = 0;
    /*
     * A well-formed request: Xen 4.17 switches the domain to the FIFO ABI here.
     * Xenolith has no FIFO ABI yet and says -ENOSYS (guests fall back to 2-level).
     */
    T_REFUSED(t_init_control(t_d1, mine, PAGE_SIZE - 72, 1), ENOSYS);
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_init_control, 0x1ff0, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

static void fifo_expand_array_and_set_priority(void **state)
{
    struct evtchn_expand_array ea = {.array_gfn = 0};
    struct evtchn_set_priority sp = {.port = 1, .priority = EVTCHN_FIFO_PRIORITY_DEFAULT};
    mfn_t mine;

    (void)state;
    mine = domain_alloc_frames(t_d1, 0);
    /* The FIFO ABI is not in use: -EOPNOTSUPP for any frame. */
    T_REFUSED(t_op(t_d1, EVTCHNOP_expand_array, &ea), EOPNOTSUPP);
    ea.array_gfn = mine;
    T_REFUSED(t_op(t_d1, EVTCHNOP_expand_array, &ea), EOPNOTSUPP);
    /* set_priority on a 2-level domain: a bad port is -EINVAL, a good one -ENOSYS. */
    T_REFUSED(t_op(t_d1, EVTCHNOP_set_priority, &sp), ENOSYS); /* port 1: valid bucket */
    sp.port = 4000;
    T_REFUSED(t_op(t_d1, EVTCHNOP_set_priority, &sp), EINVAL);
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 0), 1);
    sp.port = 1;
    T_REFUSED(t_op(t_d1, EVTCHNOP_set_priority, &sp), ENOSYS);
    fake_fault_start = 0x1000;
    fake_fault_end = 0x2000;
    t_snap();
    set_current_vcpu(t_d1->vcpus[0]);
    assert_int_equal(do_event_channel_op(EVTCHNOP_expand_array, 0x1ffc, 0, 0, 0), -EFAULT);
    assert_int_equal(do_event_channel_op(EVTCHNOP_set_priority, 0x1ffc, 0, 0, 0), -EFAULT);
    T_UNCHANGED();
}

/* ------------------------------------------------------------ commands */

static void unknown_commands_and_truncation(void **state)
{
    struct evtchn_status st;
    uint64_t buf[4] = {0};

    (void)state;
    T_REFUSED(t_op(t_d1, 15, buf), ENOSYS);
    T_REFUSED(t_op(t_d1, 0xffff, buf), ENOSYS);
    T_REFUSED(t_op(t_d1, 0x80000004u, buf), ENOSYS);
    T_REFUSED(t_op(t_d1, ~0ull, buf), ENOSYS);
    /* Xen takes the command as a C int: bits above 31 are not seen. */
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 2), 1);
    memset(&st, 0, sizeof(st));
    st.dom = DOMID_SELF;
    st.port = 1;
    assert_int_equal(t_op(t_d1, (1ull << 32) | EVTCHNOP_status, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    struct evtchn_send s = {.port = 4000};
    T_REFUSED(t_op(t_d1, (0xabcdull << 40) | EVTCHNOP_send, &s), EINVAL);
}

/* ------------------------------------------------------------ limits */

static void port_limit_small(void **state)
{
    struct evtchn_status st;
    long rp;

    (void)state;
    rp = t_alloc(t_d2, DOMID_SELF, 1);
    /* A domain allowed 70 ports (0-69). */
    evtchn_domain_destroy(t_d1);
    assert_int_equal(evtchn_domain_init(t_d1, 70), 0);
    for (unsigned int i = 1; i < 70; i++) {
        assert_int_equal(t_alloc(t_d1, DOMID_SELF, 2), i);
    }
    /* Full: every way of getting a port says -ENOSPC, and nothing changes. */
    T_REFUSED(t_alloc(t_d1, DOMID_SELF, 2), ENOSPC);
    T_REFUSED(t_alloc(t_d0, 1, 2), ENOSPC);
    T_REFUSED(t_ipi(t_d1, 0), ENOSPC);
    T_REFUSED(t_virq(t_d1, VIRQ_TIMER, 0), ENOSPC);
    T_REFUSED(t_bind(t_d1, 2, (evtchn_port_t)rp), ENOSPC);
    assert_int_equal(t_status(t_d2, DOMID_SELF, (evtchn_port_t)rp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    /* Xen finds the local port before it looks at the remote one. */
    T_REFUSED(t_bind(t_d1, 2, 4000), ENOSPC);
    T_REFUSED(t_bind(t_d1, T_NOBODY, 1), ESRCH);
    /* The second bucket exists (ports 64-127 are valid), ports past the limit stay closed. */
    assert_int_equal(t_status(t_d1, DOMID_SELF, 100, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_closed);
    T_REFUSED(t_status(t_d1, DOMID_SELF, 128, &st), EINVAL);
    T_REFUSED(t_close(t_d1, 100), EINVAL);
    T_REFUSED(t_send(t_d1, 100), EINVAL);
    /* Closing one makes room for exactly one. */
    assert_int_equal(t_close(t_d1, 33), 0);
    assert_int_equal(t_bind(t_d1, 2, (evtchn_port_t)rp), 33);
    T_REFUSED(t_alloc(t_d1, DOMID_SELF, 2), ENOSPC);
}

static void port_limit_default(void **state)
{
    (void)state;
    /* The 2-level ABI's 4096 ports: 1-4095 can be had, then -ENOSPC. */
    for (unsigned int i = 1; i < 4096; i++) {
        long p = t_alloc(t_d1, DOMID_SELF, 2);
        if (p != (long)i) {
            fail_msg("allocation %u gave %ld", i, p);
        }
    }
    T_REFUSED(t_alloc(t_d1, DOMID_SELF, 2), ENOSPC);
    T_REFUSED(t_ipi(t_d1, 1), ENOSPC);
    assert_int_equal(t_state(t_d1, 4095), EVTCHNSTAT_unbound);
    /* The highest port works like any other. */
    assert_int_equal(t_close(t_d1, 4095), 0);
    assert_int_equal(t_ipi(t_d1, 1), 4095);
    t_quiet(t_d1);
    assert_int_equal(t_send(t_d1, 4095), 0);
    assert_int_equal(t_d1->shared_info->evtchn_pending[63], 1ull << 63);
    assert_int_equal(t_sel(t_d1, 1), 1ull << 63);
    /* Every port closes; the table can be filled again. */
    assert_int_equal(t_reset(t_d1, DOMID_SELF), 0);
    for (unsigned int i = 1; i < 4096; i++) {
        if (t_state(t_d1, i) != EVTCHNSTAT_closed) {
            fail_msg("port %u not closed by reset", i);
        }
    }
    assert_int_equal(t_alloc(t_d1, DOMID_SELF, 2), 1);
}

/* ------------------------------------------------------------ destruction */

static void destroy_leaves_peers_consistent(void **state)
{
    struct evtchn_status st;
    evtchn_port_t l, r, xp;
    long r2, l2, offer_to_d1, offer_to_d2;

    (void)state;
    t_pair(&l, &r);                    /* d1 bound to d2's offer */
    l2 = t_alloc(t_d1, DOMID_SELF, 2); /* d2 bound to d1's offer */
    r2 = t_bind(t_d2, 1, (evtchn_port_t)l2);
    offer_to_d1 = t_alloc(t_d2, DOMID_SELF, 1);
    offer_to_d2 = t_alloc(t_d1, DOMID_SELF, 2);
    assert_true(r2 > 0 && offer_to_d1 > 0 && offer_to_d2 > 0);
    assert_int_equal(t_virq(t_d1, VIRQ_TIMER, 0), offer_to_d2 + 1);
    assert_int_equal(evtchn_alloc_xen_port(t_d1, t_xen_fn, NULL, &xp), 0);
    t_quiet(t_d2);
    t_snap();
    t_destroy(&t_d1);
    /* Both of d2's bound ports are unbound, offered to the dead domain's id. */
    assert_int_equal(t_status(t_d2, DOMID_SELF, r, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_int_equal(t_status(t_d2, DOMID_SELF, (evtchn_port_t)r2, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 1);
    assert_int_equal(t_status(t_d2, DOMID_SELF, (evtchn_port_t)offer_to_d1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    /* Nothing was raised in d2 by the death (Xen sends no notification on close). */
    assert_memory_equal(t_snap_buf[2].shared, t_d2->shared_info, PAGE_SIZE);
    /* d2 goes on: sends are dropped, the ports close. */
    T_NOOP(t_send(t_d2, r));
    T_NOOP(t_send(t_d2, (evtchn_port_t)r2));
    T_REFUSED(t_bind(t_d2, 1, (evtchn_port_t)l), ESRCH);
    assert_int_equal(t_close(t_d2, r), 0);
    /* A new domain 1 may bind what was offered to domain 1, as on Xen. */
    t_d1 = t_domain(1, 0, 1);
    long again = t_bind(t_d1, 2, (evtchn_port_t)offer_to_d1);
    assert_int_equal(again, 1);
    assert_int_equal(t_status(t_d2, DOMID_SELF, (evtchn_port_t)offer_to_d1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    /* The teardown destroys both with bindings in place and checks every allocation. */
}

static void destroy_with_loopback_and_limits(void **state)
{
    long a, b;

    (void)state;
    a = t_alloc(t_d2, DOMID_SELF, DOMID_SELF);
    b = t_bind(t_d2, DOMID_SELF, (evtchn_port_t)a);
    assert_true(a > 0 && b > 0);
    for (unsigned int i = 0; i < 300; i++) {
        assert_true(t_ipi(t_d2, 0) > 0); /* five buckets */
    }
    t_snap();
    t_destroy(&t_d2);
    /* The others did not notice. */
    t_unchanged_domain(__FILE__, __LINE__, 0);
    t_unchanged_domain(__FILE__, __LINE__, 1);
    /* A lookup of the dead domain fails cleanly. */
    T_REFUSED(t_bind(t_d1, 2, (evtchn_port_t)a), ESRCH);
    T_REFUSED(t_alloc(t_d0, 2, 1), ESRCH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_TEST(send_interdomain),
        T_TEST(send_selector_already_set),
        T_TEST(send_to_masked_port),
        T_TEST(send_high_port_uses_its_word),
        T_TEST(send_refusals),
        T_TEST(send_to_hypervisor_port),
        T_TEST(unmask_rules),
        T_TEST(unmask_bad_ports),
        T_TEST(poll_sees_only_ports_in_use),
        T_TEST(poll_woken_by_send_even_masked),
        T_TEST(reset_self),
        T_TEST(reset_refusals),
        T_TEST(fifo_init_control_refusals),
        T_TEST(fifo_expand_array_and_set_priority),
        T_TEST(unknown_commands_and_truncation),
        T_TEST(port_limit_small),
        T_TEST(port_limit_default),
        T_TEST(destroy_leaves_peers_consistent),
        T_TEST(destroy_with_loopback_and_limits),
    };

    return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
