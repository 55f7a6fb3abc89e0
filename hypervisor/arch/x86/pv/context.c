/*
 * Hypercalls that set a PV vCPU's CPU context: the trap table, callbacks,
 * the kernel stack for ring transitions, FPU task switching and segment
 * bases. Each validates what it copied in before it changes anything.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <xen/callback.h>
#include <xen/xen.h>
#include <asm/pv.h>
#include <asm/x86.h>

/*
 * set_trap_table: entries up to one with address 0 replace those vectors;
 * the others stay (the table is incremental). NULL clears the whole table.
 */
long do_set_trap_table(uint64_t list, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();

    if (list == 0) {
        memset(v->arch.traps, 0, sizeof(v->arch.traps));
        return 0;
    }
    for (unsigned int i = 0; i < 256; i++) {
        struct trap_info ti;

        if (copy_from_guest(&ti, list + i * sizeof(ti), sizeof(ti))) {
            return -EFAULT;
        }
        if (ti.address == 0) {
            return 0;
        }
        if (!is_canonical(ti.address)) {
            return -EINVAL;
        }
        v->arch.traps[ti.vector] = (struct pv_trap){ ti.address, (uint16_t)(ti.cs | 3),
                                                     ti.flags };
    }
    return 0;
}

static long register_callback(struct vcpu *v, const struct callback_register *r)
{
    struct pv_callback cb = { r->address, (r->flags & CALLBACKF_mask_events) != 0 };

    if (!is_canonical(r->address)) {
        return -EINVAL;
    }
    switch (r->type) {
    case CALLBACKTYPE_event:
        v->arch.event_cb = cb;
        return 0;
    case CALLBACKTYPE_failsafe:
        v->arch.failsafe_cb = cb;
        return 0;
    case CALLBACKTYPE_syscall:
        v->arch.syscall_cb = cb;
        return 0;
    case CALLBACKTYPE_syscall32:
    case CALLBACKTYPE_sysenter:
        /* No 32-bit user mode here: accepted and never used, as guests expect. */
        return 0;
    case CALLBACKTYPE_nmi:
        v->arch.nmi_cb = cb;
        return 0;
    default:
        return -ENOSYS;
    }
}

long do_callback_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();

    switch (cmd) {
    case CALLBACKOP_register: {
        struct callback_register r;
        if (copy_from_guest(&r, arg, sizeof(r))) {
            return -EFAULT;
        }
        return register_callback(v, &r);
    }
    case CALLBACKOP_unregister: {
        struct callback_unregister u;
        if (copy_from_guest(&u, arg, sizeof(u))) {
            return -EFAULT;
        }
        switch (u.type) {
        case CALLBACKTYPE_nmi:
            v->arch.nmi_cb = (struct pv_callback){ 0, false };
            return 0;
        case CALLBACKTYPE_event:
        case CALLBACKTYPE_failsafe:
        case CALLBACKTYPE_syscall:
        case CALLBACKTYPE_syscall32:
        case CALLBACKTYPE_sysenter:
            return -EINVAL;     /* these cannot be taken away once set */
        default:
            return -ENOSYS;
        }
    }
    default:
        return -ENOSYS;
    }
}

/*
 * The legacy form: event, failsafe and syscall entry points at once. As on
 * Xen, it always returns 0; an address that is not canonical leaves that
 * callback as it was.
 */
long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall, uint64_t a4,
                      uint64_t a5)
{
    struct vcpu *v = current_vcpu();
    const struct callback_register regs[3] = {
        { .type = CALLBACKTYPE_event, .address = event },
        { .type = CALLBACKTYPE_failsafe, .flags = CALLBACKF_mask_events, .address = failsafe },
        { .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events, .address = syscall },
    };

    for (unsigned int i = 0; i < 3; i++) {
        (void)register_callback(v, &regs[i]);
    }
    return 0;
}

long do_stack_switch(uint64_t ss, uint64_t sp, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();

    v->arch.kernel_ss = (ss & 0xffff) | 3;   /* a PV kernel's stack is ring 3 */
    v->arch.kernel_sp = sp;
    return 0;
}

long do_fpu_taskswitch(uint64_t set, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();

    v->arch.fpu_dirty_ts = set != 0;
    write_cr0(set ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
    return 0;
}

long do_set_segment_base(uint64_t which, uint64_t base, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();

    switch (which) {
    case SEGBASE_FS:
        if (!is_canonical(base)) {
            return -EINVAL;
        }
        v->arch.fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS_USER:
        if (!is_canonical(base)) {
            return -EINVAL;
        }
        v->arch.gs_base_user = base;
        wrmsr(v->arch.kernel_mode ? MSR_KERNEL_GS_BASE : MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_KERNEL:
        if (!is_canonical(base)) {
            return -EINVAL;
        }
        v->arch.gs_base_kernel = base;
        wrmsr(v->arch.kernel_mode ? MSR_GS_BASE : MSR_KERNEL_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL:
        /* Only the flat selectors and null for now: a GDT-based check comes with set_gdt. */
        if ((base & 0xffff) != 0 && (base & 0xffff) != FLAT_RING3_DS32) {
            return -EINVAL;
        }
        v->arch.gs_sel_user = (uint16_t)base;
        v->arch.gs_base_user = 0;
        wrmsr(v->arch.kernel_mode ? MSR_KERNEL_GS_BASE : MSR_GS_BASE, 0);
        return 0;
    default:
        return -EINVAL;
    }
}
