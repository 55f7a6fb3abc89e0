/* SPDX-License-Identifier: MIT */
/*
 * dom0's start of day. The guest runtime's setup.c runs a test (test_main,
 * a result line, shutdown); the service domain instead sets up the same
 * basics (shared_info, the trap table, callbacks), then its memory, heap,
 * log and event loop, and never returns.
 */
#include <rt/runtime.h>
#include <dom0/heap.h>
#include <dom0/log.h>
#include <dom0/loop.h>
#include <dom0/mm.h>

void runtime_start(struct start_info *si) __noreturn;
void dom0_main(void) __noreturn;

struct start_info *start_info;

extern uint8_t kernel_entry_stack_top[];

/* The runtime's boot stack is 16 KiB; the toolstack (ELF loading, config
 * parsing, xenstore requests) wants more headroom, so dom0 moves to a
 * heap-allocated stack once the heap exists. */
#define DOM0_STACK_SIZE (128u * 1024u)

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
    if (rc) {
        panic("register event callback: %ld", rc);
    }
    rc = hypercall_register_callback(CALLBACKTYPE_failsafe, CALLBACKF_mask_events,
                                     entry_failsafe_callback);
    if (rc) {
        panic("register failsafe callback: %ld", rc);
    }
    rc = hypercall_register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
                                     entry_syscall_callback);
    if (rc) {
        panic("register syscall callback: %ld", rc);
    }
    rc = hypercall_stack_switch(FLAT_KERNEL_SS, (uintptr_t)kernel_entry_stack_top);
    if (rc) {
        panic("stack_switch: %ld", rc);
    }
}

static void __noreturn on_new_stack(void)
{
    dom0_main();
}

void runtime_start(struct start_info *si)
{
    long rc;

    start_info = si;
    rc = hypercall_update_va_mapping(
        (uintptr_t)&shared_info,
        si->shared_info | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY, UVMF_INVLPG);
    if (rc) {
        panic("dom0: mapping shared_info (maddr %#lx): %ld", si->shared_info, rc);
    }
    rc = unmap_page(NULL);
    if (rc) {
        panic("dom0: unmapping page 0: %ld", rc);
    }
    rc = install_trap_table();
    if (rc) {
        panic("dom0: set_trap_table: %ld", rc);
    }
    setup_callbacks();
    if (!is_initdomain()) {
        panic("dom0: started without SIF_INITDOMAIN: this kernel only runs as the initial domain");
    }

    mm_init();
    uint8_t *stack = malloc(DOM0_STACK_SIZE);
    if (!stack) {
        panic("dom0: no memory for the main stack");
    }
    uintptr_t top = ((uintptr_t)stack + DOM0_STACK_SIZE) & ~(uintptr_t)15;
    __asm__ volatile("mov %0, %%rsp\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "call *%1\n\t"
                     "ud2"
                     :
                     : "r"(top), "r"(on_new_stack)
                     : "memory");
    __builtin_unreachable();
}
