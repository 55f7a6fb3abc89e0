/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: __HYPERVISOR_vcpu_op(cmd, vcpuid, arg).
 */
#ifndef XENOLITH_XEN_VCPU_H
#define XENOLITH_XEN_VCPU_H

#include "xen.h"

#define VCPUOP_initialise 0 /* arg: struct vcpu_guest_context (secondary vCPUs) */
#define VCPUOP_up         1 /* start a vCPU that has a context */
#define VCPUOP_down       2 /* stop a vCPU (calling it on oneself halts) */
#define VCPUOP_is_up      3 /* returns 1 if running, 0 if down */

/* ---------------------------------------------------------------------------
 * Runstate accounting: time spent in each state since the vCPU was created.
 */
#define RUNSTATE_running  0 /* on a physical CPU */
#define RUNSTATE_runnable 1 /* ready, waiting for a CPU */
#define RUNSTATE_blocked  2 /* waiting for an event */
#define RUNSTATE_offline  3 /* down or paused */

/* Set in state_entry_time while an update is in progress
 * (VMASST_TYPE_runstate_update_flag). */
#define XEN_RUNSTATE_UPDATE (UINT64_C(1) << 63)

/* arg: struct vcpu_runstate_info (OUT). */
#define VCPUOP_get_runstate_info 4
struct vcpu_runstate_info {
    int32_t state; /* RUNSTATE_* */
    uint32_t _pad0;
    uint64_t state_entry_time; /* system time of entry into the current state */
    uint64_t time[4];          /* ns spent in each state */
};
XEN_ABI_SIZE(struct vcpu_runstate_info, 48);
XEN_ABI_OFFSET(struct vcpu_runstate_info, state, 0);
XEN_ABI_OFFSET(struct vcpu_runstate_info, state_entry_time, 8);
XEN_ABI_OFFSET(struct vcpu_runstate_info, time, 16);
XEN_DEFINE_GUEST_HANDLE(vcpu_runstate_info);

/* arg: struct vcpu_register_runstate_memory_area.  The address is a guest
 * VIRTUAL address, written through the guest's current page tables every
 * time the runstate changes; registering again replaces it; 0 turns it off. */
#define VCPUOP_register_runstate_memory_area 5
struct vcpu_register_runstate_memory_area {
    uint64_t addr; /* guest VA of a struct vcpu_runstate_info */
};
XEN_ABI_SIZE(struct vcpu_register_runstate_memory_area, 8);

/* arg: struct vcpu_set_periodic_timer: a VIRQ_TIMER every period_ns. */
#define VCPUOP_set_periodic_timer  6
#define VCPUOP_stop_periodic_timer 7 /* arg unused */
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};
XEN_ABI_SIZE(struct vcpu_set_periodic_timer, 8);

/* arg: struct vcpu_set_singleshot_timer: one VIRQ_TIMER at timeout_abs_ns
 * (system time).  A deadline in the past fires at once unless
 * VCPU_SSHOTTMR_future is set, in which case the call fails -XEN_ETIME. */
#define VCPUOP_set_singleshot_timer  8
#define VCPUOP_stop_singleshot_timer 9 /* arg unused */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags; /* VCPU_SSHOTTMR_* */
    uint32_t _pad0;
};
XEN_ABI_SIZE(struct vcpu_set_singleshot_timer, 16);
XEN_ABI_OFFSET(struct vcpu_set_singleshot_timer, flags, 8);
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1u << _VCPU_SSHOTTMR_future)

/* arg: struct vcpu_register_vcpu_info: move this vCPU's vcpu_info to
 * (mfn << 12) + offset.  It must not cross a page boundary.  Once only. */
#define VCPUOP_register_vcpu_info 10
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd; /* must be 0 */
};
XEN_ABI_SIZE(struct vcpu_register_vcpu_info, 16);
XEN_ABI_OFFSET(struct vcpu_register_vcpu_info, offset, 8);
XEN_ABI_OFFSET(struct vcpu_register_vcpu_info, rsvd, 12);

#define VCPUOP_send_nmi 11 /* arg unused */

/* arg: struct vcpu_get_physid (privileged). */
#define VCPUOP_get_physid 12
struct vcpu_get_physid {
    uint64_t phys_id; /* low 32 bits: APIC id, high 32 bits: ACPI id */
};
XEN_ABI_SIZE(struct vcpu_get_physid, 8);

/* arg: struct vcpu_register_time_memory_area: a guest VA that receives a copy
 * of vcpu_time_info on every update. */
#define VCPUOP_register_vcpu_time_memory_area 13
struct vcpu_register_time_memory_area {
    uint64_t addr; /* guest VA of a struct vcpu_time_info */
};
XEN_ABI_SIZE(struct vcpu_register_time_memory_area, 8);

/* Like 5 and 13, but by guest physical address (arg: the same struct). */
#define VCPUOP_register_runstate_phys_area  14
#define VCPUOP_register_vcpu_time_phys_area 15

#endif /* XENOLITH_XEN_VCPU_H */
