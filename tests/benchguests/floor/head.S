/* SPDX-License-Identifier: MIT */
/*
 * The floor: a tiny bare-metal x86-64 kernel booted by QEMU -kernel
 * (Multiboot 1 with the address fields, the "a.out kludge", so QEMU needs no
 * ELF), for the native costs the PV figures are compared with (floor.c).
 *
 * Loaded at 1 MiB; enters _start32 in 32-bit protected mode, paging off.
 * Maps the first 1 GiB with 2 MiB pages (user-accessible, so ring 3 can run
 * the same code), loads a GDT laid out for syscall/sysret, enters long mode
 * and calls floor_main().
 *
 * GDT: 0x08 kernel code64, 0x10 kernel data, 0x18 user code32 (unused),
 *      0x20 user data, 0x28 user code64.
 * STAR: syscall CS = 0x08, SS = 0x10; sysret CS = 0x18+16|3 = 0x2b, SS = 0x23.
 */
#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS ((1 << 1) | (1 << 16))   /* memory info, address fields */

        .section .text.head, "ax", @progbits
        .code32
        .balign 4
mb1_header:
        .long   MB1_MAGIC
        .long   MB1_FLAGS
        .long   -(MB1_MAGIC + MB1_FLAGS)
        .long   mb1_header              /* header_addr */
        .long   _image_start            /* load_addr */
        .long   _load_end               /* load_end_addr */
        .long   _bss_end                /* bss_end_addr */
        .long   _start32                /* entry_addr */

        .globl _start32
_start32:
        cli
        cld
        mov     $boot_stack_top, %esp

        /* Clear .bss (QEMU loads into zeroed RAM, but be sure). */
        mov     $_bss_start, %edi
        mov     $_bss_end, %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb

        /* pd: 512 x 2 MiB, present | rw | user | PS */
        mov     $pd, %edi
        mov     $0x87, %eax
        mov     $512, %ecx
1:      mov     %eax, (%edi)
        movl    $0, 4(%edi)
        add     $0x200000, %eax
        add     $8, %edi
        loop    1b
        mov     $pd, %eax
        or      $7, %eax
        mov     %eax, pdpt
        mov     $pdpt, %eax
        or      $7, %eax
        mov     %eax, pml4

        lgdt    gdt_ptr
        mov     %cr4, %eax
        or      $(1 << 5), %eax         /* PAE */
        mov     %eax, %cr4
        mov     $pml4, %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx       /* EFER: LME | SCE */
        rdmsr
        or      $((1 << 8) | (1 << 0)), %eax
        wrmsr
        mov     %cr0, %eax
        or      $((1 << 31) | 1), %eax  /* PG | PE */
        and     $~((1 << 30) | (1 << 29)), %eax /* caches on */
        mov     %eax, %cr0
        ljmp    $0x08, $start64

        .code64
start64:
        mov     $0x10, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $boot_stack_top, %rsp
        call    floor_main
        /* floor_main does not return */
2:      hlt
        jmp     2b

/*
 * The syscall entries (LSTAR): straight back with sysretq, unless rax is
 * FLOOR_LEAVE_USER, which ends run_user() in ring 0.  syscall leaves rsp as it
 * was in ring 3; nothing here uses the stack.
 */
#define FLOOR_LEAVE_USER 0x1ea7e
        .globl floor_lstar
floor_lstar:
        cmp     $FLOOR_LEAVE_USER, %eax
        je      floor_leave_user
        sysretq

/* The same round trip returning with iretq (rax is clobbered). */
        .globl floor_lstar_iretq
floor_lstar_iretq:
        cmp     $FLOOR_LEAVE_USER, %eax
        je      floor_leave_user
        mov     %rsp, %rax
        pushq   $0x23                   /* ss */
        push    %rax                    /* rsp */
        push    %r11                    /* rflags */
        pushq   $0x2b                   /* cs */
        push    %rcx                    /* rip */
        iretq

floor_leave_user:
        mov     run_user_saved_rsp(%rip), %rsp
        mov     %rdi, %rax              /* the user function's result */
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        ret

/*
 * uint64_t run_user(uint64_t (*fn)(uint64_t), uint64_t arg): runs fn(arg) in
 * ring 3 (entered with sysretq, IF clear) on user_stack; returns its result.
 */
        .globl run_user
run_user:
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, run_user_saved_rsp(%rip)
        mov     %rdi, %rbx
        mov     %rsi, %rdi
        lea     user_trampoline(%rip), %rcx
        mov     $0x2, %r11d             /* RFLAGS: IF clear */
        lea     user_stack_top(%rip), %rsp
        sysretq

user_trampoline:                        /* ring 3 */
        call    *%rbx
        mov     %rax, %rdi
        mov     $FLOOR_LEAVE_USER, %eax
        syscall
        ud2

        .section .rodata
        .balign 8
gdt:
        .quad   0
        .quad   0x00af9a000000ffff      /* 0x08 kernel code64 */
        .quad   0x00cf92000000ffff      /* 0x10 kernel data */
        .quad   0x00cffa000000ffff      /* 0x18 user code32 */
        .quad   0x00cff2000000ffff      /* 0x20 user data */
        .quad   0x00affa000000ffff      /* 0x28 user code64 */
gdt_end:
gdt_ptr:
        .word   gdt_end - gdt - 1
        .quad   gdt

        .section .bss, "aw", @nobits
        .balign 4096
        .globl pml4, pdpt, pd
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4096
        .balign 16
        .skip 16384
boot_stack_top:
        .skip 8192
        .globl user_stack_top
user_stack_top:
        .balign 8
run_user_saved_rsp:
        .quad   0

        .section .note.GNU-stack, "", @progbits
