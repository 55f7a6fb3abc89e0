/*
 * The hypervisor's virtual address map (see docs/architecture.md).
 *
 * L4 slots 256-271 (0xffff800000000000-0xffff87ffffffffff) belong to the
 * hypervisor in every address space, guests' included; everything else is
 * the guest's. Within the hole:
 *
 *   slot 256  0xffff800000000000  read-only M2P table, guest visible
 *   slot 257  0xffff808000000000  per-CPU GDT/LDT windows
 *   slot 259  0xffff818000000000  ioremap (MMIO: local APIC, HPET, ...)
 *   slot 260  0xffff820000000000  the hypervisor image: VA = IMAGE_BASE + PA
 *   slot 262+ 0xffff830000000000  direct map of machine memory (5 TiB)
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#include <xen/arch-x86_64.h>   /* HYPERVISOR_VIRT_START/END: the ABI's hole */
#define HV_L4_FIRST_SLOT       256
#define HV_L4_LAST_SLOT        271

#define RO_MPT_VIRT_START      0xffff800000000000
#define RO_MPT_VIRT_END        0xffff804000000000
#define PERCPU_VIRT_START      0xffff808000000000
#define PERCPU_VIRT_STRIDE     0x40000          /* 256 KiB per CPU */
#define IOREMAP_VIRT_START     0xffff818000000000
#define IOREMAP_VIRT_END       0xffff818040000000
#define IMAGE_BASE             0xffff820000000000
#define DIRECTMAP_VIRT_START   0xffff830000000000
#define DIRECTMAP_VIRT_END     0xffff880000000000

/* Physical load address of the image (1 MiB, as boot loaders expect). */
#define IMAGE_PHYS_START       0x100000

/* What the 32-bit boot code maps before C runs: the first 4 GiB. */
#define EARLY_MAP_LIMIT        0x100000000

/*
 * Per-CPU stack block: naturally aligned so the CPU's struct cpu_info, at the
 * top, is found from any stack pointer inside the block, IST stacks included.
 */
#define STACK_ORDER            3
#define STACK_SIZE             (4096 << STACK_ORDER)     /* 32 KiB */
#define IST_DF_PAGE            0
#define IST_NMI_PAGE           1
#define IST_MCE_PAGE           2

#define MAX_CPUS               64

#endif /* ASM_LAYOUT_H */
