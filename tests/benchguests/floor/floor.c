/* SPDX-License-Identifier: MIT */
/*
 * The floor: native costs, in the same QEMU, of what the PV benchmark guest
 * (tests/benchguests/pv) asks a hypervisor to do.  Bare metal, ring 0 with
 * ring-3 code of its own; output on COM1 in the guest's format
 *
 *     BENCH <name> cycles=<median> min=<min> max=<max> iters=<ops per pass> reps=<REPS>
 *
 * then "Test result: SUCCESS" and an isa-debug-exit poweroff (QEMU exit 0x21).
 *
 *   syscall_sysret         ring-3 `syscall` -> LSTAR handler -> `sysretq`
 *   syscall_iretq          the same returning with `iretq` (what the return costs)
 *   pte_store_invlpg_same  ring 0: store the value a 4 KiB PTE already holds, invlpg
 *   pte_store_invlpg_alt   ring 0: the PTE switching between frames A and B, invlpg
 */
#include <rt/lib.h>
#include <stdbool.h>
#include <stdint.h>

#define REPS          11
#define PTES          2048u
#define L1_ENTRIES    512u
#define PTE_FLAGS     UINT64_C(0x67) /* present, rw, user, accessed, dirty */
#define TABLE         UINT64_C(0x07)
#define BENCH_VA      UINT64_C(0x40000000) /* pdpt[1] -> pd2[0] -> pt */
#define COM1          0x3f8
#define EXIT_PORT     0xf4
#define EXIT_POWEROFF 0x10 /* QEMU exits (0x10 << 1) | 1, as Xenolith's poweroff */

#define MSR_EFER  0xc0000080u
#define MSR_STAR  0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u

void floor_main(void) __noreturn;
void floor_lstar(void);
void floor_lstar_iretq(void);
uint64_t run_user(uint64_t (*fn)(uint64_t), uint64_t arg);

extern uint64_t pdpt[512];
static uint64_t pd2[512] __aligned(4096);
static uint64_t pt[L1_ENTRIES] __aligned(4096);
static uint8_t frame_a[4096] __aligned(4096);
static uint8_t frame_b[4096] __aligned(4096);
static uint64_t pte_val[2];

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

struct bench {
    const char *name;
    uint64_t (*fn)(const struct bench *b, uint64_t n);
    uint64_t iters;
    bool alt;
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

static uint64_t b_syscall_iretq(const struct bench *b, uint64_t n)
{
    wrmsr(MSR_LSTAR, (uintptr_t)floor_lstar_iretq);
    uint64_t t = run_user(user_syscall_loop, n);
    wrmsr(MSR_LSTAR, (uintptr_t)floor_lstar);
    return t;
}

/* As the guest's val_of(): entries start and end on frame A. */
static inline unsigned int val_of(const struct bench *b, uint64_t k)
{
    return b->alt ? !((k / L1_ENTRIES) & 1) : 0;
}

static uint64_t b_pte(const struct bench *b, uint64_t n)
{
    volatile uint64_t *p = pt;
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k++) {
        unsigned int i = (unsigned int)(k % L1_ENTRIES);
        p[i] = pte_val[val_of(b, k)];
        invlpg(BENCH_VA + (uint64_t)i * 4096);
    }
    return rdtsc() - t0;
}

static const struct bench benches[] = {
    {"syscall_sysret", b_syscall, 2000, false},
    {"syscall_iretq", b_syscall_iretq, 2000, false},
    {"pte_store_invlpg_same", b_pte, PTES, false},
    {"pte_store_invlpg_alt", b_pte, PTES, true},
};

void floor_main(void)
{
    wrmsr(MSR_STAR, ((uint64_t)0x18 << 48) | ((uint64_t)0x08 << 32));
    wrmsr(MSR_LSTAR, (uintptr_t)floor_lstar);
    wrmsr(MSR_FMASK, 0x700); /* TF, IF, DF */

    pte_val[0] = (uintptr_t)frame_a | PTE_FLAGS;
    pte_val[1] = (uintptr_t)frame_b | PTE_FLAGS;
    for (unsigned int i = 0; i < L1_ENTRIES; i++)
        pt[i] = pte_val[0];
    pd2[0] = (uintptr_t)pt | TABLE;
    pdpt[1] = (uintptr_t)pd2 | TABLE;
    *(volatile uint64_t *)frame_a = 0x600dcafe;

    printf("--- Xenolith benchmark floor (bare metal, ring 0/3) ---\n");
    if (*(volatile uint64_t *)(BENCH_VA + 5 * 4096) != 0x600dcafe)
        panic("the benchmark L1 does not map frame A");
    for (unsigned int i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
        run(&benches[i]);
    unsigned int bad = 0;
    for (unsigned int i = 0; i < L1_ENTRIES; i++)
        bad += pt[i] != pte_val[0];
    if (bad)
        panic("%u PTEs do not map frame A at the end", bad);
    printf("Test result: SUCCESS\n");
    poweroff();
}
