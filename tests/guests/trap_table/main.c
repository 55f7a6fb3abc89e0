/* SPDX-License-Identifier: MIT */
/*
 * set_trap_table is incremental (each call updates only the vectors it
 * lists, up to the first entry with address 0), a NULL table clears every
 * vector, bad pointers give -EFAULT and non-canonical handlers -EINVAL after
 * the entries before them took effect.  callback_op and set_callbacks.
 */
#include <rt/runtime.h>

const char test_title[] = "trap_table: set_trap_table semantics, callback_op";

static struct trap_info tbl_pages[2 * 256] __aligned(4096); /* 2 pages */

static uint64_t soft_int(unsigned int v)
{
    uint64_t ex = 0;
    /* The fixup covers both a delivered interrupt (rip after) and a #GP (rip at). */
#define SOFT(n)                                                                                    \
    case n:                                                                                        \
        __asm__ volatile("1: int $" #n "\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) _ASM_EXTABLE(2b, 2b)      \
                         : "=a"(ex)                                                                \
                         : "a"(0)                                                                  \
                         : "memory");                                                              \
        break
    switch (v) {
        SOFT(0x21);
        SOFT(0x22);
        SOFT(0x23);
        SOFT(0x24);
        SOFT(0x25);
    }
    return ex;
}

static uint64_t ud2(void)
{
    uint64_t ex;
    __asm__ volatile("1: ud2\n\t2:\n\t" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0) : "memory");
    return ex;
}

static struct trap_info ti(unsigned int vec, unsigned int dpl, uint64_t addr)
{
    return (struct trap_info){.vector = (uint8_t)vec,
                              .flags = (uint8_t)(dpl | TI_IF),
                              .cs = FLAT_KERNEL_CS,
                              .address = addr};
}

static void test_set_trap_table(void)
{
    struct trap_info t[4];

    printf("incremental updates keep the other vectors\n");
    CHECK_EQ(set_trap_entry(0x21, 3, true, trap_entry_stub(0x21)), 0);
    CHECK_EQ(soft_int(0x21), EXINFO(0x21, 0));
    CHECK_EQ(ud2(), EXINFO(X86_EXC_UD, 0));

    printf("replacing one vector's handler\n");
    CHECK_EQ(set_trap_entry(X86_EXC_UD, 0, true, trap_entry_stub(0x22)), 0);
    CHECK_EQ(ud2(), EXINFO(0x22, 0)); /* the 0x22 stub reports its own number */
    CHECK_EQ(set_trap_entry(X86_EXC_UD, 0, true, trap_entry_stub(X86_EXC_UD)), 0);
    CHECK_EQ(ud2(), EXINFO(X86_EXC_UD, 0));

    printf("an empty table changes nothing\n");
    t[0] = (struct trap_info){0};
    CHECK_EQ(hypercall_set_trap_table(t), 0);
    CHECK_EQ(ud2(), EXINFO(X86_EXC_UD, 0));

    printf("non-canonical handler: -EINVAL, earlier entries applied\n");
    t[0] = ti(0x23, 3, (uintptr_t)trap_entry_stub(0x23));
    t[1] = ti(0x24, 3, 0x8000000000000000ul);
    t[2] = (struct trap_info){0};
    CHECK_EQ(soft_int(0x23), EXINFO(X86_EXC_GP, (0x23 << 3) | 2));
    CHECK_EQ(hypercall_set_trap_table(t), -XEN_EINVAL);
    CHECK_EQ(soft_int(0x23), EXINFO(0x23, 0));
    CHECK_EQ(soft_int(0x24), EXINFO(X86_EXC_GP, (0x24 << 3) | 2));

    printf("bad pointers: -EFAULT, earlier entries applied\n");
    CHECK_EQ(hypercall_set_trap_table((void *)0x10), -XEN_EFAULT);
    CHECK_EQ(hypercall_set_trap_table((void *)HYPERVISOR_VIRT_START), -XEN_EFAULT);
    CHECK_EQ(hypercall_set_trap_table((void *)0x8000000000000000ul), -XEN_EFAULT);
    struct trap_info *last = &tbl_pages[255]; /* last entry of the first page */
    *last = ti(0x24, 3, (uintptr_t)trap_entry_stub(0x24));
    CHECK_EQ(unmap_page(&tbl_pages[256]), 0);
    CHECK_EQ(hypercall_set_trap_table(last), -XEN_EFAULT);
    CHECK_EQ(remap_page(&tbl_pages[256], _PAGE_PRESENT | _PAGE_RW), 0);
    CHECK_EQ(soft_int(0x24), EXINFO(0x24, 0));

    printf("a NULL table clears every vector\n");
    CHECK_EQ(hypercall_set_trap_table(NULL), 0);
    CHECK_EQ(set_trap_entry(X86_EXC_GP, 0, true, trap_entry_stub(X86_EXC_GP)), 0);
    CHECK_EQ(soft_int(0x21), EXINFO(X86_EXC_GP, (0x21 << 3) | 2));
    CHECK_EQ(soft_int(0x23), EXINFO(X86_EXC_GP, (0x23 << 3) | 2));
    CHECK_EQ(install_trap_table(), 0);
    CHECK_EQ(ud2(), EXINFO(X86_EXC_UD, 0));
    CHECK_EQ(soft_int(0x25), EXINFO(X86_EXC_GP, (0x25 << 3) | 2));
}

static void test_callbacks(void)
{
    struct callback_register cb = {.type = CALLBACKTYPE_event,
                                   .flags = CALLBACKF_mask_events,
                                   .address = (uintptr_t)entry_hypervisor_callback};
    struct callback_unregister un = {.type = CALLBACKTYPE_event};

    printf("callback_op\n");
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_register, &cb), 0);
    cb.address = 0x8000000000000000ul;
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_register, &cb), -XEN_EINVAL);
    cb.address = (uintptr_t)entry_hypervisor_callback;
    cb.type = 99;
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_register, &cb), -XEN_ENOSYS);
    cb.type = CALLBACKTYPE_sysenter_deprecated;
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_register, &cb), -XEN_ENOSYS);
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_register, (void *)0x10), -XEN_EFAULT);
    CHECK_EQ(hypercall_callback_op(2, &cb), -XEN_ENOSYS);
    CHECK_EQ(hypercall_callback_op(-1, &cb), -XEN_ENOSYS);
    /* Only the NMI callback can be unregistered. */
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_unregister, &un), -XEN_EINVAL);
    un.type = CALLBACKTYPE_syscall;
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_unregister, &un), -XEN_EINVAL);
    un.type = 99;
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_unregister, &un), -XEN_ENOSYS);
    cb.type = CALLBACKTYPE_nmi;
    cb.address = (uintptr_t)trap_entry_stub(X86_EXC_NMI);
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_register, &cb), 0);
    un.type = CALLBACKTYPE_nmi;
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_unregister, &un), 0);
    CHECK_EQ(hypercall_callback_op(CALLBACKOP_unregister, (void *)0x10), -XEN_EFAULT);
    /* syscall32 and sysenter register on a 64-bit guest too. */
    CHECK_EQ(hypercall_register_callback(CALLBACKTYPE_syscall32, 0, entry_syscall_callback), 0);
    CHECK_EQ(hypercall_register_callback(CALLBACKTYPE_sysenter, 0, entry_syscall_callback), 0);

    printf("set_callbacks (legacy) always returns 0\n");
    CHECK_EQ(hypercall_set_callbacks((uintptr_t)entry_hypervisor_callback,
                                     (uintptr_t)entry_failsafe_callback,
                                     (uintptr_t)entry_syscall_callback),
             0);
    CHECK_EQ(
        hypercall_set_callbacks(0x8000000000000000ul, 0x8000000000000000ul, 0x8000000000000000ul),
        0);
    /* Put the runtime's registrations (with event masking) back. */
    CHECK_EQ(hypercall_register_callback(CALLBACKTYPE_event, CALLBACKF_mask_events,
                                         entry_hypervisor_callback),
             0);
    CHECK_EQ(hypercall_register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
                                         entry_syscall_callback),
             0);
    CHECK_EQ(hypercall_register_callback(CALLBACKTYPE_failsafe, CALLBACKF_mask_events,
                                         entry_failsafe_callback),
             0);
}

void test_main(void)
{
    test_set_trap_table();
    test_callbacks();
}
