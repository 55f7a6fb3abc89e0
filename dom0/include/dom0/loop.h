/* SPDX-License-Identifier: MIT */
/*
 * dom0's event loop: one thread, run-to-completion handlers.
 *
 * Event-channel upcalls (through the guest runtime) only mark a port; the
 * loop calls the port's handler with events enabled. Timers are kept sorted
 * and the earliest is programmed with set_timer_op (VIRQ_TIMER). With nothing
 * to do the vCPU blocks (SCHEDOP_block), which re-enables event delivery
 * atomically, so no upcall is lost between the check and the block.
 */
#ifndef DOM0_LOOP_H
#define DOM0_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/event_channel.h>

/* The runtime dispatches ports below 64 only. */
#define LOOP_MAX_PORTS 64

typedef void (*loop_port_fn)(evtchn_port_t port, void *ctx);

/* Call fn(port, ctx) from the loop after each event on port, and unmask it.
 * -XEN_ENOSPC when the port is beyond what the runtime dispatches,
 * -XEN_EBUSY when it already has a handler. */
int loop_bind(evtchn_port_t port, loop_port_fn fn, void *ctx);
/* Forget the handler (the caller closes the port). */
void loop_unbind(evtchn_port_t port);

struct loop_timer {
    uint64_t deadline; /* system time, ns */
    void (*fn)(struct loop_timer *t);
    struct loop_timer *next;
    bool armed;
};
void loop_timer_init(struct loop_timer *t, void (*fn)(struct loop_timer *t));
/* (Re)arm for absolute system time deadline; a past deadline fires at once. */
void loop_timer_arm(struct loop_timer *t, uint64_t deadline);
void loop_timer_cancel(struct loop_timer *t);

static inline uint64_t loop_ms(uint64_t ms)
{
    return ms * 1000000ull;
}
uint64_t loop_now(void);

/* Bind VIRQ_TIMER and stop the periodic tick. Returns 0 or -errno. */
int loop_init(void);
/* Handle what is pending and due; block first when block is true and
 * nothing is. Used by loop_run() and by code that waits for an event. */
void loop_once(bool block);
void loop_run(void) __attribute__((noreturn));

#endif /* DOM0_LOOP_H */
