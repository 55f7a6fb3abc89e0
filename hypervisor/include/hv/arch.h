/*
 * What portable hypervisor code needs from the architecture. x86-64
 * implements it in arch/x86/; host unit tests link arch/fake/ instead.
 */
#ifndef HV_ARCH_H
#define HV_ARCH_H

#include <hv/types.h>

/* Machine frames as seen through the hypervisor's direct map. */
void *mfn_to_virt(mfn_t mfn);
mfn_t virt_to_mfn(const void *va);

/* Interrupt state of the current CPU. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

unsigned int arch_cpu_id(void);

/* Raw console output, usable from any context including the fault path. */
void arch_console_write(const char *s, size_t len);
/* One byte of console input if one is waiting, else -1 (polled). */
int arch_console_getc(void);

/* Stop every other CPU (panic path); must not wait on locks. */
void arch_stop_other_cpus(void);

void arch_cpu_relax(void);

/* Wait for an interrupt with interrupts enabled (returns after one was handled). */
void arch_idle(void);

struct timer_queue;
/* This CPU's timer queue, and the name of the device behind it. */
struct timer_queue *arch_timer_queue(void);
const char *arch_timer_mode(void);

struct boot_info;
/* Build the domains the boot modules describe and run them; returns only on failure. */
void arch_start_domains(const struct boot_info *bi);

/*
 * The TLB flush clock: arch_tlb_clock() counts full flushes of guest
 * mappings, and arch_tlb_flushed_since(stamp) says whether this CPU has
 * flushed since the clock read `stamp`; arch_tlb_flush() flushes it.
 */
uint32_t arch_tlb_clock(void);
bool arch_tlb_flushed_since(uint32_t stamp);
void arch_tlb_flush(void);

/* Test only (test_fault=): take a fault of the named kind in ring 0. */
void arch_inject_fault(const char *kind);

#endif /* HV_ARCH_H */
