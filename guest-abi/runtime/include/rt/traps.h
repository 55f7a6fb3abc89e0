/* SPDX-License-Identifier: MIT */
/*
 * Exceptions, the exception table, user mode.
 *
 * Xen bounces an exception to the trap table entry with this frame on the
 * guest kernel stack (lowest address first):
 *     rcx, r11, [error code], rip, cs | saved_upcall_mask << 32, rflags, rsp, ss
 * The entry stubs pop rcx/r11 back into their registers, push a dummy error
 * code where the CPU has none and the vector, save every GPR and call
 * do_exception() with a struct cpu_regs.  Returning goes through
 * HYPERVISOR_iret, which restores rax/r11/rcx and the upcall mask (from IF).
 */
#ifndef RT_TRAPS_H
#define RT_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;     /* exception vector, or RT_VEC_* */
    uint64_t error_code; /* 0 when the vector has none */
    /* The bounce frame as Xen wrote it. */
    uint64_t rip;
    uint64_t cs; /* bits 0-15 CS, bits 32-39 saved upcall mask */
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};

/* Pseudo-vectors for the callbacks (not in the trap table). */
#define RT_VEC_SYSCALL  0x100 /* `syscall` from guest user mode */
#define RT_VEC_EVENT    0x101 /* event upcall */
#define RT_VEC_FAILSAFE 0x102
/* Trap-table vector user code returns to the kernel with (`int $0x20`, DPL 3). */
#define RT_VEC_RET2KERN 0x20

static inline unsigned int regs_saved_mask(const struct cpu_regs *r)
{
    return (r->cs >> 32) & 0xff;
}
static inline bool regs_from_user(const struct cpu_regs *r)
{
    return (r->cs & 3) == 3;
}

/*
 * Exception table: an instruction at `fault` that raises an exception (from
 * kernel or user mode) resumes at `fixup` with rax = EXINFO(vector, ec).
 *   asm volatile("1: ud2; 2:" _ASM_EXTABLE(1b, 2b) : "=a"(ex) : "a"(0));
 */
#define EXINFO_VALID    (UINT64_C(1) << 63)
#define EXINFO(vec, ec) (EXINFO_VALID | ((uint64_t)(vec) << 32) | (uint32_t)(ec))
#define EXINFO_VEC(x)   ((unsigned int)(((x) >> 32) & 0xffff))
#define EXINFO_EC(x)    ((uint32_t)(x))
#define _ASM_EXTABLE(fault, fixup)                                                                 \
    ".pushsection .rt_extable, \"a\"\n\t.balign 8\n\t.quad " #fault ", " #fixup                    \
    "\n\t.popsection\n\t"

/* The full frame of the last exception handled through the exception table
 * or a hook (for tests that check the frame Xen built). */
struct exc_record {
    struct cpu_regs regs;
    uint64_t cr2;        /* vcpu_info->arch.cr2 at entry (for #PF) */
    uint8_t upcall_mask; /* vcpu_info->evtchn_upcall_mask at entry */
    uint64_t count;      /* exceptions recorded so far */
};
extern volatile struct exc_record last_exc;

/* A hook sees every exception first; returning true means handled (it may
 * change regs, e.g. rip).  One hook at a time. */
typedef bool (*exc_hook_t)(struct cpu_regs *regs);
extern exc_hook_t exc_hook;

/* Called for `syscall` from user mode; the return value goes to user rax. */
typedef uint64_t (*syscall_hook_t)(struct cpu_regs *regs);
extern syscall_hook_t syscall_hook;

/* The default trap table (vectors 0-19 and RT_VEC_RET2KERN). */
long install_trap_table(void);
/* Install a single trap-table entry (incremental, as Xen allows). */
long set_trap_entry(unsigned int vector, unsigned int dpl, bool mask_events, void *handler);
/* Entry stub of vector v, for tests that re-install entries. */
void *trap_entry_stub(unsigned int vector);

/*
 * Run fn(arg) in guest user mode (ring 3, CS FLAT_RING3_CS64, events masked
 * as in kernel mode, the same page tables), on the runtime's user stack; it
 * returns to the kernel with `int $0x20`.  Returns fn's result.  rflags is
 * the user RFLAGS to start with (IF set unmasks events in user mode).
 */
uint64_t exec_user(uint64_t (*fn)(uint64_t), uint64_t arg);
uint64_t exec_user_flags(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t rflags);

/* Kernel stack registered with stack_switch (user -> kernel transitions). */
extern uint8_t kernel_entry_stack[];
#define KERNEL_ENTRY_STACK_SIZE 8192

/* Assembly entry points (for callback registration tests). */
void entry_hypervisor_callback(void);
void entry_failsafe_callback(void);
void entry_syscall_callback(void);

#endif /* RT_TRAPS_H */
