/*
 * Application processor bring-up. Each AP gets its own stack block (with its
 * cpu_info and IST stacks), GDT window and TSS, then parks with interrupts
 * on until the scheduler gives it work. APs are started one at a time because
 * they share the trampoline's data block.
 */
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <hv/params.h>
#include <hv/time.h>
#include <asm/apic.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/smp.h>
#include <asm/x86.h>

extern const uint8_t trampoline_start[], trampoline_end[];
extern uint64_t trampoline_cr3, trampoline_stack, trampoline_entry;

static paddr_t tramp_pa, ap_l4;

void smp_prepare(struct bootmem *bm)
{
    tramp_pa = bootmem_alloc_low(bm, 1, 0x1000, 0x9f000);
    ap_l4 = paging_ap_boot_l4(bm);
    if (!tramp_pa || !ap_l4) {
        log_warn("smp: no low memory for the AP trampoline; only the boot CPU will run\n");
        tramp_pa = 0;
    }
}

static __noreturn void ap_start(void)
{
    struct cpu_info *ci = this_cpu();

    write_cr3(idle_pt_maddr());
    cpu_init_tables(ci);
    pv_cpu_init(ci);
    apic_init_ap();
    ci->apic_id = apic_id();
    __atomic_store_n(&ci->online, true, __ATOMIC_RELEASE);
    __atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
    /* Parked: interrupts on so a stop IPI can reach us. */
    for (;;) {
        safe_halt();
    }
}

static void spin_ns(s_time_t ns)
{
    s_time_t end = now() + ns;

    while (now() < end) {
        pause();
    }
}

static struct cpu_info *new_cpu(unsigned int id)
{
    mfn_t stack = frame_alloc(STACK_ORDER, DOMID_XEN);
    mfn_t gdt = frame_alloc(0, DOMID_XEN);
    struct cpu_info *ci;
    vaddr_t block;

    if (stack == INVALID_MFN || gdt == INVALID_MFN) {
        return NULL;
    }
    block = (vaddr_t)mfn_to_virt(stack);
    memset((void *)block, 0, STACK_SIZE);
    ci = cpu_info_of_block(block);
    ci->id = id;
    ci->stack_block = block;
    ci->gdt = mfn_to_virt(gdt);
    return ci;
}

static bool start_ap(struct cpu_info *ci, uint32_t apic)
{
    uint8_t *t = maddr_to_virt(tramp_pa);
    size_t off = (size_t)((const uint8_t *)&trampoline_cr3 - trampoline_start);

    memcpy(t, trampoline_start, (size_t)(trampoline_end - trampoline_start));
    /* Fill the copy's data block (same offsets as in the image). */
    ((uint64_t *)(t + off))[0] = ap_l4;
    /* The stack starts below cpu_info, with a zero return address to end backtraces. */
    ((uint64_t *)(t + off))[1] = (uint64_t)(uintptr_t)ci - 8;
    ((uint64_t *)(t + off))[2] = (uint64_t)(uintptr_t)ap_start;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    apic_send_init(apic);
    spin_ns(MILLISECS(10));
    for (unsigned int sipi = 0; sipi < 2 && !ci->online; sipi++) {
        apic_send_sipi(apic, (uint8_t)(tramp_pa >> PAGE_SHIFT));
        spin_ns(MICROSECS(200));
    }
    for (s_time_t end = now() + MILLISECS(500); !ci->online && now() < end;) {
        pause();
    }
    return ci->online;
}

void smp_boot_cpus(const struct acpi_cpus *cpus)
{
    uint32_t self = apic_id();
    unsigned int next = 1, limit = cpus->nr;

    if (hv_params.maxcpus && hv_params.maxcpus < limit) {
        limit = (unsigned int)hv_params.maxcpus;
    }
    for (unsigned int i = 0; i < cpus->nr && tramp_pa; i++) {
        struct cpu_info *ci;

        if (cpus->apic_id[i] == self) {
            continue;
        }
        if (next >= limit || next >= MAX_CPUS) {
            log_info("smp: CPU with APIC id %u not started (maxcpus)\n", cpus->apic_id[i]);
            continue;
        }
        ci = new_cpu(next);
        if (!ci) {
            log_warn("smp: out of memory for CPU%u\n", next);
            break;
        }
        if (!start_ap(ci, cpus->apic_id[i])) {
            log_warn("smp: CPU with APIC id %u did not start\n", cpus->apic_id[i]);
            continue;   /* its stack stays reserved: it might still wake up */
        }
        cpu_infos[next] = ci;
        log_info("smp: CPU%u (APIC id %u) up, parked\n", next, cpus->apic_id[i]);
        next++;
    }
    log_info("smp: %u CPU%s online\n", nr_cpus_online, nr_cpus_online == 1 ? "" : "s");
}

void arch_stop_other_cpus(void)
{
    if (nr_cpus_online > 1) {
        apic_send_ipi_all_but_self(VECTOR_STOP);
    }
}
