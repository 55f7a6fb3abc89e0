/* SPDX-License-Identifier: MIT */
/* Event channels (2-level), the upcall dispatcher and the pvclock. */
#include <rt/runtime.h>

/* Every port of the 2-level ABI (64 x 64): a service domain binds one per guest ring. */
#define RT_MAX_PORTS 4096

static evtchn_handler_t handlers[RT_MAX_PORTS];
volatile uint64_t upcall_count;

void do_event_upcall(struct cpu_regs *regs);

void evtchn_set_handler(uint32_t port, evtchn_handler_t fn)
{
    if (port >= RT_MAX_PORTS)
        panic("evtchn_set_handler: port %u out of range", port);
    handlers[port] = fn;
}

long evtchn_bind_virq(uint32_t virq)
{
    struct evtchn_bind_virq b = {.virq = virq, .vcpu = 0};
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &b);
    return rc ? rc : (long)b.port;
}

long evtchn_close(uint32_t port)
{
    struct evtchn_close c = {.port = port};
    return hypercall_event_channel_op(EVTCHNOP_close, &c);
}

domid_t evtchn_self_domid(void)
{
    struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
    struct evtchn_status st = {.dom = DOMID_SELF};

    if (hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a))
        panic("EVTCHNOP_alloc_unbound to ourselves failed");
    st.port = a.port;
    if (hypercall_event_channel_op(EVTCHNOP_status, &st))
        panic("EVTCHNOP_status of port %u failed", a.port);
    evtchn_close(a.port);
    return st.u.unbound.dom;
}

long evtchn_unmask(uint32_t port)
{
    struct evtchn_unmask u = {.port = port};
    return hypercall_event_channel_op(EVTCHNOP_unmask, &u);
}

void evtchn_mask(uint32_t port)
{
    __asm__ volatile("lock btsq %1, %0"
                     : "+m"(shared_info.evtchn_mask[port / 64])
                     : "r"((uint64_t)(port % 64))
                     : "memory");
}

bool evtchn_is_pending(uint32_t port)
{
    return (shared_info.evtchn_pending[port / 64] >> (port % 64)) & 1;
}

void evtchn_clear_pending(uint32_t port)
{
    __atomic_fetch_and(&shared_info.evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

void events_mask(void)
{
    vcpu_info0()->evtchn_upcall_mask = 1;
    barrier();
}

void events_unmask(void)
{
    struct vcpu_info *v = vcpu_info0();
    barrier();
    v->evtchn_upcall_mask = 0;
    barrier();
    /* Any hypercall makes the hypervisor deliver a pending upcall on return. */
    if (v->evtchn_upcall_pending)
        hypercall_xen_version(XENVER_version, NULL);
}

void do_event_upcall(struct cpu_regs *regs)
{
    struct vcpu_info *v = vcpu_info0();

    upcall_count++;
    while (v->evtchn_upcall_pending) {
        v->evtchn_upcall_pending = 0;
        uint64_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned int w = __builtin_ctzll(sel);
            sel &= sel - 1;
            uint64_t bits;
            while ((bits = shared_info.evtchn_pending[w] & ~shared_info.evtchn_mask[w])) {
                unsigned int b = __builtin_ctzll(bits);
                uint32_t port = w * 64 + b;
                __asm__ volatile("lock btrq %1, %0"
                                 : "+m"(shared_info.evtchn_pending[w])
                                 : "r"((uint64_t)b)
                                 : "memory");
                if (port < RT_MAX_PORTS && handlers[port])
                    handlers[port](port, regs);
                else
                    printf("warning: unhandled event on port %u\n", port);
            }
        }
    }
}

uint64_t pvclock_ns(void)
{
    const volatile struct vcpu_time_info *t = &vcpu_info0()->time;
    uint32_t ver, mul;
    uint64_t tsc_ts, sys, tsc;
    int8_t shift;

    do {
        ver = t->version;
        barrier();
        tsc_ts = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = rdtsc();
        barrier();
    } while ((ver & 1) || ver != t->version);

    uint64_t delta = tsc - tsc_ts;
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return sys + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

void wallclock(uint64_t *sec, uint32_t *nsec)
{
    const volatile struct shared_info *s = &shared_info;
    uint32_t ver;
    do {
        ver = s->wc_version;
        barrier();
        *sec = s->wc_sec | ((uint64_t)s->wc_sec_hi << 32);
        *nsec = s->wc_nsec;
        barrier();
    } while ((ver & 1) || ver != s->wc_version);
}
