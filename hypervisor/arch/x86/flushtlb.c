/*
 * The TLB flush clock. One global counter, advanced before each CR3 load;
 * each CPU records the value of its latest load. A frame stamped with the
 * clock when its last mapping went is safe on a CPU that loaded CR3 after
 * that: tlb_flushed_at - stamp > 0, compared modulo 2^32 so wrapping only
 * ever costs a spurious flush.
 *
 * Guests run on the boot CPU only (docs/pv-cpu.md), so the check is for
 * this CPU; running vCPUs on several CPUs will need the set of CPUs that ran
 * the frame's owner, as Xen keeps a domain's dirty-CPU mask.
 */
#include <hv/arch.h>
#include <asm/flushtlb.h>
#include <asm/percpu.h>
#include <asm/x86.h>

static uint32_t tlb_clock = 1;

uint32_t arch_tlb_clock(void)
{
    return __atomic_load_n(&tlb_clock, __ATOMIC_RELAXED);
}

bool arch_tlb_flushed_since(uint32_t stamp)
{
    return (int32_t)(this_cpu()->tlb_flushed_at - stamp) > 0;
}

void tlb_load_cr3(uint64_t cr3)
{
    /* Advance first: a stamp taken before the load then reads older than it. */
    uint32_t t = __atomic_add_fetch(&tlb_clock, 1, __ATOMIC_SEQ_CST);

    write_cr3(cr3);
    this_cpu()->tlb_flushed_at = t;
}

void arch_tlb_flush(void)
{
    tlb_load_cr3(read_cr3());
}
