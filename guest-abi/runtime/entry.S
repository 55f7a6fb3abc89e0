/* SPDX-License-Identifier: MIT */
/*
 * Exception, callback and user-mode entry/exit for a 64-bit PV kernel.
 *
 * Xen's bounce frame on the guest kernel stack (lowest address first):
 *     rcx, r11, [error code], rip, cs | saved_upcall_mask << 32, rflags, rsp, ss
 * Each stub pops rcx/r11 back, pushes a dummy error code where there is none
 * and the vector, then exc_common saves the GPRs (struct cpu_regs) and calls
 * do_exception().  Everything returns with HYPERVISOR_iret: the guest pushes
 * flags (0), rcx, r11, rax above the frame and issues hypercall 23.
 */
#define HYPERVISOR_iret 23
#define FLAT_USER_CS64  0xe033
#define FLAT_USER_SS    0xe02b
#define HAVE_EC_MASK    ((1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14) | (1 << 17))
#define STUB_SIZE       16
#define NR_STUBS        48

        .code64
        .text

/* One 16-byte stub per vector 0..47; vector 0x20 returns from user mode. */
        .balign STUB_SIZE
        .globl trap_entry_stubs
trap_entry_stubs:
        .set vec, 0
        .rept NR_STUBS
        .balign STUB_SIZE
        .if vec == 0x20
        jmp     entry_ret2kernel
        .else
        pop     %rcx
        pop     %r11
        .if (vec >= 32) || !((1 << vec) & HAVE_EC_MASK)
        push    $0
        .endif
        push    $vec
        jmp     exc_common
        .endif
        .set vec, vec + 1
        .endr

        .globl entry_syscall_callback
entry_syscall_callback:
        pop     %rcx
        pop     %r11
        push    $0
        push    $0x100
        jmp     exc_common

        .globl entry_hypervisor_callback
entry_hypervisor_callback:
        pop     %rcx
        pop     %r11
        push    $0
        push    $0x101
        jmp     exc_common

/* Failsafe frame: rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss. */
        .globl entry_failsafe_callback
entry_failsafe_callback:
        mov     %rsp, %rdi
        and     $~0xf, %rsp
        call    do_failsafe                 /* panics */
        ud2

exc_common:
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, %rdi
        cld
        call    do_exception
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        add     $16, %rsp                   /* vector, error code */
        .globl iret_to_frame
iret_to_frame:                              /* rsp -> rip, cs, rflags, rsp, ss */
        pushq   $0                          /* flags: not VGCF_in_syscall */
        push    %rcx
        push    %r11
        push    %rax
        mov     $HYPERVISOR_iret, %eax
        syscall
        ud2                                 /* iret does not return */

/*
 * uint64_t __exec_user(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t rflags)
 * Runs fn(arg) in guest user mode; it comes back through `int $0x20`.
 */
        .globl __exec_user
__exec_user:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, exec_user_saved_rsp(%rip)
        mov     %rdi, %r12
        mov     %rsi, %r13
        push    $FLAT_USER_SS
        push    $user_stack_top
        push    %rdx
        push    $FLAT_USER_CS64
        push    $user_trampoline
        jmp     iret_to_frame

user_trampoline:                            /* ring 3 */
        mov     %r13, %rdi
        call    *%r12
        int     $0x20
        ud2

entry_ret2kernel:                           /* trap gate 0x20, DPL 3, from user mode */
        mov     exec_user_saved_rsp(%rip), %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret                                 /* rax = fn's result */

        .bss
        .balign 8
exec_user_saved_rsp:
        .quad   0

        .section .note.GNU-stack, "", @progbits
