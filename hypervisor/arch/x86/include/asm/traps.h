#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>

void do_trap(struct cpu_regs *regs);
/* Print the full register dump of a fatal trap and panic. */
void fatal_trap(const struct cpu_regs *regs) __noreturn;
/* Find the fixup for a faulting instruction in the exception table; 0 if none. */
vaddr_t extable_fixup(vaddr_t rip);
void traps_set_timer_handler(void (*fn)(void));

#endif /* ASM_TRAPS_H */
