/* SPDX-License-Identifier: MIT */
/* The PV side of the benchmark guests (pv.h). */
#include <rt/pt.h>
#include "pv.h"

void pv_bench_error(const char *name, long err)
{
    bench_report_error(name, err);
    test_error("%s failed: %ld", name, err);
}

void pv_bench_run(const struct bench *b)
{
    long err = bench_run(b);

    if (err)
        test_error("%s failed: %ld", b->name, err);
}

/* The loop of both forms; inlined into each, so that neither tests which. */
static inline __attribute__((always_inline)) uint64_t null_loop(uint64_t n, bool page, long *err)
{
    long bad = 0;
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        long rc = page ? hypercall_page_call(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0)
                       : hypercall_raw(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
        if (rc <= 0 && !bad)
            bad = rc ? rc : -1; /* the version is never 0 */
    }
    uint64_t t = rdtsc() - t0;
    if (bad)
        *err = bad;
    return t;
}

uint64_t pv_bench_null_hypercall(const struct bench *b, uint64_t n, long *err)
{
    return b->variant ? null_loop(n, true, err) : null_loop(n, false, err);
}

long pv_bench_l1_hook(uint64_t *l1, uint64_t *va)
{
    long rc = remap_page(l1, _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED);
    if (rc) {
        printf("Error: mapping the L1 read-only: %ld\n", rc);
        return rc;
    }
    struct mmuext_op pin = {.cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = virt_to_mfn(l1)};
    rc = hypercall_mmuext_op(&pin, 1, NULL, DOMID_SELF);
    if (rc) {
        printf("Error: MMUEXT_PIN_L1_TABLE: %ld\n", rc);
        return rc;
    }

    /* The L2 that maps the kernel (VA = PFN << 12, from 0). */
    const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
    if (!(l4[0] & _PAGE_PRESENT))
        return printf("Error: L4[0] not present\n"), -1;
    const uint64_t *l3 = pt_mfn_to_virt(PTE_MFN(l4[0]));
    if (!(l3[0] & _PAGE_PRESENT))
        return printf("Error: L3[0] not present\n"), -1;
    const uint64_t *l2 = pt_mfn_to_virt(PTE_MFN(l3[0]));
    unsigned int slot = 256;
    while (slot < 512 && (l2[slot] & _PAGE_PRESENT))
        slot++;
    if (slot == 512)
        return printf("Error: no free L2 slot above 512 MiB\n"), -1;
    struct mmu_update hook = {.ptr = virt_to_maddr(&l2[slot]) | MMU_NORMAL_PT_UPDATE,
                              .val = virt_to_maddr(l1) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                                     _PAGE_ACCESSED};
    rc = hypercall_mmu_update(&hook, 1, NULL, DOMID_SELF);
    if (rc) {
        printf("Error: hooking the L1 into L2 slot %u: %ld\n", slot, rc);
        return rc;
    }
    *va = (uint64_t)slot << 21;
    return 0;
}
