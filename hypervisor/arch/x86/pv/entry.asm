; Entry from and return to PV guests.
;
; SYSCALL: each CPU's LSTAR points at its own 64-byte stub (pv/syscall.c
; writes them), which parks the guest's rax in cpu_info.scratch, switches to
; the top of this CPU's stack and pushes an interrupt-style frame (ss, rsp,
; rflags from r11, cs, rip from rcx), so a hypercall, a trap and an interrupt
; from ring 3 all leave the same struct cpu_regs right below cpu_info.
;
; Every return to a guest goes through return_to_guest: pv_exit_to_guest()
; delivers pending exceptions and events by rewriting the frame, then
; sysretq when that lands the guest exactly where iretq would (the usual
; hypercall return), else iretq.

%include "asm-offsets.inc"
%include "gprs.inc"

default rel
extern do_syscall
extern pv_exit_to_guest

section .text
align 16
global syscall_common
syscall_common:
    push qword 0                ; error code
    push qword 0x100            ; "vector": marks a SYSCALL frame
    cld
    SAVE_GPRS
    xor ebp, ebp                ; ends backtraces at the guest boundary
    mov rdi, rsp
    call do_syscall
    ; fall through

global return_to_guest
return_to_guest:
    cli
    mov rdi, rsp
    call pv_exit_to_guest
    test al, al
    jnz .sysret
    RESTORE_GPRS
    add rsp, REGS_RIP - REGS_VECTOR
    iretq

    ; rcx and r11 already hold rip and rflags (pv_exit_to_guest checked).
    ; Interrupts stay off until sysretq; NMI and #MC use IST stacks, so the
    ; guest stack pointer in rsp for these two instructions is never used.
.sysret:
    RESTORE_GPRS
    mov rsp, [rsp + REGS_RSP - REGS_VECTOR]
    o64 sysret

; Start running a guest: rdi points at its register frame (at the stack top).
global enter_guest
enter_guest:
    mov rsp, rdi
    xor ebp, ebp
    jmp return_to_guest

; The stubs: one 64-byte slot per CPU, filled in at boot through the direct map.
section .text
align 4096
global syscall_stubs
syscall_stubs:
    times 64 * 64 db 0xcc
global syscall_stubs_end
syscall_stubs_end:
