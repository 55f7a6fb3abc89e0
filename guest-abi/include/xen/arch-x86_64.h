/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: the x86-64 specific part of the Xen PV interface.
 *
 * A 64-bit PV guest kernel runs in ring 3, on flat selectors the hypervisor
 * provides in the reserved part of every GDT (entries from 0xe000 / 8 on).
 * The top of the canonical lower half of the kernel address space belongs to
 * the hypervisor: L4 slots 256-271 (HYPERVISOR_VIRT_START..END), with the
 * read-only machine-to-phys table at the start of it.
 */
#ifndef XENOLITH_XEN_ARCH_X86_64_H
#define XENOLITH_XEN_ARCH_X86_64_H

#include "types.h"

/* ---------------------------------------------------------------------------
 * Flat selectors in the hypervisor-reserved GDT page.  The guest kernel and
 * guest user both run at RPL 3.  A frame built for guest kernel mode shows CS
 * with RPL 0 (0xe030); the hypervisor maps RPL 0-2 back to kernel mode.
 */
#define FLAT_RING3_CS32 0xe023 /* 32-bit code, DPL 3 */
#define FLAT_RING3_CS64 0xe033 /* 64-bit code, DPL 3 */
#define FLAT_RING3_DS32 0xe02b /* flat data, DPL 3 */
#define FLAT_RING3_DS64 0x0000 /* null selector: 64-bit data needs none */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS   FLAT_USER_SS64

/* The GDT from page 14 on is the hypervisor's (selectors 0xe000 and up). */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* ---------------------------------------------------------------------------
 * Address-space layout.
 */
#define HYPERVISOR_VIRT_START UINT64_C(0xffff800000000000) /* L4 slot 256 */
#define HYPERVISOR_VIRT_END   UINT64_C(0xffff880000000000) /* L4 slot 272 */
#define MACH2PHYS_VIRT_START  UINT64_C(0xffff800000000000)
#define MACH2PHYS_VIRT_END    UINT64_C(0xffff804000000000)
/* Entries (8 bytes each) in the read-only machine-to-phys table. */
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* vcpu_info slots in shared_info (more vCPUs need VCPUOP_register_vcpu_info). */
#define XEN_LEGACY_MAX_VCPUS 32

/*
 * The forced-emulation prefix: `ud2; .ascii "xen"` in front of an
 * instruction (cpuid) asks the hypervisor to emulate it.
 */
#define XEN_EMULATE_PREFIX_BYTES 0x0f, 0x0b, 0x78, 0x65, 0x6e
#define XEN_EMULATE_PREFIX_LEN   5
#define XEN_EMULATE_PREFIX       ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID                XEN_EMULATE_PREFIX "cpuid"

/* CPUID leaves of the hypervisor, found at 0x40000000 + 0x100 * n. */
#define XEN_CPUID_FIRST_LEAF 0x40000000u
#define XEN_CPUID_LEAF_STEP  0x100u
#define XEN_CPUID_SIGNATURE  "XenVMMXenVMM" /* ebx, ecx, edx of leaf base+0 */

/* __HYPERVISOR_set_segment_base: which base to set. */
#define SEGBASE_FS          0 /* FS base */
#define SEGBASE_GS_USER     1 /* GS base seen in guest user mode */
#define SEGBASE_GS_KERNEL   2 /* GS base seen in guest kernel mode */
#define SEGBASE_GS_USER_SEL 3 /* load the user GS selector (base from descriptor) */

/* An entry point registered with the hypervisor: a guest virtual address. */
typedef uint64_t xen_callback_t;

/* ---------------------------------------------------------------------------
 * __HYPERVISOR_iret.  The guest pushes this frame (lowest address first,
 * i.e. rax is on top of the stack at the syscall) and then jumps to the
 * hypercall: the hypercall page's iret stub pushes rcx, r11 and rax itself.
 */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1u << _VGCF_in_syscall) /* rcx/r11 are dead: return as sysret would */

struct iret_context {
    uint64_t rax;
    uint64_t r11;
    uint64_t rcx;
    uint64_t flags; /* VGCF_in_syscall */
    uint64_t rip;
    uint64_t cs;
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};
XEN_ABI_SIZE(struct iret_context, 72);
XEN_ABI_OFFSET(struct iret_context, rax, 0);
XEN_ABI_OFFSET(struct iret_context, flags, 24);
XEN_ABI_OFFSET(struct iret_context, rip, 32);
XEN_ABI_OFFSET(struct iret_context, ss, 64);

/* ---------------------------------------------------------------------------
 * Register file, as saved in a vcpu_guest_context (and on the hypervisor's
 * stack).  saved_upcall_mask sits in bits 32-39 of the CS slot.
 */
struct cpu_user_regs {
    uint64_t r15;
    uint64_t r14;
    uint64_t r13;
    uint64_t r12;
    uint64_t rbp;
    uint64_t rbx;
    uint64_t r11;
    uint64_t r10;
    uint64_t r9;
    uint64_t r8;
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint32_t error_code;   /* filled by the hypervisor on exceptions */
    uint32_t entry_vector; /* hypervisor-private */
    uint64_t rip;
    uint16_t cs;
    uint16_t _pad0[1];
    uint8_t saved_upcall_mask;
    uint8_t _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss;
    uint16_t _pad2[3];
    uint16_t es;
    uint16_t _pad3[3];
    uint16_t ds;
    uint16_t _pad4[3];
    uint16_t fs;
    uint16_t _pad5[3];
    uint16_t gs;
    uint16_t _pad6[3];
};
XEN_ABI_SIZE(struct cpu_user_regs, 200);
XEN_ABI_OFFSET(struct cpu_user_regs, r15, 0);
XEN_ABI_OFFSET(struct cpu_user_regs, rbp, 32);
XEN_ABI_OFFSET(struct cpu_user_regs, r11, 48);
XEN_ABI_OFFSET(struct cpu_user_regs, rax, 80);
XEN_ABI_OFFSET(struct cpu_user_regs, rdi, 112);
XEN_ABI_OFFSET(struct cpu_user_regs, error_code, 120);
XEN_ABI_OFFSET(struct cpu_user_regs, entry_vector, 124);
XEN_ABI_OFFSET(struct cpu_user_regs, rip, 128);
XEN_ABI_OFFSET(struct cpu_user_regs, cs, 136);
XEN_ABI_OFFSET(struct cpu_user_regs, saved_upcall_mask, 140);
XEN_ABI_OFFSET(struct cpu_user_regs, rflags, 144);
XEN_ABI_OFFSET(struct cpu_user_regs, rsp, 152);
XEN_ABI_OFFSET(struct cpu_user_regs, ss, 160);
XEN_ABI_OFFSET(struct cpu_user_regs, es, 168);
XEN_ABI_OFFSET(struct cpu_user_regs, ds, 176);
XEN_ABI_OFFSET(struct cpu_user_regs, fs, 184);
XEN_ABI_OFFSET(struct cpu_user_regs, gs, 192);

/* ---------------------------------------------------------------------------
 * __HYPERVISOR_set_trap_table: one entry per vector.  The list ends at an
 * entry whose address is 0; a table may be installed in several calls.
 */
struct trap_info {
    uint8_t vector;   /* exception/interrupt vector */
    uint8_t flags;    /* bits 0-1: DPL allowed to raise it with `int n`; bit 2: mask events */
    uint16_t cs;      /* code selector (RPL is ignored for 64-bit guests) */
    uint32_t _pad0;   /* implicit in Xen's layout */
    uint64_t address; /* handler, guest virtual address; 0 = none */
};
XEN_ABI_SIZE(struct trap_info, 16);
XEN_ABI_OFFSET(struct trap_info, vector, 0);
XEN_ABI_OFFSET(struct trap_info, flags, 1);
XEN_ABI_OFFSET(struct trap_info, cs, 2);
XEN_ABI_OFFSET(struct trap_info, address, 8);
XEN_DEFINE_GUEST_HANDLE(trap_info);

#define TI_DPL_MASK         0x03u /* trap_info.flags: privilege needed to raise by `int n` */
#define TI_IF               0x04u /* trap_info.flags: mask event upcalls on entry */
#define TI_GET_DPL(ti)      ((ti)->flags & TI_DPL_MASK)
#define TI_GET_IF(ti)       ((ti)->flags & TI_IF)
#define TI_SET_DPL(ti, dpl) ((ti)->flags |= (uint8_t)((dpl)&TI_DPL_MASK))
#define TI_SET_IF(ti, on)   ((ti)->flags |= (uint8_t)((on) ? TI_IF : 0))

/* ---------------------------------------------------------------------------
 * Per-architecture parts of vcpu_info and shared_info.
 */
struct arch_vcpu_info {
    uint64_t cr2; /* faulting address of the last #PF bounced to the guest */
    uint64_t pad;
};
XEN_ABI_SIZE(struct arch_vcpu_info, 16);
XEN_ABI_OFFSET(struct arch_vcpu_info, cr2, 0);

struct arch_shared_info {
    uint64_t max_pfn;                     /* guest: highest PFN + 1 (for tools) */
    xen_pfn_t pfn_to_mfn_frame_list_list; /* guest: MFN of the p2m frame list list */
    uint64_t nmi_reason;                  /* hypervisor: why the last NMI was raised */
    uint64_t p2m_cr3;                     /* guest: CR3 of the virtually mapped p2m */
    uint64_t p2m_vaddr;                   /* guest: VA of the virtually mapped p2m */
    uint64_t p2m_generation;              /* guest: bumped around p2m updates */
};
XEN_ABI_SIZE(struct arch_shared_info, 48);
XEN_ABI_OFFSET(struct arch_shared_info, max_pfn, 0);
XEN_ABI_OFFSET(struct arch_shared_info, pfn_to_mfn_frame_list_list, 8);
XEN_ABI_OFFSET(struct arch_shared_info, nmi_reason, 16);
XEN_ABI_OFFSET(struct arch_shared_info, p2m_cr3, 24);
XEN_ABI_OFFSET(struct arch_shared_info, p2m_vaddr, 32);
XEN_ABI_OFFSET(struct arch_shared_info, p2m_generation, 40);

/* ---------------------------------------------------------------------------
 * Full vCPU state: VCPUOP_initialise (secondary vCPUs) and toolstack
 * get/set context.
 */
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1u << _VGCF_i387_valid)
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1u << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1u << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1u << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1u << _VGCF_online)

struct vcpu_guest_context {
    uint8_t fpu_ctxt[512]; /* FXSAVE image */
    uint64_t flags;        /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];
    uint64_t ldt_base;
    uint64_t ldt_ents;
    uint64_t gdt_frames[16]; /* MFNs of the guest GDT */
    uint64_t gdt_ents;
    uint64_t kernel_ss; /* stack_switch state */
    uint64_t kernel_sp;
    uint64_t ctrlreg[8]; /* ctrlreg[3]: kernel L4 as xen_pfn_to_cr3(mfn) */
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist; /* VMASST_TYPE_* bitmap */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
XEN_ABI_SIZE(struct vcpu_guest_context, 5168);
XEN_ABI_OFFSET(struct vcpu_guest_context, flags, 512);
XEN_ABI_OFFSET(struct vcpu_guest_context, user_regs, 520);
XEN_ABI_OFFSET(struct vcpu_guest_context, trap_ctxt, 720);
XEN_ABI_OFFSET(struct vcpu_guest_context, ldt_base, 4816);
XEN_ABI_OFFSET(struct vcpu_guest_context, ldt_ents, 4824);
XEN_ABI_OFFSET(struct vcpu_guest_context, gdt_frames, 4832);
XEN_ABI_OFFSET(struct vcpu_guest_context, gdt_ents, 4960);
XEN_ABI_OFFSET(struct vcpu_guest_context, kernel_ss, 4968);
XEN_ABI_OFFSET(struct vcpu_guest_context, kernel_sp, 4976);
XEN_ABI_OFFSET(struct vcpu_guest_context, ctrlreg, 4984);
XEN_ABI_OFFSET(struct vcpu_guest_context, debugreg, 5048);
XEN_ABI_OFFSET(struct vcpu_guest_context, event_callback_eip, 5112);
XEN_ABI_OFFSET(struct vcpu_guest_context, failsafe_callback_eip, 5120);
XEN_ABI_OFFSET(struct vcpu_guest_context, syscall_callback_eip, 5128);
XEN_ABI_OFFSET(struct vcpu_guest_context, vm_assist, 5136);
XEN_ABI_OFFSET(struct vcpu_guest_context, fs_base, 5144);
XEN_ABI_OFFSET(struct vcpu_guest_context, gs_base_kernel, 5152);
XEN_ABI_OFFSET(struct vcpu_guest_context, gs_base_user, 5160);
XEN_DEFINE_GUEST_HANDLE(vcpu_guest_context);

/* CR3 <-> MFN, as vcpu_guest_context.ctrlreg[3] holds it. */
#define xen_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)

#endif /* XENOLITH_XEN_ARCH_X86_64_H */
