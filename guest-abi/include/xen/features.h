/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: feature bits.
 *
 * XENVER_get_features reports, in 32-bit submaps, what the hypervisor offers
 * this guest.  The same bit numbers appear in a kernel's ELF notes: by name
 * in XEN_ELFNOTE_FEATURES ("a|!b": '!' = the kernel requires it) and as a
 * bitmap in XEN_ELFNOTE_SUPPORTED_FEATURES.
 */
#ifndef XENOLITH_XEN_FEATURES_H
#define XENOLITH_XEN_FEATURES_H

#include "types.h"

#define XENFEAT_writable_page_tables       0 /* writes to L1 page tables are emulated */
#define XENFEAT_writable_descriptor_tables 1 /* GDT/LDT pages may be writable */
#define XENFEAT_auto_translated_physmap    2 /* the guest sees PFNs, not MFNs (not for PV here) */
#define XENFEAT_supervisor_mode_kernel     3 /* kernel runs in ring 0 (never offered) */
#define XENFEAT_pae_pgdir_above_4gb        4 /* PAE L3 may live above 4 GiB (32-bit) */
#define XENFEAT_mmu_pt_update_preserve_ad  5 /* MMU_PT_UPDATE_PRESERVE_AD works */
#define XENFEAT_highmem_assist             6
#define XENFEAT_gnttab_map_avail_bits      7 /* grant maps keep the PTE's available bits */
#define XENFEAT_hvm_callback_vector        8 /* HVM only: never offered to PV */
#define XENFEAT_hvm_safe_pvclock           9
#define XENFEAT_hvm_pirqs                  10
#define XENFEAT_dom0                       11 /* the kernel can run as the initial domain */
#define XENFEAT_memory_op_vnode_supported  13
#define XENFEAT_ARM_SMCCC_supported        14
#define XENFEAT_linux_rsdp_unrestricted    15
#define XENFEAT_not_direct_mapped          16
#define XENFEAT_direct_mapped              17
#define XENFEAT_runstate_phys_area         18
#define XENFEAT_vcpu_time_phys_area        19
#define XENFEAT_dm_msix_all_writes         20

/* Submaps of 32 bits that XENVER_get_features can report. */
#define XENFEAT_NR_SUBMAPS 1
XEN_ABI_ASSERT(XENFEAT_dm_msix_all_writes < 32 * XENFEAT_NR_SUBMAPS,
               "feature bits fit the submaps");

#endif /* XENOLITH_XEN_FEATURES_H */
