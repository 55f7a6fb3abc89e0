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
 *
 * Console, exit, syscall set-up, running and reporting: ../common/floor.h
 * and bench.h, shared with the event-channel/grant floor.
 */
#include "../common/floor.h"

#define PTES       2048u
#define L1_ENTRIES 512u
#define PTE_FLAGS  UINT64_C(0x67) /* present, rw, user, accessed, dirty */

static uint64_t pt[L1_ENTRIES] __aligned(4096);
static uint8_t frame_a[4096] __aligned(4096);
static uint8_t frame_b[4096] __aligned(4096);
static uint64_t pte_val[2];

static uint64_t b_syscall_iretq(const struct bench *b, uint64_t n, long *err)
{
    wrmsr(MSR_LSTAR, (uintptr_t)floor_lstar_iretq);
    uint64_t t = run_user(floor_user_syscall_loop, n);
    wrmsr(MSR_LSTAR, (uintptr_t)floor_lstar);
    return t;
}

/* As the guest's val_of(): entries start and end on frame A. */
static inline unsigned int val_of(const struct bench *b, uint64_t k)
{
    return b->variant ? !((k / L1_ENTRIES) & 1) : 0;
}

static uint64_t b_pte(const struct bench *b, uint64_t n, long *err)
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
    {"syscall_sysret", floor_b_syscall, 2000, 1, 0},
    {"syscall_iretq", b_syscall_iretq, 2000, 1, 0},
    {"pte_store_invlpg_same", b_pte, PTES, 1, 0},
    {"pte_store_invlpg_alt", b_pte, PTES, 1, 1},
};

void floor_main(void)
{
    floor_syscall_setup();

    pte_val[0] = (uintptr_t)frame_a | PTE_FLAGS;
    pte_val[1] = (uintptr_t)frame_b | PTE_FLAGS;
    for (unsigned int i = 0; i < L1_ENTRIES; i++)
        pt[i] = pte_val[0];
    floor_map_l1(pt);
    *(volatile uint64_t *)frame_a = 0x600dcafe;

    printf("--- Xenolith benchmark floor (bare metal, ring 0/3) ---\n");
    if (*(volatile uint64_t *)(BENCH_VA + 5 * 4096) != 0x600dcafe)
        panic("the benchmark L1 does not map frame A");
    for (unsigned int i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
        bench_run(&benches[i]);
    unsigned int bad = 0;
    for (unsigned int i = 0; i < L1_ENTRIES; i++)
        bad += pt[i] != pte_val[0];
    if (bad)
        panic("%u PTEs do not map frame A at the end", bad);
    printf("Test result: SUCCESS\n");
    floor_poweroff();
}
