/* SPDX-License-Identifier: MIT */
/*
 * The PV benchmark guest (issues 3 and 4): figures, never pass/fail on time.
 *
 * One PV kernel, booted unchanged as the initial domain of Xenolith and of
 * Xen 4.17 (tests/bench/pv).  Each figure is rdtsc cycles per operation:
 * one warm-up pass, then REPS timed passes of `iters` operations each; the
 * line gives the median pass and the spread:
 *
 *     BENCH <name> cycles=<median> min=<min> max=<max> iters=<ops per pass> reps=<REPS>
 *
 * or "BENCH <name> error=<rc>" when the operation failed (then the result
 * is ERROR).  Under TCG rdtsc counts host TSC ticks, not guest work: only
 * side-by-side comparisons in one run mean anything.
 *
 * CPU (issue 3):
 *   null_hypercall       xen_version(XENVER_version), raw `syscall` (as Linux >= 6.1.121)
 *   null_hypercall_page  the same through the hypercall page
 *   iret                 HYPERVISOR_iret from kernel mode to kernel mode (no bounce)
 *   fep_cpuid            forced-emulation cpuid (trap, decode, emulate, return)
 *   user_syscall         user-mode `syscall` bounced to the syscall callback, which
 *                        returns at once with iret + VGCF_in_syscall
 *
 * MMU (issue 4), cycles per PTE on a pinned L1 of our own (hooked into the
 * live page tables at a free 2 MiB slot), each PTE mapping data frame A or B:
 *   mmu_update_same_bN   mmu_update, N requests per call, each writing the value
 *                        the entry already holds
 *   mmu_update_alt_bN    the same, every entry switching between frames A and B
 *                        (reference counts move)
 *   multicall_uva_*_bN   multicall of N update_va_mapping (no flush)
 *   uva_invlpg_*         one update_va_mapping(UVMF_INVLPG) per PTE
 *   ptwr_*               a plain `mov` into the read-only mapped L1, emulated as a
 *                        writable page-table update (VMASST_TYPE_writable_pagetables)
 *
 * Running and reporting a figure, the null hypercall and hooking the L1 in
 * are shared with tests/benchguests/evgnt: ../common/pv.h and bench.h.
 */
#include "../common/pv.h"

const char test_title[] = "bench_pv: PV hypercall, trap and MMU costs (figures, not checks)";

#define MMU_PTES   2048u /* PTEs per timed pass: 4 rounds over the 512 entries */
#define L1_ENTRIES 512u
#define PTE_FLAGS  (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define ADDR_MASK  UINT64_C(0x000ffffffffff000)

uint64_t bench_iret_loop(uint64_t n);
uint64_t bench_user_syscall_loop(uint64_t n);
void bench_syscall_callback(void);

/* ------------------------------------------------------------ CPU paths */

static uint64_t b_iret(const struct bench *b, uint64_t n, long *err)
{
    return bench_iret_loop(n);
}

static uint64_t b_fep_cpuid(const struct bench *b, uint64_t n, long *err)
{
    uint32_t any = 0;
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++)
        any |= cpuid_fep(0, 0).a;
    uint64_t t = rdtsc() - t0;
    if (!any)
        *err = -1;
    return t;
}

static uint64_t b_user_syscall(const struct bench *b, uint64_t n, long *err)
{
    long rc = hypercall_register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
                                          bench_syscall_callback);
    if (rc) {
        *err = rc;
        return 0;
    }
    uint64_t t = exec_user(bench_user_syscall_loop, n);
    rc = hypercall_register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
                                     entry_syscall_callback);
    if (rc)
        *err = rc;
    return t;
}

/* ------------------------------------------------------------ MMU paths */

static uint64_t l1_page[L1_ENTRIES] __aligned(4096);
static uint8_t frame_a[4096] __aligned(4096);
static uint8_t frame_b[4096] __aligned(4096);
static uint64_t pte_val[2];                      /* [0]: frame A, [1]: frame B */
static struct mmu_update req[2][L1_ENTRIES];     /* every entry -> A, every entry -> B */
static struct multicall_entry mc[2][L1_ENTRIES]; /* update_va_mapping, the same */
static uint64_t bench_va;                        /* the 2 MiB that l1_page maps */

/*
 * The value index of the pass that updates PTEs [k, k + batch): entries start
 * (and, after MMU_PTES, end) on frame A; with alt every round of 512 flips
 * them, so every write changes the frame.
 */
static inline unsigned int val_of(const struct bench *b, uint64_t k)
{
    return b->variant ? !((k / L1_ENTRIES) & 1) : 0;
}

/* Build the L1, make it read-only, pin it and hook it into a free L2 slot. */
static long mmu_setup(void)
{
    long rc;

    rc = hypercall_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    if (rc) {
        printf("Error: vm_assist(writable_pagetables): %ld\n", rc);
        return rc;
    }
    pte_val[0] = virt_to_maddr(frame_a) | PTE_FLAGS;
    pte_val[1] = virt_to_maddr(frame_b) | PTE_FLAGS;
    for (unsigned int i = 0; i < L1_ENTRIES; i++) {
        l1_page[i] = pte_val[0];
        for (unsigned int v = 0; v < 2; v++) {
            req[v][i].ptr = virt_to_maddr(&l1_page[i]) | MMU_NORMAL_PT_UPDATE;
            req[v][i].val = pte_val[v];
        }
    }
    rc = pv_bench_l1_hook(l1_page, &bench_va);
    if (rc)
        return rc;

    for (unsigned int i = 0; i < L1_ENTRIES; i++)
        for (unsigned int v = 0; v < 2; v++)
            mc[v][i] = (struct multicall_entry){
                .op = __HYPERVISOR_update_va_mapping,
                .args = {bench_va + i * PAGE_SIZE, pte_val[v], UVMF_NONE},
            };

    /* The mapping works: frame A's contents through the new range. */
    *(volatile uint64_t *)frame_a = 0x600dcafe;
    *(volatile uint64_t *)frame_b = 0xbadcafe;
    if (*(volatile uint64_t *)(bench_va + 5 * PAGE_SIZE) != 0x600dcafe)
        return printf("Error: the benchmark L1 does not map frame A\n"), -1;
    printf("MMU: L1 mfn %#lx pinned, hooked at L2 slot %u (va %#lx), frames A %#lx B %#lx\n",
           virt_to_mfn(l1_page), (unsigned int)(bench_va >> 21), bench_va, virt_to_mfn(frame_a),
           virt_to_mfn(frame_b));
    return 0;
}

/* After the passes every entry must map frame A again. */
static void mmu_check(const char *after)
{
    unsigned int bad = 0;
    for (unsigned int i = 0; i < L1_ENTRIES; i++)
        bad += (l1_page[i] & ADDR_MASK) != (pte_val[0] & ADDR_MASK);
    if (bad)
        test_fail("after %s: %u entries do not map frame A", after, bad);
}

static uint64_t b_mmu_update(const struct bench *b, uint64_t n, long *err)
{
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k += b->batch) {
        long rc =
            hypercall_mmu_update(&req[val_of(b, k)][k % L1_ENTRIES], b->batch, NULL, DOMID_SELF);
        if (rc) {
            *err = rc;
            break;
        }
    }
    return rdtsc() - t0;
}

static uint64_t b_multicall_uva(const struct bench *b, uint64_t n, long *err)
{
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k += b->batch) {
        struct multicall_entry *e = &mc[val_of(b, k)][k % L1_ENTRIES];
        long rc = hypercall_multicall(e, b->batch);
        if (rc || e->result) {
            *err = rc ? rc : (long)e->result;
            break;
        }
    }
    return rdtsc() - t0;
}

static uint64_t b_uva_invlpg(const struct bench *b, uint64_t n, long *err)
{
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k++) {
        long rc = hypercall_update_va_mapping(bench_va + (k % L1_ENTRIES) * PAGE_SIZE,
                                              pte_val[val_of(b, k)], UVMF_INVLPG);
        if (rc) {
            *err = rc;
            break;
        }
    }
    return rdtsc() - t0;
}

static uint64_t b_ptwr(const struct bench *b, uint64_t n, long *err)
{
    volatile uint64_t *l1 = l1_page;
    uint64_t t0 = rdtsc();
    for (uint64_t k = 0; k < n; k++) {
        uint64_t ex = 0;
        __asm__ volatile("1: mov %[v], (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                         : "+a"(ex)
                         : [p] "r"(&l1[k % L1_ENTRIES]), [v] "r"(pte_val[val_of(b, k)])
                         : "memory");
        if (ex) {
            *err = -(long)(EXINFO_VEC(ex) * 1000 + EXINFO_EC(ex)); /* -(vector*1000+ec) */
            break;
        }
    }
    return rdtsc() - t0;
}

/* ------------------------------------------------------------ the run */

static const struct bench cpu_benches[] = {
    {"null_hypercall", pv_bench_null_hypercall, 2000, 1, 0},
    {"null_hypercall_page", pv_bench_null_hypercall, 2000, 1, 1},
    {"iret", b_iret, 2000, 1, 0},
    {"fep_cpuid", b_fep_cpuid, 1000, 1, 0},
    {"user_syscall", b_user_syscall, 1000, 1, 0},
};

/* A batch figure: name, function, PTEs per call, alternating frames (variant). */
#define BATCH(name, fn, n, alt)                                                                    \
    {                                                                                              \
        name, fn, MMU_PTES, n, alt                                                                 \
    }

static const struct bench mmu_benches[] = {
    BATCH("mmu_update_same_b1", b_mmu_update, 1, false),
    BATCH("mmu_update_same_b16", b_mmu_update, 16, false),
    BATCH("mmu_update_same_b128", b_mmu_update, 128, false),
    BATCH("mmu_update_same_b512", b_mmu_update, 512, false),
    BATCH("mmu_update_alt_b1", b_mmu_update, 1, true),
    BATCH("mmu_update_alt_b16", b_mmu_update, 16, true),
    BATCH("mmu_update_alt_b128", b_mmu_update, 128, true),
    BATCH("mmu_update_alt_b512", b_mmu_update, 512, true),
    BATCH("multicall_uva_same_b1", b_multicall_uva, 1, false),
    BATCH("multicall_uva_same_b16", b_multicall_uva, 16, false),
    BATCH("multicall_uva_same_b128", b_multicall_uva, 128, false),
    BATCH("multicall_uva_same_b512", b_multicall_uva, 512, false),
    BATCH("multicall_uva_alt_b1", b_multicall_uva, 1, true),
    BATCH("multicall_uva_alt_b16", b_multicall_uva, 16, true),
    BATCH("multicall_uva_alt_b128", b_multicall_uva, 128, true),
    BATCH("multicall_uva_alt_b512", b_multicall_uva, 512, true),
    BATCH("uva_invlpg_same", b_uva_invlpg, 1, false),
    BATCH("uva_invlpg_alt", b_uva_invlpg, 1, true),
    BATCH("ptwr_same", b_ptwr, 1, false),
    BATCH("ptwr_alt", b_ptwr, 1, true),
};

void test_main(void)
{
    long ver = hypercall_xen_version(XENVER_version, NULL);
    printf("BENCH-INFO hypervisor %ld.%ld\n", ver >> 16, ver & 0xffff);

    for (unsigned int i = 0; i < ARRAY_SIZE(cpu_benches); i++)
        pv_bench_run(&cpu_benches[i]);

    if (mmu_setup()) {
        test_error("MMU benchmarks not run: setup failed");
        return;
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(mmu_benches); i++) {
        pv_bench_run(&mmu_benches[i]);
        mmu_check(mmu_benches[i].name);
    }
    if (test_status == TEST_RUNNING)
        test_success();
}
