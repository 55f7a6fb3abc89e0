/* SPDX-License-Identifier: MIT */
/*
 * Xenolith: the PV kernel loader (guest-abi/lib/pv_elf.c).
 *
 * Reads a 64-bit x86 PV kernel held in memory: an ELF64 little-endian
 * ET_EXEC image with Xen ELF notes.  Shared by the hypervisor (initial
 * domains from boot modules) and dom0's domain builder.  Portable,
 * freestanding C: no allocation, no libc, every offset and size from the
 * image checked before use, all address arithmetic checked for overflow.
 *
 * Usage:
 *
 *   struct pv_elf_info info;
 *   char msg[160];
 *   int rc = pv_elf_parse(image, size, &opts, &info, msg, sizeof(msg));
 *   if (rc < 0) -> refuse the kernel; msg says why, rc says which check failed
 *   ... allocate guest memory for [info.virt_base, info.virt_kend) ...
 *   rc = pv_elf_load(image, size, &info, write_fn, ctx, msg, sizeof(msg));
 *
 * Xen-compatible results (as Xen's libelf computes them):
 *   virt_base     VIRT_BASE note, else 0;
 *   paddr_offset  PADDR_OFFSET note, else 0 (PADDR_OFFSET without VIRT_BASE is refused);
 *   a PT_LOAD segment is placed at VA = virt_base + (p_paddr - paddr_offset),
 *                 i.e. at pseudo-physical address p_paddr - paddr_offset;
 *                 p_vaddr is not used;
 *   virt_kstart / virt_kend  the lowest / highest such VA over the segments;
 *   entry         ENTRY note, else e_entry.
 *
 * Example: Linux 6.1 has VIRT_BASE 0xffffffff80000000, PADDR_OFFSET 0 and an
 * ENTRY note; XTF has none of the three, so virt_base = 0 and entry = e_entry.
 *
 * The rules the loader enforces are listed in docs/abi.md ("ELF notes").
 */
#ifndef XENOLITH_PV_ELF_H
#define XENOLITH_PV_ELF_H

#include "../xen/types.h"
#include "../xen/features.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Results.  Every failure is a distinct negative code; the message buffer
 * gets a one-line explanation with the offending values.
 */
#define PV_ELF_OK               0
#define PV_ELF_E_ARGS           (-1)  /* NULL image/info/callback */
#define PV_ELF_E_TRUNCATED      (-2)  /* shorter than an ELF64 header */
#define PV_ELF_E_NOT_ELF        (-3)  /* bad magic */
#define PV_ELF_E_CLASS          (-4)  /* not ELFCLASS64 */
#define PV_ELF_E_ENDIAN         (-5)  /* not little-endian */
#define PV_ELF_E_HEADER         (-6)  /* bad version or e_ehsize */
#define PV_ELF_E_TYPE           (-7)  /* not ET_EXEC */
#define PV_ELF_E_MACHINE        (-8)  /* not EM_X86_64 */
#define PV_ELF_E_PHDRS          (-9)  /* program header table: entry size, count, bounds */
#define PV_ELF_E_SHDRS          (-10) /* section header table: entry size, bounds */
#define PV_ELF_E_SEGMENT        (-11) /* PT_LOAD: p_filesz > p_memsz, file range outside the image */
#define PV_ELF_E_OVERLAP        (-12) /* two PT_LOAD segments overlap */
#define PV_ELF_E_OVERFLOW       (-13) /* an address + size computation overflows */
#define PV_ELF_E_NO_LOAD        (-14) /* no loadable segment, or too many */
#define PV_ELF_E_NOTE           (-15) /* a note out of bounds, misaligned, bad size, no NUL */
#define PV_ELF_E_NO_NOTES       (-16) /* no "Xen" notes at all */
#define PV_ELF_E_GUEST          (-17) /* LOADER / GUEST_OS / XEN_VERSION not acceptable */
#define PV_ELF_E_FEATURES       (-18) /* a required feature is unknown or not offered */
#define PV_ELF_E_ADDRESS        (-19) /* layout: VIRT_BASE, PADDR_OFFSET, hole, canonical, size */
#define PV_ELF_E_ENTRY          (-20) /* entry point outside the loaded image */
#define PV_ELF_E_HYPERCALL_PAGE (-21) /* HYPERCALL_PAGE misaligned or outside the image */
#define PV_ELF_E_P2M            (-22) /* INIT_P2M inside the image, misaligned, or in the hole */
#define PV_ELF_E_DOM0           (-23) /* initial domain, kernel says it cannot be dom0 */
#define PV_ELF_E_WRITE          (-24) /* the caller's write callback failed */

/* A short name for a code ("E_NOTE", ...); never NULL. */
const char *pv_elf_strerror(int code);

/* ---------------------------------------------------------------------------
 * What the caller offers.
 */
#define PV_ELF_OPT_INITDOMAIN                                                                      \
    (1u << 0) /* refuse kernels whose SUPPORTED_FEATURES lack XENFEAT_dom0 */

struct pv_elf_options {
    /* XENFEAT_* bits the host provides; a kernel that requires ('!' in its
     * FEATURES note) a feature outside this set is refused.  The hypervisor
     * must never offer supervisor_mode_kernel, auto_translated_physmap or
     * hvm_callback_vector. */
    uint32_t host_features;
    uint32_t flags; /* PV_ELF_OPT_* */
    /* Largest acceptable virt_kend - virt_base (bytes); 0 = no limit. */
    uint64_t max_span;
};

/* Used when pv_elf_parse is given no options. */
#define PV_ELF_HOST_FEATURES_DEFAULT                                                               \
    ((1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_pae_pgdir_above_4gb) |                  \
     (1u << XENFEAT_mmu_pt_update_preserve_ad) | (1u << XENFEAT_gnttab_map_avail_bits) |           \
     (1u << XENFEAT_dom0))

/* ---------------------------------------------------------------------------
 * What the image says.
 */
#define PV_ELF_UNSET        UINT64_MAX /* a numeric note that was absent */
#define PV_ELF_MAX_SEGMENTS 16         /* PT_LOAD segments accepted */
#define PV_ELF_STR_MAX      32         /* string notes are kept up to 31 characters */

struct pv_elf_segment {
    uint64_t offset; /* in the image */
    uint64_t filesz; /* bytes copied from the image */
    uint64_t memsz;  /* bytes occupied; memsz - filesz are zeroed */
    uint64_t paddr;  /* p_paddr, as in the image */
    uint64_t va;     /* where it goes: virt_base + (paddr - paddr_offset) */
    uint32_t flags;  /* ELF64_PF_R / W / X */
    uint32_t index;  /* program header index */
};

struct pv_elf_info {
    uint64_t entry;             /* ENTRY note, else e_entry */
    uint64_t virt_base;         /* VIRT_BASE note, else 0 */
    uint64_t paddr_offset;      /* PADDR_OFFSET note, else 0 */
    uint64_t virt_kstart;       /* lowest VA of a loaded segment */
    uint64_t virt_kend;         /* first VA after the highest loaded segment */
    uint64_t hypercall_page;    /* HYPERCALL_PAGE note (page-aligned VA), else PV_ELF_UNSET */
    uint64_t p2m_base;          /* INIT_P2M note, else PV_ELF_UNSET */
    uint64_t hv_start_low;      /* HV_START_LOW note, else PV_ELF_UNSET (meaningless for 64-bit) */
    uint64_t l1_mfn_valid_mask; /* L1_MFN_VALID note (16-byte form), else 0 */
    uint64_t l1_mfn_valid_value;
    uint32_t features_supported; /* XENFEAT_* bits named in FEATURES or set in SUPPORTED_FEATURES */
    uint32_t features_required;  /* XENFEAT_* bits named with '!' in FEATURES */
    uint32_t notes_seen;         /* bit n set: a "Xen" note of type n (< 32) was present */
    uint32_t nr_xen_notes;       /* "Xen" notes read */
    uint8_t suspend_cancel;      /* SUSPEND_CANCEL note non-zero */
    uint8_t mod_start_pfn;       /* MOD_START_PFN note non-zero: initrd may be given by PFN */
    uint8_t notes_from_sections; /* no PT_NOTE had Xen notes; SHT_NOTE sections did */
    uint8_t _pad0;
    char guest_os[PV_ELF_STR_MAX];      /* GUEST_OS, "" if absent */
    char guest_version[PV_ELF_STR_MAX]; /* GUEST_VERSION */
    char xen_version[PV_ELF_STR_MAX];   /* XEN_VERSION */
    char loader[PV_ELF_STR_MAX];        /* LOADER */
    char pae_mode[PV_ELF_STR_MAX];      /* PAE_MODE (ignored for 64-bit kernels) */
    uint32_t nr_segments;
    struct pv_elf_segment segments[PV_ELF_MAX_SEGMENTS];
};

/*
 * Check an image and fill *info.  opts may be NULL (host features
 * PV_ELF_HOST_FEATURES_DEFAULT, no flags, no size limit).  msg may be NULL;
 * otherwise it receives a NUL-terminated line (truncated to msg_size).
 * Returns PV_ELF_OK or a PV_ELF_E_* code; on failure *info is undefined.
 * The image is read, never written, and not referenced after the call.
 */
int pv_elf_parse(const void *image, size_t size, const struct pv_elf_options *opts,
                 struct pv_elf_info *info, char *msg, size_t msg_size);

/*
 * Write one piece of the kernel at guest virtual address va: len bytes
 * from src, or len zero bytes when src is NULL.  Return 0, or a negative
 * value to stop loading.  The pseudo-physical address is va - virt_base.
 */
typedef int (*pv_elf_write_fn)(void *ctx, uint64_t va, const void *src, uint64_t len);

/*
 * Copy every PT_LOAD segment described by info (from pv_elf_parse on the same
 * image) through write(): first its file bytes, then its zero fill.
 * Returns PV_ELF_OK, PV_ELF_E_WRITE (the callback failed), or
 * PV_ELF_E_SEGMENT / PV_ELF_E_ARGS if info does not match the image.
 */
int pv_elf_load(const void *image, size_t size, const struct pv_elf_info *info,
                pv_elf_write_fn write, void *ctx, char *msg, size_t msg_size);

/* The XENFEAT_* bit a FEATURES-note name stands for, or -1.  Only the names
 * Xen's loader knows are recognised. */
int pv_elf_feature_bit(const char *name, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* XENOLITH_PV_ELF_H */
