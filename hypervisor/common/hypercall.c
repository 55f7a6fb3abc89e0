/*
 * The hypercall table: one slot per Xen hypercall number, NULL where the
 * hypercall is not provided (the guest gets -ENOSYS, as from Xen).
 */
#include <hv/errno.h>
#include <hv/domain.h>
#include <hv/domctl.h>
#include <hv/grant_table.h>
#include <hv/hypercall.h>
#include <hv/time.h>
#include <xen/xen.h>

static hypercall_fn *const hypercall_table[] = {
    [__HYPERVISOR_set_trap_table] = do_set_trap_table,
    [__HYPERVISOR_set_gdt] = do_set_gdt,
    [__HYPERVISOR_set_debugreg] = do_set_debugreg,
    [__HYPERVISOR_get_debugreg] = do_get_debugreg,
    [__HYPERVISOR_update_descriptor] = do_update_descriptor,
    [__HYPERVISOR_physdev_op] = do_physdev_op,
    [__HYPERVISOR_mmu_update] = do_mmu_update,
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_multicall] = do_multicall,
    [__HYPERVISOR_update_va_mapping] = do_update_va_mapping,
    [__HYPERVISOR_mmuext_op] = do_mmuext_op,
    [__HYPERVISOR_stack_switch] = do_stack_switch,
    [__HYPERVISOR_set_callbacks] = do_set_callbacks,
    [__HYPERVISOR_fpu_taskswitch] = do_fpu_taskswitch,
    [__HYPERVISOR_set_timer_op] = do_set_timer_op,
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_vm_assist] = do_vm_assist,
    [__HYPERVISOR_iret] = do_iret,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
    [__HYPERVISOR_set_segment_base] = do_set_segment_base,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_callback_op] = do_callback_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op,
    [__HYPERVISOR_domctl] = do_domctl,
};

#define HYPERCALL_SLICE_NS 500000   /* 0.5 ms of work per entry, then continue */

uint64_t hypercall_cont_args[6];
static s_time_t slice_start;

/*
 * The work clock starts at the first preemption check rather than at entry:
 * a hypercall that never checks (most of them) never reads the clock.
 */
void hypercall_begin(void)
{
    slice_start = 0;
}

bool hypercall_preempt_check(void)
{
    struct vcpu *v = current_vcpu();

    if (v->in_multicall) {
        return false;
    }
    if (v->vcpu_info->evtchn_upcall_pending) {
        return true;
    }
    if (!slice_start) {
        slice_start = now();
        return false;
    }
    return now() - slice_start > HYPERCALL_SLICE_NS;
}

long hypercall_continue(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    hypercall_cont_args[0] = nr;
    hypercall_cont_args[1] = a1;
    hypercall_cont_args[2] = a2;
    hypercall_cont_args[3] = a3;
    hypercall_cont_args[4] = a4;
    hypercall_cont_args[5] = a5;
    return HYPERCALL_CONTINUATION;
}

long hypercall_dispatch(uint64_t nr, const uint64_t a[5])
{
    hypercall_fn *fn;

    if (nr >= sizeof(hypercall_table) / sizeof(hypercall_table[0])) {
        return -ENOSYS;
    }
    /* Clamp the index under speculation too: nr is guest-controlled. */
    __asm__("" : "+r"(nr));
    fn = hypercall_table[nr];
    return fn ? fn(a[0], a[1], a[2], a[3], a[4]) : -ENOSYS;
}
