/* SPDX-License-Identifier: MIT */
/*
 * Guest user mode: HYPERVISOR_iret to ring 3 (CS 0xe033), back to the kernel
 * through a DPL 3 trap gate; a user `syscall` is bounced to the syscall
 * callback on the stack_switch stack with frame rcx, r11, rip, cs, rflags,
 * rsp, ss; exceptions from user mode keep CS RPL 3, #PF gets the U bit;
 * `int n` needs DPL 3 from user mode; privileged instructions give #GP(0);
 * the upcall mask follows RFLAGS.IF of the iret frame.
 */
#include <rt/runtime.h>

const char test_title[] = "user_mode: iret to ring 3, syscall callback, user exceptions";

static uint8_t alt_stack[8192] __aligned(16);

static uint64_t add_one(uint64_t x)
{
    return x + 1;
}
static uint64_t get_cs(uint64_t x)
{
    (void)x;
    return read_cs();
}
static uint64_t get_mask(uint64_t x)
{
    (void)x;
    return vcpu_info0()->evtchn_upcall_mask;
}

static uint64_t do_syscall(uint64_t nr)
{
    uint64_t ret, rcx, r11;
    __asm__ volatile("mov $0x0123456789abcdef, %%rdi\n\tsyscall"
                     : "=a"(ret), "=c"(rcx), "=r"(r11)
                     : "a"(nr)
                     : "rdi", "memory");
    return ret;
}

static uint64_t user_rip_after;
static uint64_t user_syscall_at(uint64_t nr)
{
    uint64_t ret;
    __asm__ volatile("lea 1f(%%rip), %%rdx\n\tmov %%rdx, %[after]\n\t"
                     "syscall\n\t1:"
                     : "=a"(ret), [after] "=m"(user_rip_after)
                     : "a"(nr)
                     : "rcx", "r11", "rdx", "memory");
    return ret;
}

static struct cpu_regs *seen;
static uint64_t seen_rdi;
static uint64_t sys_hook(struct cpu_regs *r)
{
    seen = r;
    seen_rdi = r->rdi;
    return r->rax * 2;
}

static uint64_t user_ex(uint64_t which)
{
    uint64_t ex = 0;
    switch (which) {
    case 0:
        __asm__ volatile("1: ud2\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0));
        break;
    case 1:
        __asm__ volatile("1: mov 0x88, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0));
        break;
    case 2:
        __asm__ volatile("1: int $0x80\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0));
        break;
    case 3:
        __asm__ volatile("1: int3\n\t2:\n\t" _ASM_EXTABLE(2b, 2b) : "=a"(ex) : "a"(0));
        break;
    case 4:
        __asm__ volatile("1: int $0x21\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) _ASM_EXTABLE(2b, 2b)
                         : "=a"(ex)
                         : "a"(0));
        break;
    case 5:
        __asm__ volatile("1: mov %%cr0, %%rax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0));
        break;
    case 6:
        __asm__ volatile("1: movl $1, 0x99\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0));
        break;
    }
    return ex;
}

void test_main(void)
{
    printf("iret to user mode and back\n");
    CHECK_EQ(exec_user(add_one, 41), 42);
    CHECK_EQ(exec_user(get_cs, 0), FLAT_RING3_CS64);
    CHECK_EQ(read_cs(), FLAT_RING3_CS64); /* the kernel runs in ring 3 too */
    CHECK_EQ(exec_user(get_mask, 0), 1);  /* IF clear in the iret frame */
    CHECK_EQ(exec_user_flags(get_mask, 0, X86_EFLAGS_MBS | X86_EFLAGS_IF), 0);
    CHECK_EQ(vcpu_info0()->evtchn_upcall_mask, 1); /* TI_IF on the way back */

    printf("syscall from user mode is bounced to the syscall callback\n");
    syscall_hook = sys_hook;
    CHECK_EQ(exec_user(do_syscall, 21), 42);
    CHECK_EQ(seen_rdi, 0x0123456789abcdef);
    CHECK_EQ(exec_user(user_syscall_at, 5), 10);
    CHECK_EQ(last_exc.regs.vector, RT_VEC_SYSCALL);
    CHECK_EQ(last_exc.regs.rip, user_rip_after);
    CHECK_EQ(last_exc.regs.rcx, user_rip_after); /* what `syscall` put in rcx */
    CHECK_EQ(last_exc.regs.cs & 0xffff, FLAT_RING3_CS64);
    CHECK_EQ(last_exc.regs.ss, FLAT_RING3_SS64);
    CHECK_EQ(last_exc.regs.r11 & ~(uint64_t)(X86_EFLAGS_IF | X86_EFLAGS_IOPL | 0x10000 | 0xd5),
             last_exc.regs.rflags & ~(uint64_t)(X86_EFLAGS_IF | X86_EFLAGS_IOPL | 0x10000 | 0xd5));
    CHECK_EQ(last_exc.upcall_mask, 1); /* CALLBACKF_mask_events */
    uint64_t top = (uintptr_t)kernel_entry_stack + KERNEL_ENTRY_STACK_SIZE;
    CHECK_EQ((uintptr_t)&seen->ss + 8, top);

    printf("stack_switch moves where user-mode entries land\n");
    uint64_t alt_top = (uintptr_t)(alt_stack + sizeof(alt_stack)) - 8; /* misaligned */
    CHECK_EQ(hypercall_stack_switch(FLAT_KERNEL_SS, alt_top), 0);
    CHECK_EQ(exec_user(do_syscall, 1), 2);
    CHECK_EQ((uintptr_t)&seen->ss + 8, alt_top & ~0xful); /* 16-byte aligned frame */
    CHECK_EQ(hypercall_stack_switch(FLAT_KERNEL_SS, top), 0);
    CHECK_EQ(exec_user(do_syscall, 3), 6);
    CHECK_EQ((uintptr_t)&seen->ss + 8, top);

    printf("exceptions from user mode\n");
    CHECK_EQ(exec_user(user_ex, 0), EXINFO(X86_EXC_UD, 0));
    CHECK_EQ(last_exc.regs.cs & 0xffff, FLAT_RING3_CS64); /* RPL 3 kept */
    CHECK_EQ((uintptr_t) & ((struct cpu_regs *)0)->ss, offsetof(struct cpu_regs, ss));
    CHECK_EQ(exec_user(user_ex, 1), EXINFO(X86_EXC_PF, PFEC_USER));
    CHECK_EQ(last_exc.cr2, 0x88);
    CHECK_EQ(exec_user(user_ex, 6), EXINFO(X86_EXC_PF, PFEC_USER | PFEC_WRITE));
    CHECK_EQ(last_exc.cr2, 0x99);
    CHECK_EQ(exec_user(user_ex, 2), EXINFO(X86_EXC_GP, (0x80 << 3) | 2));
    CHECK_EQ(exec_user(user_ex, 3), EXINFO(X86_EXC_BP, 0));
    CHECK_EQ(set_trap_entry(0x21, 1, true, trap_entry_stub(0x21)), 0);
    CHECK_EQ(exec_user(user_ex, 4), EXINFO(X86_EXC_GP, (0x21 << 3) | 2)); /* DPL 1 < 3 */
    CHECK_EQ(set_trap_entry(0x21, 3, true, trap_entry_stub(0x21)), 0);
    CHECK_EQ(exec_user(user_ex, 4), EXINFO(0x21, 0));
    CHECK_EQ(last_exc.regs.cs & 0xffff, FLAT_RING3_CS64);
    CHECK_EQ(exec_user(user_ex, 5), EXINFO(X86_EXC_GP, 0)); /* no emulation for user mode */
}
