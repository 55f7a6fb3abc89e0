/* SPDX-License-Identifier: MIT */
/*
 * mmuext_op, update_va_mapping and multicall (Xen 4.17 semantics):
 *  - PIN_L1..L4 and UNPIN on a fresh tree, bottom-up and top-down (pinning
 *    the top validates the tree; unpinning releases every level);
 *  - NEW_BASEPTR to a copy of our L4 and back (the hypervisor slots get
 *    filled); NEW_USER_BASEPTR takes a type reference, 0 drops it;
 *  - TLB_FLUSH_LOCAL/MULTI/ALL and INVLPG_LOCAL/MULTI/ALL make a changed
 *    entry visible; a non-canonical INVLPG is ignored; a bad vcpumask is
 *    -EINVAL;
 *  - update_va_mapping with each UVMF flush; a bad vcpumask pointer is
 *    -EFAULT after the update; non-canonical, hypervisor and unmapped-L2
 *    addresses are -EINVAL;
 *  - multicall of update_va_mapping: per-entry results, later ones still run;
 *  - an mmuext batch stops at a bad command (-ENOSYS, done), MARK_SUPER is
 *    -EOPNOTSUPP; COPY_PAGE/CLEAR_PAGE, not onto page tables; SET_LDT bounds.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "mmu_ext: pin/unpin, base pointers, flushes, update_va_mapping, multicall";

#define EFAULT     XEN_EFAULT
#define EBUSY      XEN_EBUSY
#define EINVAL     XEN_EINVAL
#define ENOSYS     XEN_ENOSYS
#define EOPNOTSUPP XEN_EOPNOTSUPP

#define PROT_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PROT_RO (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PROT_PT (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_USER)

static uint64_t pt[4][512] __aligned(4096); /* a fresh L1, L2, L3, L4 */
static uint64_t l4copy[512] __aligned(4096);
static uint8_t win[4096] __aligned(4096);
static uint64_t data[2][512] __aligned(4096);
static const uint64_t tree_va = UINT64_C(0x0000008040201000); /* L4 1, L3 1, L2 1, L1 1 */

static long ext1(unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = {.cmd = cmd, .arg1.mfn = arg1, .arg2.src_mfn = arg2};
    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}
static uint64_t rd(const void *p)
{
    return *(const volatile uint64_t *)p;
}

static void build_tree(void)
{
    memset(pt, 0, sizeof(pt));
    pt[0][pt_idx(tree_va, 1)] = (virt_to_mfn(data[0]) << 12) | PROT_RW;
    pt[1][pt_idx(tree_va, 2)] = (virt_to_mfn(pt[0]) << 12) | PROT_PT;
    pt[2][pt_idx(tree_va, 3)] = (virt_to_mfn(pt[1]) << 12) | PROT_PT;
    pt[3][pt_idx(tree_va, 4)] = (virt_to_mfn(pt[2]) << 12) | PROT_PT;
    for (int i = 0; i < 4; i++)
        CHECK_EQ(remap_page(pt[i], PROT_RO), 0);
}
static void all_writable_again(void)
{
    for (int i = 0; i < 4; i++)
        CHECK_EQ(remap_page(pt[i], PROT_RW), 0);
}

static void test_pin(void)
{
    printf("pin bottom-up, unpin\n");
    build_tree();
    for (unsigned int l = 0; l < 4; l++)
        CHECK_EQ(ext1(MMUEXT_PIN_L1_TABLE + l, virt_to_mfn(pt[l]), 0), 0);
    for (unsigned int l = 0; l < 4; l++)
        CHECK_EQ(remap_page(pt[l], PROT_RW), -EBUSY);
    for (int l = 3; l >= 0; l--)
        CHECK_EQ(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(pt[l]), 0), 0);
    all_writable_again();

    printf("pin the top only: the tree is validated under it\n");
    build_tree();
    CHECK_EQ(ext1(MMUEXT_PIN_L4_TABLE, virt_to_mfn(pt[3]), 0), 0);
    /* The hypervisor filled its slots in the pinned L4 (Xen leaves the M2P
     * slot 256 for NEW_BASEPTR to fill). */
    uint64_t any = 0;
    for (int i = 256; i < 272; i++)
        any |= pt[3][i];
    CHECK(any != 0, "hypervisor slots of a pinned L4 all empty");
    for (unsigned int l = 0; l < 4; l++)
        CHECK_EQ(remap_page(pt[l], PROT_RW), -EBUSY);
    CHECK_EQ(ext1(MMUEXT_PIN_L1_TABLE, virt_to_mfn(pt[0]), 0), 0); /* a second user */
    CHECK_EQ(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(pt[3]), 0), 0);
    CHECK_EQ(remap_page(pt[0], PROT_RW), -EBUSY); /* still pinned itself */
    for (unsigned int l = 1; l < 4; l++)
        CHECK_EQ(remap_page(pt[l], PROT_RW), 0);
    CHECK_EQ(ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(pt[0]), 0), 0);
    CHECK_EQ(remap_page(pt[0], PROT_RW), 0);
}

static void test_baseptr(void)
{
    uint64_t old = read_cr3() >> 12, new = virt_to_mfn(l4copy);
    const uint64_t *cur = pt_mfn_to_virt(old);

    printf("NEW_BASEPTR to a copy of our L4 and back\n");
    memset(l4copy, 0, sizeof(l4copy));
    for (int i = 0; i < 512; i++)
        if (i < 256 || i >= 272)
            l4copy[i] = cur[i];
    CHECK_EQ(remap_page(l4copy, PROT_RO), 0);
    CHECK_EQ(ext1(MMUEXT_NEW_BASEPTR, new, 0), 0);
    CHECK_EQ(read_cr3() >> 12, new);
    CHECK(l4copy[256] != 0, "M2P slot filled in: %#lx", l4copy[256]);
    CHECK_EQ(mfn_to_pfn(virt_to_mfn(data[1])), (uintptr_t)data[1] >> 12);
    data[1][0] = 42;
    CHECK_EQ(rd(data[1]), 42);
    CHECK_EQ(remap_page(l4copy, PROT_RW), -EBUSY);
    CHECK_EQ(ext1(MMUEXT_NEW_BASEPTR, old, 0), 0);
    CHECK_EQ(read_cr3() >> 12, old);
    CHECK_EQ(remap_page(l4copy, PROT_RW), 0); /* its type went with the base pointer */

    printf("NEW_USER_BASEPTR\n");
    CHECK_EQ(remap_page(l4copy, PROT_RO), 0);
    CHECK_EQ(ext1(MMUEXT_NEW_USER_BASEPTR, new, 0), 0);
    CHECK_EQ(remap_page(l4copy, PROT_RW), -EBUSY);
    CHECK_EQ(ext1(MMUEXT_NEW_USER_BASEPTR, new, 0), 0); /* the same again */
    CHECK_EQ(ext1(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);   /* none */
    CHECK_EQ(remap_page(l4copy, PROT_RW), 0);
    CHECK_EQ(read_cr3() >> 12, old);
}

static void test_flush(void)
{
    uint64_t ma = pt_maddr((uintptr_t)win, 1), mask = 1;
    uint64_t fa = virt_to_mfn(data[0]) << 12, fb = virt_to_mfn(data[1]) << 12;
    static const unsigned int cmds[] = {MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_TLB_FLUSH_MULTI,
                                        MMUEXT_TLB_FLUSH_ALL,   MMUEXT_INVLPG_LOCAL,
                                        MMUEXT_INVLPG_MULTI,    MMUEXT_INVLPG_ALL};

    printf("TLB flushes make a changed entry visible\n");
    data[0][0] = 0xaaaa;
    data[1][0] = 0xbbbb;
    for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
        struct mmuext_op op = {.cmd = cmds[i], .arg1.linear_addr = (uintptr_t)win};
        xen_set_guest_handle(op.arg2.vcpumask, &mask);
        CHECK_EQ(hypercall_update_va_mapping((uintptr_t)win, fa | PROT_RW, UVMF_INVLPG), 0);
        CHECK_EQ(rd(win), 0xaaaa);
        CHECK_EQ(pt_mmu1(ma, fb | PROT_RW, DOMID_SELF), 0); /* no flush */
        CHECK_EQ(hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
        CHECK_EQ(rd(win), 0xbbbb);
    }

    printf("INVLPG of a non-canonical address is ignored; a bad vcpumask is refused\n");
    for (unsigned int i = 3; i < 6; i++) {
        struct mmuext_op op = {.cmd = cmds[i], .arg1.linear_addr = UINT64_C(0x8000000000001000)};
        xen_set_guest_handle(op.arg2.vcpumask, &mask);
        CHECK_EQ(hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    }
    for (unsigned int i = 1; i < 5; i += 3) {
        struct mmuext_op op = {.cmd = cmds[i], .arg1.linear_addr = (uintptr_t)win};
        xen_set_guest_handle(op.arg2.vcpumask, (void *)8); /* unmapped */
        CHECK_EQ(hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF), -EINVAL);
    }

    printf("update_va_mapping flush flags\n");
    static const uint64_t fl[] = {UVMF_INVLPG, UVMF_TLB_FLUSH, UVMF_INVLPG | UVMF_ALL,
                                  UVMF_TLB_FLUSH | UVMF_ALL};
    for (unsigned int i = 0; i < ARRAY_SIZE(fl) + 2; i++) {
        uint64_t f = i < ARRAY_SIZE(fl) ? fl[i]
                                        : (uintptr_t)&mask | (i & 1 ? UVMF_TLB_FLUSH : UVMF_INVLPG);
        CHECK_EQ(hypercall_update_va_mapping((uintptr_t)win, fa | PROT_RW, f), 0);
        CHECK_EQ(rd(win), 0xaaaa);
        CHECK_EQ(hypercall_update_va_mapping((uintptr_t)win, fb | PROT_RW, f), 0);
        CHECK_EQ(rd(win), 0xbbbb);
    }
    /* UVMF_NONE, then a flush of our own. */
    CHECK_EQ(hypercall_update_va_mapping((uintptr_t)win, fa | PROT_RW, UVMF_NONE), 0);
    CHECK_EQ(ext1(MMUEXT_INVLPG_LOCAL, (uintptr_t)win, 0), 0);
    CHECK_EQ(rd(win), 0xaaaa);
    /* A bad vcpumask: the entry is updated, then the flush fails. */
    CHECK_EQ(hypercall_update_va_mapping((uintptr_t)win, fb | PROT_RW, 0x10 | UVMF_INVLPG),
             -EFAULT);
    CHECK_EQ(PTE_MFN(pt_read(ma)), fb >> 12);

    printf("update_va_mapping of addresses without an L1\n");
    uint64_t before = pt_read(ma);
    CHECK_EQ(hypercall_update_va_mapping(UINT64_C(0x8000000000000000), fa | PROT_RW, UVMF_INVLPG),
             -EINVAL);
    CHECK_EQ(hypercall_update_va_mapping(UINT64_C(0x0000800000000000), fa | PROT_RW, 0), -EINVAL);
    CHECK_EQ(hypercall_update_va_mapping(HYPERVISOR_VIRT_START, fa | PROT_RO, 0), -EINVAL);
    CHECK_EQ(hypercall_update_va_mapping(UINT64_C(0x4000000000), fa | PROT_RW, 0), -EINVAL);
    CHECK_EQ(pt_read(ma), before);
    CHECK_EQ(remap_page(win, PROT_RW), 0);
}

static void test_multicall(void)
{
    struct multicall_entry mc[3];
    uint64_t fa = virt_to_mfn(data[0]) << 12;
    void *va[3] = {win, (void *)UINT64_C(0x8000000000000000) /* non-canonical */, data[1]};

    printf("multicall of update_va_mapping\n");
    for (int i = 0; i < 3; i++) {
        mc[i] = (struct multicall_entry){.op = __HYPERVISOR_update_va_mapping, .result = 0x77};
        mc[i].args[0] = (uintptr_t)va[i];
        mc[i].args[1] = fa | PROT_RO;
        mc[i].args[2] = UVMF_INVLPG;
    }
    mc[2].args[1] = (virt_to_mfn(data[1]) << 12) | PROT_RO;
    CHECK_EQ(hypercall_multicall(mc, 3), 0);
    CHECK_EQ(mc[0].result, 0);
    CHECK_EQ(mc[1].result, (uint64_t)-EINVAL);
    CHECK_EQ(mc[2].result, 0);
    CHECK_EQ(rd(win), 0xaaaa);
    /* data[1] is read-only now. */
    uint64_t ex = 0;
    __asm__ volatile("1: movq $1, (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "+a"(ex) : [p] "r"(data[1]) : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE));
    CHECK_EQ(remap_page(win, PROT_RW), 0);
    CHECK_EQ(remap_page(data[1], PROT_RW), 0);
    data[1][0] = 1;
}

static void test_ext_misc(void)
{
    uint64_t l4 = read_cr3() >> 12;
    struct mmuext_op ops[3] = {
        {.cmd = MMUEXT_TLB_FLUSH_LOCAL}, {.cmd = 14}, {.cmd = MMUEXT_TLB_FLUSH_LOCAL}};
    unsigned int done = 0xdead;

    printf("an mmuext batch with a bad command\n");
    CHECK_EQ(hypercall_mmuext_op(ops, 3, &done, DOMID_SELF), -ENOSYS);
    CHECK_EQ(done, 1);
    CHECK_EQ(ext1(MMUEXT_MARK_SUPER, virt_to_mfn(data[0]), 0), -EOPNOTSUPP);
    CHECK_EQ(ext1(MMUEXT_UNMARK_SUPER, virt_to_mfn(data[0]), 0), -EOPNOTSUPP);

    printf("COPY_PAGE, CLEAR_PAGE\n");
    for (int i = 0; i < 512; i++)
        data[1][i] = i * 3 + 1;
    CHECK_EQ(ext1(MMUEXT_COPY_PAGE, virt_to_mfn(data[0]), virt_to_mfn(data[1])), 0);
    CHECK_EQ(rd(&data[0][100]), 301);
    CHECK_EQ(memcmp(data[0], data[1], 4096), 0);
    CHECK_EQ(ext1(MMUEXT_CLEAR_PAGE, virt_to_mfn(data[1]), 0), 0);
    CHECK_EQ(rd(&data[1][100]), 0);
    /* Not onto a page table; not from or to a frame that is not ours. */
    uint64_t l4e0 = pt_mfn_to_virt(l4)[0];
    CHECK_EQ(ext1(MMUEXT_CLEAR_PAGE, l4, 0), -EINVAL);
    CHECK_EQ(ext1(MMUEXT_COPY_PAGE, l4, virt_to_mfn(data[1])), -EINVAL);
    CHECK_EQ(pt_mfn_to_virt(l4)[0], l4e0);
    uint64_t xen = PTE_MFN(pt_mfn_to_virt(l4)[256]);
    CHECK_EQ(ext1(MMUEXT_COPY_PAGE, virt_to_mfn(data[0]), xen), -EINVAL);
    CHECK_EQ(ext1(MMUEXT_CLEAR_PAGE, xen, 0), -EINVAL);
    CHECK_EQ(rd(&data[0][100]), 301);

    printf("SET_LDT bounds\n");
    CHECK_EQ(ext1(MMUEXT_SET_LDT, 0, 0), 0);
    CHECK_EQ(ext1(MMUEXT_SET_LDT, (uintptr_t)data[0], 8193), -EINVAL);
    CHECK_EQ(ext1(MMUEXT_SET_LDT, (uintptr_t)data[0] + 8, 1), -EINVAL);
    CHECK_EQ(ext1(MMUEXT_SET_LDT, HYPERVISOR_VIRT_START, 1), -EINVAL);
}

void test_main(void)
{
    test_pin();
    test_baseptr();
    test_flush();
    test_multicall();
    test_ext_misc();
}
