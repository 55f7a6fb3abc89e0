/* SPDX-License-Identifier: MIT */
/*
 * set_debugreg / get_debugreg: DR0-3 take addresses outside the hypervisor's
 * area (-EPERM otherwise); DR6/DR7 keep their reserved bits as the hardware
 * does and reject upper-half bits (-EINVAL) and DR7.GD (-EPERM); DR4/DR5
 * alias DR6/DR7 while CR4.DE is clear; other numbers give -ENODEV.  `mov`
 * from a debug register is emulated; an armed data breakpoint raises #DB.
 */
#include <rt/runtime.h>

const char test_title[] = "debugreg: set/get_debugreg validation, a data breakpoint";

static volatile uint32_t watched;

void test_main(void)
{
    uint64_t addrs[] = {0x1000, 0x00007ffffffff000ul, HYPERVISOR_VIRT_END, 0xffffffffff600000ul};
    for (int r = 0; r < 4; r++) {
        CHECK_EQ(hypercall_set_debugreg(r, addrs[r]), 0);
        CHECK_EQ(hypercall_get_debugreg(r), addrs[r]);
    }
    CHECK_EQ(hypercall_set_debugreg(0, HYPERVISOR_VIRT_START), -XEN_EPERM);
    CHECK_EQ(hypercall_set_debugreg(1, 0x0000800000000000ul), -XEN_EPERM);
    CHECK_EQ(hypercall_get_debugreg(0), addrs[0]);

    uint64_t dr;
    __asm__ volatile("mov %%dr1, %0" : "=r"(dr));
    CHECK_EQ(dr, addrs[1]);

    printf("DR6 and DR7 reserved bits\n");
    CHECK_EQ(hypercall_set_debugreg(6, 0), 0);
    CHECK_EQ(hypercall_get_debugreg(6), 0xffff0ff0);
    CHECK_EQ(hypercall_set_debugreg(6, 1ul << 32), -XEN_EINVAL);
    CHECK_EQ(hypercall_set_debugreg(7, 0), 0);
    CHECK_EQ(hypercall_get_debugreg(7), 0x400);
    CHECK_EQ(hypercall_set_debugreg(7, 1ul << 13), -XEN_EPERM); /* GD */
    CHECK_EQ(hypercall_set_debugreg(7, 1ul << 32), -XEN_EINVAL);
    /* An I/O breakpoint (R/W = 10) needs CR4.DE. */
    CHECK_EQ(hypercall_set_debugreg(7, 0x1 | (2ul << 16)), -XEN_EPERM);
    CHECK_EQ(hypercall_get_debugreg(7), 0x400);

    printf("DR4/DR5 alias DR6/DR7, other numbers -ENODEV\n");
    CHECK_EQ(hypercall_set_debugreg(4, 0), 0);
    CHECK_EQ(hypercall_get_debugreg(4), 0xffff0ff0);
    CHECK_EQ(hypercall_get_debugreg(5), 0x400);
    CHECK_EQ(hypercall_set_debugreg(8, 0), -XEN_ENODEV);
    CHECK_EQ(hypercall_get_debugreg(8), -XEN_ENODEV);
    CHECK_EQ(hypercall_set_debugreg(-1, 0), -XEN_ENODEV);

    printf("a data breakpoint on write raises #DB\n");
    uint64_t ex;
    CHECK_EQ(hypercall_set_debugreg(0, (uintptr_t)&watched), 0);
    /* L0, R/W0 = 01 (write), LEN0 = 11 (4 bytes). */
    CHECK_EQ(hypercall_set_debugreg(7, 0x1 | (1ul << 16) | (3ul << 18)), 0);
    __asm__ volatile("movl $1, (%1)\n\t1: nop\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "r"(&watched), "a"(0)
                     : "memory");
    CHECK_EQ(ex, EXINFO(X86_EXC_DB, 0));
    CHECK(hypercall_get_debugreg(6) & 1, "DR6.B0 clear: %#lx", hypercall_get_debugreg(6));
    CHECK_EQ(hypercall_set_debugreg(7, 0), 0);
    CHECK_EQ(hypercall_set_debugreg(6, 0), 0);
    watched = 2; /* no more #DB */
    CHECK_EQ(watched, 2);
}
