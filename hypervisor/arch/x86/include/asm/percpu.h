/*
 * Per-CPU state. Each CPU's struct cpu_info sits at the top of its stack
 * block, so it is found from the stack pointer alone: no segment base is
 * needed, which leaves GS to PV guests.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <hv/timer.h>
#include <hv/types.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/regs.h>

struct vcpu;

struct cpu_info {
    uint64_t scratch;           /* the SYSCALL stub parks the guest's rax here */
    struct vcpu *curr;          /* the vCPU running here, NULL when idle */
    unsigned int id;            /* logical CPU number, 0 = boot CPU */
    uint32_t apic_id;
    volatile bool online;
    vaddr_t stack_block;        /* base of the STACK_SIZE block */
    struct tss64 tss;
    uint64_t *gdt;              /* the hypervisor's GDT page (entries 7168-7679) */
    struct timer_queue timers;
    uint64_t irq_count;
    uint32_t tlb_flushed_at;    /* the flush clock at this CPU's latest CR3 load */
    uint32_t pad;
} __aligned(16);

static inline struct cpu_info *this_cpu(void)
{
    unsigned long sp;

    __asm__("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - sizeof(struct cpu_info));
}

static inline struct cpu_info *cpu_info_of_block(vaddr_t block)
{
    return (struct cpu_info *)(block + STACK_SIZE - sizeof(struct cpu_info));
}

/* The guest register frame: just below cpu_info, where the CPU pushes on entry from ring 3. */
static inline struct cpu_regs *guest_cpu_regs(void)
{
    return (struct cpu_regs *)this_cpu() - 1;
}

extern struct cpu_info *cpu_infos[MAX_CPUS];
extern unsigned int nr_cpus_online;

/* Bring up descriptors for this CPU: GDT window, TSS with IST stacks, IDT. */
void cpu_init_tables(struct cpu_info *ci);

#endif /* ASM_PERCPU_H */
