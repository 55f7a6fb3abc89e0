/*
 * Hypercall dispatch. Every handler takes the five argument registers as
 * unsigned 64-bit values (rdi, rsi, rdx, r10, r8) and returns 0, a positive
 * count, or a negative Xen errno value. One family per file.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/types.h>

typedef long hypercall_fn(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);

/* Look up and call hypercall nr. Unknown numbers return -ENOSYS. */
long hypercall_dispatch(uint64_t nr, const uint64_t args[5]);

/*
 * Continuations. A handler with more work than one call may do stops, calls
 * hypercall_continue() with the arguments the rest of the work needs, and
 * returns its value. The guest's syscall is then re-executed with those
 * arguments (after any pending event is delivered), so the guest never sees a
 * partial result. Inside a multicall, entries are not preempted; the multicall
 * itself is, between entries.
 */
#define HYPERCALL_CONTINUATION (-4096 - 1)   /* never a guest-visible value */
long hypercall_continue(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5);
/* Has this call run long enough to stop? (Time slice, or an event for the vCPU.) */
bool hypercall_preempt_check(void);
/* Called at hypercall entry: starts the time slice. */
void hypercall_begin(void);
/* The arguments a continuation asked for (read by the architecture's entry code). */
extern uint64_t hypercall_cont_args[6];

/* The MMU batches mark a resumed call in their count, as Xen does. */
#define MMU_UPDATE_PREEMPTED 0x80000000u

/* Portable families (common/). */
hypercall_fn do_console_io, do_xen_version, do_sched_op, do_set_timer_op, do_vcpu_op,
    do_event_channel_op, do_vm_assist;
/* The VMASST_TYPE_* bits a 64-bit PV guest may enable. */
uint64_t vm_assist_valid(void);
/* Architecture families (arch/x86/pv/). */
hypercall_fn do_set_trap_table, do_set_callbacks, do_callback_op, do_stack_switch,
    do_fpu_taskswitch, do_set_segment_base, do_iret, do_set_debugreg, do_get_debugreg,
    do_update_descriptor, do_set_gdt, do_update_va_mapping, do_mmuext_op, do_mmu_update,
    do_memory_op, do_multicall, do_physdev_op;

#endif /* HV_HYPERCALL_H */
