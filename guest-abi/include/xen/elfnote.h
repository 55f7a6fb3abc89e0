/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: the ELF notes a PV kernel carries for its loader.
 *
 * Each is an ELF note with name "Xen" and one of the types below, found in a
 * PT_NOTE program header (or, failing that, an SHT_NOTE section).  Numeric
 * notes hold a 1, 2, 4 or 8 byte little-endian value; string notes a
 * NUL-terminated string.  What the Xenolith loader accepts is described in
 * docs/abi.md and guest-abi/include/xenolith/pv_elf.h.
 */
#ifndef XENOLITH_XEN_ELFNOTE_H
#define XENOLITH_XEN_ELFNOTE_H

/* Also usable from assembly (.S files emitting notes). */
#ifndef __ASSEMBLER__
#include "types.h"
#endif

#define XEN_ELFNOTE_NAME "Xen"

#define XEN_ELFNOTE_INFO               0 /* unused */
#define XEN_ELFNOTE_ENTRY              1 /* number: entry point VA */
#define XEN_ELFNOTE_HYPERCALL_PAGE     2 /* number: VA of a page to fill with hypercall stubs */
#define XEN_ELFNOTE_VIRT_BASE          3 /* number: VA of pseudo-physical address 0 */
#define XEN_ELFNOTE_PADDR_OFFSET       4 /* number: subtracted from VIRT_BASE to relocate p_paddr */
#define XEN_ELFNOTE_XEN_VERSION        5 /* string: ABI family, "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS           6 /* string: e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION      7 /* string */
#define XEN_ELFNOTE_LOADER             8 /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE           9 /* string: "yes", "bimodal", ... (32-bit only) */
#define XEN_ELFNOTE_FEATURES           10 /* string: "name|!name|...", '!' = required */
#define XEN_ELFNOTE_BSD_SYMTAB         11 /* string: "yes" = load the symbol table (NetBSD) */
#define XEN_ELFNOTE_HV_START_LOW       12 /* number: lowest hypervisor VA allowed (32-bit) */
#define XEN_ELFNOTE_L1_MFN_VALID       13 /* numbers: mask, value identifying valid L1 entries */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14 /* number: supports cancelled suspend */
#define XEN_ELFNOTE_INIT_P2M           15 /* number: VA at which to map the p2m array */
#define XEN_ELFNOTE_MOD_START_PFN      16 /* number: non-zero = initrd may be given by PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* number(s): XENFEAT_* bitmap(s) of 32 bits */
#define XEN_ELFNOTE_PHYS32_ENTRY       18 /* number: PVH 32-bit entry (ignored for PV) */
#define XEN_ELFNOTE_PHYS32_RELOC       19 /* numbers: PVH relocation (ignored for PV) */
#define XEN_ELFNOTE_MAX                XEN_ELFNOTE_PHYS32_RELOC

/* Notes in crash dumps, not in kernels. */
#define XEN_ELFNOTE_CRASH_INFO              0x1000001
#define XEN_ELFNOTE_CRASH_REGS              0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#ifndef __ASSEMBLER__
/* The note name, including its NUL, is 4 bytes. */
XEN_ABI_ASSERT(sizeof(XEN_ELFNOTE_NAME) == 4, "note name \"Xen\" has namesz 4");
#endif

#endif /* XENOLITH_XEN_ELFNOTE_H */
