/* SPDX-License-Identifier: MIT */
/* Page-table walks, single updates and probes (rt/pt.h says why). */
#include <rt/runtime.h>
#include <rt/pt.h>

uint64_t pt_maddr(uint64_t va, int level)
{
    uint64_t mfn = read_cr3() >> 12;

    for (int l = 4; l > level; l--) {
        uint64_t e = pt_mfn_to_virt(mfn)[pt_idx(va, l)];
        if (!(e & _PAGE_PRESENT))
            return 0;
        mfn = PTE_MFN(e);
    }
    return (mfn << 12) | (pt_idx(va, level) * 8);
}

uint64_t pt_l1e(const volatile void *va)
{
    uint64_t ma = pt_maddr((uintptr_t)va, 1);

    return ma ? pt_read(ma) : 0;
}

long pt_mmu1(uint64_t ptr, uint64_t val, unsigned int foreigndom)
{
    struct mmu_update u = {.ptr = ptr, .val = val};

    return _HC(__HYPERVISOR_mmu_update, &u, 1, NULL, foreigndom, 0);
}

long pt_ext1(unsigned int cmd, uint64_t mfn)
{
    struct mmuext_op op = {.cmd = cmd, .arg1.mfn = mfn};

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long pt_invlpg(const void *va)
{
    struct mmuext_op op = {.cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (uintptr_t)va};

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long pt_flush_tlb(void)
{
    struct mmuext_op op = {.cmd = MMUEXT_TLB_FLUSH_LOCAL};

    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

uint64_t pt_probe_read(const volatile void *p, uint64_t *val)
{
    uint64_t ex = 0, v = 0;

    __asm__ volatile("1: mov (%[p]), %[v]\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex), [v] "+r"(v)
                     : [p] "r"(p)
                     : "memory");
    *val = v;
    return ex;
}

uint64_t pt_probe_write(volatile void *p, uint64_t val)
{
    uint64_t ex = 0;

    __asm__ volatile("1: mov %[v], (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex)
                     : [p] "r"(p), [v] "r"(val)
                     : "memory");
    return ex;
}
