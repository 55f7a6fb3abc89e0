/*
 * Descriptor tables. One IDT is shared by all CPUs; each CPU has its own TSS
 * (with IST stacks for #DF, NMI and #MC inside its stack block) and its own
 * GDT window: 16 pages of virtual space where the first 14 are reserved for a
 * PV guest's GDT frames (a zero page until then) and page 14 holds the
 * hypervisor's descriptors at Xen's selector values.
 */
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/panic.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/x86.h>

struct cpu_info *cpu_infos[MAX_CPUS];
unsigned int nr_cpus_online;

static struct idt_entry idt[256] __aligned(16);
const uint64_t gdt_zero_page[512] __aligned(4096);

extern const uint8_t trap_stubs[];
void reload_cs(uint64_t sel);

bool cpu_has_feature(uint32_t leaf, unsigned int reg, unsigned int bit)
{
    uint32_t r[4], max;

    cpuid(leaf & 0x80000000u, &max, &r[1], &r[2], &r[3]);
    if (leaf > max) {
        return false;
    }
    cpuid(leaf, &r[0], &r[1], &r[2], &r[3]);
    return (r[reg] >> bit) & 1;
}

static void set_gate(unsigned int v, uint16_t cs, uint8_t ist, uint8_t dpl)
{
    uint64_t a = (uint64_t)(uintptr_t)(trap_stubs + 16 * v);

    idt[v] = (struct idt_entry){
        .off_lo = (uint16_t)a,
        .sel = cs,
        .ist = ist,
        .type = (uint8_t)(0x8e | (dpl << 5)),   /* present, 64-bit interrupt gate */
        .off_mid = (uint16_t)(a >> 16),
        .off_hi = (uint32_t)(a >> 32),
    };
}

/* Fill the IDT for code selector cs and load it. */
void idt_load(uint16_t cs, bool with_ist)
{
    struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

    for (unsigned int v = 0; v < 256; v++) {
        uint8_t ist = 0;
        if (with_ist) {
            ist = v == 8 ? IST_DF : v == 2 ? IST_NMI : v == 18 ? IST_MCE : 0;
        }
        /* int3 and into are the guest's to execute: #BP/#OF arrive directly. */
        set_gate(v, cs, ist, (v == 3 || v == 4) ? 3 : 0);
    }
    lidt(&p);
}

static uint64_t code_desc(unsigned int dpl, bool l)
{
    /* base 0, limit 4 GiB, present, code exec/read, accessed */
    return 0x00009b000000ffffull | ((uint64_t)dpl << 45) |
           (l ? (1ull << 53) : (1ull << 54)) | (0xfull << 48) | (1ull << 55);
}

static uint64_t data_desc(unsigned int dpl)
{
    return 0x00cf93000000ffffull | ((uint64_t)dpl << 45);
}

void gdt_fill_reserved(uint64_t *gdt, const struct tss64 *tss)
{
    uint64_t base = (uint64_t)(uintptr_t)tss, limit = sizeof(*tss) - 1;

    memset(gdt, 0, PAGE_SIZE);
    gdt[GDT_SEL_INDEX(HV_CS) - FIRST_RESERVED_GDT_ENTRY] = code_desc(0, true);
    gdt[GDT_SEL_INDEX(HV_DS) - FIRST_RESERVED_GDT_ENTRY] = data_desc(0);
    gdt[GDT_SEL_INDEX(FLAT_RING3_CS32) - FIRST_RESERVED_GDT_ENTRY] = code_desc(3, false);
    gdt[GDT_SEL_INDEX(FLAT_RING3_DS) - FIRST_RESERVED_GDT_ENTRY] = data_desc(3);
    gdt[GDT_SEL_INDEX(FLAT_RING3_CS64) - FIRST_RESERVED_GDT_ENTRY] = code_desc(3, true);
    gdt[GDT_SEL_INDEX(TSS_SEL) - FIRST_RESERVED_GDT_ENTRY] =
        (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
        ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    gdt[GDT_SEL_INDEX(TSS_SEL) - FIRST_RESERVED_GDT_ENTRY + 1] = base >> 32;
}

static vaddr_t gdt_window(unsigned int cpu)
{
    return PERCPU_VIRT_START + (vaddr_t)cpu * PERCPU_VIRT_STRIDE;
}

void cpu_init_tables(struct cpu_info *ci)
{
    vaddr_t win = gdt_window(ci->id);
    struct desc_ptr p = { GDT_ENTRIES * 8 - 1, win };
    paddr_t zero = virt_to_maddr(gdt_zero_page);

    for (unsigned int i = 0; i < 16; i++) {
        int rc = i == FIRST_RESERVED_GDT_PAGE
                     ? map_pages(win + i * PAGE_SIZE, virt_to_maddr(ci->gdt), 1, PAGE_HV_RW)
                     : map_pages(win + i * PAGE_SIZE, zero, 1, PAGE_HV_RO);
        if (rc) {
            panic("CPU%u: cannot map its GDT window (%d)", ci->id, rc);
        }
    }
    ci->tss.ist[IST_DF - 1] = ci->stack_block + (IST_DF_PAGE + 1) * PAGE_SIZE;
    ci->tss.ist[IST_NMI - 1] = ci->stack_block + (IST_NMI_PAGE + 1) * PAGE_SIZE;
    ci->tss.ist[IST_MCE - 1] = ci->stack_block + (IST_MCE_PAGE + 1) * PAGE_SIZE;
    ci->tss.iomap_base = sizeof(ci->tss);   /* no I/O bitmap: ring 3 port I/O faults */
    gdt_fill_reserved(ci->gdt, &ci->tss);

    /* Guests use SSE, and the vCPU context switch saves it with FXSAVE. */
    write_cr4(read_cr4() | X86_CR4_OSFXSR_MASK);
    lgdt(&p);
    reload_cs(HV_CS);
    __asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" : : "r"((uint64_t)HV_DS));
    __asm__ volatile("mov %0, %%fs; mov %0, %%gs" : : "r"(0ull));
    ltr(TSS_SEL);
    idt_load(HV_CS, true);
}
