/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_iret from guest kernel mode to guest kernel mode: the frame
 * {rax, r11, rcx, flags, rip, cs, rflags, rsp, ss} restores rax, rip, rsp;
 * rcx and r11 come from the frame unless flags has VGCF_in_syscall (then the
 * return is as sysret: rcx = rip, r11 = rflags); the upcall mask becomes
 * !RFLAGS.IF; CS RPL 0 stays in kernel mode (CS reads 0xe033).
 */
#include <rt/runtime.h>

const char test_title[] = "iret: the iret hypercall frame, VGCF_in_syscall, upcall mask";

struct iret_out {
    uint64_t rax, rcx, r11, rsp, rflags;
    uint16_t cs;
};

/* Build an iret frame that returns to label 1 on the current stack. */
static void do_iret(uint64_t flags, uint64_t rflags, struct iret_out *o)
{
    uint64_t rax, rcx, rsp, fl;
    register uint64_t r11 __asm__("r11");
    uint16_t cs;
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "and $~0xf, %%rsp\n\t"
                     "sub $64, %%rsp\n\t"   /* room: the frame must not clobber */
                     "mov %%rsp, %%r12\n\t" /* expected rsp after return */
                     "pushq $0xe02b\n\t"    /* ss */
                     "push %%r12\n\t"       /* rsp */
                     "push %%rdi\n\t"       /* rflags */
                     "pushq $0xe030\n\t"    /* cs: kernel, RPL 0 */
                     "lea 1f(%%rip), %%rax\n\t"
                     "push %%rax\n\t"        /* rip */
                     "push %%rsi\n\t"        /* flags */
                     "pushq $0x4c1c1c1c\n\t" /* rcx */
                     "pushq $0x1b1b1b1b\n\t" /* r11 */
                     "pushq $0x2a0a0a0a\n\t" /* rax */
                     "mov $23, %%eax\n\t"
                     "syscall\n\t"
                     "ud2\n"
                     "1:\n\t"
                     "mov %%rsp, %[rsp]\n\t"
                     "pushf\n\t"
                     "pop %[fl]\n\t"
                     "mov %%cs, %w[cs]\n\t"
                     "mov %%rbx, %%rsp\n\t"
                     : "=a"(rax), "=c"(rcx),
                       "=r"(r11), [rsp] "=&r"(rsp), [fl] "=&r"(fl), [cs] "=&r"(cs)
                     : "S"(flags), "D"(rflags)
                     : "rbx", "r12", "memory");
    o->rax = rax;
    o->rcx = rcx;
    o->r11 = r11;
    o->rsp = rsp;
    o->rflags = fl;
    o->cs = cs;
    (void)r11;
}

void test_main(void)
{
    struct iret_out o;

    printf("plain iret: rax, rcx, r11 from the frame, events stay masked\n");
    do_iret(0, X86_EFLAGS_MBS, &o);
    CHECK_EQ(o.rax, 0x2a0a0a0a);
    CHECK_EQ(o.rcx, 0x4c1c1c1c);
    CHECK_EQ(o.r11, 0x1b1b1b1b);
    CHECK_EQ(o.cs, FLAT_RING3_CS64);
    CHECK_EQ(vcpu_info0()->evtchn_upcall_mask, 1);

    printf("IF set in the frame unmasks events\n");
    do_iret(0, X86_EFLAGS_MBS | X86_EFLAGS_IF, &o);
    CHECK_EQ(vcpu_info0()->evtchn_upcall_mask, 0);
    CHECK_EQ(o.rax, 0x2a0a0a0a);
    do_iret(0, X86_EFLAGS_MBS, &o);
    CHECK_EQ(vcpu_info0()->evtchn_upcall_mask, 1);

    printf("VGCF_in_syscall: returns as sysret would\n");
    do_iret(VGCF_in_syscall, X86_EFLAGS_MBS | X86_EFLAGS_CF, &o);
    CHECK_EQ(o.rax, 0x2a0a0a0a);
    CHECK(o.rcx != 0x4c1c1c1c, "rcx from the frame despite VGCF_in_syscall");
    CHECK(o.r11 != 0x1b1b1b1b, "r11 from the frame despite VGCF_in_syscall");
    CHECK_EQ(o.r11 & X86_EFLAGS_CF, X86_EFLAGS_CF); /* r11 = the returned rflags */
    CHECK_EQ(o.rflags & X86_EFLAGS_CF, X86_EFLAGS_CF);
    CHECK_EQ(vcpu_info0()->evtchn_upcall_mask, 1);
}
