/* SPDX-License-Identifier: MIT */
/*
 * Interrupt entry points of the event-channel/grant floor (floor.c): the
 * self-IPI handler, which acknowledges the local APIC and counts, and one
 * catch-all for exceptions, which reports and powers off.
 */
#define APIC_EOI 0xfee000b0

        .code64
        .text

        .globl evfloor_ipi_isr
evfloor_ipi_isr:
        push    %rax
        movabs  $APIC_EOI, %rax
        movl    $0, (%rax)
        incq    evfloor_ipi_count(%rip)
        pop     %rax
        iretq

        .globl evfloor_exc_isr
evfloor_exc_isr:
        mov     %rsp, %rdi              /* the frame: [error code,] rip, cs, ... */
        and     $~0xf, %rsp
        call    evfloor_exception       /* does not return */
1:      hlt
        jmp     1b

        .section .note.GNU-stack, "", @progbits
