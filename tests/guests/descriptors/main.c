/* SPDX-License-Identifier: MIT */
/*
 * set_gdt and update_descriptor: a GDT frame must be mapped read-only and
 * hold only acceptable descriptors; code/data descriptors get DPL 3; system
 * descriptors other than call gates are rejected; call gates are accepted
 * with DPL 0 and the requested DPL moved into the target selector's RPL
 * (Xen 4.17 emulates them); bad alignment, foreign or page-table frames and
 * bad pointers fail.  The new GDT's selectors load; a not-present one gives
 * #NP, one beyond the limit #GP.
 */
#include <rt/runtime.h>

const char test_title[] = "descriptors: set_gdt, update_descriptor validation";

static uint64_t gdt[512] __aligned(4096);
static uint64_t bad_gdt[512] __aligned(4096);

#define CODE64(dpl) (0x00209a0000000000ul | ((uint64_t)(dpl) << 45))  /* P, S, code, L */
#define DATA(dpl)   (0x00cf92000000ffffull | ((uint64_t)(dpl) << 45)) /* P, S, data, 4G */
#define DPL_OF(d)   (((d) >> 45) & 3)
#define TSS64       0x0000890000000067ul /* P, type 9 (available 64-bit TSS) */
#define LDT_DESC    0x0000820000000067ul /* P, type 2 */
#define INTR_GATE   0x00008e0000000000ul /* P, type 14 */

static uint64_t call_gate(uint16_t sel, unsigned int dpl)
{
    return 0x00008c0000000000ul | ((uint64_t)dpl << 45) | ((uint64_t)sel << 16);
}

static uint64_t load_es(uint16_t sel)
{
    uint64_t ex;
    __asm__ volatile("1: mov %w1, %%es\n\txor %%eax, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "r"(sel), "a"(0)
                     : "memory");
    return ex;
}

void test_main(void)
{
    uint64_t frame = virt_to_mfn(gdt);

    gdt[1] = CODE64(0);
    gdt[2] = DATA(3);
    gdt[3] = DATA(3) & ~(1ul << 47); /* not present */

    printf("set_gdt\n");
    CHECK_EQ(hypercall_set_gdt(&frame, 4), -XEN_EINVAL); /* still writable */
    CHECK_EQ(remap_page(gdt, _PAGE_PRESENT | _PAGE_ACCESSED), 0);
    CHECK_EQ(hypercall_set_gdt(&frame, FIRST_RESERVED_GDT_ENTRY + 1), -XEN_EINVAL);
    CHECK_EQ(hypercall_set_gdt((void *)0x10, 4), -XEN_EFAULT);
    uint64_t xen_frame = 0; /* machine frame 0 is not ours */
    CHECK_EQ(hypercall_set_gdt(&xen_frame, 4), -XEN_EINVAL);
    CHECK_EQ(hypercall_set_gdt(&frame, 4), 0);
    CHECK_EQ(DPL_OF(gdt[1]), 3); /* the hypervisor fixed the DPL in place */
    CHECK_EQ(gdt[2], DATA(3));

    printf("loading selectors of the new GDT\n");
    CHECK_EQ(load_es(0x13), 0);
    uint16_t es;
    __asm__ volatile("mov %%es, %0" : "=r"(es));
    CHECK_EQ(es, 0x13);
    CHECK_EQ(load_es(0x1b), EXINFO(X86_EXC_NP, 0x18));
    CHECK_EQ(load_es(0x2b), EXINFO(X86_EXC_GP, 0x28)); /* beyond 4 entries */
    CHECK_EQ(load_es(FLAT_RING3_DS32), 0);             /* the reserved entries remain */
    CHECK_EQ(load_es(0), 0);

    printf("a GDT frame holding a system descriptor is refused\n");
    bad_gdt[1] = DATA(3);
    bad_gdt[2] = TSS64;
    uint64_t bad_frame = virt_to_mfn(bad_gdt);
    CHECK_EQ(remap_page(bad_gdt, _PAGE_PRESENT | _PAGE_ACCESSED), 0);
    CHECK_EQ(hypercall_set_gdt(&bad_frame, 4), -XEN_EINVAL);
    CHECK_EQ(remap_page(bad_gdt, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED), 0);

    printf("update_descriptor\n");
    uint64_t ma = virt_to_maddr(&gdt[4]);
    CHECK_EQ(hypercall_update_descriptor(ma, DATA(0)), 0);
    CHECK_EQ(gdt[4], DATA(3)); /* DPL 0 -> 3 */
    CHECK_EQ(hypercall_update_descriptor(ma, CODE64(1)), 0);
    CHECK_EQ(DPL_OF(gdt[4]), 3);
    CHECK_EQ(hypercall_update_descriptor(ma, 0), 0); /* not present: always fine */
    CHECK_EQ(gdt[4], 0);
    CHECK_EQ(hypercall_update_descriptor(ma, TSS64), -XEN_EINVAL);
    CHECK_EQ(hypercall_update_descriptor(ma, LDT_DESC), -XEN_EINVAL);
    CHECK_EQ(hypercall_update_descriptor(ma, INTR_GATE), -XEN_EINVAL);
    CHECK_EQ(gdt[4], 0);
    CHECK_EQ(hypercall_update_descriptor(ma + 4, DATA(3)), -XEN_EINVAL); /* misaligned */
    CHECK_EQ(hypercall_update_descriptor(0, DATA(3)), -XEN_EINVAL);      /* not our frame */
    CHECK_EQ(hypercall_update_descriptor(virt_to_maddr((void *)start_info->pt_base), DATA(3)),
             -XEN_EINVAL); /* a page table */
    /* An ordinary writable page is fine too. */
    CHECK_EQ(hypercall_update_descriptor(virt_to_maddr(&bad_gdt[5]), DATA(0)), 0);
    CHECK_EQ(bad_gdt[5], DATA(3));

    printf("call gates are kept, with DPL 0 and the DPL in the selector RPL\n");
    CHECK_EQ(hypercall_update_descriptor(ma, call_gate(FLAT_RING3_CS64, 3)), 0);
    CHECK_EQ(DPL_OF(gdt[4]), 0);
    CHECK_EQ((gdt[4] >> 16) & 0xffff, (FLAT_RING3_CS64 & ~3) | 3);
    /* Targets: guest selectors or FLAT_KERNEL_CS; no other reserved selector. */
    CHECK_EQ(hypercall_update_descriptor(ma, call_gate(FLAT_RING3_DS32, 3)), -XEN_EINVAL);
    CHECK_EQ(hypercall_update_descriptor(ma, call_gate(FLAT_RING3_CS32, 3)), -XEN_EINVAL);
    CHECK_EQ(hypercall_update_descriptor(ma, call_gate(0x0008, 0)), 0);
    /* The high dword's low byte (parameter count) must be 0. */
    CHECK_EQ(hypercall_update_descriptor(ma, call_gate(0x0008, 0) | (1ul << 32)), -XEN_EINVAL);
    CHECK_EQ(hypercall_update_descriptor(ma, 0), 0);
}
