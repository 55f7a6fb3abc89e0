/*
 * Offsets for the assembly code, turned into asm-offsets.inc by the build
 * (the values are read out of the compiler's assembly output), so entry code
 * never hard-codes a structure layout.
 */
#include <stddef.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/regs.h>

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(REGS_RAX, cpu_regs, rax);
    OFFSET(REGS_VECTOR, cpu_regs, vector);
    OFFSET(REGS_ERROR_CODE, cpu_regs, error_code);
    OFFSET(REGS_RIP, cpu_regs, rip);
    OFFSET(REGS_CS, cpu_regs, cs);
    OFFSET(REGS_RSP, cpu_regs, rsp);
    DEFINE(REGS_SIZE, sizeof(struct cpu_regs));
    DEFINE(CPU_INFO_SIZE, sizeof(struct cpu_info));
    OFFSET(CPU_INFO_SCRATCH, cpu_info, scratch);
    DEFINE(STACK_SIZE, STACK_SIZE);
}
