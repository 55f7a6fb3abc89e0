/* SPDX-License-Identifier: MIT */
/*
 * Page-table walks, single page-table updates and access probes for PV
 * guest code that works on its own page tables (the mmu_* and grant-table
 * test guests, the domain-building one).
 *
 * Why they live in the runtime: a PV guest cannot write its page tables, it
 * names an entry by machine address in mmu_update, and it reads tables back
 * through the M2P.  Every such guest needs the same few steps (walk from
 * CR3 to the entry that maps a VA, read an entry by machine address, issue
 * one mmu_update) and each used to carry its own copy of them.
 *
 * Layout assumed (the runtime's): a frame the builder mapped is at
 * VA = PFN << 12, so a table's MFN goes through the M2P to its PFN and from
 * there to its (read-only) mapping.
 *
 * Not included by rt/runtime.h: PADDR_MASK and PTE_MFN are names a kernel
 * built on the runtime may define for itself.
 */
#ifndef RT_PT_H
#define RT_PT_H

#include <stdint.h>
#include <xen/xen.h>
#include "mm.h"
#include "x86.h"

/* The frame bits of an entry, its MFN, and the bits tests compare after an
 * update: frame, present, writable (not A/D, which the CPU or hypervisor
 * may set, nor U/S, which Xen forces on for 64-bit PV). */
#define PADDR_MASK UINT64_C(0x000ffffffffff000)
#define PTE_MFN(e) (((e)&PADDR_MASK) >> 12)
#define PTE_CMP(e) ((e) & (PADDR_MASK | _PAGE_PRESENT | _PAGE_RW))

/* The table (or page) frame mfn, through the M2P (VA = PFN << 12). */
static inline uint64_t *pt_mfn_to_virt(uint64_t mfn)
{
    return (uint64_t *)(mfn_to_pfn(mfn) << 12);
}

/* va's index in its level-`level` table (1 = L1 ... 4 = L4). */
static inline unsigned int pt_idx(uint64_t va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/* Machine address of the level-`level` entry that maps va, walked from the
 * current CR3; 0 if a higher level is not present. */
uint64_t pt_maddr(uint64_t va, int level);

/* The entry at machine address maddr, through its table's read-only
 * mapping (a pointer: reads only, stores go through the hypervisor). */
static inline volatile uint64_t *pt_entry(uint64_t maddr)
{
    return (volatile uint64_t *)pt_mfn_to_virt(maddr >> 12) + (maddr & 0xfff) / 8;
}
static inline uint64_t pt_read(uint64_t maddr)
{
    return *pt_entry(maddr);
}

/* The L1 entry that maps va; 0 if a higher level is not present. */
uint64_t pt_l1e(const volatile void *va);

/* One mmu_update request.  foreigndom is the whole 32-bit argument (the
 * page-table owner + 1 may go in the high half), which the runtime's
 * hypercall_mmu_update() cannot pass; DOMID_SELF for our own tables. */
long pt_mmu1(uint64_t ptr, uint64_t val, unsigned int foreigndom);

/* One mmuext_op on our own tables: a command taking arg1.mfn (PIN_*,
 * UNPIN_TABLE, NEW_BASEPTR, ...), INVLPG_LOCAL of va, TLB_FLUSH_LOCAL. */
long pt_ext1(unsigned int cmd, uint64_t mfn);
long pt_invlpg(const void *va);
long pt_flush_tlb(void);

/* Read / write a qword through whatever maps p now: 0, or the EXINFO of the
 * fault (the read's *val is then 0). */
uint64_t pt_probe_read(const volatile void *p, uint64_t *val);
uint64_t pt_probe_write(volatile void *p, uint64_t val);

#endif /* RT_PT_H */
