/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: __HYPERVISOR_sched_op(cmd, arg).
 */
#ifndef XENOLITH_XEN_SCHED_H
#define XENOLITH_XEN_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield           0 /* give up the CPU; arg unused */
#define SCHEDOP_block           1 /* unmask events and sleep until one is pending */
#define SCHEDOP_shutdown        2 /* arg: struct sched_shutdown */
#define SCHEDOP_poll            3 /* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown 4 /* arg: struct sched_remote_shutdown (privileged) */
#define SCHEDOP_shutdown_code   5 /* arg: struct sched_shutdown: record a reason only */
#define SCHEDOP_watchdog        6 /* arg: struct sched_watchdog */
#define SCHEDOP_pin_override    7 /* arg: struct sched_pin_override (dom0) */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2 /* rdx holds the start_info MFN */
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX        5

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};
XEN_ABI_SIZE(struct sched_shutdown, 4);

/* Sleep until one of the ports is pending or the timeout (absolute system
 * time in ns, 0 = none) passes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port) ports;
    uint32_t nr_ports;
    uint32_t _pad0;
    uint64_t timeout;
};
XEN_ABI_SIZE(struct sched_poll, 24);
XEN_ABI_OFFSET(struct sched_poll, nr_ports, 8);
XEN_ABI_OFFSET(struct sched_poll, timeout, 16);

struct sched_remote_shutdown {
    domid_t domain_id;
    uint16_t _pad0;
    uint32_t reason;
};
XEN_ABI_SIZE(struct sched_remote_shutdown, 8);
XEN_ABI_OFFSET(struct sched_remote_shutdown, reason, 4);

/* id 0 creates a watchdog (returns its id); timeout 0 destroys it. */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout; /* seconds */
};
XEN_ABI_SIZE(struct sched_watchdog, 8);

struct sched_pin_override {
    int32_t pcpu; /* < 0: end the override */
};
XEN_ABI_SIZE(struct sched_pin_override, 4);

#endif /* XENOLITH_XEN_SCHED_H */
