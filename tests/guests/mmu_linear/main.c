/* SPDX-License-Identifier: MIT */
/*
 * Linear (recursive) page tables, as Xen 4.17 allows them for 64-bit PV
 * guests (CONFIG_PV_LINEAR_PT, on by default and in Debian's build): an
 * entry may point at a table of its own level if it is read-only, and the
 * tables it exposes stay read-only.  A writable linear entry is refused.
 */
#include <rt/runtime.h>

const char test_title[] = "mmu_linear: read-only self-maps of the L4 and an L2";

#define EINVAL XEN_EINVAL

#define PADDR_MASK UINT64_C(0x000ffffffffff000)
#define PTE_MFN(e) (((e)&PADDR_MASK) >> 12)
#define PROT_RO    (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_USER)
#define PROT_RW    (PROT_RO | _PAGE_RW)

static uint8_t win[4096] __aligned(4096);

static uint64_t *mfn_to_virt(uint64_t mfn)
{
    return (uint64_t *)(mfn_to_pfn(mfn) << 12);
}
static unsigned int pt_idx(uint64_t va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}
static uint64_t pte_maddr(uint64_t va, int level)
{
    uint64_t mfn = read_cr3() >> 12;
    for (int l = 4; l > level; l--)
        mfn = PTE_MFN(mfn_to_virt(mfn)[pt_idx(va, l)]);
    return (mfn << 12) | (pt_idx(va, level) * 8);
}
static uint64_t read_entry(uint64_t maddr)
{
    return ((volatile uint64_t *)mfn_to_virt(maddr >> 12))[(maddr & 0xfff) / 8];
}
static long mmu1(uint64_t ptr, uint64_t val)
{
    struct mmu_update u = {.ptr = ptr, .val = val};
    return hypercall_mmu_update(&u, 1, NULL, DOMID_SELF);
}
static long flush(void)
{
    struct mmuext_op op = {.cmd = MMUEXT_TLB_FLUSH_LOCAL};
    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}
static uint64_t probe(volatile uint64_t *p, uint64_t *val, bool write)
{
    uint64_t ex = 0, v = *val;
    if (write)
        __asm__ volatile("1: mov %[v], (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                         : "+a"(ex) : [p] "r"(p), [v] "r"(v) : "memory");
    else
        __asm__ volatile("1: mov (%[p]), %[v]\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                         : "+a"(ex), [v] "+r"(v) : [p] "r"(p) : "memory");
    *val = v;
    return ex;
}

static void test_l4_selfmap(void)
{
    const uint64_t s = 300;
    uint64_t l4mfn = read_cr3() >> 12, ma = (l4mfn << 12) | (s * 8), v = 0;
    uint64_t *l4 = mfn_to_virt(l4mfn);
    /* Slot s at every level: the L4 itself as a page. */
    uint64_t va = UINT64_C(0xffff000000000000) | (s << 39) | (s << 30) | (s << 21) | (s << 12);

    printf("L4 self-map\n");
    CHECK_EQ(read_entry(ma), 0);
    CHECK_EQ(mmu1(ma, (l4mfn << 12) | PROT_RW), -EINVAL);
    CHECK_EQ(read_entry(ma), 0);
    if (!CHECK_EQ(mmu1(ma, (l4mfn << 12) | PROT_RO), 0))
        return;
    CHECK_EQ(flush(), 0);
    CHECK_EQ(probe((void *)va, &v, false), 0);
    CHECK_EQ(v, l4[0]);
    CHECK_EQ(probe((volatile uint64_t *)va + s, &v, false), 0);
    CHECK_EQ(PTE_MFN(v), l4mfn);
    /* The view is read-only. */
    v = 0;
    CHECK_EQ(probe((volatile uint64_t *)va + 301, &v, true),
             EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE));
    CHECK_EQ(l4[301], 0);
    /* Our own L1 entries, through the linear map (slot s at L4 level). */
    uint64_t l1view = UINT64_C(0xffff000000000000) | (s << 39);
    l1view += ((uintptr_t)win >> 12) * 8;
    CHECK_EQ(probe((void *)l1view, &v, false), 0);
    CHECK_EQ(v, read_entry(pte_maddr((uintptr_t)win, 1)));
    /* Making it writable is refused; removing it is fine. */
    CHECK_EQ(mmu1(ma, (l4mfn << 12) | PROT_RW), -EINVAL);
    CHECK_EQ(PTE_MFN(read_entry(ma)), l4mfn);
    CHECK_EQ(read_entry(ma) & _PAGE_RW, 0);
    CHECK_EQ(mmu1(ma, 0), 0);
    CHECK_EQ(flush(), 0);
    CHECK_EQ(probe((void *)va, &v, false), EXINFO(X86_EXC_PF, 0));
}

static void test_l2_selfmap(void)
{
    const uint64_t va = 0x3fe00000;
    uint64_t ma = pte_maddr(va, 2), l2mfn = ma >> 12, v = 0;
    uint64_t win_l1 = pte_maddr((uintptr_t)win, 1);

    printf("L2 self-map\n");
    CHECK_EQ(read_entry(ma), 0);
    CHECK_EQ(mmu1(ma, (l2mfn << 12) | PROT_RW), -EINVAL);
    CHECK_EQ(read_entry(ma), 0);
    if (!CHECK_EQ(mmu1(ma, (l2mfn << 12) | PROT_RO), 0))
        return;
    CHECK_EQ(flush(), 0);
    /* va + j * 4096 maps the table behind L2 entry j: our L1s. */
    uint64_t p = va + pt_idx((uintptr_t)win, 2) * 4096 + pt_idx((uintptr_t)win, 1) * 8;
    CHECK_EQ(probe((void *)p, &v, false), 0);
    CHECK_EQ(v, read_entry(win_l1));
    v = 0;
    CHECK_EQ(probe((void *)p, &v, true), EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE));
    CHECK_EQ(PTE_MFN(read_entry(win_l1)), virt_to_mfn(win));
    CHECK_EQ(mmu1(ma, 0), 0);
    CHECK_EQ(flush(), 0);
    CHECK_EQ(probe((void *)p, &v, false), EXINFO(X86_EXC_PF, 0));
    /* The L2 is still an ordinary in-use table. */
    CHECK_EQ(remap_page(win, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY), 0);
}

void test_main(void)
{
    test_l4_selfmap();
    test_l2_selfmap();
}
