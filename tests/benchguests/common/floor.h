/* SPDX-License-Identifier: MIT */
/*
 * The bare-metal side of the benchmark images: the floors (floor/ for the
 * PV guest, evgnt_floor/ for the event-channel and grant guest) measure in
 * the same QEMU what their guest asks a hypervisor to do, natively.  Both
 * start in tests/benchguests/floor/head.S (Multiboot 1 entry, long mode, the
 * first 1 GiB mapped with 2 MiB pages, a GDT for syscall/sysret, run_user()
 * and the floor_lstar syscall entry), which calls floor_main().
 *
 * Shared here: port and MSR access, the COM1 console behind printf (the
 * runtime's printf.c does the formatting), panic and the isa-debug-exit
 * poweroff, syscall/sysret set-up and the ring-3 syscall loop, and the
 * 4 KiB-page window both floors time page-table stores in.  Figures are
 * run and printed by bench.h, as in the PV guests.
 */
#ifndef BENCHGUESTS_FLOOR_H
#define BENCHGUESTS_FLOOR_H

#include <rt/lib.h>
#include <rt/x86.h> /* rdtsc and the like: plain instructions, no hypercalls */
#include <stdbool.h>
#include <stdint.h>
#include "bench.h"

#define TABLE         UINT64_C(0x07)       /* a table entry: present, rw, user */
#define BENCH_VA      UINT64_C(0x40000000) /* pdpt[1] -> floor_pd2[0] -> the floor's L1 */
#define COM1          0x3f8
#define EXIT_PORT     0xf4
#define EXIT_POWEROFF 0x10 /* QEMU exits (0x10 << 1) | 1, as Xenolith's poweroff */

#define MSR_STAR  0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u

/* From tests/benchguests/floor/head.S. */
void floor_main(void) __noreturn;
void floor_lstar(void);
void floor_lstar_iretq(void);
uint64_t run_user(uint64_t (*fn)(uint64_t), uint64_t arg);
extern uint64_t pdpt[512];

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
static inline void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

/* isa-debug-exit: QEMU ends with EXIT_POWEROFF. */
void floor_poweroff(void) __noreturn;

/* syscall/sysret through head.S's GDT, entering floor_lstar, with TF, IF
 * and DF masked. */
void floor_syscall_setup(void);

/* Map the 2 MiB at BENCH_VA with l1 (a 512-entry table of the floor's). */
void floor_map_l1(uint64_t *l1);

/* Ring 3: n `syscall`s, each straight back from floor_lstar; its cycles. */
uint64_t floor_user_syscall_loop(uint64_t n);
/* The syscall_sysret figure: floor_user_syscall_loop from ring 0. */
uint64_t floor_b_syscall(const struct bench *b, uint64_t n, long *err);

#endif /* BENCHGUESTS_FLOOR_H */
