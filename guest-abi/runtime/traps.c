/* SPDX-License-Identifier: MIT */
/* The trap table, the exception table and the exception dispatcher. */
#include <rt/runtime.h>

struct extable_entry {
    uint64_t fault, fixup;
};
extern const struct extable_entry __start_rt_extable[], __stop_rt_extable[];
extern uint8_t trap_entry_stubs[];

volatile struct exc_record last_exc;
exc_hook_t exc_hook;
syscall_hook_t syscall_hook;

void do_exception(struct cpu_regs *regs);
void do_failsafe(const uint64_t *frame) __noreturn;
void do_event_upcall(struct cpu_regs *regs);

void *trap_entry_stub(unsigned int vector)
{
    return trap_entry_stubs + 16 * vector;
}

long set_trap_entry(unsigned int vector, unsigned int dpl, bool mask_events, void *handler)
{
    struct trap_info t[2] = {
        {.vector = (uint8_t)vector,
         .flags = (uint8_t)((dpl & 3) | (mask_events ? TI_IF : 0)),
         .cs = FLAT_KERNEL_CS,
         .address = (uintptr_t)handler},
        {0},
    };
    return hypercall_set_trap_table(t);
}

long install_trap_table(void)
{
    struct trap_info t[22];
    unsigned int n = 0;

    for (unsigned int v = 0; v < 20; v++) {
        if (v == 15)
            continue;
        unsigned int dpl = (v == X86_EXC_BP || v == X86_EXC_OF) ? 3 : 0;
        t[n++] = (struct trap_info){.vector = (uint8_t)v,
                                    .flags = (uint8_t)(dpl | TI_IF),
                                    .cs = FLAT_KERNEL_CS,
                                    .address = (uintptr_t)trap_entry_stub(v)};
    }
    t[n++] = (struct trap_info){.vector = RT_VEC_RET2KERN,
                                .flags = 3 | TI_IF,
                                .cs = FLAT_KERNEL_CS,
                                .address = (uintptr_t)trap_entry_stub(RT_VEC_RET2KERN)};
    t[n] = (struct trap_info){0};
    return hypercall_set_trap_table(t);
}

static const struct extable_entry *extable_find(uint64_t rip)
{
    for (const struct extable_entry *e = __start_rt_extable; e < __stop_rt_extable; e++)
        if (e->fault == rip)
            return e;
    return NULL;
}

static void record(const struct cpu_regs *regs)
{
    last_exc.regs = *regs;
    last_exc.cr2 = vcpu_info0()->arch.cr2;
    last_exc.upcall_mask = vcpu_info0()->evtchn_upcall_mask;
    last_exc.count++;
}

static const char *vector_name(uint64_t v)
{
    static const char *const names[] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO",
        "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
    };
    if (v < ARRAY_SIZE(names))
        return names[v];
    if (v == RT_VEC_SYSCALL)
        return "syscall";
    if (v == RT_VEC_EVENT)
        return "event";
    return "int";
}

static void __noreturn unhandled(const struct cpu_regs *r)
{
    panic("Unhandled exception: vector %lu (%s) ec %#lx at %04lx:%016lx\n"
          "  rflags %#lx rsp %#lx ss %#lx mask %u cr2 %#lx\n"
          "  rax %#lx rbx %#lx rcx %#lx rdx %#lx rsi %#lx rdi %#lx",
          r->vector, vector_name(r->vector), r->error_code, r->cs & 0xffff, r->rip, r->rflags,
          r->rsp, r->ss, regs_saved_mask(r), vcpu_info0()->arch.cr2, r->rax, r->rbx, r->rcx, r->rdx,
          r->rsi, r->rdi);
}

void do_exception(struct cpu_regs *regs)
{
    if (regs->vector == RT_VEC_EVENT) {
        do_event_upcall(regs);
        return;
    }
    if (exc_hook && exc_hook(regs))
        return;
    if (regs->vector == RT_VEC_SYSCALL) {
        record(regs);
        if (!syscall_hook)
            panic("syscall %#lx from user mode at %#lx with no handler", regs->rax, regs->rip);
        regs->rax = syscall_hook(regs);
        return;
    }
    const struct extable_entry *e = extable_find(regs->rip);
    if (e) {
        record(regs);
        regs->rip = e->fixup;
        regs->rax = EXINFO(regs->vector, regs->error_code);
        return;
    }
    unhandled(regs);
}

void do_failsafe(const uint64_t *f)
{
    panic("failsafe callback: ds %#lx es %#lx fs %#lx gs %#lx rip %#lx cs %#lx", f[2], f[3], f[4],
          f[5], f[6], f[7]);
}

uint64_t __exec_user(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t rflags);

uint64_t exec_user_flags(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t rflags)
{
    static bool user_pt_ready;

    if (!user_pt_ready) {
        /* One L4 for kernel and user, as XTF does: every guest mapping is
         * user-accessible on a 64-bit PV guest anyway. */
        struct mmuext_op op = {.cmd = MMUEXT_NEW_USER_BASEPTR,
                               .arg1.mfn = virt_to_mfn((void *)start_info->pt_base)};
        long rc = hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
        if (rc)
            panic("MMUEXT_NEW_USER_BASEPTR: %ld", rc);
        user_pt_ready = true;
    }
    return __exec_user(fn, arg, rflags);
}

uint64_t exec_user(uint64_t (*fn)(uint64_t), uint64_t arg)
{
    return exec_user_flags(fn, arg, X86_EFLAGS_MBS);
}
