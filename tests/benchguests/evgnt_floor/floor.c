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
 */
#include <rt/lib.h>
#include <stdbool.h>
#include <stdint.h>

#define REPS          11
#define NSLOTS        16u
#define PTE_FLAGS     UINT64_C(0x63) /* present, rw, accessed, dirty */
#define TABLE         UINT64_C(0x07)
#define BENCH_VA      UINT64_C(0x40000000) /* pdpt[1] -> pd2[0] -> pt */
#define APIC_BASE     UINT64_C(0xfee00000) /* mapped by pdpt[3] -> pd3[0x1f7], uncached */
#define APIC_SVR      0xf0
#define APIC_ICR_LO   0x300
#define APIC_ICR_HI   0x310
#define APIC_SELF     (1u << 18) /* destination shorthand: self */
#define IPI_VECTOR    0x40
#define COM1          0x3f8
#define EXIT_PORT     0xf4
#define EXIT_POWEROFF 0x10 /* QEMU exits (0x10 << 1) | 1, as Xenolith's poweroff */

#define MSR_STAR  0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u

/* From tests/benchguests/floor/head.S. */
void floor_main(void) __noreturn;
void floor_lstar(void);
uint64_t run_user(uint64_t (*fn)(uint64_t), uint64_t arg);
extern uint64_t pdpt[512];
/* From isr.S. */
void evfloor_ipi_isr(void);
void evfloor_exc_isr(void);
void evfloor_exception(const uint64_t *frame) __noreturn;

volatile uint64_t evfloor_ipi_count;

static uint64_t pd2[512] __aligned(4096);
static uint64_t pd3[512] __aligned(4096);
static uint64_t pt[512] __aligned(4096);
static uint8_t frames[NSLOTS][4096] __aligned(4096);
static uint8_t buf_src[4096] __aligned(4096);
static uint8_t buf_dst[4096] __aligned(4096);

struct idt_gate {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
};
static struct idt_gate idt[256] __aligned(16);

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}
static inline void apic_write(unsigned int reg, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(APIC_BASE + reg) = v;
}
static inline uint32_t apic_read(unsigned int reg)
{
    return *(volatile uint32_t *)(uintptr_t)(APIC_BASE + reg);
}

void console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (!(inb(COM1 + 5) & 0x20))
            ;
        outb(COM1, (uint8_t)s[i]);
    }
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    console_write(buf, strnlen(buf, sizeof(buf)));
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

static void __noreturn poweroff(void)
{
    outl(EXIT_PORT, EXIT_POWEROFF);
    for (;;)
        __asm__ volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
    va_list ap;
    printf("PANIC: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\nTest result: ERROR\n");
    poweroff();
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

struct bench {
    const char *name;
    uint64_t (*fn)(const struct bench *b, uint64_t n);
    uint64_t iters;
    unsigned int variant;
};

static void sort_u64(uint64_t *a, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t v = a[i];
        unsigned int j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static void run(const struct bench *b)
{
    uint64_t per10[REPS];

    b->fn(b, b->iters);
    for (unsigned int r = 0; r < REPS; r++)
        per10[r] = b->fn(b, b->iters) * 10 / b->iters;
    sort_u64(per10, REPS);
    uint64_t med = per10[REPS / 2], lo = per10[0], hi = per10[REPS - 1];
    printf("BENCH %s cycles=%lu.%lu min=%lu.%lu max=%lu.%lu iters=%lu reps=%u\n", b->name, med / 10,
           med % 10, lo / 10, lo % 10, hi / 10, hi % 10, b->iters, REPS);
}

/* Ring 3: n `syscall`s, each straight back with sysretq. */
static uint64_t user_syscall_loop(uint64_t n)
{
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        uint64_t nr = 0;
        __asm__ volatile("syscall" : "+a"(nr) : : "rcx", "r11", "memory");
    }
    return rdtsc() - t0;
}

static uint64_t b_syscall(const struct bench *b, uint64_t n)
{
    return run_user(user_syscall_loop, n);
}

static inline void self_ipi(void)
{
    apic_write(APIC_ICR_HI, 0);
    apic_write(APIC_ICR_LO, APIC_SELF | IPI_VECTOR);
}

static uint64_t b_self_ipi(const struct bench *b, uint64_t n)
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

static uint64_t b_self_ipi_hlt(const struct bench *b, uint64_t n)
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

static uint64_t b_pte_map_unmap(const struct bench *b, uint64_t n)
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

static void copy_movsq(void *d, const void *s, size_t len)
{
    size_t q = len / 8;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
}

static void copy_movsb(void *d, const void *s, size_t len)
{
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(len) : : "memory");
}

static void copy_bytes(void *d, const void *s, size_t len)
{
    memcpy(d, s, len);
}

static uint64_t b_memcpy(const struct bench *b, uint64_t n)
{
    void (*fn)(void *, const void *, size_t) = b->variant == 0   ? copy_movsq
                                               : b->variant == 1 ? copy_movsb
                                                                 : copy_bytes;
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k++)
        fn(buf_dst, buf_src, 4096);
    return rdtsc() - t0;
}

static const struct bench benches[] = {
    {"syscall_sysret", b_syscall, 2000, 0},    {"self_ipi", b_self_ipi, 1000, 0},
    {"self_ipi_hlt", b_self_ipi_hlt, 1000, 0}, {"pte_map_unmap", b_pte_map_unmap, 256, 0},
    {"memcpy_4k_movsq", b_memcpy, 64, 0},      {"memcpy_4k_movsb", b_memcpy, 64, 1},
    {"memcpy_4k_bytes", b_memcpy, 64, 2},
};

void floor_main(void)
{
    wrmsr(MSR_STAR, ((uint64_t)0x18 << 48) | ((uint64_t)0x08 << 32));
    wrmsr(MSR_LSTAR, (uintptr_t)floor_lstar);
    wrmsr(MSR_FMASK, 0x700); /* TF, IF, DF */

    pd2[0] = (uintptr_t)pt | TABLE;
    pdpt[1] = (uintptr_t)pd2 | TABLE;
    for (unsigned int j = 0; j < sizeof(buf_src); j++)
        buf_src[j] = (uint8_t)(j * 7);
    idt_setup();

    printf("--- Xenolith event-channel/grant floor (bare metal, ring 0/3) ---\n");
    for (unsigned int i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
        run(&benches[i]);
    if (memcmp(buf_dst, buf_src, sizeof(buf_dst)))
        panic("the copies do not match");
    printf("Test result: SUCCESS\n");
    poweroff();
}
