/* SPDX-License-Identifier: MIT */
/*
 * Start of day: from start_info to test_main().
 *
 *   1. test_early() (before any trap table: tests of what must work then);
 *   2. map shared_info (start_info->shared_info is a machine address);
 *   3. unmap page 0 so that NULL dereferences fault;
 *   4. trap table, callbacks (event, failsafe, syscall), stack_switch;
 *   5. banner, test_main(), result line, SCHEDOP_shutdown.
 */
#include <rt/runtime.h>

void runtime_start(struct start_info *si) __noreturn;

struct start_info *start_info;

extern uint8_t kernel_entry_stack_top[];

long unmap_page(void *va)
{
    return hypercall_update_va_mapping((uintptr_t)va, 0, UVMF_INVLPG);
}

long remap_page(void *va, uint64_t flags)
{
    uint64_t pte = (virt_to_mfn(va) << 12) | flags;
    return hypercall_update_va_mapping((uintptr_t)va, pte, UVMF_INVLPG);
}

static void setup_callbacks(void)
{
    long rc;

    rc = hypercall_register_callback(CALLBACKTYPE_event, CALLBACKF_mask_events,
                                     entry_hypervisor_callback);
    if (rc)
        panic("register event callback: %ld", rc);
    rc = hypercall_register_callback(CALLBACKTYPE_failsafe, CALLBACKF_mask_events,
                                     entry_failsafe_callback);
    if (rc)
        panic("register failsafe callback: %ld", rc);
    rc = hypercall_register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
                                     entry_syscall_callback);
    if (rc)
        panic("register syscall callback: %ld", rc);
    rc = hypercall_stack_switch(FLAT_KERNEL_SS, (uintptr_t)kernel_entry_stack_top);
    if (rc)
        panic("stack_switch: %ld", rc);
}

void runtime_start(struct start_info *si)
{
    long rc;

    start_info = si;

    test_early();

    rc = hypercall_update_va_mapping(
        (uintptr_t)&shared_info,
        si->shared_info | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY, UVMF_INVLPG);
    if (rc)
        panic("mapping shared_info (maddr %#lx): %ld", si->shared_info, rc);

    rc = unmap_page(NULL);
    if (rc)
        panic("unmapping page 0: %ld", rc);

    rc = install_trap_table();
    if (rc)
        panic("set_trap_table: %ld", rc);
    setup_callbacks();

    printf("--- Xenolith test guest ---\n");
    printf("Environment: PV 64bit, %s, cmdline \"%s\"\n",
           is_initdomain() ? "initial domain" : "domU", (const char *)si->cmd_line);
    printf("%s\n", test_title);

    test_main();
    test_finish();
}
