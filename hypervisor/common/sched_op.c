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

/*
 * Block until an event is pending; blocking unmasks events, as the ABI says.
 * The vCPU is only marked: the exit path runs something else meanwhile, and
 * the hypercall returns 0 when the vCPU runs again.
 */
static long vcpu_block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!event_pending(v)) {
        vcpu_set_blocked(v);
    }
    return 0;
}

void vcpu_poll_timeout(struct timer *t, void *data)
{
    struct vcpu *v = data;

    v->poll_port = -2;
    vcpu_wake(v);
}

#define POLL_MAX_PORTS 128

/*
 * Sleep until one of the ports is pending or the timeout (absolute system
 * time, 0 = none) passes. Unlike block, the event mask is left alone. Any
 * event that reaches the vCPU also ends the poll, as on Xen.
 */
static long vcpu_poll(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    evtchn_port_t ports[POLL_MAX_PORTS];
    struct sched_poll sp;

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
        if (evtchn_is_pending(d, ports[i])) {
            return 0;
        }
    }
    if (sp.nr_ports == 0 || (sp.timeout && (s_time_t)sp.timeout <= now())) {
        return 0;
    }
    v->poll_port = sp.nr_ports == 1 ? (int)ports[0] : -1;
    if (sp.timeout) {
        timer_set(arch_timer_queue(), &v->poll_timer, (s_time_t)sp.timeout);
    }
    vcpu_set_blocked(v);
    return 0;
}

long do_sched_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();
    struct sched_shutdown sd;

    switch (cmd) {
    case SCHEDOP_yield:
        vcpu_yield(v);
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

/* The assists a 64-bit PV guest may turn on (Xen's set for PV64). */
uint64_t vm_assist_valid(void)
{
    return (1ull << VMASST_TYPE_4gb_segments) |
           (1ull << VMASST_TYPE_4gb_segments_notify) |
           (1ull << VMASST_TYPE_writable_pagetables) |
           (1ull << VMASST_TYPE_pae_extended_cr3) |
           (1ull << VMASST_TYPE_architectural_iopl) |
           (1ull << VMASST_TYPE_runstate_update_flag) |
           (1ull << VMASST_TYPE_m2p_strict);
}

long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t a3, uint64_t a4, uint64_t a5)
{
    const uint64_t valid = vm_assist_valid();
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
