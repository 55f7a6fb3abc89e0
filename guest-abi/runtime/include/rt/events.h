/* SPDX-License-Identifier: MIT */
/* Event channels (2-level ABI), the event upcall, time (pvclock). */
#ifndef RT_EVENTS_H
#define RT_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/event_channel.h>
#include "traps.h"

/* The shared-info page, mapped at start of day from start_info->shared_info. */
extern struct shared_info shared_info;
static inline struct vcpu_info *vcpu_info0(void)
{
    return &shared_info.vcpu_info[0];
}

typedef void (*evtchn_handler_t)(uint32_t port, struct cpu_regs *regs);
/* Call fn for each upcall on port (ports < 64 in this runtime). */
void evtchn_set_handler(uint32_t port, evtchn_handler_t fn);
/* EVTCHNOP_bind_virq for vCPU 0; returns the port or -errno. */
long evtchn_bind_virq(uint32_t virq);
long evtchn_close(uint32_t port);
/* Our own domid.  A PV guest has no call that simply says it (Linux reads
 * it from xenstore); the remote end of an unbound port offered to
 * DOMID_SELF names it.  The port is closed again; panics if the calls fail. */
domid_t evtchn_self_domid(void);
/* Clear the port's mask bit (and let the hypervisor re-raise it if pending). */
long evtchn_unmask(uint32_t port);
void evtchn_mask(uint32_t port);
bool evtchn_is_pending(uint32_t port);
/* Clear the port's pending bit (the guest's side of consuming an event). */
void evtchn_clear_pending(uint32_t port);
/* Upcalls delivered so far. */
extern volatile uint64_t upcall_count;

/* The vCPU's upcall mask ("interrupts" off/on).  Unmasking delivers a
 * pending upcall at once (through a no-op hypercall, as Linux does). */
void events_mask(void);
void events_unmask(void);

/* System time in ns from vcpu_info[0].time. */
uint64_t pvclock_ns(void);
/* Wall clock at system time 0, from shared_info.wc_*. */
void wallclock(uint64_t *sec, uint32_t *nsec);

#endif /* RT_EVENTS_H */
