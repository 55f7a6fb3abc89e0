/* SPDX-License-Identifier: MIT */
/*
 * Hypercall wrappers for a 64-bit PV guest kernel.
 *
 * A hypercall is a `syscall` from guest kernel mode: number in rax, arguments
 * in rdi, rsi, rdx, r10, r8, result in rax.  `syscall` itself destroys rcx and
 * r11; the argument registers are treated as clobbered too (Xen rewrites them
 * for continuations and debug builds poison them).
 *
 * hypercall_raw() issues the `syscall` directly (what Linux >= 6.1.121 does);
 * hypercall_page_call() goes through the hypercall page the hypervisor filled
 * in from our XEN_ELFNOTE_HYPERCALL_PAGE (what XTF and older Linux do).
 */
#ifndef RT_HYPERCALL_H
#define RT_HYPERCALL_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/callback.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <xen/memory.h>
#include <xenolith/domctl.h>

static inline long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2,
                                 unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : "0"(nr)
                     : "rcx", "r11", "memory");
    return ret;
}

/* The page named by our XEN_ELFNOTE_HYPERCALL_PAGE (4 KiB, 128 stubs). */
extern uint8_t hypercall_page[4096];

static inline long hypercall_page_call(unsigned long nr, unsigned long a1, unsigned long a2,
                                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    long ret;
    /* The stubs preserve rcx and r11 themselves (push/pop around syscall). */
    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [stub] "r"(hypercall_page + nr * 32)
                     : "memory");
    return ret;
}

#define _HC(nr, a1, a2, a3, a4, a5)                                                                \
    hypercall_raw((nr), (unsigned long)(a1), (unsigned long)(a2), (unsigned long)(a3),             \
                  (unsigned long)(a4), (unsigned long)(a5))

static inline long hypercall_set_trap_table(const struct trap_info *t)
{
    return _HC(__HYPERVISOR_set_trap_table, t, 0, 0, 0, 0);
}
static inline long hypercall_mmu_update(const struct mmu_update *req, unsigned int count,
                                        unsigned int *done, domid_t dom)
{
    return _HC(__HYPERVISOR_mmu_update, req, count, done, dom, 0);
}
static inline long hypercall_set_gdt(const uint64_t *frames, unsigned int entries)
{
    return _HC(__HYPERVISOR_set_gdt, frames, entries, 0, 0, 0);
}
static inline long hypercall_stack_switch(unsigned long ss, unsigned long sp)
{
    return _HC(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0);
}
static inline long hypercall_set_callbacks(unsigned long event, unsigned long failsafe,
                                           unsigned long syscall)
{
    return _HC(__HYPERVISOR_set_callbacks, event, failsafe, syscall, 0, 0);
}
static inline long hypercall_fpu_taskswitch(int set)
{
    return _HC(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0, 0);
}
static inline long hypercall_set_debugreg(int reg, unsigned long val)
{
    return _HC(__HYPERVISOR_set_debugreg, reg, val, 0, 0, 0);
}
static inline long hypercall_get_debugreg(int reg)
{
    return _HC(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}
static inline long hypercall_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return _HC(__HYPERVISOR_update_descriptor, maddr, desc, 0, 0, 0);
}
static inline long hypercall_memory_op(unsigned int cmd, void *arg)
{
    return _HC(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0);
}
static inline long hypercall_multicall(struct multicall_entry *calls, unsigned int n)
{
    return _HC(__HYPERVISOR_multicall, calls, n, 0, 0, 0);
}
static inline long hypercall_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
    return _HC(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0);
}
static inline long hypercall_set_timer_op(uint64_t abs_ns)
{
    return _HC(__HYPERVISOR_set_timer_op, abs_ns, 0, 0, 0, 0);
}
static inline long hypercall_xen_version(int cmd, void *arg)
{
    return _HC(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}
static inline long hypercall_console_io(int cmd, unsigned long count, const void *buf)
{
    return _HC(__HYPERVISOR_console_io, cmd, count, buf, 0, 0);
}
static inline long hypercall_vm_assist(unsigned int cmd, unsigned int type)
{
    return _HC(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}
static inline long hypercall_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return _HC(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}
static inline long hypercall_set_segment_base(unsigned int which, unsigned long base)
{
    return _HC(__HYPERVISOR_set_segment_base, which, base, 0, 0, 0);
}
static inline long hypercall_mmuext_op(const struct mmuext_op *op, unsigned int count,
                                       unsigned int *done, domid_t dom)
{
    return _HC(__HYPERVISOR_mmuext_op, op, count, done, dom, 0);
}
static inline long hypercall_sched_op(int cmd, void *arg)
{
    return _HC(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}
static inline long hypercall_callback_op(int cmd, const void *arg)
{
    return _HC(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0);
}
static inline long hypercall_event_channel_op(int cmd, void *arg)
{
    return _HC(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}
static inline long hypercall_physdev_op(int cmd, void *arg)
{
    return _HC(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0);
}

/* Convenience forms. */
static inline long hypercall_shutdown(unsigned int reason)
{
    struct sched_shutdown s = {.reason = reason};
    return hypercall_sched_op(SCHEDOP_shutdown, &s);
}
static inline long hypercall_yield(void)
{
    return hypercall_sched_op(SCHEDOP_yield, 0);
}
static inline long hypercall_block(void)
{
    return hypercall_sched_op(SCHEDOP_block, 0);
}
static inline long hypercall_register_callback(unsigned int type, unsigned int flags, void *addr)
{
    struct callback_register cb = {
        .type = (uint16_t)type, .flags = (uint16_t)flags, .address = (uint64_t)(uintptr_t)addr};
    return hypercall_callback_op(CALLBACKOP_register, &cb);
}
/* Xenolith's privileged control interface (xenolith/domctl.h); fills in the version. */
static inline long hypercall_domctl(struct xenolith_domctl *op)
{
    op->interface_version = XENOLITH_DOMCTL_VERSION;
    return _HC(__HYPERVISOR_domctl, op, 0, 0, 0, 0);
}

#endif /* RT_HYPERCALL_H */
