; Fault-tolerant copies between the hypervisor and guest virtual memory.
;
; size_t raw_copy_guest(void *dst, const void *src, size_t len)
; Returns the number of bytes NOT copied: 0 on success. A fault inside the
; copy is caught by the exception table entries below; do_trap resumes at
; the fixup, which counts what was left from rcx.

default rel

; Whole quadwords first: an emulated rep movsb costs one step per byte.
section .text
global raw_copy_guest
raw_copy_guest:
    mov rcx, rdx
    shr rcx, 3
.copyq:
    rep movsq
    mov rcx, rdx
    and rcx, 7
.copyb:
    rep movsb
.done:
    mov rax, rcx
    ret
.fixq:                          ; rcx quadwords and the tail were not copied
    lea rax, [rcx * 8]
    and rdx, 7
    add rax, rdx
    ret

section .ex_table progbits alloc noexec nowrite align=8
    dq .copyq - $
    dq .fixq - $
    dq .copyb - $
    dq .done - $

; long pv_load_segment(unsigned int which, uint16_t sel)
; Load ds/es/fs/gs with a guest selector; 0, or -EFAULT (-14) when the CPU
; refuses it (the exception table catches the #GP/#NP).
section .text
global pv_load_segment
pv_load_segment:
    xor eax, eax
    cmp edi, 1
    jb .ds
    je .es
    cmp edi, 2
    je .fs
.gs:
    mov gs, si
    ret
.ds:
    mov ds, si
    ret
.es:
    mov es, si
    ret
.fs:
    mov fs, si
.out:
    ret

section .ex_table progbits alloc noexec nowrite align=8
    dq .gs - $
    dq .out - $
    dq .ds - $
    dq .out - $
    dq .es - $
    dq .out - $
    dq .fs - $
    dq .out - $
