/* SPDX-License-Identifier: MIT */
/*
 * mmu_update (Xen 4.17 semantics, as the initial domain):
 *  - MMU_NORMAL_PT_UPDATE of an L1 entry maps and unmaps a frame; the entry
 *    reads back with U/S forced; the guest flushes the TLB itself;
 *  - MMU_PT_UPDATE_PRESERVE_AD keeps the entry's accessed/dirty bits;
 *  - MMU_PT_UPDATE_NO_TRANSLATE (3) acts as NORMAL for a PV guest;
 *  - a new L1 hooked into an empty L2 slot is validated and released again;
 *  - MMU_MACHPHYS_UPDATE changes the M2P seen at 0xffff800000000000;
 *  - a batch whose middle entry is bad: the earlier entries are applied,
 *    `done` counts them, the later ones are not applied;
 *  - -EFAULT for an unreadable request (before or inside a batch);
 *  - command bits 4-7: -ENOSYS;
 *  - foreigndom: DOMID_SELF works, our own domid or an unknown domain is
 *    -ESRCH.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "mmu_update: L1/L2 updates, PRESERVE_AD, MACHPHYS, batches, errors";

#define EPERM   XEN_EPERM
#define ESRCH   XEN_ESRCH
#define EFAULT  XEN_EFAULT
#define EBUSY   XEN_EBUSY
#define EINVAL  XEN_EINVAL
#define ENOSYS  XEN_ENOSYS

#define PROT_RW      (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PROT_RO      (_PAGE_PRESENT | _PAGE_ACCESSED)
#define _PAGE_GLOBAL UINT64_C(0x100)

static uint8_t win[4][4096] __aligned(4096);      /* VAs whose L1 entries we retarget */
static uint64_t data[3][512] __aligned(4096);     /* frames we map there */
static uint8_t fpage[2][4096] __aligned(4096);    /* second page unmapped: faulting requests */
static uint64_t newl1[512] __aligned(4096);       /* a fresh L1 table */

static void restore_win(int i)
{
    CHECK_EQ(remap_page(win[i], PROT_RW), 0);
}

static void test_l1_update(void)
{
    uint64_t ma = pt_maddr((uintptr_t)win[0], 1), v, e;
    uint64_t mfn0 = virt_to_mfn(data[0]);
    unsigned int done = 0xdead;
    struct mmu_update u = {.ptr = ma | MMU_NORMAL_PT_UPDATE, .val = (mfn0 << 12) | PROT_RW};

    printf("MMU_NORMAL_PT_UPDATE of an L1 entry\n");
    data[0][0] = 0x1111222233334444;
    CHECK_EQ(hypercall_mmu_update(&u, 1, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 1);
    e = pt_read(ma);
    CHECK_EQ(PTE_CMP(e), (mfn0 << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK(e & _PAGE_USER, "U/S is forced on a 64-bit PV entry: %#lx", e);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(pt_probe_read(win[0], &v), 0);
    CHECK_EQ(v, 0x1111222233334444);
    *(volatile uint64_t *)(win[0] + 8) = 0x55; /* write through the new mapping */
    barrier();
    CHECK_EQ(((volatile uint64_t *)data[0])[1], 0x55);

    printf("read-only, then not present\n");
    CHECK_EQ(pt_mmu1(ma, (mfn0 << 12) | PROT_RO, DOMID_SELF), 0);
    CHECK_EQ(PTE_CMP(pt_read(ma)), (mfn0 << 12) | _PAGE_PRESENT);
    CHECK_EQ(pt_mmu1(ma, 0, DOMID_SELF), 0);
    CHECK_EQ(pt_read(ma), 0);
    CHECK_EQ(pt_invlpg(win[0]), 0);
    CHECK_EQ(pt_probe_read(win[0], &v), EXINFO(X86_EXC_PF, 0));
    CHECK_EQ(last_exc.cr2, (uintptr_t)win[0]);

    printf("MMU_PT_UPDATE_NO_TRANSLATE is a normal update for PV\n");
    CHECK_EQ(pt_mmu1(ma | MMU_PT_UPDATE_NO_TRANSLATE, (mfn0 << 12) | PROT_RW, DOMID_SELF), 0);
    CHECK_EQ(PTE_CMP(pt_read(ma)), (mfn0 << 12) | _PAGE_PRESENT | _PAGE_RW);

    printf("flags a PV L1 entry may carry: global, available bits, NX\n");
    CHECK_EQ(pt_mmu1(ma, (mfn0 << 12) | PROT_RW | _PAGE_GLOBAL, DOMID_SELF), 0);
    CHECK_EQ(pt_mmu1(ma, (mfn0 << 12) | PROT_RW | 0xe00 | (UINT64_C(1) << 63), DOMID_SELF), 0);
    e = pt_read(ma);
    CHECK_EQ(e & (0xe00 | (UINT64_C(1) << 63)), 0xe00 | (UINT64_C(1) << 63));
    restore_win(0);
    CHECK_EQ(PTE_CMP(pt_l1e(win[0])), (virt_to_mfn(win[0]) << 12) | _PAGE_PRESENT | _PAGE_RW);
}

static void test_preserve_ad(void)
{
    uint64_t ma = pt_maddr((uintptr_t)win[1], 1);
    uint64_t f = virt_to_mfn(data[1]) << 12;

    printf("MMU_PT_UPDATE_PRESERVE_AD\n");
    CHECK_EQ(pt_mmu1(ma, f | _PAGE_PRESENT | _PAGE_RW, DOMID_SELF), 0);
    CHECK_EQ(pt_read(ma) & (_PAGE_ACCESSED | _PAGE_DIRTY), 0);
    CHECK_EQ(pt_mmu1(ma, f | PROT_RW, DOMID_SELF), 0);
    CHECK_EQ(pt_read(ma) & (_PAGE_ACCESSED | _PAGE_DIRTY), _PAGE_ACCESSED | _PAGE_DIRTY);
    /* A/D already set stay set, the other bits follow the new value. */
    CHECK_EQ(pt_mmu1(ma | MMU_PT_UPDATE_PRESERVE_AD, f | _PAGE_PRESENT, DOMID_SELF), 0);
    CHECK_EQ(PTE_CMP(pt_read(ma)), f | _PAGE_PRESENT);
    CHECK_EQ(pt_read(ma) & (_PAGE_ACCESSED | _PAGE_DIRTY), _PAGE_ACCESSED | _PAGE_DIRTY);
    /* A normal update drops them. */
    CHECK_EQ(pt_mmu1(ma, f | _PAGE_PRESENT, DOMID_SELF), 0);
    CHECK_EQ(pt_read(ma) & (_PAGE_ACCESSED | _PAGE_DIRTY), 0);
    restore_win(1);
}

static void test_l2_update(void)
{
    const uint64_t va = 0x3fe00000; /* last 2 MiB of the first GiB */
    uint64_t l2ma = pt_maddr(va, 2), v;
    uint64_t l1mfn = virt_to_mfn(newl1);

    printf("a new L1 hooked into an empty L2 slot\n");
    if (pt_read(l2ma) != 0) {
        test_skip("L2 slot for %#lx in use", va);
        return;
    }
    memset(newl1, 0, sizeof(newl1));
    /* Still writable-mapped: it cannot become an L1. */
    CHECK_EQ(pt_mmu1(l2ma, (l1mfn << 12) | PROT_RW, DOMID_SELF), -EINVAL);
    CHECK_EQ(pt_read(l2ma), 0);
    CHECK_EQ(remap_page(newl1, PROT_RO), 0);
    CHECK_EQ(pt_mmu1(l2ma, (l1mfn << 12) | PROT_RW, DOMID_SELF), 0);
    CHECK_EQ(PTE_CMP(pt_read(l2ma)), (l1mfn << 12) | _PAGE_PRESENT | _PAGE_RW);
    /* Now an L1: no writable mapping of it. */
    CHECK_EQ(remap_page(newl1, PROT_RW), -EBUSY);
    CHECK_EQ(hypercall_update_va_mapping(va, (virt_to_mfn(data[2]) << 12) | PROT_RW, UVMF_INVLPG),
             0);
    data[2][3] = 0xfeedface;
    CHECK_EQ(pt_probe_read((void *)(va + 24), &v), 0);
    CHECK_EQ(v, 0xfeedface);
    CHECK_EQ(PTE_MFN(newl1[0]), virt_to_mfn(data[2]));
    CHECK_EQ(hypercall_update_va_mapping(va, 0, UVMF_INVLPG), 0);
    CHECK_EQ(pt_mmu1(l2ma, 0, DOMID_SELF), 0);
    CHECK_EQ(pt_read(l2ma), 0);
    CHECK_EQ(pt_probe_read((void *)va, &v), EXINFO(X86_EXC_PF, 0));
    /* The table's type went with the entry. */
    CHECK_EQ(remap_page(newl1, PROT_RW), 0);
    newl1[0] = 1;
}

static void test_machphys(void)
{
    uint64_t mfn = virt_to_mfn(data[2]), pfn = (uintptr_t)data[2] >> 12;

    printf("MMU_MACHPHYS_UPDATE\n");
    CHECK_EQ(mfn_to_pfn(mfn), pfn);
    CHECK_EQ(pt_mmu1((mfn << 12) | MMU_MACHPHYS_UPDATE, 0x12345, DOMID_SELF), 0);
    CHECK_EQ(mfn_to_pfn(mfn), 0x12345);
    CHECK_EQ(((volatile uint64_t *)MACH2PHYS_VIRT_START)[mfn], 0x12345);
    CHECK_EQ(pt_mmu1((mfn << 12) | MMU_MACHPHYS_UPDATE, pfn, DOMID_SELF), 0);
    CHECK_EQ(mfn_to_pfn(mfn), pfn);
    /* A frame that is not ours (the hypervisor's L3 behind L4 slot 256). */
    uint64_t xen_mfn = PTE_MFN(pt_mfn_to_virt(read_cr3() >> 12)[256]);
    uint64_t old = mfn_to_pfn(xen_mfn);
    CHECK_EQ(pt_mmu1((xen_mfn << 12) | MMU_MACHPHYS_UPDATE, 0x54321, DOMID_SELF), -EINVAL);
    CHECK_EQ(mfn_to_pfn(xen_mfn), old);
}

static void test_batch(void)
{
    uint64_t ma[3], before[3];
    struct mmu_update u[3];
    unsigned int done = 0xdead;

    printf("a batch whose middle entry is bad\n");
    for (int i = 0; i < 3; i++) {
        ma[i] = pt_maddr((uintptr_t)win[i], 1);
        before[i] = pt_read(ma[i]);
    }
    u[0] = (struct mmu_update){ma[0], (virt_to_mfn(data[0]) << 12) | PROT_RW};
    /* A writable mapping of our live L4. */
    u[1] = (struct mmu_update){ma[1], (read_cr3() & PADDR_MASK) | PROT_RW};
    u[2] = (struct mmu_update){ma[2], (virt_to_mfn(data[2]) << 12) | PROT_RW};
    CHECK_EQ(hypercall_mmu_update(u, 3, &done, DOMID_SELF), -EBUSY);
    CHECK_EQ(done, 1);
    CHECK_EQ(PTE_CMP(pt_read(ma[0])), (virt_to_mfn(data[0]) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(pt_read(ma[1]), before[1]);
    CHECK_EQ(pt_read(ma[2]), before[2]);
    /* The rest of the batch goes through on its own. */
    done = 0xdead;
    CHECK_EQ(hypercall_mmu_update(&u[2], 1, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 1);
    CHECK_EQ(PTE_CMP(pt_read(ma[2])), (virt_to_mfn(data[2]) << 12) | _PAGE_PRESENT | _PAGE_RW);
    for (int i = 0; i < 3; i++)
        restore_win(i);

    printf("bad command bits\n");
    /* The command is ptr & 7.  (Should a hypervisor take 5 for
     * MMU_MACHPHYS_UPDATE of the table's frame, put its M2P entry back so
     * that the rest of the test can still find the table.) */
    uint64_t l1mfn = ma[0] >> 12, l1pfn = mfn_to_pfn(l1mfn);
    for (uint64_t cmd = 4; cmd < 8; cmd++) {
        done = 0xdead;
        u[0] = (struct mmu_update){ma[0] | cmd, (virt_to_mfn(data[0]) << 12) | PROT_RW};
        CHECK_EQ(hypercall_mmu_update(u, 1, &done, DOMID_SELF), -ENOSYS);
        CHECK_EQ(done, 0);
        if (mfn_to_pfn(l1mfn) != l1pfn) {
            CHECK(0, "command %lu changed the M2P entry of mfn %#lx", cmd, l1mfn);
            pt_mmu1((l1mfn << 12) | MMU_MACHPHYS_UPDATE, l1pfn, DOMID_SELF);
        }
        CHECK_EQ(pt_read(ma[0]), before[0]);
    }
}

static void test_efault(void)
{
    struct mmu_update *r = (struct mmu_update *)(fpage[1] - sizeof(*r));
    uint64_t ma = pt_maddr((uintptr_t)win[3], 1), before = pt_read(ma);
    unsigned int done = 0xdead;

    printf("-EFAULT: unreadable requests\n");
    CHECK_EQ(unmap_page(fpage[1]), 0);
    done = 0xdead;
    CHECK_EQ(hypercall_mmu_update((void *)fpage[1], 1, &done, DOMID_SELF), -EFAULT);
    CHECK_EQ(done, 0);
    /* The first request readable, the second not: the first is applied. */
    *r = (struct mmu_update){ma, (virt_to_mfn(data[1]) << 12) | PROT_RW};
    done = 0xdead;
    CHECK_EQ(hypercall_mmu_update(r, 2, &done, DOMID_SELF), -EFAULT);
    CHECK_EQ(done, 1);
    CHECK_EQ(PTE_CMP(pt_read(ma)), (virt_to_mfn(data[1]) << 12) | _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(remap_page(fpage[1], PROT_RW), 0);
    restore_win(3);
    CHECK_EQ(pt_read(ma) & PADDR_MASK, before & PADDR_MASK);
    /* A request list in the hypervisor's range. */
    CHECK_EQ(hypercall_mmu_update((void *)HYPERVISOR_VIRT_START, 1, NULL, DOMID_SELF), -EFAULT);
    /* Nothing to do is fine. */
    done = 0xdead;
    CHECK_EQ(hypercall_mmu_update(NULL, 0, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 0);
}

static void test_foreigndom(void)
{
    uint64_t ma = pt_maddr((uintptr_t)win[0], 1), before = pt_read(ma);
    uint64_t val = (virt_to_mfn(data[0]) << 12) | PROT_RW;

    printf("foreigndom\n");
    CHECK_EQ(pt_mmu1(ma, val, DOMID_SELF), 0);
    restore_win(0);
    if (is_initdomain()) /* naming ourselves by number is refused */
        CHECK_EQ(pt_mmu1(ma, val, 0), -ESRCH);
    CHECK_EQ(pt_mmu1(ma, val, 0x7ef), -ESRCH);                       /* no such domain */
    CHECK_EQ(pt_mmu1(ma, val, (0x7efu << 16) | DOMID_SELF), -ESRCH); /* page-table owner */
    CHECK_EQ(pt_read(ma), before);
}

void test_main(void)
{
    test_l1_update();
    test_preserve_ad();
    test_l2_update();
    test_machphys();
    test_batch();
    test_efault();
    test_foreigndom();
}
