/* SPDX-License-Identifier: MIT */
/*
 * Time and timer events: the pvclock advances monotonically, the wall clock
 * is set; VIRQ_TIMER binds to a port and is delivered as an upcall (frame IF
 * from the mask, events masked in the handler) for set_timer_op,
 * VCPUOP_set_singleshot_timer and VCPUOP_set_periodic_timer; a stopped timer
 * stays quiet; SCHEDOP_block unmasks events and returns after the upcall;
 * SCHEDOP_poll wakes on a masked pending port.
 */
#include <rt/runtime.h>

const char test_title[] = "timer: pvclock, VIRQ_TIMER upcalls, set_timer_op, vcpu_op timers, poll";

static volatile uint64_t fired, fired_at, frame_mask, frame_if, mask_in_handler;

static void on_timer(uint32_t port, struct cpu_regs *r)
{
    (void)port;
    fired++;
    fired_at = pvclock_ns();
    frame_mask = regs_saved_mask(r);
    frame_if = r->rflags & X86_EFLAGS_IF;
    mask_in_handler = vcpu_info0()->evtchn_upcall_mask;
}

static uint32_t timer_port;

/* Wait for `count` upcalls or the deadline, sleeping in SCHEDOP_poll on the
 * timer port (which wakes on the port or the timeout); events stay masked
 * except for a moment to take pending upcalls. */
static bool wait_fired(uint64_t count, uint64_t max_ns)
{
    uint64_t end = pvclock_ns() + max_ns;
    struct sched_poll poll = {.nr_ports = 1, .timeout = end};
    xen_set_guest_handle(poll.ports, &timer_port);
    for (;;) {
        events_unmask(); /* a pending upcall is delivered here */
        events_mask();
        if (fired >= count || pvclock_ns() >= end)
            break;
        hypercall_sched_op(SCHEDOP_poll, &poll);
    }
    return fired >= count;
}

/* Busy-wait with events unmasked: Xen's periodic timer only runs while the
 * vCPU is scheduled (it is stopped when the vCPU blocks or polls). */
static bool spin_until_fired(uint64_t count, uint64_t max_ns)
{
    uint64_t end = pvclock_ns() + max_ns;
    events_unmask();
    while (fired < count && pvclock_ns() < end)
        cpu_relax();
    events_mask();
    return fired >= count;
}

/* The same with SCHEDOP_block, for when a timer is known to be armed. */
static bool block_until_fired(uint64_t count, uint64_t max_ns)
{
    uint64_t end = pvclock_ns() + max_ns;
    while (fired < count && pvclock_ns() < end) {
        hypercall_block(); /* unmasks events; the upcall runs before it returns */
        events_mask();
    }
    return fired >= count;
}

static void test_pvclock(void)
{
    const struct vcpu_time_info *t = &vcpu_info0()->time;
    CHECK(t->tsc_to_system_mul != 0);
    CHECK_EQ(t->version & 1, 0);
    uint64_t prev = pvclock_ns(), first = prev;
    for (int i = 0; i < 10000; i++) {
        uint64_t now = pvclock_ns();
        if (now < prev) {
            CHECK(0, "pvclock went back: %lu -> %lu", prev, now);
            break;
        }
        prev = now;
    }
    CHECK(prev > first, "pvclock does not advance");
    CHECK(first > 0 && first < 3600ul * 1000000000ul, "system time %lu ns", first);
    uint64_t sec;
    uint32_t nsec;
    wallclock(&sec, &nsec);
    printf("system time %lu ns, wall clock at boot %lu.%09u\n", first, sec, nsec);
    CHECK(sec > 1500000000ul && nsec < 1000000000u, "wall clock %lu.%u", sec, nsec);
}

void test_main(void)
{
    test_pvclock();

    long port = evtchn_bind_virq(VIRQ_TIMER);
    CHECK(port > 0, "bind_virq(VIRQ_TIMER) = %ld", port);
    if (port <= 0)
        return;
    printf("VIRQ_TIMER on port %ld\n", port);
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv), -XEN_EEXIST);
    bv.virq = NR_VIRQS;
    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv), -XEN_EINVAL);
    bv.virq = VIRQ_TIMER;
    bv.vcpu = 7;
    CHECK_EQ(hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv), -XEN_ENOENT);
    timer_port = (uint32_t)port;
    evtchn_set_handler((uint32_t)port, on_timer);
    CHECK_EQ(evtchn_unmask((uint32_t)port), 0);

    printf("the default periodic timer of a PV vCPU ticks (100 Hz, while running)\n");
    CHECK(spin_until_fired(1, 1000000000ul), "no VIRQ_TIMER within 1 s");
    CHECK_EQ(frame_mask, 0);
    CHECK_EQ(frame_if, X86_EFLAGS_IF);
    CHECK_EQ(mask_in_handler, 1);
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);

    printf("set_timer_op\n");
    fired = 0;
    uint64_t deadline = pvclock_ns() + 2000000;
    CHECK_EQ(hypercall_set_timer_op(deadline), 0);
    CHECK(block_until_fired(1, 1000000000ul), "set_timer_op did not fire");
    CHECK_EQ(vcpu_info0()->evtchn_upcall_mask, 1);
    CHECK(fired_at + 100000 >= deadline, "fired %lu ns early", deadline - fired_at);
    CHECK_EQ(fired, 1);

    printf("set_timer_op(0) cancels\n");
    fired = 0;
    CHECK_EQ(hypercall_set_timer_op(pvclock_ns() + 2000000), 0);
    CHECK_EQ(hypercall_set_timer_op(0), 0);
    CHECK(!wait_fired(1, 20000000ul), "cancelled timer fired");

    printf("VCPUOP_set_singleshot_timer\n");
    struct vcpu_set_singleshot_timer st = {.timeout_abs_ns = pvclock_ns() + 1000000};
    fired = 0;
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    CHECK(wait_fired(1, 1000000000ul), "singleshot timer did not fire");
    CHECK(fired_at + 100000 >= st.timeout_abs_ns, "fired early");
    /* A deadline in the past fires at once.  Xen 4.17 ignores
     * VCPU_SSHOTTMR_future (no -ETIME): it fires at once too. */
    fired = 0;
    st.timeout_abs_ns = pvclock_ns() - 1000000;
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    CHECK(wait_fired(1, 1000000000ul), "past singleshot timer did not fire");
    fired = 0;
    st.flags = VCPU_SSHOTTMR_future;
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    CHECK(wait_fired(1, 1000000000ul), "past singleshot timer (future flag) did not fire");
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)0x10), -XEN_EFAULT);
    /* Stopped: no event. */
    fired = 0;
    st.flags = 0;
    st.timeout_abs_ns = pvclock_ns() + 2000000;
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    CHECK(!wait_fired(1, 20000000ul), "stopped singleshot timer fired");
    /* Only this domain's vCPU 0 exists. */
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 5, &st), -XEN_ENOENT);

    printf("VCPUOP_set_periodic_timer\n");
    struct vcpu_set_periodic_timer pt = {.period_ns = 2000000};
    fired = 0;
    uint64_t t0 = pvclock_ns();
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), 0);
    CHECK(spin_until_fired(5, 2000000000ul), "periodic timer: %lu ticks", (uint64_t)fired);
    CHECK(pvclock_ns() - t0 >= 4 * 2000000ul - 500000, "5 ticks of 2 ms too fast");
    /* It does not run while the vCPU sleeps: a 30 ms poll is not woken by
     * 2 ms ticks (at most one catch-up tick when the vCPU runs again). */
    fired = 0;
    struct sched_poll sp = {.nr_ports = 1};
    xen_set_guest_handle(sp.ports, &timer_port);
    t0 = pvclock_ns();
    sp.timeout = t0 + 30000000ul;
    CHECK_EQ(hypercall_sched_op(SCHEDOP_poll, &sp), 0);
    CHECK(pvclock_ns() - t0 >= 29000000ul, "poll woken after %lu ns", pvclock_ns() - t0);
    events_unmask();
    events_mask();
    CHECK(fired <= 1, "%lu ticks while polling", (uint64_t)fired);
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    fired = 0;
    CHECK(!wait_fired(1, 20000000ul), "stopped periodic timer ticked");
    pt.period_ns = 1;
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), -XEN_EINVAL);

    printf("SCHEDOP_poll on the masked timer port\n");
    evtchn_mask((uint32_t)port);
    uint32_t p32 = (uint32_t)port;
    struct sched_poll poll = {.nr_ports = 1, .timeout = pvclock_ns() + 1000000000ul};
    xen_set_guest_handle(poll.ports, &p32);
    fired = 0;
    st.timeout_abs_ns = pvclock_ns() + 1000000;
    CHECK_EQ(hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    t0 = pvclock_ns();
    CHECK_EQ(hypercall_sched_op(SCHEDOP_poll, &poll), 0);
    CHECK(pvclock_ns() - t0 < 500000000ul, "poll did not wake on the port");
    CHECK(evtchn_is_pending((uint32_t)port));
    CHECK_EQ(fired, 0); /* masked port: no upcall */
    CHECK_EQ(evtchn_unmask((uint32_t)port), 0);
    CHECK(wait_fired(1, 100000000ul), "unmask did not deliver the pending event");

    CHECK_EQ(evtchn_close((uint32_t)port), 0);
    CHECK_EQ(evtchn_close((uint32_t)port), -XEN_EINVAL);
}
