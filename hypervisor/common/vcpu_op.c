/*
 * vcpu_op and set_timer_op: per-vCPU timers (one-shot and periodic, both
 * raising VIRQ_TIMER), moving vcpu_info out of shared_info, and the runstate
 * area guests use for steal-time accounting.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <xen/vcpu.h>
#include <xen/xen.h>

static void singleshot_fired(struct timer *t, void *data)
{
    evtchn_send_virq(data, VIRQ_TIMER);
}

/* Send a tick if a period has passed since the last one, and arm the next. */
static void periodic_work(struct vcpu *v)
{
    s_time_t t = now(), next = v->periodic_last + v->periodic_period;

    if (!v->periodic_period) {
        return;
    }
    if (t >= next) {
        evtchn_send_virq(v, VIRQ_TIMER);
        v->periodic_last = t;
        next = t + v->periodic_period;
    }
    timer_set(arch_timer_queue(), &v->periodic_timer, next);
}

static void periodic_fired(struct timer *t, void *data)
{
    periodic_work(data);
}

void vcpu_timers_init(struct vcpu *v)
{
    timer_init(&v->singleshot_timer, singleshot_fired, v);
    timer_init(&v->periodic_timer, periodic_fired, v);
    timer_init(&v->poll_timer, vcpu_poll_timeout, v);
    v->vcpu_info_mfn = INVALID_MFN;
    v->runstate.state = RUNSTATE_running;
    v->runstate.entry = now();
    /* As on Xen, a PV vCPU ticks every 10 ms until it stops the periodic timer. */
    v->periodic_period = MILLISECS(10);
    v->periodic_last = now();
}

void vcpu_timers_start(struct vcpu *v)
{
    periodic_work(v);
}

void vcpu_timers_stop(struct vcpu *v)
{
    timer_stop(arch_timer_queue(), &v->periodic_timer);
}

static void write_runstate(struct vcpu *v)
{
    struct vcpu_runstate_info ri;

    if (!v->runstate_va) {
        return;
    }
    ri.state = v->runstate.state;
    ri._pad0 = 0;
    ri.state_entry_time = (uint64_t)v->runstate.entry;
    memcpy(ri.time, v->runstate.time, sizeof(ri.time));
    /* A stale or unmapped area is the guest's problem: Xen ignores the failure too. */
    (void)copy_to_guest(v->runstate_va, &ri, sizeof(ri));
}

void vcpu_runstate_change(struct vcpu *v, int state)
{
    s_time_t t = now();

    v->runstate.time[v->runstate.state & 3] += (uint64_t)(t - v->runstate.entry);
    v->runstate.state = state;
    v->runstate.entry = t;
    write_runstate(v);
}

/* Xen's rule for timeouts: long ago or far ahead (wrapped) fire in 100 ms. */
static s_time_t sane_deadline(s_time_t timeout)
{
    s_time_t offset = timeout - now();

    if (timeout < 0 || (offset > 0 && (offset >> 50) != 0)) {
        return now() + MILLISECS(100);
    }
    return timeout;
}

long do_set_timer_op(uint64_t timeout, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();

    if (timeout == 0) {
        timer_stop(arch_timer_queue(), &v->singleshot_timer);
        return 0;
    }
    return timer_set(arch_timer_queue(), &v->singleshot_timer, sane_deadline((s_time_t)timeout));
}

static long register_vcpu_info(struct vcpu *v, const struct vcpu_register_vcpu_info *r)
{
    struct domain *d = v->domain;
    struct vcpu_info *new;
    int rc;

    if (r->offset > PAGE_SIZE - sizeof(struct vcpu_info) || r->rsvd) {
        return -EINVAL;
    }
    if (v->vcpu_info_mfn != INVALID_MFN) {
        return -EINVAL;     /* once per vCPU */
    }
    rc = arch_get_writable_frame(d, r->mfn);
    if (rc) {
        return rc;
    }
    new = (struct vcpu_info *)((uint8_t *)mfn_to_virt(r->mfn) + r->offset);
    memcpy(new, v->vcpu_info, sizeof(*new));
    /* Everything might be pending: make the guest look at every word once. */
    new->evtchn_upcall_pending = 1;
    new->evtchn_pending_sel = ~0ull;
    v->vcpu_info = new;
    v->vcpu_info_mfn = r->mfn;
    return 0;
}

long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg, uint64_t a4, uint64_t a5)
{
    struct vcpu *self = current_vcpu(), *v;
    struct domain *d = self->domain;

    if (vcpuid >= MAX_VCPUS || !(v = d->vcpus[vcpuid])) {
        return -ENOENT;
    }
    switch (cmd) {
    case VCPUOP_is_up:
        return 1;   /* every vCPU that exists runs (no hotplug yet) */
    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info ri = { .state = v->runstate.state,
                                         .state_entry_time = (uint64_t)v->runstate.entry };
        memcpy(ri.time, v->runstate.time, sizeof(ri.time));
        return copy_to_guest(arg, &ri, sizeof(ri));
    }
    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area r;
        if (copy_from_guest(&r, arg, sizeof(r))) {
            return -EFAULT;
        }
        if (r.addr && !guest_range_ok(r.addr, sizeof(struct vcpu_runstate_info))) {
            return -EINVAL;
        }
        v->runstate_va = r.addr;
        write_runstate(v);
        return 0;
    }
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info r;
        if (copy_from_guest(&r, arg, sizeof(r))) {
            return -EFAULT;
        }
        return register_vcpu_info(v, &r);
    }
    default:
        break;
    }
    /* Timers are set on the calling vCPU only. */
    if (v != self) {
        return -EINVAL;
    }
    switch (cmd) {
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer p;
        if (copy_from_guest(&p, arg, sizeof(p))) {
            return -EFAULT;
        }
        if (p.period_ns < (uint64_t)MILLISECS(1) || p.period_ns > (1ull << 62)) {
            return -EINVAL;
        }
        v->periodic_period = (s_time_t)p.period_ns;
        v->periodic_last = now();
        return timer_set(arch_timer_queue(), &v->periodic_timer, now() + v->periodic_period);
    }
    case VCPUOP_stop_periodic_timer:
        v->periodic_period = 0;
        timer_stop(arch_timer_queue(), &v->periodic_timer);
        return 0;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer s;
        if (copy_from_guest(&s, arg, sizeof(s))) {
            return -EFAULT;
        }
        /* Xen 4.17 ignores VCPU_SSHOTTMR_future: a past deadline fires at once. */
        return timer_set(arch_timer_queue(), &v->singleshot_timer,
                         sane_deadline((s_time_t)s.timeout_abs_ns));
    }
    case VCPUOP_stop_singleshot_timer:
        timer_stop(arch_timer_queue(), &v->singleshot_timer);
        return 0;
    default:
        return -ENOSYS;
    }
}
