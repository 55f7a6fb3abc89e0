; Application processor start-up code. The boot CPU copies this blob to a
; page below 1 MiB and starts each AP there with INIT-SIPI-SIPI. The blob is
; position independent: it finds its own base from CS and keeps it in ebx. The boot CPU fills the data block at its end:
; the page-table root (below 4 GiB), the AP's stack and the C entry point.

section .rodata
align 16
global trampoline_start, trampoline_end
global trampoline_cr3, trampoline_stack, trampoline_entry

BITS 16
trampoline_start:
    cli
    cld
    mov ax, cs
    mov ds, ax
    mov ss, ax
    mov sp, 0x1000                  ; stack at the top of this page
    xor ebx, ebx
    mov bx, ax
    shl ebx, 4                      ; ebx = our linear base, kept across modes
    lea eax, [ebx + tr_gdt - trampoline_start]
    mov [tr_gdt_ptr - trampoline_start + 2], eax
    lgdt [tr_gdt_ptr - trampoline_start]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    lea eax, [ebx + tr_start32 - trampoline_start]
    push dword 0x08
    push eax
    o32 retf

BITS 32
tr_start32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    lea esp, [ebx + 0x1000]
    mov ebp, ebx
    mov eax, cr4
    or eax, 1 << 5                  ; PAE
    mov cr4, eax
    mov eax, [ebp + trampoline_cr3 - trampoline_start]
    mov cr3, eax
    mov ecx, 0xc0000080
    rdmsr
    or eax, (1 << 8) | (1 << 11)    ; LME, NXE
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | (1 << 5)   ; PG, WP, NE
    mov cr0, eax
    lea eax, [ebp + tr_start64 - trampoline_start]
    push dword 0x18
    push eax
    retf

BITS 64
tr_start64:
    mov ebp, ebp                    ; upper halves are undefined after the mode switch
    mov rsp, [rbp + trampoline_stack - trampoline_start]
    mov rax, [rbp + trampoline_entry - trampoline_start]
    xor ebp, ebp
    jmp rax

align 16
tr_gdt:
    dq 0
    dq 0x00cf9a000000ffff           ; 0x08: 32-bit code
    dq 0x00cf92000000ffff           ; 0x10: data
    dq 0x00af9a000000ffff           ; 0x18: 64-bit code
tr_gdt_ptr:
    dw tr_gdt_ptr - tr_gdt - 1
    dd 0
align 8
trampoline_cr3:   dq 0
trampoline_stack: dq 0
trampoline_entry: dq 0
trampoline_end:
