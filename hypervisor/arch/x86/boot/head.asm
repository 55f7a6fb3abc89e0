; Xenolith boot entry.
;
; One flat image serves both loaders: QEMU -kernel reads the Multiboot 1
; header (with the address fields, so it needs no ELF) and GRUB reads the
; Multiboot 2 header (address and entry tags). Both enter _start32 in 32-bit
; protected mode, paging off, with the magic in eax and the info in ebx.
;
; _start32 checks for long mode, maps the first 4 GiB three times (identity,
; image window, direct map) with 2 MiB pages, enters long mode and jumps to
; start64 in the higher half, which calls start_xenolith(magic, info).

%include "asm-offsets.inc"

IMAGE_BASE      equ 0xffff820000000000
EARLY_GIB       equ 4

MB1_MAGIC       equ 0x1badb002
MB1_FLAGS       equ (1 << 0) | (1 << 1) | (1 << 16)   ; align modules, mem info, addresses
MB2_MAGIC       equ 0xe85250d6
MB2_ARCH_I386   equ 0

extern __image_start_pa, __load_end_pa, __bss_end_pa
extern __bss_start, __bss_end
extern bsp_stack_block
extern start_xenolith

section .boot.header progbits alloc noexec nowrite align=8
mb1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd -(MB1_MAGIC + MB1_FLAGS)
    dd mb1_header               ; header_addr
    dd __image_start_pa         ; load_addr
    dd __load_end_pa            ; load_end_addr
    dd __bss_end_pa             ; bss_end_addr
    dd _start32                 ; entry_addr

align 8
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    ; address tag
    dw 2, 0
    dd 24
    dd mb2_header
    dd __image_start_pa
    dd __load_end_pa
    dd __bss_end_pa
    ; entry address tag
    dw 3, 0
    dd 12
    dd _start32
    dd 0                        ; pad to 8
    ; module alignment tag: page-aligned modules
    dw 6, 0
    dd 8
    ; end tag
    dw 0, 0
    dd 8
mb2_header_end:

section .boot.text progbits alloc exec nowrite align=16
BITS 32
global _start32
_start32:
    cli
    cld
    mov esp, early_stack_top
    mov [boot_magic], eax
    mov [boot_info], ebx

    ; Long mode and NX are required.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no_long_mode
    test edx, 1 << 20
    jz .no_long_mode

    ; PD entries: 2 MiB pages over the first EARLY_GIB GiB.
    mov edi, early_pd
    mov eax, 0x83               ; present, writable, 2 MiB
    xor edx, edx
    mov ecx, 512 * EARLY_GIB
.fill_pd:
    mov [edi], eax
    mov [edi + 4], edx
    add eax, 0x200000
    adc edx, 0
    add edi, 8
    loop .fill_pd

    ; PDPT entries point at the PDs.
    mov edi, early_pdpt
    mov eax, early_pd + 3
    mov ecx, EARLY_GIB
.fill_pdpt:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .fill_pdpt

    ; The same PDPT serves identity (slot 0), image (260) and direct map (262).
    mov eax, early_pdpt + 3
    mov [early_pml4 + 0 * 8], eax
    mov [early_pml4 + 260 * 8], eax
    mov [early_pml4 + 262 * 8], eax

    mov eax, cr4
    or eax, 1 << 5              ; PAE
    mov cr4, eax
    mov eax, early_pml4
    mov cr3, eax
    mov ecx, 0xc0000080         ; EFER
    rdmsr
    or eax, (1 << 8) | (1 << 11) ; LME, NXE
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | (1 << 5) | 1  ; PG, WP, NE, PE
    mov cr0, eax

    lgdt [early_gdt_ptr]
    jmp 0x08:long_mode_low

.no_long_mode:
    mov esi, msg_no_lm
    mov dx, 0x3f8
.print:
    lodsb
    test al, al
    jz .stop
    out dx, al
    jmp .print
.stop:
    mov dx, 0xf4                ; isa-debug-exit under QEMU: "panic"
    mov eax, 0x11
    out dx, eax
.halt:
    hlt
    jmp .halt

BITS 64
long_mode_low:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov edi, [rel boot_magic]
    mov esi, [rel boot_info]
    mov rax, start64
    jmp rax

section .boot.data progbits alloc noexec write align=16
early_gdt:
    dq 0
    dq 0x00af9a000000ffff       ; 0x08: 64-bit code, ring 0
    dq 0x00cf92000000ffff       ; 0x10: data, ring 0
early_gdt_ptr:
    dw early_gdt_ptr - early_gdt - 1
    dd early_gdt
boot_magic: dd 0
boot_info:  dd 0
msg_no_lm:  db "Xenolith: this CPU has no long mode or no NX; cannot boot.", 13, 10, 0

section .boot.bss nobits alloc noexec write align=4096
early_pml4:  resb 4096
early_pdpt:  resb 4096
early_pd:    resb 4096 * EARLY_GIB
early_stack: resb 4096
early_stack_top:

; ---------------------------------------------------------------- higher half
section .text
default rel
start64:
    ; Zero .bss (loaders do too; this makes the image safe under any loader).
    mov r12d, edi
    mov r13d, esi
    lea rdi, [__bss_start]
    lea rcx, [__bss_end]
    sub rcx, rdi
    xor eax, eax
    rep stosb

    lea rsp, [bsp_stack_block + STACK_SIZE - CPU_INFO_SIZE]
    xor ebp, ebp
    mov edi, r12d
    mov esi, r13d
    call start_xenolith
.dead:
    cli
    hlt
    jmp .dead
