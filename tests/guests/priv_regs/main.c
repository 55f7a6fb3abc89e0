/* SPDX-License-Identifier: MIT */
/*
 * Emulated privileged instructions in guest kernel mode: reads of CR0 (PE, PG,
 * virtual TS), CR3 (the kernel L4's frame), CR4 (stable, writable back),
 * writes and reads of CR2; port I/O: with the virtual IOPL at 0 `in`/`out`
 * give #GP(0); after PHYSDEVOP_set_iopl(1) the initial domain reads
 * all-ones from ports it is denied (the hypervisor's COM1), the PCI CF8
 * latch is emulated, writes to denied ports are dropped; user mode still
 * gets #GP(0).  wbinvd is harmless.
 */
#include <rt/runtime.h>

const char test_title[] = "priv_regs: control registers, port I/O, set_iopl";

#define COM1 0x3f8

static uint64_t inb_ex(uint16_t port)
{
    uint64_t ex;
    __asm__ volatile("1: inb %%dx, %%al\n\tmovzbl %%al, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "d"(port), "a"(0)
                     : "memory");
    return ex;
}
static uint64_t inw_ex(uint16_t port)
{
    uint64_t ex;
    __asm__ volatile("1: inw %%dx, %%ax\n\tmovzwl %%ax, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "d"(port), "a"(0)
                     : "memory");
    return ex;
}
static uint64_t inl_ex(uint16_t port)
{
    uint64_t ex;
    __asm__ volatile("1: inl %%dx, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "d"(port), "a"(0)
                     : "memory");
    return ex;
}
static uint64_t outl_ex(uint16_t port, uint32_t v)
{
    uint64_t ex;
    __asm__ volatile("1: outl %%eax, %%dx\n\txor %%eax, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "d"(port), "a"(v)
                     : "memory");
    return ex;
}
static uint64_t outb_ex(uint16_t port, uint8_t v)
{
    uint64_t ex;
    __asm__ volatile("1: outb %%al, %%dx\n\txor %%eax, %%eax\n\t2:\n\t" _ASM_EXTABLE(1b, 2b)
                     : "=a"(ex)
                     : "d"(port), "a"(v)
                     : "memory");
    return ex;
}
static uint64_t user_inb(uint64_t port)
{
    return inb_ex((uint16_t)port);
}

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl s = {.iopl = iopl};
    return hypercall_physdev_op(PHYSDEVOP_set_iopl, &s);
}

void test_main(void)
{
    printf("control registers\n");
    uint64_t cr0 = read_cr0();
    printf("cr0 %#lx cr3 %#lx cr4 %#lx\n", cr0, read_cr3(), read_cr4());
    CHECK_EQ(cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE | X86_CR0_PG);
    CHECK_EQ(read_cr3(), xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base)));
    uint64_t cr4 = read_cr4();
    CHECK_EQ(read_cr4(), cr4);
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    CHECK_EQ(read_cr4(), cr4);
    __asm__ volatile("mov %0, %%cr2" : : "r"(0x123456789ul));
    CHECK_EQ(read_cr2(), 0x123456789ul);
    CHECK_EQ(vcpu_info0()->arch.cr2, 0x123456789ul);
    __asm__ volatile("wbinvd" ::: "memory");
    test_checks_passed++;

    printf("port I/O with the virtual IOPL at 0: #GP(0)\n");
    CHECK_EQ(inb_ex(0x80), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(outb_ex(0x80, 0), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(inb_ex(COM1), EXINFO(X86_EXC_GP, 0));

    printf("PHYSDEVOP_set_iopl(1): denied ports read all-ones\n");
    CHECK_EQ(set_iopl(4), -XEN_EINVAL);
    CHECK_EQ(hypercall_physdev_op(PHYSDEVOP_set_iopl, (void *)0x10), -XEN_EFAULT);
    CHECK_EQ(set_iopl(1), 0);
    CHECK_EQ(inb_ex(COM1), 0xff);
    CHECK_EQ(inw_ex(COM1), 0xffff);
    CHECK_EQ(inl_ex(COM1 + 4), 0xffffffff);
    CHECK_EQ(outb_ex(COM1 + 7, 0x5a), 0); /* dropped */
    CHECK_EQ(inb_ex(COM1 + 7), 0xff);
    /* The PCI configuration address latch (CF8) is emulated for dom0. */
    CHECK_EQ(outl_ex(0xcf8, 0x80000000), 0);
    CHECK_EQ(inl_ex(0xcf8), 0x80000000);
    CHECK_EQ(outl_ex(0xcf8, 0), 0);
    CHECK_EQ(inl_ex(0xcf8), 0);

    printf("user mode (CPL 3 > IOPL 1): #GP(0)\n");
    CHECK_EQ(exec_user(user_inb, COM1), EXINFO(X86_EXC_GP, 0));
    CHECK_EQ(set_iopl(3), 0);
    CHECK_EQ(exec_user(user_inb, COM1), 0xff);
    CHECK_EQ(set_iopl(0), 0);
    CHECK_EQ(inb_ex(COM1), EXINFO(X86_EXC_GP, 0));
}
