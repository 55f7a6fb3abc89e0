/* Small wrappers around x86-64 instructions. */
#ifndef ASM_X86_H
#define ASM_X86_H

#include <hv/types.h>

#define X86_CR0_PE (1ul << 0)
#define X86_CR0_MP (1ul << 1)
#define X86_CR0_EM (1ul << 2)
#define X86_CR0_TS (1ul << 3)
#define X86_CR0_NE (1ul << 5)
#define X86_CR0_WP (1ul << 16)
#define X86_CR0_PG (1ul << 31)
#define X86_CR4_PAE (1ul << 5)
#define X86_CR4_PGE (1ul << 7)
#define X86_CR4_OSFXSR (1ul << 9)
#define X86_CR4_OSXMMEXCPT (1ul << 10)
#define X86_CR4_OSFXSR_MASK (X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)
#define X86_EFLAGS_IF (1ul << 9)

#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                               uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    cpuid_count(leaf, 0, a, b, c, d);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* rdtsc that does not move ahead of earlier loads. */
static inline uint64_t rdtsc_ordered(void)
{
    __asm__ volatile("lfence" ::: "memory");
    return rdtsc();
}

#define DEFINE_CR(n)                                                    \
    static inline unsigned long read_cr##n(void)                        \
    {                                                                   \
        unsigned long v;                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));               \
        return v;                                                       \
    }                                                                   \
    static inline void write_cr##n(unsigned long v)                     \
    {                                                                   \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");      \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

/* Bits 63-47 all equal: an address the CPU accepts at all. */
static inline bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static inline void invlpg(const void *va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline unsigned long read_rflags(void)
{
    unsigned long f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void pause(void) { __asm__ volatile("pause" ::: "memory"); }
/* sti takes effect after the next instruction, so no interrupt is lost before hlt. */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

static inline unsigned long read_rbp(void)
{
    unsigned long v;
    __asm__ volatile("mov %%rbp, %0" : "=r"(v));
    return v;
}

static inline unsigned long read_rsp(void)
{
    unsigned long v;
    __asm__ volatile("mov %%rsp, %0" : "=r"(v));
    return v;
}

bool cpu_has_feature(uint32_t leaf, unsigned int reg, unsigned int bit);
#define CPUID_REG_EAX 0
#define CPUID_REG_EBX 1
#define CPUID_REG_ECX 2
#define CPUID_REG_EDX 3

#endif /* ASM_X86_H */
