/*
 * Exceptions and events for PV guests.
 *
 * Delivery to the guest is a "bounce": on the way back to ring 3 a frame is
 * written on the guest kernel's stack and the guest resumes at its handler,
 * in kernel mode. The frame is Xen's, from the lowest address up:
 *
 *   rcx, r11, [error code], rip, cs | saved_upcall_mask << 32, rflags, rsp, ss
 *
 * with rflags.IF standing for "events were unmasked" (the real IF of a guest
 * is always set), and the RPL of cs cleared when kernel mode was interrupted,
 * because a PV kernel runs in ring 3 and tells kernel from user frames by RPL.
 */
#include <hv/domain.h>
#include <hv/sched.h>
#include <hv/guest_access.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <xen/xen.h>
#include <asm/flushtlb.h>
#include <asm/pv.h>
#include <asm/traps.h>
#include <asm/x86.h>

#define EFLAGS_TF (1ull << 8)
#define EFLAGS_IOPL (3ull << 12)
#define EFLAGS_NT (1ull << 14)
#define EFLAGS_RF (1ull << 16)
#define EFLAGS_VM (1ull << 17)
#define EFLAGS_AC (1ull << 18)
#define EFLAGS_MBS (1ull << 1)

static bool has_error_code(unsigned int vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

void pv_toggle_guest_mode(struct vcpu *v)
{
    v->arch.kernel_mode = !v->arch.kernel_mode;
    /* The active GS base follows the mode: the other one is the guest's "shadow". */
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel : v->arch.gs_base_user);
    wrmsr(MSR_KERNEL_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_user
                                                  : v->arch.gs_base_kernel);
    if (v->arch.kernel_mode) {
        tlb_load_cr3(v->arch.guest_table << PAGE_SHIFT);
    } else if (v->arch.guest_table_user != INVALID_MFN) {
        tlb_load_cr3(v->arch.guest_table_user << PAGE_SHIFT);
    }
}

void pv_inject_exception(struct vcpu *v, unsigned int vector, bool has_error, uint32_t error)
{
    const struct pv_trap *t = &v->arch.traps[vector & 0xff];

    if (!t->address) {
        char why[64];
        fmt_snprintf(why, sizeof(why), "exception %u with no handler in its trap table",
                     vector);
        domain_crash(v->domain, why);
        return;
    }
    v->arch.bounce = (struct pv_bounce){
        .pending = true,
        .has_error_code = has_error,
        .error_code = error,
        .target = t->address,
        .mask_events = (t->flags & 4) != 0,
    };
}

/* Write the bounce frame and point the guest at the handler. */
static void create_bounce_frame(struct vcpu *v, struct cpu_regs *regs, const struct pv_bounce *b)
{
    struct vcpu_info *vi = v->vcpu_info;
    uint64_t frame[8], rsp, cs = regs->cs, saved_mask = vi->evtchn_upcall_mask;
    unsigned int n = 0;

    if (v->arch.kernel_mode) {
        rsp = regs->rsp;
        cs &= ~3ull;            /* tells the guest it interrupted kernel mode */
    } else {
        pv_toggle_guest_mode(v);
        rsp = v->arch.kernel_sp;
    }
    rsp &= ~0xfull;
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if (b->has_error_code) {
        frame[n++] = b->error_code;
    }
    frame[n++] = regs->rip;
    frame[n++] = (cs & 0xffff) | (saved_mask << 32);
    frame[n++] = (regs->rflags & ~(X86_EFLAGS_IF | EFLAGS_IOPL)) |
                 (saved_mask ? 0 : X86_EFLAGS_IF);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    rsp -= n * sizeof(uint64_t);
    if (copy_to_guest(rsp, frame, n * sizeof(uint64_t))) {
        domain_crash(v->domain, "cannot write an exception frame on the guest kernel stack");
        return;
    }
    if (b->mask_events) {
        vi->evtchn_upcall_mask = 1;
    }
    regs->rsp = rsp;
    regs->rip = b->target;
    regs->cs = PV_KERNEL_CS;
    regs->ss = PV_KERNEL_SS;
    regs->rflags &= ~(EFLAGS_TF | EFLAGS_NT | EFLAGS_AC | EFLAGS_VM | EFLAGS_RF);
    regs->rflags |= X86_EFLAGS_IF | EFLAGS_MBS;
    /*
     * The handler finds the interrupted rcx and r11 in the frame; the
     * registers themselves are undefined at a Xen entry point, so make them
     * what sysretq needs and keep the fast return.
     */
    regs->rcx = regs->rip;
    regs->r11 = regs->rflags;
}

void pv_bounce_syscall(struct vcpu *v, struct cpu_regs *regs)
{
    if (!v->arch.syscall_cb.address) {
        /* No syscall callback registered: the instruction is invalid here. */
        pv_inject_exception(v, 6, false, 0);
        return;
    }
    v->arch.bounce = (struct pv_bounce){
        .pending = true,
        .target = v->arch.syscall_cb.address,
        .mask_events = v->arch.syscall_cb.mask_events,
    };
}

/* int $n from the guest arrives as #GP(n << 3 | 2): allowed if the gate's DPL lets it. */
static bool soft_interrupt(struct vcpu *v, struct cpu_regs *regs)
{
    unsigned int vector = (unsigned int)(regs->error_code >> 3) & 0xff;
    const struct pv_trap *t = &v->arch.traps[vector];
    unsigned int cpl = v->arch.kernel_mode ? 1 : 3;

    if ((regs->error_code & 7) != 2 || !t->address || (t->flags & 3) < cpl) {
        return false;
    }
    regs->rip += 2;     /* past "int $n" */
    v->arch.bounce = (struct pv_bounce){
        .pending = true,
        .target = t->address,
        .mask_events = (t->flags & 4) != 0,
    };
    return true;
}

void pv_trap(struct cpu_regs *regs)
{
    struct vcpu *v = this_cpu()->curr;
    unsigned int vector = (unsigned int)regs->vector;
    uint32_t ec = (uint32_t)regs->error_code;

    switch (vector) {
    case 6:
        if (pv_emulate_forced(v, regs)) {
            return;
        }
        break;
    case 13:
        if (ec == 0 && pv_emulate_privileged(v, regs)) {
            return;
        }
        if (soft_interrupt(v, regs)) {
            return;
        }
        break;
    case 14: {
        uint64_t cr2 = read_cr2();
        /* A write to a present, read-only page: maybe one of the guest's page tables. */
        if ((ec & 3) == 3 && pv_ptwr_emulate(v, regs, cr2)) {
            return;
        }
        /* The guest kernel runs in ring 3: report the mode it believes it is in. */
        ec = v->arch.kernel_mode ? ec & ~4u : ec | 4u;
        v->vcpu_info->arch.cr2 = cr2;
        break;
    }
    case 1:
        v->arch.dr[6] |= pv_take_dr6();     /* the guest reads why through DR6 */
        break;
    case 7:
        /* fpu_taskswitch(1) set TS: the first FPU use is the guest's #NM. */
        write_cr0(read_cr0() & ~X86_CR0_TS);
        v->arch.fpu_dirty_ts = false;
        break;
    case 2:
    case 8:
    case 18:
        fatal_trap(regs);
    default:
        if (vector >= 32) {
            domain_crash(v->domain, "unexpected interrupt vector from the guest");
            return;
        }
        break;
    }
    pv_inject_exception(v, vector, has_error_code(vector), ec);
}

/*
 * Whether sysretq lands the guest exactly where iretq would: it takes rip
 * from rcx and rflags from r11 (clearing RF), loads the fixed flat ring-3
 * selectors, and must not see a non-canonical rip (on Intel it would fault
 * in ring 0 on the guest's stack).
 */
static bool sysret_equivalent(const struct cpu_regs *regs)
{
    return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
           regs->cs == FLAT_RING3_CS64 && regs->ss == FLAT_RING3_SS64 &&
           !(regs->rflags & (EFLAGS_RF | EFLAGS_VM)) &&
           is_canonical(regs->rip);
}

bool pv_exit_to_guest(struct cpu_regs *regs)
{
    struct vcpu *v;
    struct vcpu_info *vi;

again:
    pv_schedule(regs);
    v = this_cpu()->curr;
    vi = v->vcpu_info;
    if (v->arch.bounce.pending) {
        struct pv_bounce b = v->arch.bounce;
        v->arch.bounce.pending = false;
        create_bounce_frame(v, regs, &b);
    } else if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask &&
               v->arch.event_cb.address) {
        struct pv_bounce b = { .pending = true, .target = v->arch.event_cb.address,
                               .mask_events = true };
        create_bounce_frame(v, regs, &b);
    }
    if (!vcpu_runnable(v)) {
        goto again;     /* writing the frame crashed the domain */
    }
    regs->rflags |= X86_EFLAGS_IF;  /* a guest never runs with interrupts off */
    regs->rflags &= ~EFLAGS_IOPL;
    regs->cs |= 3;
    regs->ss |= 3;
    return sysret_equivalent(regs);
}
