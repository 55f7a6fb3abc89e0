/* SPDX-License-Identifier: MIT */
/*
 * Exceptions raised in guest kernel mode are bounced to the trap table with
 * Xen's frame: rcx, r11, [error code], rip, cs | saved_upcall_mask << 32,
 * rflags, rsp, ss.  CS has RPL 0 (0xe030) for kernel frames; RFLAGS.IF is the
 * inverse of the saved upcall mask; TI_IF masks events on entry; the #PF
 * error code has the U bit cleared and CR2 lands in vcpu_info->arch.cr2;
 * `int n` needs the entry's DPL >= 1 from kernel mode, else #GP(n << 3 | 2).
 */
#include <rt/runtime.h>

const char test_title[] = "exceptions: kernel-mode bounce frames, #UD #BP #DE #PF #GP";

static uint8_t ro_page[4096] __aligned(4096);

/* ud2 with known rcx/r11; returns the EXINFO and the faulting rip/rsp. */
static uint64_t do_ud2(uint64_t *rip, uint64_t *rsp)
{
    uint64_t ex;
    __asm__ volatile("mov $0x1111222233334444, %%rcx\n\t"
                     "mov $0x5555666677778888, %%r11\n\t"
                     "lea 1f(%%rip), %[rip]\n\t"
                     "mov %%rsp, %[rsp]\n\t"
                     "1: ud2\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex), [rip] "=&r"(*rip), [rsp] "=&r"(*rsp)
                     : "a"(0)
                     : "rcx", "r11", "memory");
    return ex;
}

static void test_ud(void)
{
    uint64_t rip, rsp, n = last_exc.count;
    uint64_t ex = do_ud2(&rip, &rsp);

    printf("#UD from kernel mode, events masked\n");
    CHECK_EQ(ex, EXINFO(X86_EXC_UD, 0));
    CHECK_EQ(last_exc.count, n + 1);
    CHECK_EQ(last_exc.regs.rip, rip);
    CHECK_EQ(last_exc.regs.cs & 0xffff, FLAT_RING3_CS64_KERNEL_FRAME);
    CHECK_EQ((last_exc.regs.cs >> 16) & 0xffff, 0);
    CHECK_EQ(regs_saved_mask((const struct cpu_regs *)&last_exc.regs), 1);
    CHECK_EQ(last_exc.regs.rflags & X86_EFLAGS_IF, 0);
    CHECK_EQ(last_exc.regs.rsp, rsp);
    CHECK_EQ(last_exc.regs.ss, FLAT_KERNEL_SS);
    CHECK_EQ(last_exc.regs.rcx, 0x1111222233334444);
    CHECK_EQ(last_exc.regs.r11, 0x5555666677778888);
    CHECK_EQ(last_exc.upcall_mask, 1);
    CHECK_EQ(vcpu_info0()->evtchn_upcall_mask, 1);

    printf("#UD from kernel mode, events unmasked\n");
    vcpu_info0()->evtchn_upcall_mask = 0;
    ex = do_ud2(&rip, &rsp);
    uint8_t mask_after = vcpu_info0()->evtchn_upcall_mask;
    vcpu_info0()->evtchn_upcall_mask = 1;
    CHECK_EQ(ex, EXINFO(X86_EXC_UD, 0));
    CHECK_EQ(regs_saved_mask((const struct cpu_regs *)&last_exc.regs), 0);
    CHECK_EQ(last_exc.regs.rflags & X86_EFLAGS_IF, X86_EFLAGS_IF);
    CHECK_EQ(last_exc.upcall_mask, 1); /* TI_IF masked events on entry */
    CHECK_EQ(mask_after, 0);           /* iret restored the mask from IF */

    printf("#UD through an entry without TI_IF\n");
    CHECK_EQ(set_trap_entry(X86_EXC_UD, 0, false, trap_entry_stub(X86_EXC_UD)), 0);
    vcpu_info0()->evtchn_upcall_mask = 0;
    ex = do_ud2(&rip, &rsp);
    vcpu_info0()->evtchn_upcall_mask = 1;
    CHECK_EQ(ex, EXINFO(X86_EXC_UD, 0));
    CHECK_EQ(last_exc.upcall_mask, 0);
    CHECK_EQ(set_trap_entry(X86_EXC_UD, 0, true, trap_entry_stub(X86_EXC_UD)), 0);
}

static void test_bp_de(void)
{
    uint64_t ex, after;

    printf("#BP from int3 (a trap: rip after the instruction)\n");
    __asm__ volatile("lea 2f(%%rip), %[a]\n\t1: int3\n\t2:\n\t" _ASM_EXTABLE(2b, 2b)
                     : "=a"(ex), [a] "=&r"(after)
                     : "a"(0)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_BP, 0));
    CHECK_EQ(last_exc.regs.rip, after);
    CHECK_EQ(last_exc.regs.cs & 0xffff, FLAT_RING3_CS64_KERNEL_FRAME);

    __asm__ volatile("lea 2f(%%rip), %[a]\n\t1: int $3\n\t2:\n\t" _ASM_EXTABLE(2b, 2b)
                     : "=a"(ex), [a] "=&r"(after)
                     : "a"(0)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_BP, 0));
    CHECK_EQ(last_exc.regs.rip, after);

    printf("#DE from div by zero\n");
    __asm__ volatile("xor %%edx, %%edx\n\txor %%ecx, %%ecx\n\tmov $1, %%eax\n\t"
                     "1: div %%ecx\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     :
                     : "rcx", "rdx", "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_DE, 0));
}

static void test_pf(void)
{
    uint64_t ex;

    printf("#PF: read of an unmapped page\n");
    __asm__ volatile("1: mov 0x123, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "a"(0)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_PF, 0)); /* U bit cleared for kernel mode */
    CHECK_EQ(last_exc.cr2, 0x123);       /* vcpu_info->arch.cr2 */
    CHECK_EQ(vcpu_info0()->arch.cr2, 0x123);
    CHECK_EQ(read_cr2(), 0x123); /* emulated mov from %cr2 */

    printf("#PF: write to an unmapped page\n");
    __asm__ volatile("1: movl $1, 0x456\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "a"(0)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_PF, PFEC_WRITE));
    CHECK_EQ(last_exc.cr2, 0x456);

    printf("#PF: write to a read-only page\n");
    CHECK_EQ(remap_page(ro_page, _PAGE_PRESENT | _PAGE_ACCESSED), 0);
    CHECK_EQ(ro_page[100], 0); /* still readable */
    __asm__ volatile("1: movb $1, (%[p])\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "a"(0), [p] "r"(ro_page + 100)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE));
    CHECK_EQ(last_exc.cr2, (uintptr_t)(ro_page + 100));
    CHECK_EQ(remap_page(ro_page, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED), 0);
    ro_page[100] = 1;
    CHECK_EQ(ro_page[100], 1);

    printf("#PF: access to the hypervisor's area\n");
    __asm__ volatile("1: mov (%[p]), %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "a"(0), [p] "r"(0xffff830000000000ul)
                     : "memory");
    CHECK_EQ(EXINFO_VEC(ex), X86_EXC_PF);
    CHECK_EQ(last_exc.cr2, 0xffff830000000000ul);
}

static void test_gp(void)
{
    uint64_t ex;

    printf("#GP: int $0x80 with no handler\n");
    __asm__ volatile("1: int $0x80\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0) : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_GP, (0x80 << 3) | 2));

    printf("#GP: int $0x21 through a DPL 0 entry, delivered through DPL 1 and 3\n");
    CHECK_EQ(set_trap_entry(0x21, 0, true, trap_entry_stub(0x21)), 0);
    __asm__ volatile("1: int $0x21\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0) : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_GP, (0x21 << 3) | 2));
    for (unsigned int dpl = 1; dpl <= 3; dpl += 2) {
        uint64_t after;
        CHECK_EQ(set_trap_entry(0x21, dpl, true, trap_entry_stub(0x21)), 0);
        __asm__ volatile("lea 2f(%%rip), %[a]\n\t1: int $0x21\n\t2:\n\t" _ASM_EXTABLE(2b, 2b)
                         : "=a"(ex), [a] "=&r"(after)
                         : "a"(0)
                         : "memory");
        CHECK_EQ(ex, EXINFO(0x21, 0)); /* a software interrupt has no error code */
        CHECK_EQ(last_exc.regs.rip, after);
    }

    printf("#GP: lidt in guest kernel mode (ring 3)\n");
    static const struct __attribute__((packed)) {
        uint16_t lim;
        uint64_t base;
    } idtr = {0, 0};
    __asm__ volatile("1: lidt %[d]\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "a"(0), [d] "m"(idtr)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_GP, 0));
}

void test_main(void)
{
    test_ud();
    test_bp_de();
    test_pf();
    test_gp();
}
