/*
 * SYSCALL entry for PV guests. A 64-bit PV kernel runs in ring 3, so every
 * SYSCALL arrives here: from guest kernel mode it is a hypercall, from guest
 * user mode it is the guest's own system call and is bounced to the syscall
 * callback the kernel registered.
 */
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/x86.h>

#define MSR_STAR  0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_SYSENTER_CS 0x174

extern uint8_t syscall_stubs[], syscall_stubs_end[];
extern uint8_t syscall_common[];

static uint8_t *emit(uint8_t *p, const void *bytes, size_t n)
{
    memcpy(p, bytes, n);
    return p + n;
}

static uint8_t *emit_u64(uint8_t *p, uint64_t v)
{
    return emit(p, &v, sizeof(v));
}

/*
 * The per-CPU stub: it must find this CPU's stack with no register free and
 * no segment base (GS belongs to the guest), so the addresses are immediates.
 */
static void write_stub(struct cpu_info *ci, uint8_t *stub_va)
{
    uint8_t buf[64], *p = buf;
    uint64_t scratch = (uint64_t)(uintptr_t)&ci->scratch, top = (uint64_t)(uintptr_t)ci;
    int32_t rel;

    p = emit(p, "\x48\xa3", 2);                  /* movabs %rax, scratch */
    p = emit_u64(p, scratch);
    p = emit(p, "\x48\x89\xe0", 3);              /* mov %rsp, %rax */
    p = emit(p, "\x48\xbc", 2);                  /* movabs $top, %rsp */
    p = emit_u64(p, top);
    p = emit(p, "\x68\x2b\xe0\x00\x00", 5);      /* push $FLAT_KERNEL_SS */
    p = emit(p, "\x50", 1);                      /* push %rax: guest rsp */
    p = emit(p, "\x41\x53", 2);                  /* push %r11: guest rflags */
    p = emit(p, "\x68\x33\xe0\x00\x00", 5);      /* push $FLAT_KERNEL_CS */
    p = emit(p, "\x51", 1);                      /* push %rcx: guest rip */
    p = emit(p, "\x48\xa1", 2);                  /* movabs scratch, %rax */
    p = emit_u64(p, scratch);
    rel = (int32_t)((int64_t)(uintptr_t)syscall_common -
                    (int64_t)(uintptr_t)(stub_va + (p - buf) + 5));
    p = emit(p, "\xe9", 1);                      /* jmp syscall_common */
    p = emit(p, &rel, 4);
    while (p < buf + sizeof(buf)) {
        *p++ = 0xcc;
    }
    /* Text is read-only: write through the direct map. */
    memcpy(maddr_to_virt(virt_to_maddr(stub_va)), buf, sizeof(buf));
}

void pv_cpu_init(struct cpu_info *ci)
{
    uint8_t *stub = syscall_stubs + 64 * ci->id;

    if (stub + 64 > syscall_stubs_end) {
        return;
    }
    write_stub(ci, stub);
    __asm__ volatile("mfence" ::: "memory");
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)HV_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)stub);
    wrmsr(MSR_CSTAR, (uint64_t)(uintptr_t)stub);
    /* Enter with interrupts off, direction forward, no single-step, no AC. */
    wrmsr(MSR_FMASK, X86_EFLAGS_IF | (1u << 10) | (1u << 8) | (1u << 18) | (1u << 14));
    wrmsr(MSR_SYSENTER_CS, 0);      /* SYSENTER from a guest raises #GP */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    ci->tss.rsp[0] = (uint64_t)(uintptr_t)ci;
}

void do_syscall(struct cpu_regs *regs)
{
    struct vcpu *v = this_cpu()->curr;

    if (!v->arch.kernel_mode) {
        pv_bounce_syscall(v, regs);
        return;
    }
    hypercall_begin();
    {
        const uint64_t args[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8 };
        long rc = hypercall_dispatch(regs->rax, args);

        if (rc == HYPERCALL_CONTINUATION) {
            /* Re-execute the syscall (2 bytes) with the arguments the rest needs. */
            regs->rip -= 2;
            regs->rcx = regs->rip;  /* clobbered by the syscall anyway: keep sysretq */
            regs->rax = hypercall_cont_args[0];
            regs->rdi = hypercall_cont_args[1];
            regs->rsi = hypercall_cont_args[2];
            regs->rdx = hypercall_cont_args[3];
            regs->r10 = hypercall_cont_args[4];
            regs->r8 = hypercall_cont_args[5];
            return;
        }
        regs->rax = (uint64_t)rc;
    }
}
