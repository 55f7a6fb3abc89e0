/* SPDX-License-Identifier: MIT */
/*
 * x86-64 architecture facts and instruction helpers for PV guest code
 * (these are not Xen ABI: vectors, flag bits, MSR numbers, page-table bits).
 */
#ifndef RT_X86_H
#define RT_X86_H

#include <stdint.h>
#include <xen/arch-x86_64.h>

/* Exception vectors. */
#define X86_EXC_DE  0
#define X86_EXC_DB  1
#define X86_EXC_NMI 2
#define X86_EXC_BP  3
#define X86_EXC_OF  4
#define X86_EXC_BR  5
#define X86_EXC_UD  6
#define X86_EXC_NM  7
#define X86_EXC_DF  8
#define X86_EXC_TS  10
#define X86_EXC_NP  11
#define X86_EXC_SS  12
#define X86_EXC_GP  13
#define X86_EXC_PF  14
#define X86_EXC_MF  16
#define X86_EXC_AC  17
#define X86_EXC_MC  18
#define X86_EXC_XM  19
/* Vectors that push an error code. */
#define X86_EXC_HAVE_EC                                                                            \
    ((1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 17))

/* #PF error code bits. */
#define PFEC_PRESENT (1u << 0)
#define PFEC_WRITE   (1u << 1)
#define PFEC_USER    (1u << 2)
#define PFEC_INSN    (1u << 4)

/* RFLAGS. */
#define X86_EFLAGS_CF   (1u << 0)
#define X86_EFLAGS_MBS  (1u << 1)
#define X86_EFLAGS_TF   (1u << 8)
#define X86_EFLAGS_IF   (1u << 9)
#define X86_EFLAGS_DF   (1u << 10)
#define X86_EFLAGS_IOPL (3u << 12)
#define X86_EFLAGS_NT   (1u << 14)
#define X86_EFLAGS_AC   (1u << 18)

/* Control register bits. */
#define X86_CR0_PE     (1u << 0)
#define X86_CR0_MP     (1u << 1)
#define X86_CR0_TS     (1u << 3)
#define X86_CR0_PG     (1u << 31)
#define X86_CR4_PAE    (1u << 5)
#define X86_CR4_OSFXSR (1u << 9)

/* MSRs. */
#define MSR_EFER           0xc0000080u
#define MSR_FS_BASE        0xc0000100u
#define MSR_GS_BASE        0xc0000101u
#define MSR_SHADOW_GS_BASE 0xc0000102u
#define MSR_IA32_TSC       0x00000010u
#define MSR_IA32_CR_PAT    0x00000277u
#define EFER_SCE           (1u << 0)
#define EFER_LME           (1u << 8)
#define EFER_LMA           (1u << 10)

/* Page-table entry bits. */
#define _PAGE_PRESENT  UINT64_C(0x001)
#define _PAGE_RW       UINT64_C(0x002)
#define _PAGE_USER     UINT64_C(0x004)
#define _PAGE_ACCESSED UINT64_C(0x020)
#define _PAGE_DIRTY    UINT64_C(0x040)
#define PAGE_SIZE      4096ul

/* Segment descriptor bits (high dword). */
#define DESC_P      (1u << 15)
#define DESC_S      (1u << 12)
#define DESC_DPL(d) ((uint32_t)(d) << 13)
#define DESC_L      (1u << 21)
#define DESC_G      (1u << 23)
#define DESC_DB     (1u << 22)

static inline uint64_t read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
static inline uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_flags(void)
{
    uint64_t f;
    __asm__ volatile("pushf; pop %0" : "=r"(f));
    return f;
}

static inline uint16_t read_cs(void)
{
    uint16_t v;
    __asm__ volatile("mov %%cs, %0" : "=r"(v));
    return v;
}
static inline uint16_t read_ss(void)
{
    uint16_t v;
    __asm__ volatile("mov %%ss, %0" : "=r"(v));
    return v;
}

struct cpuid_res {
    uint32_t a, b, c, d;
};

/* Native CPUID (not intercepted for PV guests: the host's raw values). */
static inline struct cpuid_res cpuid_native(uint32_t leaf, uint32_t sub)
{
    struct cpuid_res r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
    return r;
}

/* CPUID through the forced-emulation prefix: the hypervisor's view. */
static inline struct cpuid_res cpuid_fep(uint32_t leaf, uint32_t sub)
{
    struct cpuid_res r;
    __asm__ volatile(XEN_CPUID : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
    return r;
}

static inline void barrier(void)
{
    __asm__ volatile("" ::: "memory");
}
static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

#endif /* RT_X86_H */
