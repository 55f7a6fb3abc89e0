/*
 * Starting a vCPU the toolstack built (XL_DOMCTL_SET_VCPU_CONTEXT and its
 * helpers): the guest context is checked as the matching hypercalls would
 * check each part (page tables, callbacks, trap table, assists, bases), and
 * nothing is loaded unless all of it is acceptable.
 */
#include <hv/domain.h>
#include <hv/domctl.h>
#include <hv/errno.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <xen/xen.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/x86.h>

/* A guest code or data address: canonical and outside the hypervisor's range. */
static bool guest_addr_ok(uint64_t a)
{
    return is_canonical(a) && !(a >= HYPERVISOR_VIRT_START && a < HYPERVISOR_VIRT_END);
}

/* Everything but the page tables: 0 or -EINVAL, nothing looked at twice. */
static int check_context(const struct vcpu_guest_context *c)
{
    const uint64_t addrs[] = { c->user_regs.rip, c->user_regs.rsp, c->kernel_sp,
                               c->event_callback_eip, c->failsafe_callback_eip,
                               c->syscall_callback_eip };

    if (!(c->flags & VGCF_in_kernel) || c->gdt_ents || c->ldt_ents ||
        (c->vm_assist & ~vm_assist_valid())) {
        return -EINVAL;     /* a GDT or LDT is set up by the guest itself, for now */
    }
    for (unsigned int i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
        if (!guest_addr_ok(addrs[i])) {
            return -EINVAL;
        }
    }
    /* No breakpoints yet; DR6 and DR7 may hold their reset values (libxc sends them). */
    for (unsigned int i = 0; i < 8; i++) {
        bool reset = (i == 6 && c->debugreg[i] == 0xffff0ff0u) ||
                     (i == 7 && c->debugreg[i] == 0x400u);
        if (c->debugreg[i] && !reset) {
            return -EINVAL;
        }
    }
    for (unsigned int i = 0; i < 256; i++) {
        if (c->trap_ctxt[i].address && !guest_addr_ok(c->trap_ctxt[i].address)) {
            return -EINVAL;
        }
    }
    if (!guest_addr_ok(c->fs_base) || !guest_addr_ok(c->gs_base_kernel) ||
        !guest_addr_ok(c->gs_base_user)) {
        return -EINVAL;
    }
    return 0;
}

static void load_regs(struct vcpu *v, const struct cpu_user_regs *u)
{
    struct cpu_regs *r = &v->arch.regs;

    r->rax = u->rax, r->rbx = u->rbx, r->rcx = u->rcx, r->rdx = u->rdx;
    r->rsi = u->rsi, r->rdi = u->rdi, r->rbp = u->rbp;
    r->r8 = u->r8, r->r9 = u->r9, r->r10 = u->r10, r->r11 = u->r11;
    r->r12 = u->r12, r->r13 = u->r13, r->r14 = u->r14, r->r15 = u->r15;
    r->rip = u->rip;
    r->rsp = u->rsp;
    r->cs = PV_KERNEL_CS;
    r->ss = PV_KERNEL_SS;
    /* Arithmetic flags and DF only; IF on, as every guest runs. */
    r->rflags = (u->rflags & 0xcd5u) | (1u << 9) | (1u << 1);
}

int arch_set_vcpu_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct domain *d = v->domain;
    mfn_t l4 = c->ctrlreg[3] >> PAGE_SHIFT;
    int rc;

    if (v->arch.guest_table != INVALID_MFN) {
        return -EBUSY;      /* started once already */
    }
    rc = check_context(c);
    if (rc) {
        return rc;
    }
    /* The base pointer's reference and the pin's, as the initial domain's L4 holds. */
    if (!mfn_valid(l4) || mfn_to_page(l4)->owner != d->id) {
        return -EINVAL;
    }
    rc = get_page_and_type(l4, d, PGT_L4);
    if (rc) {
        return rc;
    }
    rc = get_page_and_type(l4, d, PGT_L4);
    if (rc) {
        put_page_and_type(l4);
        return rc;
    }
    mfn_to_page(l4)->flags |= PGF_PINNED;
    v->arch.guest_table = l4;
    v->arch.kernel_mode = true;
    load_regs(v, &c->user_regs);
    v->arch.kernel_ss = c->kernel_ss | 3;
    v->arch.kernel_sp = c->kernel_sp;
    v->arch.event_cb = (struct pv_callback){ c->event_callback_eip, true };
    v->arch.failsafe_cb = (struct pv_callback){ c->failsafe_callback_eip, true };
    v->arch.syscall_cb = (struct pv_callback){ c->syscall_callback_eip, true };
    for (unsigned int i = 0; i < 256; i++) {
        const struct trap_info *t = &c->trap_ctxt[i];
        if (t->address) {
            v->arch.traps[t->vector] = (struct pv_trap){ t->address, (uint16_t)(t->cs | 3),
                                                         t->flags };
        }
    }
    d->vm_assist = c->vm_assist;
    v->arch.fs_base = c->fs_base;
    v->arch.gs_base_kernel = c->gs_base_kernel;
    v->arch.gs_base_user = c->gs_base_user;
    return 0;
}

int arch_hypercall_page(struct domain *d, mfn_t mfn)
{
    const struct page_info *pg;

    if (!mfn_valid(mfn)) {
        return -EINVAL;
    }
    pg = mfn_to_page(mfn);
    /* Only a plain frame of d: never a page table or descriptor page. */
    if (pg->owner != d->id || (pg->type_count && pg->type != PGT_WRITABLE)) {
        return -EINVAL;
    }
    pv_fill_hypercall_page(mfn_to_virt(mfn));
    return 0;
}

void arch_frame_assigned(mfn_t mfn, uint64_t pfn)
{
    m2p_set(mfn, pfn);
}

unsigned int arch_nr_cpus(void)
{
    return nr_cpus_online;
}
