; Fault-tolerant copies between the hypervisor and guest virtual memory.
;
; size_t raw_copy_guest(void *dst, const void *src, size_t len)
; Returns the number of bytes NOT copied: 0 on success. A fault inside the
; copy is caught by the exception table entry below; do_trap resumes at the
; fixup, where rcx still holds the bytes left.

default rel

section .text
global raw_copy_guest
raw_copy_guest:
    mov rcx, rdx
.copy:
    rep movsb
.done:
    mov rax, rcx
    ret

section .ex_table progbits alloc noexec nowrite align=8
    dq .copy - $
    dq .done - $
