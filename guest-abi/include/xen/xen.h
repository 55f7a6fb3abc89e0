/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: the core of the Xen PV interface (x86-64).
 *
 * Calling convention (64-bit PV guest kernel): `syscall` with the hypercall
 * number in rax and up to five arguments in rdi, rsi, rdx, r10, r8; the result
 * comes back in rax (0 or a positive value on success, -XEN_Exxx on failure,
 * see errno.h).  rcx and r11 are destroyed by `syscall` itself; the hypercall
 * page stubs save and restore them.  See docs/abi.md.
 *
 * This header holds: hypercall numbers, VIRQs, mmu_update / mmuext_op,
 * update_va_mapping flags, console_io and vm_assist commands, reserved domain
 * ids, multicall entries, the pvclock (vcpu_time_info), vcpu_info,
 * shared_info and start_info.
 */
#ifndef XENOLITH_XEN_XEN_H
#define XENOLITH_XEN_XEN_H

#include "types.h"
#include "arch-x86_64.h"

/* ---------------------------------------------------------------------------
 * Hypercall numbers.
 */
#define __HYPERVISOR_set_trap_table    0
#define __HYPERVISOR_mmu_update        1
#define __HYPERVISOR_set_gdt           2
#define __HYPERVISOR_stack_switch      3
#define __HYPERVISOR_set_callbacks     4
#define __HYPERVISOR_fpu_taskswitch    5
#define __HYPERVISOR_sched_op_compat   6 /* obsolete */
#define __HYPERVISOR_platform_op       7
#define __HYPERVISOR_set_debugreg      8
#define __HYPERVISOR_get_debugreg      9
#define __HYPERVISOR_update_descriptor 10
/* 11 is unused */
#define __HYPERVISOR_memory_op                     12
#define __HYPERVISOR_multicall                     13
#define __HYPERVISOR_update_va_mapping             14
#define __HYPERVISOR_set_timer_op                  15
#define __HYPERVISOR_event_channel_op_compat       16 /* obsolete */
#define __HYPERVISOR_xen_version                   17
#define __HYPERVISOR_console_io                    18
#define __HYPERVISOR_physdev_op_compat             19 /* obsolete */
#define __HYPERVISOR_grant_table_op                20
#define __HYPERVISOR_vm_assist                     21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                          23 /* never returns */
#define __HYPERVISOR_vcpu_op                       24
#define __HYPERVISOR_set_segment_base              25
#define __HYPERVISOR_mmuext_op                     26
#define __HYPERVISOR_xsm_op                        27
#define __HYPERVISOR_nmi_op                        28
#define __HYPERVISOR_sched_op                      29
#define __HYPERVISOR_callback_op                   30
#define __HYPERVISOR_xenoprof_op                   31
#define __HYPERVISOR_event_channel_op              32
#define __HYPERVISOR_physdev_op                    33
#define __HYPERVISOR_hvm_op                        34
#define __HYPERVISOR_sysctl                        35
#define __HYPERVISOR_domctl                        36
#define __HYPERVISOR_kexec_op                      37
#define __HYPERVISOR_tmem_op                       38
#define __HYPERVISOR_argo_op                       39
#define __HYPERVISOR_xenpmu_op                     40
#define __HYPERVISOR_dm_op                         41
#define __HYPERVISOR_hypfs_op                      42
#define __HYPERVISOR_arch_0                        48 /* x86: machine check (mca) */
#define __HYPERVISOR_arch_1                        49
#define __HYPERVISOR_arch_2                        50
#define __HYPERVISOR_arch_3                        51
#define __HYPERVISOR_arch_4                        52
#define __HYPERVISOR_arch_5                        53
#define __HYPERVISOR_arch_6                        54
#define __HYPERVISOR_arch_7                        55

/* The hypercall page: 128 stubs of 32 bytes, stub n makes hypercall n. */
#define XEN_HYPERCALL_PAGE_STUBS     128
#define XEN_HYPERCALL_PAGE_STUB_SIZE 32

/* ---------------------------------------------------------------------------
 * Virtual interrupts, bound with EVTCHNOP_bind_virq.
 */
#define VIRQ_TIMER      0  /* per vCPU: the timer fired */
#define VIRQ_DEBUG      1  /* per vCPU: debug key pressed */
#define VIRQ_CONSOLE    2  /* global: hypervisor console input (dom0) */
#define VIRQ_DOM_EXC    3  /* global: a domain crashed or shut down (dom0) */
#define VIRQ_TBUF       4  /* global: trace buffer */
#define VIRQ_DEBUGGER   6  /* global: a domain hit a debug event */
#define VIRQ_XENOPROF   7  /* per vCPU */
#define VIRQ_CON_RING   8  /* global: hypervisor console ring has data */
#define VIRQ_PCPU_STATE 9  /* global */
#define VIRQ_MEM_EVENT  10 /* global */
#define VIRQ_ARGO       11 /* global */
#define VIRQ_ENOMEM     12 /* global: low on memory */
#define VIRQ_XENPMU     13 /* per vCPU */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/* ---------------------------------------------------------------------------
 * __HYPERVISOR_mmu_update(reqs, count, done, foreigndom).
 * The command is in the low 2 bits of ptr; the rest is a machine address.
 */
#define MMU_NORMAL_PT_UPDATE       0 /* *ptr = val (ptr: machine address of a PTE) */
#define MMU_MACHPHYS_UPDATE        1 /* M2P[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD  2 /* like NORMAL, keeping the entry's A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3 /* like NORMAL, for foreign mappings */
#define MMU_UPDATE_CMD_MASK        UINT64_C(3)

struct mmu_update {
    uint64_t ptr; /* machine address of the entry, low 2 bits = MMU_* command */
    uint64_t val; /* new contents */
};
XEN_ABI_SIZE(struct mmu_update, 16);
XEN_ABI_OFFSET(struct mmu_update, val, 8);
XEN_DEFINE_GUEST_HANDLE(mmu_update);

/* ---------------------------------------------------------------------------
 * __HYPERVISOR_mmuext_op(ops, count, done, foreigndom).
 */
#define MMUEXT_PIN_L1_TABLE    0 /* arg1.mfn */
#define MMUEXT_PIN_L2_TABLE    1 /* arg1.mfn */
#define MMUEXT_PIN_L3_TABLE    2 /* arg1.mfn */
#define MMUEXT_PIN_L4_TABLE    3 /* arg1.mfn */
#define MMUEXT_UNPIN_TABLE     4 /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR     5 /* arg1.mfn: new kernel L4 */
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL    7 /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI 8 /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI    9 /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL   10
#define MMUEXT_INVLPG_ALL      11 /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE     12
#define MMUEXT_SET_LDT         13 /* arg1.linear_addr, arg2.nr_ents */
/* 14 is unused */
#define MMUEXT_NEW_USER_BASEPTR   15 /* arg1.mfn: user L4, 0 = none */
#define MMUEXT_CLEAR_PAGE         16 /* arg1.mfn */
#define MMUEXT_COPY_PAGE          17 /* arg1.mfn <- arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

struct mmuext_op {
    uint32_t cmd; /* MMUEXT_* */
    uint32_t _pad0;
    union {
        xen_pfn_t mfn;
        uint64_t linear_addr;
    } arg1;
    union {
        uint32_t nr_ents;
        XEN_GUEST_HANDLE(void) vcpumask; /* bitmap of guest vCPUs */
        xen_pfn_t src_mfn;
    } arg2;
};
XEN_ABI_SIZE(struct mmuext_op, 24);
XEN_ABI_OFFSET(struct mmuext_op, cmd, 0);
XEN_ABI_OFFSET(struct mmuext_op, arg1, 8);
XEN_ABI_OFFSET(struct mmuext_op, arg2, 16);
XEN_DEFINE_GUEST_HANDLE(mmuext_op);

/* ---------------------------------------------------------------------------
 * __HYPERVISOR_update_va_mapping(va, pte, flags) flags.
 */
#define UVMF_NONE           UINT64_C(0) /* no flush */
#define UVMF_TLB_FLUSH      UINT64_C(1) /* flush the whole TLB */
#define UVMF_INVLPG         UINT64_C(2) /* flush this VA only */
#define UVMF_FLUSHTYPE_MASK UINT64_C(3)
#define UVMF_MULTI          UINT64_C(0) /* flush the vCPUs in a bitmap (pointer in the high bits) */
#define UVMF_LOCAL          UINT64_C(0) /* flush this vCPU only */
#define UVMF_ALL            UINT64_C(4) /* flush every vCPU of the domain */

/* ---------------------------------------------------------------------------
 * __HYPERVISOR_console_io(cmd, count, buffer).
 */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* ---------------------------------------------------------------------------
 * __HYPERVISOR_vm_assist(cmd, type).
 */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0 /* 32-bit only */
#define VMASST_TYPE_4gb_segments_notify  1 /* 32-bit only */
#define VMASST_TYPE_writable_pagetables  2 /* emulate writes to L1 page tables */
#define VMASST_TYPE_pae_extended_cr3     3 /* 32-bit only */
#define VMASST_TYPE_architectural_iopl   4 /* bounce frames use the virtual IOPL */
#define VMASST_TYPE_runstate_update_flag 5 /* XEN_RUNSTATE_UPDATE in state_entry_time */
#define VMASST_TYPE_m2p_strict           32

/* ---------------------------------------------------------------------------
 * Reserved domain identifiers.
 */
#define DOMID_FIRST_RESERVED 0x7ff0u
#define DOMID_SELF           0x7ff0u /* the calling domain */
#define DOMID_IO             0x7ff1u /* owner of I/O memory */
#define DOMID_XEN            0x7ff2u /* owner of hypervisor pages (M2P, ...) */
#define DOMID_COW            0x7ff3u /* owner of shared copy-on-write pages */
#define DOMID_INVALID        0x7ff4u
#define DOMID_ANY            0x7ff5u /* EVTCHNOP_alloc_unbound: any domain may bind */
#define DOMID_IDLE           0x7fffu
#define DOMID_MASK           0x7fffu

/* ---------------------------------------------------------------------------
 * __HYPERVISOR_multicall(entries, count): run each entry's hypercall in
 * turn; each result lands in the entry.
 */
struct multicall_entry {
    xen_ulong_t op;     /* hypercall number */
    xen_ulong_t result; /* OUT */
    xen_ulong_t args[6];
};
XEN_ABI_SIZE(struct multicall_entry, 64);
XEN_ABI_OFFSET(struct multicall_entry, op, 0);
XEN_ABI_OFFSET(struct multicall_entry, result, 8);
XEN_ABI_OFFSET(struct multicall_entry, args, 16);
XEN_DEFINE_GUEST_HANDLE(multicall_entry);

/* ---------------------------------------------------------------------------
 * Per-vCPU time (pvclock).  The hypervisor makes version odd while it
 * updates the record and even when it is consistent: a reader copies the
 * record between two reads of an equal, even version.
 *
 *   ns = system_time + scale(rdtsc() - tsc_timestamp)
 *   scale(d) = ((tsc_shift >= 0 ? d << tsc_shift : d >> -tsc_shift)
 *               * tsc_to_system_mul) >> 32
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp; /* TSC at the last update */
    uint64_t system_time;   /* ns since boot at the last update */
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags; /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};
XEN_ABI_SIZE(struct vcpu_time_info, 32);
XEN_ABI_OFFSET(struct vcpu_time_info, version, 0);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_timestamp, 8);
XEN_ABI_OFFSET(struct vcpu_time_info, system_time, 16);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_to_system_mul, 24);
XEN_ABI_OFFSET(struct vcpu_time_info, tsc_shift, 28);
XEN_ABI_OFFSET(struct vcpu_time_info, flags, 29);
XEN_DEFINE_GUEST_HANDLE(vcpu_time_info);

#define XEN_PVCLOCK_TSC_STABLE_BIT (1u << 0) /* TSC is synchronised across vCPUs */
#define XEN_PVCLOCK_GUEST_STOPPED  (1u << 1)

/* ---------------------------------------------------------------------------
 * Per-vCPU shared state.  Lives in shared_info until the guest moves it
 * with VCPUOP_register_vcpu_info.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending; /* an event is waiting: set by the hypervisor */
    uint8_t evtchn_upcall_mask;    /* the guest's "interrupts off" flag */
    uint8_t _pad0[6];
    xen_ulong_t evtchn_pending_sel; /* which words of evtchn_pending to scan */
    struct arch_vcpu_info arch;     /* arch.cr2 */
    struct vcpu_time_info time;
};
XEN_ABI_SIZE(struct vcpu_info, 64);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_upcall_pending, 0);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_upcall_mask, 1);
XEN_ABI_OFFSET(struct vcpu_info, evtchn_pending_sel, 8);
XEN_ABI_OFFSET(struct vcpu_info, arch, 16);
XEN_ABI_OFFSET(struct vcpu_info, arch.cr2, 16);
XEN_ABI_OFFSET(struct vcpu_info, time, 32);
XEN_ABI_OFFSET(struct vcpu_info, time.tsc_to_system_mul, 56);

/* ---------------------------------------------------------------------------
 * The shared-info page: one per domain, mapped by the guest from the
 * machine address in start_info.shared_info.
 *
 * 2-level event channels: port p is pending when bit (p % 64) of
 * evtchn_pending[p / 64] is set and masked when the same bit of evtchn_mask
 * is; on a 0->1 pending transition of an unmasked port the hypervisor sets
 * bit (p / 64) of the target vCPU's evtchn_pending_sel and its
 * evtchn_upcall_pending, and upcalls it unless evtchn_upcall_mask is set.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[64];
    xen_ulong_t evtchn_mask[64];
    /* Wall clock at system time 0: sec/nsec, protected by wc_version like
     * vcpu_time_info.version. */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi; /* upper 32 bits of the seconds */
    struct arch_shared_info arch;
};
XEN_ABI_SIZE(struct shared_info, 3136);
XEN_ABI_OFFSET(struct shared_info, vcpu_info, 0);
XEN_ABI_OFFSET(struct shared_info, vcpu_info[1], 64);
XEN_ABI_OFFSET(struct shared_info, evtchn_pending, 2048);
XEN_ABI_OFFSET(struct shared_info, evtchn_mask, 2560);
XEN_ABI_OFFSET(struct shared_info, wc_version, 3072);
XEN_ABI_OFFSET(struct shared_info, wc_sec, 3076);
XEN_ABI_OFFSET(struct shared_info, wc_nsec, 3080);
XEN_ABI_OFFSET(struct shared_info, wc_sec_hi, 3084);
XEN_ABI_OFFSET(struct shared_info, arch, 3088);
XEN_ABI_OFFSET(struct shared_info, arch.max_pfn, 3088);
XEN_ABI_OFFSET(struct shared_info, arch.p2m_generation, 3128);
XEN_ABI_ASSERT(sizeof(struct shared_info) <= 4096, "shared_info must fit in one page");

/* Event channels in the 2-level ABI: 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS 4096u

/* ---------------------------------------------------------------------------
 * start_info: handed to a PV kernel at boot, its virtual address in rsi.
 *
 * The domain builder maps, from VIRT_BASE upward: the kernel, the initrd
 * (unless the kernel asked for it unmapped), the p2m array (mfn_list), this
 * page, the xenstore and console pages (domU), the bootstrap page tables
 * (read-only), a boot stack, and at least 512 KiB of padding; all with 4 KiB
 * pages, PFN = (VA - VIRT_BASE) >> 12.
 */
#define MAX_GUEST_CMDLINE 1024
/* start_info.magic starts with this, followed by the version ("xen-3.0-x86_64"). */
#define XEN_START_INFO_MAGIC "xen-3.0-x86_64"

struct start_info {
    char magic[32];       /* "xen-<version>-<platform>", NUL padded */
    uint64_t nr_pages;    /* pages of pseudo-physical memory */
    uint64_t shared_info; /* MACHINE address of the shared-info page */
    uint32_t flags;       /* SIF_* */
    uint32_t _pad0;
    xen_pfn_t store_mfn;   /* xenstore ring page (MFN) */
    uint32_t store_evtchn; /* event channel already bound to xenstored */
    uint32_t _pad1;
    union {
        struct {
            xen_pfn_t mfn;   /* console ring page (MFN) */
            uint32_t evtchn; /* event channel already bound to the console backend */
            uint32_t _pad;
        } domU;
        struct {
            uint32_t info_off;  /* offset of a dom0_vga_console_info in this page */
            uint32_t info_size; /* its size, 0 if none */
            uint64_t _pad;
        } dom0;
    } console;
    uint64_t pt_base;      /* VA of the bootstrap L4 */
    uint64_t nr_pt_frames; /* bootstrap page-table frames, from pt_base up */
    uint64_t mfn_list;     /* VA of the p2m array: uint64_t[nr_pages] */
    uint64_t mod_start;    /* VA (or PFN with SIF_MOD_START_PFN) of the initrd */
    uint64_t mod_len;      /* initrd bytes */
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    uint64_t first_p2m_pfn; /* with INIT_P2M: first PFN of the p2m and its tables */
    uint64_t nr_p2m_frames; /* with INIT_P2M: how many */
};
XEN_ABI_SIZE(struct start_info, 1168);
XEN_ABI_OFFSET(struct start_info, magic, 0);
XEN_ABI_OFFSET(struct start_info, nr_pages, 32);
XEN_ABI_OFFSET(struct start_info, shared_info, 40);
XEN_ABI_OFFSET(struct start_info, flags, 48);
XEN_ABI_OFFSET(struct start_info, store_mfn, 56);
XEN_ABI_OFFSET(struct start_info, store_evtchn, 64);
XEN_ABI_OFFSET(struct start_info, console, 72);
XEN_ABI_OFFSET(struct start_info, console.domU.mfn, 72);
XEN_ABI_OFFSET(struct start_info, console.domU.evtchn, 80);
XEN_ABI_OFFSET(struct start_info, console.dom0.info_off, 72);
XEN_ABI_OFFSET(struct start_info, console.dom0.info_size, 76);
XEN_ABI_OFFSET(struct start_info, pt_base, 88);
XEN_ABI_OFFSET(struct start_info, nr_pt_frames, 96);
XEN_ABI_OFFSET(struct start_info, mfn_list, 104);
XEN_ABI_OFFSET(struct start_info, mod_start, 112);
XEN_ABI_OFFSET(struct start_info, mod_len, 120);
XEN_ABI_OFFSET(struct start_info, cmd_line, 128);
XEN_ABI_OFFSET(struct start_info, first_p2m_pfn, 1152);
XEN_ABI_OFFSET(struct start_info, nr_p2m_frames, 1160);

/* start_info.flags */
#define SIF_PRIVILEGED      (1u << 0) /* the domain is privileged */
#define SIF_INITDOMAIN      (1u << 1) /* the initial (control) domain */
#define SIF_MULTIBOOT_MOD   (1u << 2) /* mod_start is a xen_multiboot_mod_list */
#define SIF_MOD_START_PFN   (1u << 3) /* mod_start is a PFN, not a VA */
#define SIF_VIRT_P2M_4TOOLS (1u << 4) /* the guest publishes a virtual p2m */
#define SIF_PM_MASK         (0xffu << 8)

/* With SIF_MULTIBOOT_MOD: mod_start points at an array of these. */
struct xen_multiboot_mod_list {
    uint32_t mod_start; /* PFN */
    uint32_t mod_end;   /* PFN */
    uint32_t cmdline;   /* offset from the list to a NUL-terminated string */
    uint32_t pad;
};
XEN_ABI_SIZE(struct xen_multiboot_mod_list, 16);

/* A 16-byte domain handle (UUID). */
typedef uint8_t xen_domain_handle_t[16];

#endif /* XENOLITH_XEN_XEN_H */
