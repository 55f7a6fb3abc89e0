; Trap and interrupt entry.
;
; Every vector has a 16-byte stub that makes the frame uniform (a zero error
; code where the CPU pushes none, then the vector number) and jumps to
; trap_common, which saves the general registers as struct cpu_regs and calls
; do_trap(regs). The stub table lets traps.c fill the IDT without a list of
; symbols. Offsets come from asm-offsets.inc, generated from asm/regs.h.

%include "asm-offsets.inc"
%include "gprs.inc"

default rel
extern do_trap
extern return_to_guest

section .text
align 16
global trap_stubs
trap_stubs:
%assign v 0
%rep 256
    align 16
%if v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21 || v == 29 || v == 30
    push qword v                ; the CPU pushed an error code
%else
    push qword 0
    push qword v
%endif
    jmp trap_common
%assign v v + 1
%endrep

align 16
trap_common:
    cld
    SAVE_GPRS
    mov rdi, rsp
    call do_trap
    test byte [rsp + REGS_CS], 3
    jnz return_to_guest         ; back to a guest: deliver what is pending first
global trap_return
trap_return:
    RESTORE_GPRS
    add rsp, REGS_RIP - REGS_VECTOR
    iretq

; Load the code segment after lgdt: a far return to the same place.
global reload_cs
reload_cs:
    pop rax
    push qword rdi
    push rax
    o64 retf
