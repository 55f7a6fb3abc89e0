/* SPDX-License-Identifier: MIT */
/* dom0's event loop (dom0/loop.h). */
#include <rt/runtime.h>
#include <dom0/log.h>
#include <dom0/loop.h>

struct port_slot {
    loop_port_fn fn;
    void *ctx;
};

static struct port_slot slots[LOOP_MAX_PORTS];
static volatile uint64_t marked;  /* ports with an upcall not yet handled */
static struct loop_timer *timers; /* armed, earliest first */
static uint64_t programmed;       /* deadline given to set_timer_op, 0 = none */

/* Upcall context: events are masked here; only record the port. */
static void on_upcall(uint32_t port, struct cpu_regs *regs)
{
    (void)regs;
    if (port < LOOP_MAX_PORTS) {
        __atomic_fetch_or(&marked, 1ull << port, __ATOMIC_SEQ_CST);
    }
}

static void ignore(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
}

uint64_t loop_now(void)
{
    return pvclock_ns();
}

int loop_bind(evtchn_port_t port, loop_port_fn fn, void *ctx)
{
    if (port >= LOOP_MAX_PORTS) {
        return -XEN_ENOSPC;
    }
    if (slots[port].fn) {
        return -XEN_EBUSY;
    }
    slots[port].fn = fn;
    slots[port].ctx = ctx;
    evtchn_set_handler(port, on_upcall);
    long rc = evtchn_unmask(port);
    if (rc) {
        slots[port].fn = NULL;
        return (int)rc;
    }
    return 0;
}

void loop_unbind(evtchn_port_t port)
{
    if (port >= LOOP_MAX_PORTS) {
        return;
    }
    evtchn_set_handler(port, NULL);
    slots[port].fn = NULL;
    slots[port].ctx = NULL;
    __atomic_fetch_and(&marked, ~(1ull << port), __ATOMIC_SEQ_CST);
}

void loop_timer_init(struct loop_timer *t, void (*fn)(struct loop_timer *t))
{
    t->fn = fn;
    t->next = NULL;
    t->armed = false;
    t->deadline = 0;
}

void loop_timer_cancel(struct loop_timer *t)
{
    if (!t->armed) {
        return;
    }
    for (struct loop_timer **pp = &timers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->armed = false;
    t->next = NULL;
}

void loop_timer_arm(struct loop_timer *t, uint64_t deadline)
{
    loop_timer_cancel(t);
    t->deadline = deadline;
    struct loop_timer **pp = &timers;
    while (*pp && (*pp)->deadline <= deadline) {
        pp = &(*pp)->next;
    }
    t->next = *pp;
    *pp = t;
    t->armed = true;
}

static void run_timers(void)
{
    uint64_t now = loop_now();

    while (timers && timers->deadline <= now) {
        struct loop_timer *t = timers;
        timers = t->next;
        t->next = NULL;
        t->armed = false;
        t->fn(t);
    }
}

static void program_timer(void)
{
    uint64_t want = timers ? timers->deadline : 0;

    if (want == programmed) {
        return;
    }
    /* set_timer_op(0) cancels; a deadline in the past fires at once. */
    if (hypercall_set_timer_op(want) == 0) {
        programmed = want;
    }
}

void loop_once(bool block)
{
    events_mask();
    uint64_t ports = __atomic_exchange_n(&marked, 0, __ATOMIC_SEQ_CST);
    events_unmask();
    while (ports) {
        unsigned int p = (unsigned int)__builtin_ctzll(ports);
        ports &= ports - 1;
        if (slots[p].fn) {
            slots[p].fn(p, slots[p].ctx);
        }
    }
    run_timers();

    events_mask();
    if (block && !marked && !(timers && timers->deadline <= loop_now())) {
        program_timer();
        /* The timer VIRQ that fired consumed the programmed deadline. */
        programmed = 0;
        hypercall_block(); /* unmasks events; a pending upcall runs on return */
    } else {
        events_unmask();
    }
}

void loop_run(void)
{
    for (;;) {
        loop_once(true);
    }
}

int loop_init(void)
{
    long rc = hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    if (rc) {
        log_warn("stopping the periodic timer: %ld\n", rc);
    }
    long port = evtchn_bind_virq(VIRQ_TIMER);
    if (port < 0) {
        return (int)port;
    }
    return loop_bind((evtchn_port_t)port, ignore, NULL);
}
