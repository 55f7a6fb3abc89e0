/*
 * x86-64 start of day, from the boot entry to the portable main loop:
 * console, early traps, boot information, memory, paging, the frame table,
 * descriptor tables, time, the local APIC and the other CPUs.
 */
#include <hv/acpi.h>
#include <hv/backtrace.h>
#include <hv/boot_info.h>
#include <hv/bootmem.h>
#include <hv/arch.h>
#include <hv/errno.h>
#include <hv/sched.h>
#include <hv/frame.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/main.h>
#include <hv/panic.h>
#include <hv/params.h>
#include <hv/time.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/dom0_build.h>
#include <asm/serial.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/x86.h>

void start_xenolith(uint32_t magic, uint32_t info);

extern char __bss_end[];

/* The boot CPU's stack block; head.asm starts on it. */
uint8_t bsp_stack_block[STACK_SIZE] __aligned(STACK_SIZE);

static struct boot_info boot_info;
static struct bootmem boot_mem;
static struct acpi_cpus acpi_cpus;
static uint64_t bsp_gdt_page[512] __aligned(4096);

/* Until paging_init, physical memory below 4 GiB is reachable through the early map. */
static const void *early_map(paddr_t pa, uint64_t len)
{
    if (pa + len < pa || pa + len > EARLY_MAP_LIMIT) {
        return NULL;
    }
    return maddr_to_virt(pa);
}

static void console_sink(const char *s, size_t len)
{
    serial_write(s, len);
}

static const char *mem_type_name(uint32_t t)
{
    static const char *const n[] = { "?", "RAM", "reserved", "ACPI data", "ACPI NVS", "bad" };
    return t < ARRAY_SIZE(n) ? n[t] : "?";
}

static void print_boot_info(const struct boot_info *bi)
{
    log_info("Boot loader: %s (Multiboot %u)\n", bi->loader[0] ? bi->loader : "unknown",
             bi->protocol);
    log_info("Command line: %s\n", bi->cmdline[0] ? bi->cmdline : "(none)");
    log_info("Memory map:\n");
    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        const struct mem_region *r = &bi->regions[i];
        log_info("  %016llx - %016llx %s\n", (unsigned long long)r->start,
                 (unsigned long long)(r->start + r->size), mem_type_name(r->type));
    }
    log_info("RAM: %llu MiB\n", (unsigned long long)(boot_ram_bytes(bi) >> 20));
    log_info("Boot modules: %u\n", bi->nr_modules);
    for (unsigned int i = 0; i < bi->nr_modules; i++) {
        const struct boot_module *m = &bi->modules[i];
        log_info("  module %u: %016llx - %016llx (%llu bytes) %s%s%s\n", i,
                 (unsigned long long)m->start, (unsigned long long)(m->start + m->size),
                 (unsigned long long)m->size, m->name,
                 m->name[0] && m->cmdline[0] ? " " : "", m->cmdline);
    }
    if (bi->truncated) {
        log_warn("boot: %u loader entries did not fit and were ignored\n", bi->truncated);
    }
}

static void reserve_boot_memory(struct boot_info *bi, struct bootmem *bm)
{
    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        if (bi->regions[i].type == MEM_RAM) {
            bootmem_add(bm, bi->regions[i].start, bi->regions[i].size);
        }
    }
    /* Page 0 and the BIOS areas stay out; the AP trampoline takes a page below 1 MiB. */
    bootmem_reserve(bm, 0, PAGE_SIZE);
    bootmem_reserve(bm, 0x9f000, MiB(1) - 0x9f000);
    bootmem_reserve(bm, IMAGE_PHYS_START, virt_to_maddr(__bss_end) - IMAGE_PHYS_START);
    for (unsigned int i = 0; i < bi->nr_modules; i++) {
        bootmem_reserve(bm, bi->modules[i].start, bi->modules[i].size);
    }
}

static mfn_t highest_ram_mfn(const struct boot_info *bi)
{
    paddr_t top = 0;

    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        if (bi->regions[i].type == MEM_RAM) {
            top = MAX(top, bi->regions[i].start + bi->regions[i].size);
        }
    }
    return top >> PAGE_SHIFT;
}

/* The frame table, then all remaining boot memory into the frame allocator. */
static void frames_init(struct boot_info *bi, struct bootmem *bm)
{
    mfn_t nr = highest_ram_mfn(bi);
    uint64_t bytes = ALIGN_UP(nr * sizeof(struct page_info), PAGE_SIZE);
    paddr_t ft = bootmem_alloc(bm, bytes / PAGE_SIZE, PAGE_SIZE, UINT64_MAX);

    if (!ft) {
        panic("memory: no room for the frame table (%llu KiB)", (unsigned long long)bytes >> 10);
    }
    memset(maddr_to_virt(ft), 0, bytes);
    frame_init(maddr_to_virt(ft), nr);
    /* RAM the hypervisor already holds: the image, modules, tables so far. */
    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        const struct mem_region *r = &bi->regions[i];
        if (r->type != MEM_RAM) {
            continue;
        }
        for (mfn_t m = ALIGN_UP(r->start, PAGE_SIZE) >> PAGE_SHIFT;
             m < (r->start + r->size) >> PAGE_SHIFT && m < nr; m++) {
            frame_table[m].flags = PGF_RAM;
            frame_table[m].owner = DOMID_XEN;
        }
    }
    for (unsigned int i = 0; i < bm->nr; i++) {
        frame_add_free(bm->free[i].start >> PAGE_SHIFT,
                       (bm->free[i].end - bm->free[i].start) >> PAGE_SHIFT);
    }
    bm->nr = 0;
    paging_use_frame_allocator();
    log_info("memory: frame table %llu entries at %#llx, %llu KiB\n", (unsigned long long)nr,
             (unsigned long long)ft, (unsigned long long)bytes >> 10);
}

static void cpu_init_bsp(void)
{
    struct cpu_info *ci = cpu_info_of_block((vaddr_t)bsp_stack_block);

    ci->id = 0;
    ci->stack_block = (vaddr_t)bsp_stack_block;
    ci->gdt = bsp_gdt_page;
    ci->online = true;
    cpu_infos[0] = ci;
    nr_cpus_online = 1;
    cpu_init_tables(ci);
    pv_cpu_init(ci);
}

static void find_cpus(struct boot_info *bi)
{
    const void *rsdp = bi->rsdp_len ? bi->rsdp : NULL;
    size_t len = bi->rsdp_len;
    int rc;

    if (!rsdp) {
        paddr_t pa = acpi_find_rsdp(early_map);
        rsdp = pa ? early_map(pa, 36) : NULL;
        len = 36;
    }
    rc = rsdp ? acpi_read_cpus(rsdp, len, early_map, &acpi_cpus) : -ENOENT;
    if (rc) {
        log_warn("acpi: no usable MADT (%d); running on the boot CPU only\n", rc);
        acpi_cpus.nr = 0;
        return;
    }
    log_info("acpi: %u CPU%s, local APIC %#llx, I/O APIC %#llx\n", acpi_cpus.nr,
             acpi_cpus.nr == 1 ? "" : "s", (unsigned long long)acpi_cpus.lapic_base,
             (unsigned long long)acpi_cpus.ioapic_base);
}

/*
 * The BIOS leaves the 8259 PICs routing IRQ0-15 to vectors 8-15, where they
 * would look like exceptions. Move them out of the way and mask them all:
 * the hypervisor uses the local APIC only.
 */
static void pic_disable(void)
{
    static const uint8_t init[2][4] = { { 0x11, 0x20, 0x04, 0x01 }, { 0x11, 0x28, 0x02, 0x01 } };
    static const uint16_t port[2] = { 0x20, 0xa0 };

    for (unsigned int i = 0; i < 2; i++) {
        outb(port[i], init[i][0]);          /* ICW1: initialise, ICW4 follows */
        outb(port[i] + 1, init[i][1]);      /* ICW2: vector base */
        outb(port[i] + 1, init[i][2]);      /* ICW3: cascade wiring */
        outb(port[i] + 1, init[i][3]);      /* ICW4: 8086 mode */
        outb(port[i] + 1, 0xff);            /* mask everything */
    }
}

static void timer_interrupt(void)
{
    timer_run(&this_cpu()->timers, now());
}

void start_xenolith(uint32_t magic, uint32_t info)
{
    int rc;

    tsc_mark_entry();
    serial_init();
    log_set_sink(console_sink);
    /* Until the final GDT is loaded the boot code's selector 0x08 is our CS. */
    idt_load(0x08, false);
    log_info("Xenolith hypervisor %s (x86-64 PV) starting\n", XENOLITH_VERSION);

    rc = boot_info_parse(magic, info, early_map, &boot_info);
    if (rc) {
        panic("boot: bad boot loader information (magic %#x, info %#x)", magic, info);
    }
    boot_regions_normalise(&boot_info);
    params_parse(boot_info.cmdline);
    log_set_console_level(hv_params.loglvl);
    if (!strcmp(hv_params.console, "none")) {
        log_set_sink(NULL);
    }
    print_boot_info(&boot_info);
    if (boot_ram_bytes(&boot_info) < MiB(16)) {
        panic("memory: %llu KiB of RAM is too little",
              (unsigned long long)(boot_ram_bytes(&boot_info) >> 10));
    }

    bootmem_init(&boot_mem);
    reserve_boot_memory(&boot_info, &boot_mem);
    find_cpus(&boot_info);
    paging_init(&boot_info, &boot_mem);
    smp_prepare(&boot_mem);
    frames_init(&boot_info, &boot_mem);
    m2p_init();
    cpu_init_bsp();

    pic_disable();
    tsc_calibrate();
    log_set_clock(now);
    rtc_init();
    apic_init_bsp(acpi_cpus.lapic_base);
    apic_timer_init();
    timer_queue_init(&this_cpu()->timers, apic_timer_program);
    traps_set_timer_handler(timer_interrupt);
    if (acpi_cpus.nr) {
        smp_boot_cpus(&acpi_cpus);
    }
    hv_main(&boot_info);
}

/* ---- the arch interface for portable code ---- */

unsigned long arch_irq_save(void)
{
    unsigned long f = read_rflags();

    cli();
    return f;
}

void arch_irq_restore(unsigned long flags)
{
    if (flags & X86_EFLAGS_IF) {
        sti();
    }
}

unsigned int arch_cpu_id(void)
{
    return this_cpu()->id;
}

void arch_cpu_relax(void)
{
    pause();
}

struct timer_queue *arch_timer_queue(void)
{
    return &this_cpu()->timers;
}

void arch_idle(void)
{
    safe_halt();
}

void arch_start_domains(const struct boot_info *bi)
{
    if (boot_domains_build(bi)) {
        pv_start_scheduling();
    }
}

bool arch_on_cpu_stack(vaddr_t addr, size_t len)
{
    vaddr_t block = ALIGN_DOWN(read_rsp(), STACK_SIZE);

    return addr >= block && addr + len <= block + STACK_SIZE - sizeof(struct cpu_info);
}
