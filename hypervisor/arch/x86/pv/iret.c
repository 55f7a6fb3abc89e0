/*
 * The iret hypercall: a PV kernel cannot use iretq to return to its user
 * mode or to restore its event mask, so it pushes an iret_context and asks
 * the hypervisor. Guests jump here (it never returns to the caller).
 */
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xen/xen.h>
#include <asm/pv.h>
#include <asm/x86.h>

long do_iret(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vcpu *v = current_vcpu();
    struct cpu_regs *regs = guest_cpu_regs();
    struct iret_context c;

    if (copy_from_guest(&c, regs->rsp, sizeof(c))) {
        domain_crash(v->domain, "iret: cannot read the iret frame");
        return 0;
    }
    if ((c.cs & 3) == 3 && v->arch.kernel_mode) {
        if (v->arch.guest_table_user == INVALID_MFN) {
            domain_crash(v->domain, "iret to user mode without a user page table");
            return 0;
        }
        pv_toggle_guest_mode(v);
    }
    regs->rip = c.rip;
    regs->cs = c.cs | 3;
    regs->rflags = (c.rflags & ~((3ull << 12) | (1ull << 17))) | X86_EFLAGS_IF;
    regs->rsp = c.rsp;
    regs->ss = c.ss | 3;
    if (c.flags & VGCF_in_syscall) {
        /* Return as sysret would: rcx and r11 hold rip and rflags. */
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    } else {
        regs->r11 = c.r11;
        regs->rcx = c.rcx;
    }
    /* The event mask follows the returned IF. */
    v->vcpu_info->evtchn_upcall_mask = !(c.rflags & X86_EFLAGS_IF);
    return (long)c.rax;     /* becomes the guest's rax */
}
