/* x86-64 PV state of a vCPU and a domain. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <hv/types.h>
#include <asm/regs.h>

/* One trap-table entry as the guest registered it (set_trap_table). */
struct pv_trap {
    uint64_t address;   /* 0: no handler */
    uint16_t cs;
    uint8_t flags;      /* bits 0-1: DPL for software interrupts; bit 2: mask events */
};

/* Event/exception delivery waiting for the next return to the guest. */
struct pv_bounce {
    bool pending;
    bool has_error_code;
    bool mask_events;
    uint32_t error_code;
    uint64_t target;
};

struct pv_callback {
    uint64_t address;
    bool mask_events;
};

struct arch_vcpu {
    struct cpu_regs regs;          /* guest registers while the vCPU is off the CPU */
    bool kernel_mode;              /* guest kernel (true) or guest user mode */
    bool fpu_dirty_ts;             /* guest asked for CR0.TS (fpu_taskswitch) */
    struct pv_trap traps[256];
    struct pv_callback event_cb, failsafe_cb, syscall_cb, nmi_cb;
    uint64_t kernel_ss, kernel_sp; /* stack_switch */
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint16_t gs_sel_user;
    uint16_t sel[4];               /* ds, es, fs, gs while off the CPU */
    mfn_t guest_table;             /* kernel L4 */
    mfn_t guest_table_user;        /* user L4, INVALID_MFN when none */
    uint64_t vcr4;                 /* the guest's view of CR4 */
    unsigned int iopl;             /* virtual IOPL (PHYSDEVOP_set_iopl), 0-3 */
    uint64_t dr[8];
    uint64_t ldt_base;             /* MMUEXT_SET_LDT */
    unsigned int ldt_ents;
    uint64_t gdt_frames[16];
    unsigned int gdt_ents;
    struct pv_bounce bounce;
    uint8_t fpu[512] __aligned(16); /* FXSAVE image */
};

struct arch_domain {
    uint32_t pci_cf8;              /* the domain's PCI configuration address latch */
};

#endif /* ASM_DOMAIN_H */
