/* SPDX-License-Identifier: MIT */
/*
 * Linear (recursive) page tables, as Xen 4.17 allows them for 64-bit PV
 * guests (CONFIG_PV_LINEAR_PT, on by default and in Debian's build): an
 * entry may point at a table of its own level if it is read-only, and the
 * tables it exposes stay read-only.  A writable linear entry is refused.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "mmu_linear: read-only self-maps of the L4 and an L2";

#define EINVAL XEN_EINVAL

#define PROT_RO (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_USER)
#define PROT_RW (PROT_RO | _PAGE_RW)

static uint8_t win[4096] __aligned(4096);

static void test_l4_selfmap(void)
{
    const uint64_t s = 300;
    uint64_t l4mfn = read_cr3() >> 12, ma = (l4mfn << 12) | (s * 8), v = 0;
    uint64_t *l4 = pt_mfn_to_virt(l4mfn);
    /* Slot s at every level: the L4 itself as a page. */
    uint64_t va = UINT64_C(0xffff000000000000) | (s << 39) | (s << 30) | (s << 21) | (s << 12);

    printf("L4 self-map\n");
    CHECK_EQ(pt_read(ma), 0);
    CHECK_EQ(pt_mmu1(ma, (l4mfn << 12) | PROT_RW, DOMID_SELF), -EINVAL);
    CHECK_EQ(pt_read(ma), 0);
    if (!CHECK_EQ(pt_mmu1(ma, (l4mfn << 12) | PROT_RO, DOMID_SELF), 0))
        return;
    CHECK_EQ(pt_flush_tlb(), 0);
    CHECK_EQ(pt_probe_read((void *)va, &v), 0);
    CHECK_EQ(v, l4[0]);
    CHECK_EQ(pt_probe_read((volatile uint64_t *)va + s, &v), 0);
    CHECK_EQ(PTE_MFN(v), l4mfn);
    /* The view is read-only. */
    CHECK_EQ(pt_probe_write((volatile uint64_t *)va + 301, 0),
             EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE));
    CHECK_EQ(l4[301], 0);
    /* Our own L1 entries, through the linear map (slot s at L4 level). */
    uint64_t l1view = UINT64_C(0xffff000000000000) | (s << 39);
    l1view += ((uintptr_t)win >> 12) * 8;
    CHECK_EQ(pt_probe_read((void *)l1view, &v), 0);
    CHECK_EQ(v, pt_read(pt_maddr((uintptr_t)win, 1)));
    /* Making it writable is refused; removing it is fine. */
    CHECK_EQ(pt_mmu1(ma, (l4mfn << 12) | PROT_RW, DOMID_SELF), -EINVAL);
    CHECK_EQ(PTE_MFN(pt_read(ma)), l4mfn);
    CHECK_EQ(pt_read(ma) & _PAGE_RW, 0);
    CHECK_EQ(pt_mmu1(ma, 0, DOMID_SELF), 0);
    CHECK_EQ(pt_flush_tlb(), 0);
    CHECK_EQ(pt_probe_read((void *)va, &v), EXINFO(X86_EXC_PF, 0));
}

static void test_l2_selfmap(void)
{
    const uint64_t va = 0x3fe00000;
    uint64_t ma = pt_maddr(va, 2), l2mfn = ma >> 12, v = 0;
    uint64_t win_l1 = pt_maddr((uintptr_t)win, 1);

    printf("L2 self-map\n");
    CHECK_EQ(pt_read(ma), 0);
    CHECK_EQ(pt_mmu1(ma, (l2mfn << 12) | PROT_RW, DOMID_SELF), -EINVAL);
    CHECK_EQ(pt_read(ma), 0);
    if (!CHECK_EQ(pt_mmu1(ma, (l2mfn << 12) | PROT_RO, DOMID_SELF), 0))
        return;
    CHECK_EQ(pt_flush_tlb(), 0);
    /* va + j * 4096 maps the table behind L2 entry j: our L1s. */
    uint64_t p = va + pt_idx((uintptr_t)win, 2) * 4096 + pt_idx((uintptr_t)win, 1) * 8;
    CHECK_EQ(pt_probe_read((void *)p, &v), 0);
    CHECK_EQ(v, pt_read(win_l1));
    CHECK_EQ(pt_probe_write((void *)p, 0), EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE));
    CHECK_EQ(PTE_MFN(pt_read(win_l1)), virt_to_mfn(win));
    CHECK_EQ(pt_mmu1(ma, 0, DOMID_SELF), 0);
    CHECK_EQ(pt_flush_tlb(), 0);
    CHECK_EQ(pt_probe_read((void *)p, &v), EXINFO(X86_EXC_PF, 0));
    /* The L2 is still an ordinary in-use table. */
    CHECK_EQ(remap_page(win, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY), 0);
}

void test_main(void)
{
    test_l4_selfmap();
    test_l2_selfmap();
}
