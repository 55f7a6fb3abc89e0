/* SPDX-License-Identifier: MIT */
/*
 * One huge mmu_update batch: NR_REQS L1 updates (cycling over the 512
 * entries of one L1, alternating between two frames so that reference
 * counts move) in a single hypercall.  The hypervisor must preempt it and
 * continue transparently: the call returns 0 with done == NR_REQS, every
 * entry ends as the last request set it, and the periodic timer's events
 * are delivered while the call is in progress (events unmasked around it).
 *
 * Size: 262144 requests, the "1 GiB batch" (262144 x 4 KiB
 * mappings).  Xen 4.17 under QEMU TCG: ~290 ms (~1.1 us per update), with
 * ~25 timer events (10 ms tick) delivered during the call.
 */
#include <rt/runtime.h>
#include <rt/pt.h>

const char test_title[] = "mmu_big_batch: a preempted and continued mmu_update batch";

#define NR_REQS  (512u * 512u) /* 262144: ~0.3 s on Xen 4.17 under TCG (~1.1 us each) */
#define PROT_RW  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PROT_RO  (_PAGE_PRESENT | _PAGE_ACCESSED)
#define PROT_PT  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_USER)
#define TABLE_VA UINT64_C(0x3fe00000) /* the 2 MiB our fresh L1 maps */

static struct mmu_update reqs[NR_REQS] __aligned(4096);
static uint64_t l1[512] __aligned(4096);
static uint64_t data[2][512] __aligned(4096);

static volatile bool in_call;
static volatile uint64_t ticks, ticks_during;

static void on_timer(uint32_t port, struct cpu_regs *r)
{
    (void)port;
    (void)r;
    ticks++;
    if (in_call)
        ticks_during++;
}

void test_main(void)
{
    uint64_t l2ma = pt_maddr(TABLE_VA, 2), l1base = virt_to_mfn(l1) << 12;
    uint64_t f[2] = {virt_to_mfn(data[0]) << 12, virt_to_mfn(data[1]) << 12};
    unsigned int done = 0;
    long rc, port;

    if (!CHECK_EQ(pt_read(l2ma), 0)) /* a free L2 slot */
        return;
    memset(l1, 0, sizeof(l1));
    CHECK_EQ(remap_page(l1, PROT_RO), 0);
    if (!CHECK_EQ(pt_mmu1(l2ma, l1base | PROT_PT, DOMID_SELF), 0))
        return;

    for (unsigned int k = 0; k < NR_REQS; k++) {
        reqs[k].ptr = (l1base + (k % 512) * 8) | MMU_NORMAL_PT_UPDATE;
        reqs[k].val = f[(k / 512 + k) & 1] | PROT_RO;
    }

    port = evtchn_bind_virq(VIRQ_TIMER);
    if (!CHECK(port >= 0, "bind VIRQ_TIMER: %ld", port))
        return;
    evtchn_set_handler((uint32_t)port, on_timer);
    CHECK_EQ(evtchn_unmask((uint32_t)port), 0);

    printf("mmu_update of %u requests in one call\n", NR_REQS);
    uint64_t t0 = pvclock_ns();
    in_call = true;
    events_unmask();
    rc = hypercall_mmu_update(reqs, NR_REQS, &done, DOMID_SELF);
    events_mask();
    in_call = false;
    uint64_t ns = pvclock_ns() - t0;
    printf("took %lu ms, %lu ns per update; %lu timer events, %lu during the call\n",
           ns / 1000000, ns / NR_REQS, ticks, ticks_during);

    CHECK_EQ(rc, 0);
    CHECK_EQ(done, NR_REQS);
    /* Each entry holds what the last request for it wrote. */
    unsigned int bad = 0;
    for (unsigned int e = 0; e < 512; e++) {
        unsigned int k = NR_REQS - 512 + e;
        if ((l1[e] & (PADDR_MASK | _PAGE_PRESENT | _PAGE_RW)) != (reqs[k].val & ~_PAGE_ACCESSED))
            bad++;
    }
    CHECK_EQ(bad, 0);
    /* And maps it. */
    data[0][0] = 0xd0;
    data[1][0] = 0xd1;
    CHECK_EQ(*(volatile uint64_t *)(TABLE_VA + 511 * 4096),
             data[(reqs[NR_REQS - 1].val & PADDR_MASK) == f[1]][0]);
    CHECK(ticks_during > 0, "no timer event delivered during a %lu ms hypercall", ns / 1000000);

    /* Unmap everything in one more batch, unhook the table, take it back. */
    for (unsigned int e = 0; e < 512; e++)
        reqs[e] = (struct mmu_update){(l1base + e * 8) | MMU_NORMAL_PT_UPDATE, 0};
    done = 0;
    CHECK_EQ(hypercall_mmu_update(reqs, 512, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 512);
    CHECK_EQ(pt_mmu1(l2ma, 0, DOMID_SELF), 0);
    CHECK_EQ(remap_page(l1, PROT_RW), 0);
    CHECK_EQ(remap_page(data[0], PROT_RW), 0);
    CHECK_EQ(remap_page(data[1], PROT_RW), 0);
}
