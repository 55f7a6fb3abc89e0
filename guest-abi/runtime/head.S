/* SPDX-License-Identifier: MIT */
/*
 * Start of day of a PV guest kernel built with the Xenolith guest runtime:
 * Xen ELF notes, the hypercall page, the entry point and the stacks.
 *
 * Layout (link.lds): loaded at 1 MiB with no VIRT_BASE note, so the builder
 * maps VA = pseudo-physical address (PFN << 12).  The builder enters at
 * _start (e_entry, also given as XEN_ELFNOTE_ENTRY) in guest kernel mode with
 * rsi = VA of start_info, events masked.
 */
#include <xen/elfnote.h>

#define ELFNOTE(type, desc...)                          \
        .pushsection .note.Xen, "a", @note;             \
        .balign 4;                                      \
        .long 2f - 1f;                                  \
        .long 4f - 3f;                                  \
        .long type;                                     \
1:      .asciz "Xen";                                   \
2:      .balign 4;                                      \
3:      desc;                                           \
4:      .balign 4;                                      \
        .popsection

ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "Xenolith-test")
ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "0")
ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
ELFNOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
ELFNOTE(XEN_ELFNOTE_FEATURES, .asciz "!writable_page_tables|pae_pgdir_above_4gb")
ELFNOTE(XEN_ELFNOTE_PAE_MODE, .asciz "yes")
ELFNOTE(XEN_ELFNOTE_ENTRY, .quad _start)
ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)

        .section .text.head, "ax", @progbits
        .code64
        .globl _start
_start:
        cld
        mov     %rsi, %r12                /* start_info */
        /* Clear .bss (the builder zero-fills it too; the stacks are not in it). */
        mov     $__bss_start, %rdi
        mov     $__bss_end, %rcx
        sub     %rdi, %rcx
        xor     %eax, %eax
        rep stosb
        mov     $boot_stack_top, %rsp
        xor     %ebp, %ebp
        mov     %r12, %rdi
        call    runtime_start             /* does not return */
        ud2

/* Filled in by the hypervisor (XEN_ELFNOTE_HYPERCALL_PAGE); poisoned with
 * int3 so that an unfilled page is noticed. */
        .section .hypercall_page, "ax", @progbits
        .balign 4096
        .globl hypercall_page
hypercall_page:
        .fill 4096, 1, 0xcc

/* The page the shared-info frame is mapped over (struct shared_info). */
        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl shared_info
shared_info:
        .skip 4096

/* Stacks (not cleared at start of day). */
        .section .stacks, "aw", @nobits
        .balign 4096
boot_stack:
        .skip 16384
        .globl boot_stack_top
boot_stack_top:
        .globl kernel_entry_stack
kernel_entry_stack:
        .skip 8192
        .globl kernel_entry_stack_top
kernel_entry_stack_top:
        .globl user_stack
user_stack:
        .skip 8192
        .globl user_stack_top
user_stack_top:

        .section .note.GNU-stack, "", @progbits
