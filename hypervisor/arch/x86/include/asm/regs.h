/*
 * The register frame the entry stubs build on every trap or interrupt, from
 * the lowest address up. entry.asm builds it from the offsets generated from
 * this struct (asm-offsets.c), so the two cannot drift apart.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <hv/types.h>

struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

static inline bool regs_from_guest(const struct cpu_regs *r)
{
    return (r->cs & 3) != 0;
}

#endif /* ASM_REGS_H */
