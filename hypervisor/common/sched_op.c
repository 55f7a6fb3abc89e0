/*
 * sched_op: yield, block, shutdown. With one vCPU per machine so far,
 * yielding returns at once and blocking waits for an event in the idle loop
 * (the scheduler of issue 5 replaces both with real scheduling).
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/xen.h>

static bool event_pending(const struct vcpu *v)
{
    return __atomic_load_n(&v->vcpu_info->evtchn_upcall_pending, __ATOMIC_ACQUIRE) != 0;
}

/* Block until an event is pending; blocking unmasks events, as the ABI says. */
static long vcpu_block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0;
    if (event_pending(v)) {
        return 0;
    }
    vcpu_timers_stop(v);
    vcpu_runstate_change(v, RUNSTATE_blocked);
    while (!event_pending(v) && v->domain->state == DOMAIN_RUNNING) {
        arch_idle();
    }
    vcpu_runstate_change(v, RUNSTATE_running);
    vcpu_timers_start(v);
    return 0;
}

static void poll_timeout(struct timer *t, void *data)
{
    *(bool *)data = true;
}

#define POLL_MAX_PORTS 128

/*
 * Wait until one of the ports is pending or the timeout (absolute system
 * time, 0 = none) passes. Unlike block, the event mask is left alone.
 */
static long vcpu_poll(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    evtchn_port_t ports[POLL_MAX_PORTS];
    struct sched_poll sp;
    struct timer t;
    bool expired = false;

    if (copy_from_guest(&sp, arg, sizeof(sp))) {
        return -EFAULT;
    }
    if (sp.nr_ports > POLL_MAX_PORTS) {
        return -EINVAL;
    }
    if (copy_from_guest(ports, sp.ports.p, sp.nr_ports * sizeof(ports[0]))) {
        return -EFAULT;
    }
    for (unsigned int i = 0; i < sp.nr_ports; i++) {
        if (ports[i] >= d->max_evtchns) {
            return -EINVAL;
        }
    }
    timer_init(&t, poll_timeout, &expired);
    if (sp.timeout) {
        timer_set(arch_timer_queue(), &t, (s_time_t)sp.timeout);
    }
    vcpu_timers_stop(v);
    vcpu_runstate_change(v, RUNSTATE_blocked);
    for (;;) {
        bool pending = false;
        for (unsigned int i = 0; i < sp.nr_ports && !pending; i++) {
            pending = evtchn_is_pending(d, ports[i]);
        }
        if (pending || expired || d->state != DOMAIN_RUNNING || sp.nr_ports == 0) {
            break;
        }
        arch_idle();
    }
    timer_stop(arch_timer_queue(), &t);
    vcpu_runstate_change(v, RUNSTATE_running);
    vcpu_timers_start(v);
    return 0;
}

long do_sched_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();
    struct sched_shutdown sd;

    switch (cmd) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_block:
        return vcpu_block(v);
    case SCHEDOP_poll:
        return vcpu_poll(v, arg);
    case SCHEDOP_shutdown:
        if (copy_from_guest(&sd, arg, sizeof(sd))) {
            return -EFAULT;
        }
        domain_shutdown(v->domain, sd.reason & 0xff);
        return 0;
    case SCHEDOP_shutdown_code:
        if (copy_from_guest(&sd, arg, sizeof(sd))) {
            return -EFAULT;
        }
        if (v->domain->shutdown_code < 0) {
            v->domain->shutdown_code = (int)(sd.reason & 0xff);  /* the first one counts */
        }
        return 0;
    default:
        return -ENOSYS;
    }
}

long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t a3, uint64_t a4, uint64_t a5)
{
    /* The assists a 64-bit PV guest may turn on (Xen's set for PV64). */
    const uint64_t valid = (1ull << VMASST_TYPE_4gb_segments) |
                           (1ull << VMASST_TYPE_4gb_segments_notify) |
                           (1ull << VMASST_TYPE_writable_pagetables) |
                           (1ull << VMASST_TYPE_pae_extended_cr3) |
                           (1ull << VMASST_TYPE_architectural_iopl) |
                           (1ull << VMASST_TYPE_runstate_update_flag) |
                           (1ull << VMASST_TYPE_m2p_strict);
    struct domain *d = current_vcpu()->domain;

    if (type >= 64 || !(valid & (1ull << type))) {
        return -EINVAL;
    }
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1ull << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1ull << type);
        return 0;
    default:
        return -ENOSYS;
    }
}
