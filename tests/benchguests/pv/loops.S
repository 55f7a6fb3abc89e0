/* SPDX-License-Identifier: MIT */
/*
 * Timed loops of the PV benchmark guest that must be written in assembly:
 * each takes an iteration count in rdi and returns the rdtsc cycles the
 * whole loop took in rax.
 */
#define HYPERVISOR_iret   23
#define VGCF_in_syscall   (1 << 8)
#define KERNEL_CS_FRAME   0xe030    /* kernel CS as written in an iret frame (RPL 0) */
#define FLAT_RING3_SS     0xe02b
#define RFLAGS_MBS        0x2       /* IF clear: events stay masked */

        .code64
        .text

/* rdtsc into rdx:rax -> reg (clobbers rax, rdx) */
.macro TSC reg
        rdtsc
        shl     $32, %rdx
        or      %rax, %rdx
        mov     %rdx, \reg
.endm

/*
 * uint64_t bench_iret_loop(uint64_t n): n HYPERVISOR_iret round trips from
 * guest kernel mode back to guest kernel mode (the next instruction, same
 * stack): the frame rax, r11, rcx, flags, rip, cs, rflags, rsp, ss.
 */
        .globl bench_iret_loop
bench_iret_loop:
        push    %rbx
        push    %r12
        mov     %rdi, %rbx
        TSC     %r12
1:      lea     2f(%rip), %rsi
        mov     %rsp, %r10
        pushq   $FLAT_RING3_SS          /* ss */
        push    %r10                    /* rsp */
        pushq   $RFLAGS_MBS             /* rflags */
        pushq   $KERNEL_CS_FRAME        /* cs */
        push    %rsi                    /* rip */
        pushq   $0                      /* flags */
        push    %rcx                    /* rcx */
        push    %r11                    /* r11 */
        push    %rax                    /* rax */
        mov     $HYPERVISOR_iret, %eax
        syscall
        ud2
2:      dec     %rbx
        jnz     1b
        TSC     %rax
        sub     %r12, %rax
        pop     %r12
        pop     %rbx
        ret

/*
 * The syscall callback used while bench_user_syscall_loop runs: the bounce
 * frame is rcx, r11, rip, cs, rflags, rsp, ss; return at once with
 * HYPERVISOR_iret and VGCF_in_syscall (as Linux's xen_sysret64 does).
 */
        .globl bench_syscall_callback
bench_syscall_callback:
        pop     %rcx
        pop     %r11
        pushq   $VGCF_in_syscall        /* flags */
        push    %rcx
        push    %r11
        push    %rax
        mov     $HYPERVISOR_iret, %eax
        syscall
        ud2

/*
 * uint64_t bench_user_syscall_loop(uint64_t n): runs in guest user mode:
 * n `syscall`s, each bounced to bench_syscall_callback and back.
 */
        .globl bench_user_syscall_loop
bench_user_syscall_loop:
        push    %rbx
        push    %r12
        mov     %rdi, %rbx
        TSC     %r12
1:      xor     %eax, %eax
        syscall
        dec     %rbx
        jnz     1b
        TSC     %rax
        sub     %r12, %rax
        pop     %r12
        pop     %rbx
        ret

        .section .note.GNU-stack, "", @progbits
