/* SPDX-License-Identifier: MIT */
/*
 * memory_op (Xen 4.17, as the initial domain):
 *  - current_reservation follows increase/decrease_reservation and
 *    populate_physmap, whose results are the extents done; a PV guest gets
 *    MFNs back in the extent list and populate_physmap sets the M2P;
 *  - maximum_reservation, maximum_ram_page, machphys_mapping;
 *  - memory_map: -ENOSYS for a PV initial domain (no pseudo-physical map);
 *  - limits: an order above the maximum, a list the hypervisor cannot
 *    write, more pages than the machine has: the extents done are
 *    returned and accounted, nothing else;
 *  - decrease_reservation stops at a frame that is not ours;
 *  - an unknown domain is -ESRCH, an unknown sub-op -ENOSYS.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "memory_op: reservations, accounting, limits, maps";

#define ESRCH  XEN_ESRCH
#define EFAULT XEN_EFAULT
#define EBUSY  XEN_EBUSY
#define ENOSYS XEN_ENOSYS

#define PROT_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define BIG     65536u /* 256 MiB of extra pages: more than the machine has */

static uint8_t win[4096] __aligned(4096);
static xen_pfn_t list[BIG];

static long reservation(unsigned int op, xen_pfn_t *l, unsigned long n, unsigned int order)
{
    struct xen_memory_reservation r = {.nr_extents = n, .extent_order = order, .domid = DOMID_SELF};
    xen_set_guest_handle(r.extent_start, l);
    return hypercall_memory_op(op, &r);
}
static long query(unsigned int op, domid_t dom)
{
    return hypercall_memory_op(op, &dom);
}
static long cur(void)
{
    return query(XENMEM_current_reservation, DOMID_SELF);
}
static uint64_t rd(const void *p)
{
    return *(const volatile uint64_t *)p;
}

static void test_queries(void)
{
    struct xen_machphys_mapping m = {0};
    long max_ram = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);

    printf("current %ld, maximum %ld, nr_pages %lu, maximum_ram_page %ld\n", cur(),
           query(XENMEM_maximum_reservation, DOMID_SELF), start_info->nr_pages, max_ram);
    CHECK_EQ(cur(), start_info->nr_pages);
    CHECK(query(XENMEM_maximum_reservation, DOMID_SELF) >= cur());
    if (is_initdomain()) /* the initial domain has no limit (Xen: ~0U) */
        CHECK_EQ(query(XENMEM_maximum_reservation, DOMID_SELF), 0xffffffff);
    CHECK_EQ(query(XENMEM_current_reservation, 0x7ef), -ESRCH);
    CHECK_EQ(hypercall_memory_op(XENMEM_current_reservation, (void *)8), -EFAULT);

    CHECK_EQ(hypercall_memory_op(XENMEM_machphys_mapping, &m), 0);
    CHECK_EQ(m.v_start, MACH2PHYS_VIRT_START);
    CHECK_EQ(m.v_end, MACH2PHYS_VIRT_END);
    if (is_initdomain())
        CHECK_EQ(m.max_mfn, (uint64_t)max_ram - 1);
    CHECK(virt_to_mfn(win) < (uint64_t)max_ram);
    CHECK_EQ(hypercall_memory_op(XENMEM_machphys_mapping, (void *)8), -EFAULT);

    /* The initial domain of Xen has no pseudo-physical memory map. */
    uint8_t e820[20 * 8];
    struct xen_memory_map mm = {.nr_entries = 8};
    xen_set_guest_handle(mm.buffer, e820);
    if (is_initdomain())
        CHECK_EQ(hypercall_memory_op(XENMEM_memory_map, &mm), -ENOSYS);
    CHECK_EQ(hypercall_memory_op(99, NULL), -ENOSYS);
}

static void test_increase_decrease(void)
{
    long c0 = cur();

    printf("increase_reservation\n");
    memset(list, 0, 4 * sizeof(list[0]));
    CHECK_EQ(reservation(XENMEM_increase_reservation, list, 4, 0), 4);
    CHECK_EQ(cur(), c0 + 4);
    for (int i = 0; i < 4; i++)
        CHECK(list[i] != 0 && list[i] != list[(i + 1) % 4], "mfn %#lx", list[i]);
    /* Ours: mappable writable. */
    CHECK_EQ(hypercall_update_va_mapping((uintptr_t)win, (list[2] << 12) | PROT_RW, UVMF_INVLPG), 0);
    *(volatile uint64_t *)win = 0x1234;
    CHECK_EQ(rd(win), 0x1234);
    CHECK_EQ(remap_page(win, PROT_RW), 0);

    printf("decrease_reservation\n");
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 4, 0), 4);
    CHECK_EQ(cur(), c0);
    CHECK_EQ(hypercall_update_va_mapping((uintptr_t)win, (list[2] << 12) | PROT_RW, UVMF_INVLPG),
             -EBUSY);
    /* Twice: not ours any more, nothing done. */
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 0);
    CHECK_EQ(cur(), c0);

    printf("decrease stops at a frame that is not ours\n");
    xen_pfn_t xen = PTE_MFN(pt_mfn_to_virt(read_cr3() >> 12)[256]);
    CHECK_EQ(reservation(XENMEM_increase_reservation, list, 1, 0), 1);
    list[1] = xen;
    list[2] = list[0];
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 3, 0), 1);
    CHECK_EQ(cur(), c0);
    list[0] = xen;
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 0);
    list[0] = hypercall_memory_op(XENMEM_maximum_ram_page, NULL) + 16; /* not RAM */
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 0);
    CHECK_EQ(cur(), c0);
}

static void test_populate(void)
{
    long c0 = cur();
    uint64_t gpfn = start_info->nr_pages + 100;

    printf("populate_physmap\n");
    list[0] = gpfn;
    list[1] = gpfn + 1;
    CHECK_EQ(reservation(XENMEM_populate_physmap, list, 2, 0), 2);
    CHECK_EQ(cur(), c0 + 2);
    CHECK_EQ(mfn_to_pfn(list[0]), gpfn);
    CHECK_EQ(mfn_to_pfn(list[1]), gpfn + 1);
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 2, 0), 2);
    CHECK_EQ(cur(), c0);
    /* An order-9 extent (2 MiB). */
    list[0] = gpfn & ~511ul;
    CHECK_EQ(reservation(XENMEM_populate_physmap, list, 1, 9), 1);
    CHECK_EQ(cur(), c0 + 512);
    CHECK_EQ(list[0] & 511, 0);
    CHECK_EQ(mfn_to_pfn(list[0] + 511), (gpfn & ~511ul) + 511);
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 9), 1);
    CHECK_EQ(cur(), c0);
}

static void test_limits(void)
{
    long c0 = cur();

    printf("limits\n");
    /* Above the maximum order. */
    CHECK_EQ(reservation(XENMEM_increase_reservation, list, 1, 30), 0);
    CHECK_EQ(reservation(XENMEM_populate_physmap, list, 1, 30), 0);
    /* An extent list in the hypervisor's range, or too long to encode. */
    CHECK_EQ(reservation(XENMEM_increase_reservation, (void *)HYPERVISOR_VIRT_START, 1, 0), 0);
    CHECK_EQ(reservation(XENMEM_increase_reservation, list, UINT64_C(1) << 58, 0), 0);
    CHECK_EQ(cur(), c0);
    /* More than the machine has (256 MiB, 64 of them ours already). */
    long got = reservation(XENMEM_increase_reservation, list, BIG, 0);
    printf("asked for %u pages, got %ld\n", BIG, got);
    CHECK(got > 0 && got < (long)BIG, "got %ld", got);
    CHECK_EQ(cur(), c0 + got);
    if (got > 0)
        CHECK_EQ(reservation(XENMEM_decrease_reservation, list, (unsigned long)got, 0), got);
    CHECK_EQ(cur(), c0);
}

void test_main(void)
{
    test_queries();
    test_increase_decrease();
    test_populate();
    test_limits();
}
