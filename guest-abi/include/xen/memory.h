/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: __HYPERVISOR_memory_op(cmd, arg).
 */
#ifndef XENOLITH_XEN_MEMORY_H
#define XENOLITH_XEN_MEMORY_H

#include "xen.h"

/* ---------------------------------------------------------------------------
 * Reservation: give frames back, take more, or populate PFNs.
 * Returns the number of extents processed.
 */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6

/* mem_flags */
#define XENMEMF_address_bits(x)     (x) /* highest usable address bit, 0 = any */
#define XENMEMF_get_address_bits(x) ((x)&0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1u << 16)
#define XENMEMF_exact_node_request  (1u << 17)
#define XENMEMF_vnode               (1u << 18)

struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn) extent_start; /* IN/OUT: MFNs or GPFNs */
    xen_ulong_t nr_extents;
    uint32_t extent_order; /* each extent is 2^order pages */
    uint32_t mem_flags;    /* XENMEMF_* */
    domid_t domid;         /* DOMID_SELF, or (privileged) another */
    uint16_t _pad0[3];
};
XEN_ABI_SIZE(struct xen_memory_reservation, 32);
XEN_ABI_OFFSET(struct xen_memory_reservation, nr_extents, 8);
XEN_ABI_OFFSET(struct xen_memory_reservation, extent_order, 16);
XEN_ABI_OFFSET(struct xen_memory_reservation, mem_flags, 20);
XEN_ABI_OFFSET(struct xen_memory_reservation, domid, 24);

/* Swap frames for others (e.g. for contiguous memory). */
#define XENMEM_exchange 11
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    xen_ulong_t nr_exchanged; /* OUT */
};
XEN_ABI_SIZE(struct xen_memory_exchange, 72);
XEN_ABI_OFFSET(struct xen_memory_exchange, nr_exchanged, 64);

/* arg: domid_t *.  Return the figure in rax. */
#define XENMEM_maximum_ram_page    2 /* arg unused */
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_maximum_gpfn        14

/* MFNs of the M2P table's 2 MiB extents. */
#define XENMEM_machphys_mfn_list 5
struct xen_machphys_mfn_list {
    uint32_t max_extents;
    uint32_t _pad0;
    XEN_GUEST_HANDLE(xen_pfn) extent_start;
    uint32_t nr_extents; /* OUT */
    uint32_t _pad1;
};
XEN_ABI_SIZE(struct xen_machphys_mfn_list, 24);
XEN_ABI_OFFSET(struct xen_machphys_mfn_list, extent_start, 8);
XEN_ABI_OFFSET(struct xen_machphys_mfn_list, nr_extents, 16);

/* Where the read-only M2P is mapped for this guest. */
#define XENMEM_machphys_mapping 12
struct xen_machphys_mapping {
    xen_ulong_t v_start; /* VA of entry 0 */
    xen_ulong_t v_end;   /* VA after the last entry */
    xen_ulong_t max_mfn; /* highest MFN with an entry */
};
XEN_ABI_SIZE(struct xen_machphys_mapping, 24);

/* Add a frame to an auto-translated guest's physmap (not used by PV). */
#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5
#define XENMEM_add_to_physmap    7
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;
    uint32_t space;
    xen_ulong_t idx;
    xen_pfn_t gpfn;
};
XEN_ABI_SIZE(struct xen_add_to_physmap, 24);
XEN_ABI_OFFSET(struct xen_add_to_physmap, space, 4);
XEN_ABI_OFFSET(struct xen_add_to_physmap, idx, 8);
XEN_ABI_OFFSET(struct xen_add_to_physmap, gpfn, 16);

#define XENMEM_remove_from_physmap 15
struct xen_remove_from_physmap {
    domid_t domid;
    uint16_t _pad0[3];
    xen_pfn_t gpfn;
};
XEN_ABI_SIZE(struct xen_remove_from_physmap, 16);

/* ---------------------------------------------------------------------------
 * Memory maps, as arrays of E820 entries.
 *   XENMEM_memory_map          the caller's pseudo-physical map
 *   XENMEM_machine_memory_map  the host's map (privileged)
 *   XENMEM_set_memory_map      set a domain's map (toolstack)
 * IN nr_entries = room in buffer; OUT nr_entries = entries written.
 */
#define XENMEM_memory_map         9
#define XENMEM_machine_memory_map 10
#define XENMEM_set_memory_map     13
struct xen_memory_map {
    uint32_t nr_entries;
    uint32_t _pad0;
    XEN_GUEST_HANDLE(void) buffer; /* array of struct xen_e820_entry */
};
XEN_ABI_SIZE(struct xen_memory_map, 16);
XEN_ABI_OFFSET(struct xen_memory_map, buffer, 8);

struct xen_foreign_memory_map {
    domid_t domid;
    uint16_t _pad0[3];
    struct xen_memory_map map;
};
XEN_ABI_SIZE(struct xen_foreign_memory_map, 24);

/* One E820 entry: 20 bytes, no padding between entries (as the BIOS
 * interface and Linux's struct e820_entry).  64-bit fields are split so
 * the struct needs no packing attribute. */
struct xen_e820_entry {
    uint32_t addr_lo;
    uint32_t addr_hi;
    uint32_t size_lo;
    uint32_t size_hi;
    uint32_t type; /* XEN_E820_* */
};
XEN_ABI_SIZE(struct xen_e820_entry, 20);
XEN_ABI_OFFSET(struct xen_e820_entry, size_lo, 8);
XEN_ABI_OFFSET(struct xen_e820_entry, type, 16);

#define XEN_E820_RAM      1
#define XEN_E820_RESERVED 2
#define XEN_E820_ACPI     3
#define XEN_E820_NVS      4
#define XEN_E820_UNUSABLE 5

static inline uint64_t xen_e820_addr(const struct xen_e820_entry *e)
{
    return ((uint64_t)e->addr_hi << 32) | e->addr_lo;
}

static inline uint64_t xen_e820_size(const struct xen_e820_entry *e)
{
    return ((uint64_t)e->size_hi << 32) | e->size_lo;
}

static inline void xen_e820_set(struct xen_e820_entry *e, uint64_t addr, uint64_t size,
                                uint32_t type)
{
    e->addr_lo = (uint32_t)addr;
    e->addr_hi = (uint32_t)(addr >> 32);
    e->size_lo = (uint32_t)size;
    e->size_hi = (uint32_t)(size >> 32);
    e->type = type;
}

/* Other sub-ops, numbered for completeness (not implemented for PV here). */
#define XENMEM_set_pod_target             16
#define XENMEM_get_pod_target             17
#define XENMEM_get_sharing_freed_pages    18
#define XENMEM_get_sharing_shared_pages   19
#define XENMEM_paging_op                  20
#define XENMEM_access_op                  21
#define XENMEM_sharing_op                 22
#define XENMEM_add_to_physmap_batch       23
#define XENMEM_claim_pages                24
#define XENMEM_machphys_compat_mfn_list   25
#define XENMEM_get_vnumainfo              26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource           28

#endif /* XENOLITH_XEN_MEMORY_H */
