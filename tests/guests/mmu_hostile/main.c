/* SPDX-License-Identifier: MIT */
/*
 * Hostile PV MMU requests, each refused with Xen 4.17's error and leaving
 * nothing changed (the entry re-read, a legitimate operation tried after):
 *  - a writable mapping of the live (pinned) L4 or of an in-use L1;
 *  - mapping frames that are not ours: the hypervisor's page tables, the M2P
 *    (and, as Xen allows the initial domain, the M2P read-only through
 *    foreigndom DOMID_XEN), a frame we gave back;
 *  - writes to the hypervisor's L4 slots 256-271;
 *  - superpage (PSE) entries in an L2 or L3;
 *  - type confusion: L1 contents pinned as L2, an in-use L1 pinned as L4 or
 *    installed as the base pointer, an L2 entry pointing at another L2;
 *  - pinning a table that is still writable-mapped, pinning twice,
 *    unpinning what is not pinned, pinning frames that are not ours;
 *  - unpinning the live base pointer (Linux does it): allowed, and the table
 *    stays validated.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "mmu_hostile: refused page-table requests leave no state changed";

#define ESRCH  XEN_ESRCH
#define EFAULT XEN_EFAULT
#define EBUSY  XEN_EBUSY
#define EINVAL XEN_EINVAL
#define EPERM  XEN_EPERM

#define PROT_RW   (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PROT_RO   (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PROT_PT   (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_USER)
#define _PAGE_PSE UINT64_C(0x080)

static uint8_t win[4096] __aligned(4096);       /* the VA we retarget */
static uint64_t tbl[2][512] __aligned(4096);    /* candidate tables */
static uint64_t data[512] __aligned(4096);

static long map_win(uint64_t mfn, uint64_t prot)
{
    return hypercall_update_va_mapping((uintptr_t)win, (mfn << 12) | prot, UVMF_INVLPG);
}
/* The legitimate operation afterwards: our own frame, writable, at win. */
static void win_still_usable(void)
{
    CHECK_EQ(remap_page(win, PROT_RW), 0);
    ((volatile uint8_t *)win)[5] = 0x5a;
    CHECK_EQ(((volatile uint8_t *)win)[5], 0x5a);
}

static uint64_t win_ma, win_before, l4mfn;

static void test_writable_pt(void)
{
    uint64_t l1mfn = win_ma >> 12;

    printf("writable mappings of page tables\n");
    CHECK_EQ(map_win(l4mfn, PROT_RW), -EBUSY);
    CHECK_EQ(pt_read(win_ma), win_before);
    CHECK_EQ(map_win(l1mfn, PROT_RW), -EBUSY);
    CHECK_EQ(pt_read(win_ma), win_before);
    CHECK_EQ(pt_mmu1(win_ma, (l1mfn << 12) | PROT_RW, DOMID_SELF), -EBUSY);
    CHECK_EQ(pt_read(win_ma), win_before);
    /* Read-only is fine, and shows the table. */
    CHECK_EQ(map_win(l4mfn, PROT_RO), 0);
    CHECK_EQ(((volatile uint64_t *)win)[0], pt_mfn_to_virt(l4mfn)[0]);
    CHECK_EQ(map_win(l1mfn, PROT_RO), 0);
    CHECK_EQ(PTE_MFN(((volatile uint64_t *)win)[pt_idx((uintptr_t)win, 1)]), l1mfn);
    win_still_usable();
}

static void test_not_ours(void)
{
    uint64_t xen_l3 = PTE_MFN(pt_mfn_to_virt(l4mfn)[256]);

    printf("frames that are not ours: the hypervisor's L3 %#lx\n", xen_l3);
    CHECK_EQ(map_win(xen_l3, PROT_RO), -EBUSY);
    CHECK_EQ(map_win(xen_l3, PROT_RW), -EBUSY);
    CHECK_EQ(pt_read(win_ma), win_before);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L1_TABLE, xen_l3), -EINVAL);
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, xen_l3), -EINVAL);
    CHECK_EQ(pt_ext1(MMUEXT_NEW_BASEPTR, xen_l3), -EINVAL);
    CHECK_EQ(read_cr3() >> 12, l4mfn);
    /* As the target of an update. */
    CHECK_EQ(pt_mmu1(xen_l3 << 12, 0, DOMID_SELF), -EINVAL);

    /* The M2P's frames (XENMEM_machphys_mfn_list). */
    xen_pfn_t m2p[4];
    struct xen_machphys_mfn_list l = {.max_extents = 4};
    xen_set_guest_handle(l.extent_start, m2p);
    long rc = hypercall_memory_op(XENMEM_machphys_mfn_list, &l);
    CHECK_EQ(rc, 0);
    if (rc == 0 && CHECK(l.nr_extents >= 1)) {
        printf("the M2P's first frame %#lx\n", m2p[0]);
        CHECK_EQ(map_win(m2p[0], PROT_RO), -EBUSY);
        CHECK_EQ(map_win(m2p[0], PROT_RW), -EBUSY);
        CHECK_EQ(pt_read(win_ma), win_before);
        if (is_initdomain()) {
            /* Xen shares the M2P read-only with privileged domains. */
            CHECK_EQ(pt_mmu1(win_ma, (m2p[0] << 12) | PROT_RW, DOMID_XEN), -EBUSY);
            CHECK_EQ(pt_read(win_ma), win_before);
            CHECK_EQ(pt_mmu1(win_ma, (m2p[0] << 12) | PROT_RO, DOMID_XEN), 0);
            CHECK_EQ(PTE_CMP(pt_read(win_ma)), (m2p[0] << 12) | _PAGE_PRESENT);
            CHECK_EQ(pt_invlpg(win), 0);
            CHECK_EQ(((volatile uint64_t *)win)[1], ((volatile uint64_t *)MACH2PHYS_VIRT_START)[1]);
        }
    }
    win_still_usable();
    win_before = pt_read(win_ma);

    printf("a frame we gave back\n");
    xen_pfn_t mfn = 0;
    struct xen_memory_reservation r = {.nr_extents = 1, .domid = DOMID_SELF};
    xen_set_guest_handle(r.extent_start, &mfn);
    if (CHECK_EQ(hypercall_memory_op(XENMEM_increase_reservation, &r), 1)) {
        CHECK_EQ(map_win(mfn, PROT_RW), 0);
        CHECK_EQ(remap_page(win, PROT_RW), 0);
        CHECK_EQ(hypercall_memory_op(XENMEM_decrease_reservation, &r), 1);
        CHECK_EQ(map_win(mfn, PROT_RO), -EBUSY);
        CHECK_EQ(map_win(mfn, PROT_RW), -EBUSY);
        CHECK_EQ(pt_read(win_ma), win_before);
        CHECK_EQ(pt_ext1(MMUEXT_PIN_L1_TABLE, mfn), -EINVAL);
    }
    win_still_usable();
}

static void test_xen_slots(void)
{
    uint64_t *l4 = pt_mfn_to_virt(l4mfn);
    uint64_t data_mfn = virt_to_mfn(data);

    printf("the hypervisor's L4 slots\n");
    for (unsigned int slot = 256; slot < 272; slot += 15) {
        uint64_t before = l4[slot];
        CHECK_EQ(pt_mmu1((l4mfn << 12) | (slot * 8), 0, DOMID_SELF), -EINVAL);
        CHECK_EQ(pt_mmu1((l4mfn << 12) | (slot * 8), (l4mfn << 12) | _PAGE_PRESENT, DOMID_SELF),
                 -EINVAL);
        CHECK_EQ(l4[slot], before);
    }
    /* The M2P is still there. */
    CHECK_EQ(mfn_to_pfn(data_mfn), (uintptr_t)data >> 12);
}

static void test_superpages(void)
{
    const uint64_t va2 = 0x3fe00000, va3 = UINT64_C(0x4000000000); /* L3 slot 256 */
    uint64_t l2ma = pt_maddr(va2, 2), l3ma = pt_maddr(va3, 3);
    uint64_t l2b = pt_read(l2ma), l3b = pt_read(l3ma);

    printf("superpage entries\n");
    CHECK_EQ(l2b, 0);
    CHECK_EQ(l3b, 0);
    CHECK_EQ(pt_mmu1(l2ma, PROT_RW | _PAGE_PSE, DOMID_SELF), -EINVAL);
    CHECK_EQ(pt_mmu1(l2ma, (virt_to_mfn(data) << 12) | PROT_RO | _PAGE_PSE, DOMID_SELF), -EINVAL);
    CHECK_EQ(pt_mmu1(l3ma, PROT_RW | _PAGE_PSE, DOMID_SELF), -EINVAL);
    CHECK_EQ(pt_read(l2ma), l2b);
    CHECK_EQ(pt_read(l3ma), l3b);
}

static void test_type_confusion(void)
{
    uint64_t t0 = virt_to_mfn(tbl[0]), l2mfn = pt_maddr((uintptr_t)win, 2) >> 12;
    uint64_t l1mfn = win_ma >> 12;

    printf("type confusion\n");
    /* L1 contents (entries mapping a data frame) pinned as an L2. */
    memset(tbl[0], 0, 4096);
    tbl[0][0] = (virt_to_mfn(data) << 12) | PROT_RW;
    tbl[0][1] = (virt_to_mfn(data) << 12) | PROT_RO;
    CHECK_EQ(remap_page(tbl[0], PROT_RO), 0);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L2_TABLE, t0), -EINVAL);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L3_TABLE, t0), -EINVAL);
    CHECK_EQ(pt_ext1(MMUEXT_NEW_BASEPTR, t0), -EINVAL);
    CHECK_EQ(read_cr3() >> 12, l4mfn);
    /* Nothing was taken: it is still free to become what it is, an L1. */
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L1_TABLE, t0), 0);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L2_TABLE, t0), -EINVAL); /* now typed L1 */
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, t0), 0);
    CHECK_EQ(remap_page(tbl[0], PROT_RW), 0);

    /* An in-use L1 as L4 or base pointer; an in-use L2 as L1. */
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L4_TABLE, l1mfn), -EINVAL);
    CHECK_EQ(pt_ext1(MMUEXT_NEW_BASEPTR, l1mfn), -EINVAL);
    CHECK_EQ(pt_ext1(MMUEXT_NEW_USER_BASEPTR, l1mfn), -EINVAL);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L1_TABLE, l2mfn), -EINVAL);
    CHECK_EQ(read_cr3() >> 12, l4mfn);

    /* An L2 entry pointing at an L2, writable (a writable linear map). */
    uint64_t l2ma = pt_maddr(0x3fe00000, 2);
    CHECK_EQ(pt_mmu1(l2ma, (l2mfn << 12) | PROT_PT, DOMID_SELF), -EINVAL);
    CHECK_EQ(pt_read(l2ma), 0);
    /* An L2 entry pointing at our L4. */
    CHECK_EQ(pt_mmu1(l2ma, (l4mfn << 12) | PROT_PT, DOMID_SELF), -EINVAL);
    CHECK_EQ(pt_read(l2ma), 0);
    /* An L1 entry of an L1: only read-only. */
    CHECK_EQ(map_win(l1mfn, PROT_RW), -EBUSY);
    win_still_usable();
}

static void test_pinning(void)
{
    uint64_t t1 = virt_to_mfn(tbl[1]);

    printf("pinning a table that is still writable-mapped\n");
    memset(tbl[1], 0, 4096);
    for (unsigned int cmd = MMUEXT_PIN_L1_TABLE; cmd <= MMUEXT_PIN_L4_TABLE; cmd++)
        CHECK_EQ(pt_ext1(cmd, t1), -EINVAL);
    ((volatile uint64_t *)tbl[1])[7] = 7; /* still an ordinary writable page */
    CHECK_EQ(((volatile uint64_t *)tbl[1])[7], 7);
    tbl[1][7] = 0;
    CHECK_EQ(remap_page(tbl[1], PROT_RO), 0);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L1_TABLE, t1), 0);

    printf("pinning twice, unpinning what is not pinned\n");
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L1_TABLE, t1), -EINVAL);
    CHECK_EQ(remap_page(tbl[1], PROT_RW), -EBUSY);
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, t1), 0);
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, t1), -EINVAL);
    CHECK_EQ(remap_page(tbl[1], PROT_RW), 0);
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, win_ma >> 12), -EINVAL);      /* in use, not pinned */
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(data)), -EINVAL); /* not a table */

    printf("a table with an entry we may not have\n");
    memset(tbl[1], 0, 4096);
    tbl[1][3] = (l4mfn << 12) | PROT_RW; /* writable map of our L4 */
    CHECK_EQ(remap_page(tbl[1], PROT_RO), 0);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L1_TABLE, t1), -EBUSY);
    CHECK_EQ(remap_page(tbl[1], PROT_RW), 0); /* no type left behind */
    tbl[1][3] = 0;
}

static void test_unpin_live_base(void)
{
    uint64_t slot = 300, before;
    uint64_t *l4 = pt_mfn_to_virt(l4mfn);

    printf("unpinning the live base pointer\n");
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, l4mfn), 0);
    CHECK_EQ(read_cr3() >> 12, l4mfn);
    /* Still a validated L4 (the base pointer holds it). */
    CHECK_EQ(map_win(l4mfn, PROT_RW), -EBUSY);
    CHECK_EQ(pt_read(win_ma), win_before);
    before = l4[slot];
    CHECK_EQ(pt_mmu1((l4mfn << 12) | (slot * 8), before, DOMID_SELF), 0);
    CHECK_EQ(pt_mmu1((l4mfn << 12) | (256 * 8), 0, DOMID_SELF), -EINVAL);
    data[9] = 99;
    CHECK_EQ(((volatile uint64_t *)data)[9], 99); /* the address space works */
    CHECK_EQ(pt_ext1(MMUEXT_UNPIN_TABLE, l4mfn), -EINVAL);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L4_TABLE, l4mfn), 0);
    CHECK_EQ(pt_ext1(MMUEXT_PIN_L4_TABLE, l4mfn), -EINVAL);
    CHECK_EQ(map_win(l4mfn, PROT_RW), -EBUSY);
}

void test_main(void)
{
    l4mfn = read_cr3() >> 12;
    win_ma = pt_maddr((uintptr_t)win, 1);
    win_before = pt_read(win_ma);
    CHECK_EQ(l4mfn, virt_to_mfn((void *)start_info->pt_base));

    test_writable_pt();
    test_not_ours();
    test_xen_slots();
    test_superpages();
    test_type_confusion();
    test_pinning();
    test_unpin_live_base();
}
