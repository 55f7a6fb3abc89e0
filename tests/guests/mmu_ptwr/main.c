/* SPDX-License-Identifier: MIT */
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables, enabled as Linux
 * does): stores into an in-use L1 through its read-only mapping are
 * emulated and validated like mmu_update:
 *  - plain mov (64 and 32 bits), xchg (old value returned);
 *  - lock cmpxchg, success (ZF=1) and failure (ZF=0, rax = current entry);
 *  - lock btr/bts with a register bit number (Linux clear_bit/set_bit),
 *    CF = the old bit; lock andb/orb $imm on the entry's low byte;
 *  - a store that would create an invalid entry (a writable map of a page
 *    table, the hypervisor's frame) is the guest's #PF (present|write,
 *    CR2 = the entry), the entry unchanged;
 *  - a store straddling two entries, and a store to an L2: #PF, unchanged.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "mmu_ptwr: emulated stores to L1 page tables";

#define PROT_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PF_PW   EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE)

static uint8_t win[2][4096] __aligned(4096);
static uint64_t data[2][512] __aligned(4096);

static uint64_t rd(const void *p)
{
    return *(const volatile uint64_t *)p;
}
static uint64_t wr32(volatile void *p, uint32_t v)
{
    uint64_t ex = 0;
    __asm__ volatile("1: movl %[v], (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [p] "r"(p), [v] "r"(v) : "memory");
    return ex;
}

static volatile uint64_t *pte0, *pte1;
static uint64_t fa, fb;

static void test_mov_xchg(void)
{
    printf("mov\n");
    CHECK_EQ(pt_probe_write(pte0, fa | PROT_RW), 0);
    CHECK_EQ(PTE_CMP(*pte0), fa | _PAGE_PRESENT | _PAGE_RW);
    CHECK(*pte0 & _PAGE_USER, "U/S forced: %#lx", *pte0);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(rd(win[0]), 0xa0a0);
    CHECK_EQ(pt_probe_write(pte0, 0), 0);
    CHECK_EQ(*pte0, 0);
    printf("mov, 32 bits\n");
    CHECK((fb >> 32) == 0, "frame above 4 GiB");
    CHECK_EQ(wr32(pte0, (uint32_t)(fb | PROT_RW)), 0);
    CHECK_EQ(PTE_CMP(*pte0), fb | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(rd(win[0]), 0xb0b0);

    printf("xchg\n");
    uint64_t old = *pte0, v = fa | PROT_RW;
    __asm__ volatile("xchg %[v], (%[p])" : [v] "+r"(v) : [p] "r"(pte0) : "memory");
    CHECK_EQ(v, old);
    CHECK_EQ(PTE_CMP(*pte0), fa | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(rd(win[0]), 0xa0a0);
}

static void test_cmpxchg(void)
{
    uint64_t cur = *pte0, rax, nv = fb | PROT_RW;
    uint8_t zf;

    printf("lock cmpxchg\n");
    rax = cur;
    __asm__ volatile("lock cmpxchg %[n], (%[p])\n\tsete %[z]"
                     : "+a"(rax), [z] "=r"(zf) : [n] "r"(nv), [p] "r"(pte0) : "memory", "cc");
    CHECK_EQ(zf, 1);
    CHECK_EQ(rax, cur);
    CHECK_EQ(PTE_CMP(*pte0), fb | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(rd(win[0]), 0xb0b0);
    /* A stale expected value: no change, rax = the entry. */
    cur = *pte0;
    rax = fa | PROT_RW;
    nv = fa | PROT_RW;
    __asm__ volatile("lock cmpxchg %[n], (%[p])\n\tsete %[z]"
                     : "+a"(rax), [z] "=r"(zf) : [n] "r"(nv), [p] "r"(pte0) : "memory", "cc");
    CHECK_EQ(zf, 0);
    CHECK_EQ(rax, cur);
    CHECK_EQ(*pte0, cur);
}

static void test_bitops(void)
{
    uint64_t bit = 1; /* _PAGE_BIT_RW */
    uint8_t cf;

    printf("lock btr/bts (Linux clear_bit/set_bit)\n");
    __asm__ volatile("lock btrq %[b], (%[p])\n\tsetc %[c]"
                     : [c] "=r"(cf) : [b] "r"(bit), [p] "r"(pte0) : "memory", "cc");
    CHECK_EQ(cf, 1);
    CHECK_EQ(*pte0 & _PAGE_RW, 0);
    CHECK_EQ(PTE_MFN(*pte0), fb >> 12);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(rd(win[0]), 0xb0b0);
    CHECK_EQ(pt_probe_write(win[0] + 8, 1), PF_PW);
    __asm__ volatile("lock btrq %[b], (%[p])\n\tsetc %[c]"
                     : [c] "=r"(cf) : [b] "r"(bit), [p] "r"(pte0) : "memory", "cc");
    CHECK_EQ(cf, 0);
    __asm__ volatile("lock btsq %[b], (%[p])\n\tsetc %[c]"
                     : [c] "=r"(cf) : [b] "r"(bit), [p] "r"(pte0) : "memory", "cc");
    CHECK_EQ(cf, 0);
    CHECK_EQ(*pte0 & _PAGE_RW, _PAGE_RW);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(pt_probe_write(win[0] + 8, 1), 0);

    printf("lock andb/orb $imm (constant-bit clear_bit/set_bit)\n");
    __asm__ volatile("lock andb $0xfd, (%[p])" : : [p] "r"(pte0) : "memory", "cc");
    CHECK_EQ(*pte0 & _PAGE_RW, 0);
    CHECK_EQ(PTE_MFN(*pte0), fb >> 12);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(pt_probe_write(win[0] + 8, 2), PF_PW);
    __asm__ volatile("lock orb $0x02, (%[p])" : : [p] "r"(pte0) : "memory", "cc");
    CHECK_EQ(*pte0 & _PAGE_RW, _PAGE_RW);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(pt_probe_write(win[0] + 8, 3), 0);
    CHECK_EQ(rd(&data[1][1]), 3);
}

static void test_refused(void)
{
    uint64_t l4mfn = read_cr3() >> 12;
    uint64_t xen = PTE_MFN(pt_mfn_to_virt(l4mfn)[256]);
    uint64_t before0 = *pte0, before1 = *pte1;

    printf("stores that would make an invalid entry fault\n");
    CHECK_EQ(pt_probe_write(pte0, (l4mfn << 12) | PROT_RW), PF_PW);
    CHECK_EQ(last_exc.cr2, (uintptr_t)pte0);
    CHECK_EQ(*pte0, before0);
    CHECK_EQ(pt_probe_write(pte0, (xen << 12) | PROT_RW), PF_PW);
    CHECK_EQ(*pte0, before0);
    uint64_t rax = before0, nv = (l4mfn << 12) | PROT_RW;
    __asm__ volatile("1: lock cmpxchg %[n], (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(rax) : [n] "r"(nv), [p] "r"(pte0) : "memory", "cc");
    /* rax carries the EXINFO from the fixup. */
    CHECK_EQ(rax, PF_PW);
    CHECK_EQ(*pte0, before0);
    /* Setting RW on an entry that maps a page table. */
    uint64_t ro_l4 = (l4mfn << 12) | _PAGE_PRESENT | _PAGE_ACCESSED;
    CHECK_EQ(pt_probe_write(pte1, ro_l4), 0);
    uint64_t bit = 1, ex2 = 0;
    __asm__ volatile("1: lock btsq %[b], (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex2) : [b] "r"(bit), [p] "r"(pte1) : "memory", "cc");
    CHECK_EQ(ex2, PF_PW);
    CHECK_EQ(*pte1 & _PAGE_RW, 0);
    CHECK_EQ(pt_probe_write(pte1, before1), 0);

    printf("a store straddling two entries\n");
    CHECK_EQ(pt_probe_write((volatile uint8_t *)pte0 + 4, 0), PF_PW);
    CHECK_EQ(*pte0, before0);
    CHECK_EQ(*pte1, before1);

    printf("a store to an L2\n");
    volatile uint64_t *l2e = pt_entry(pt_maddr(0x3fe00000, 2));
    CHECK_EQ(*l2e, 0);
    CHECK_EQ(pt_probe_write(l2e, (virt_to_mfn(data[0]) << 12) | PROT_RW), PF_PW);
    CHECK_EQ(*l2e, 0);

    /* The table still takes a good store. */
    CHECK_EQ(pt_probe_write(pte0, fa | PROT_RW), 0);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(rd(win[0]), 0xa0a0);
}

void test_main(void)
{
    CHECK_EQ(hypercall_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    pte0 = pt_entry(pt_maddr((uintptr_t)win[0], 1));
    pte1 = pt_entry(pt_maddr((uintptr_t)win[1], 1));
    CHECK_EQ(pte1, pte0 + 1);
    fa = virt_to_mfn(data[0]) << 12;
    fb = virt_to_mfn(data[1]) << 12;
    data[0][0] = 0xa0a0;
    data[1][0] = 0xb0b0;

    test_mov_xchg();
    test_cmpxchg();
    test_bitops();
    test_refused();

    CHECK_EQ(remap_page(win[0], PROT_RW), 0);
    CHECK_EQ(remap_page(win[1], PROT_RW), 0);
    CHECK_EQ(rd(&data[0][0]), 0xa0a0);
}
