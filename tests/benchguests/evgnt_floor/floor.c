/* SPDX-License-Identifier: MIT */
/*
 * The floor of the event-channel and grant-table figures: native costs, in
 * the same QEMU, of what tests/benchguests/evgnt asks a hypervisor to do.
 * Bare metal: it is linked with the PV floor's start-up code
 * (tests/benchguests/floor/head.S: Multiboot 1 entry, long mode, the first
 * 1 GiB mapped with 2 MiB pages, a GDT for syscall/sysret, run_user() and the
 * floor_lstar syscall entry), which calls floor_main() here.  Output on COM1
 * in the guest's format
 *
 *     BENCH <name> cycles=<median> min=<min> max=<max> iters=<ops per pass> reps=<REPS>
 *
 * then "Test result: SUCCESS" and an isa-debug-exit poweroff (QEMU exit 0x21).
 *
 *   syscall_sysret   ring-3 `syscall` -> LSTAR handler -> `sysretq` (a hypercall's floor)
 *   self_ipi         local-APIC self-IPI with interrupts on: the handler (EOI, count,
 *                    iretq) runs before the next send (an event upcall's floor)
 *   self_ipi_hlt     interrupts off, self-IPI, `sti; hlt` wakes into the handler,
 *                    `cli` (send, block until it arrives, consume: a loopback
 *                    round trip's floor)
 *   pte_map_unmap    ring 0: store a 4 KiB PTE, clear it, invlpg (a grant map +
 *                    unmap's floor: what the page table needs, no checks)
 *   memcpy_4k_movsq  4 KiB with `rep movsq` (a grant copy's floor)
 *   memcpy_4k_movsb  4 KiB with `rep movsb`
 *   memcpy_4k_bytes  4 KiB with the guest runtime's byte-at-a-time memcpy
 *
 * Console, exit, syscall set-up, running and reporting: ../common/floor.h
 * and bench.h, shared with the PV floor.
 */
#include "../common/floor.h"

#define NSLOTS      16u
#define PTE_FLAGS   UINT64_C(0x63)       /* present, rw, accessed, dirty */
#define APIC_BASE   UINT64_C(0xfee00000) /* mapped by pdpt[3] -> pd3[0x1f7], uncached */
#define APIC_SVR    0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_SELF   (1u << 18) /* destination shorthand: self */
#define IPI_VECTOR  0x40

/* From isr.S. */
void evfloor_ipi_isr(void);
void evfloor_exc_isr(void);
void evfloor_exception(const uint64_t *frame) __noreturn;

volatile uint64_t evfloor_ipi_count;

static uint64_t pd3[512] __aligned(4096);
static uint64_t pt[512] __aligned(4096);
static uint8_t frames[NSLOTS][4096] __aligned(4096);

struct idt_gate {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
};
static struct idt_gate idt[256] __aligned(16);

static inline void apic_write(unsigned int reg, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(APIC_BASE + reg) = v;
}
static inline uint32_t apic_read(unsigned int reg)
{
    return *(volatile uint32_t *)(uintptr_t)(APIC_BASE + reg);
}

void evfloor_exception(const uint64_t *frame)
{
    panic("unexpected exception; frame %#lx %#lx %#lx", frame[0], frame[1], frame[2]);
}

static void set_gate(unsigned int vec, void (*fn)(void))
{
    uint64_t a = (uintptr_t)fn;
    idt[vec] = (struct idt_gate){.off0 = (uint16_t)a,
                                 .sel = 0x08,
                                 .type = 0x8e,
                                 .off1 = (uint16_t)(a >> 16),
                                 .off2 = (uint32_t)(a >> 32)};
}

static void idt_setup(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr = {sizeof(idt) - 1, (uintptr_t)idt};

    for (unsigned int v = 0; v < 32; v++)
        set_gate(v, evfloor_exc_isr);
    set_gate(IPI_VECTOR, evfloor_ipi_isr);
    __asm__ volatile("lidt %0" ::"m"(ptr));
    /* The legacy PICs stay silent (the BIOS left IRQ 0 on vector 8). */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    /* The local APIC's registers, uncached (PCD | PWT), at their reset address. */
    pd3[(APIC_BASE >> 21) & 511] = APIC_BASE | 0x9b; /* present, rw, PWT, PCD, PS */
    pdpt[(APIC_BASE >> 30) & 511] = (uintptr_t)pd3 | TABLE;
    __asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
    apic_write(APIC_SVR, apic_read(APIC_SVR) | 0x1ff); /* software enable, spurious 0xff */
}

static inline void self_ipi(void)
{
    apic_write(APIC_ICR_HI, 0);
    apic_write(APIC_ICR_LO, APIC_SELF | IPI_VECTOR);
}

static uint64_t b_self_ipi(const struct bench *b, uint64_t n, long *err)
{
    uint64_t c0 = evfloor_ipi_count;

    __asm__ volatile("sti" ::: "memory");
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        self_ipi();
        while (evfloor_ipi_count == c0 + i)
            __asm__ volatile("pause");
    }
    uint64_t t = rdtsc() - t0;
    __asm__ volatile("cli" ::: "memory");
    return t;
}

static uint64_t b_self_ipi_hlt(const struct bench *b, uint64_t n, long *err)
{
    uint64_t c0 = evfloor_ipi_count;
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        self_ipi();
        /* sti's shadow covers hlt: the IPI wakes it and is taken right after. */
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
    uint64_t t = rdtsc() - t0;
    if (evfloor_ipi_count - c0 != n)
        panic("%lu IPIs for %lu sends", evfloor_ipi_count - c0, n);
    return t;
}

static uint64_t b_pte_map_unmap(const struct bench *b, uint64_t n, long *err)
{
    volatile uint64_t *p = pt;
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k++) {
        unsigned int i = (unsigned int)(k % NSLOTS);
        p[16 + i] = (uintptr_t)frames[i] | PTE_FLAGS;
        p[16 + i] = 0;
        invlpg(BENCH_VA + (uint64_t)(16 + i) * 4096);
    }
    return rdtsc() - t0;
}

static const struct bench benches[] = {
    {"syscall_sysret", floor_b_syscall, 2000, 1, 0}, {"self_ipi", b_self_ipi, 1000, 1, 0},
    {"self_ipi_hlt", b_self_ipi_hlt, 1000, 1, 0},    {"pte_map_unmap", b_pte_map_unmap, 256, 1, 0},
    {"memcpy_4k_movsq", bench_memcpy, 64, 1, 0},     {"memcpy_4k_movsb", bench_memcpy, 64, 1, 1},
    {"memcpy_4k_bytes", bench_memcpy, 64, 1, 2},
};

void floor_main(void)
{
    floor_syscall_setup();

    floor_map_l1(pt);
    bench_memcpy_setup();
    idt_setup();

    printf("--- Xenolith event-channel/grant floor (bare metal, ring 0/3) ---\n");
    for (unsigned int i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
        bench_run(&benches[i]);
    if (!bench_memcpy_done())
        panic("the copies do not match");
    printf("Test result: SUCCESS\n");
    floor_poweroff();
}
