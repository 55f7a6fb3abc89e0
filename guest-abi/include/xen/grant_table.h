/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: grant tables, __HYPERVISOR_grant_table_op(cmd, ops, count).
 *
 * A domain shares a frame by writing an entry in its own grant table (shared
 * pages set up with GNTTABOP_setup_table) naming the grantee domain and the
 * frame; the grantee maps or copies it by (granting domain, reference).
 *
 * Writing a v1 entry (granting side): frame and domid first, a write barrier,
 * then flags.  Ending access: compare-and-swap flags to 0, refusing while
 * GTF_reading / GTF_writing show the grant in use.
 */
#ifndef XENOLITH_XEN_GRANT_TABLE_H
#define XENOLITH_XEN_GRANT_TABLE_H

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* ---------------------------------------------------------------------------
 * Grant entries (shared memory).
 */
struct grant_entry_v1 {
    uint16_t flags; /* GTF_* */
    domid_t domid;  /* who may use it */
    uint32_t frame; /* the frame (an MFN for PV guests) */
};
XEN_ABI_SIZE(struct grant_entry_v1, 8);
XEN_ABI_OFFSET(struct grant_entry_v1, domid, 2);
XEN_ABI_OFFSET(struct grant_entry_v1, frame, 4);

/* Entries 0-7 are reserved for the toolstack. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

/* grant_entry.flags: type in bits 0-1 */
#define GTF_invalid         0x0u
#define GTF_permit_access   0x1u /* domid may map / copy frame */
#define GTF_accept_transfer 0x2u /* domid may transfer a page to us */
#define GTF_transitive      0x3u /* v2 only */
#define GTF_type_mask       0x3u
/* for GTF_permit_access: */
#define _GTF_readonly 2
#define GTF_readonly  (1u << _GTF_readonly) /* grantee may only read */
#define _GTF_reading  3
#define GTF_reading   (1u << _GTF_reading) /* set by the hypervisor: mapped/being read */
#define _GTF_writing  4
#define GTF_writing   (1u << _GTF_writing) /* set by the hypervisor: mapped/being written */
#define _GTF_PWT      5
#define GTF_PWT       (1u << _GTF_PWT)
#define _GTF_PCD      6
#define GTF_PCD       (1u << _GTF_PCD)
#define _GTF_PAT      7
#define GTF_PAT       (1u << _GTF_PAT)
#define _GTF_sub_page 8
#define GTF_sub_page  (1u << _GTF_sub_page) /* v2 only */
/* for GTF_accept_transfer: */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed  (1u << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed  (1u << _GTF_transfer_completed)

/* Version 2 entries (16 bytes) and their status words. */
struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
XEN_ABI_SIZE(struct grant_entry_header, 4);

union grant_entry_v2 {
    struct grant_entry_header hdr;
    struct {
        struct grant_entry_header hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        struct grant_entry_header hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        struct grant_entry_header hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t spacer[4];
};
XEN_ABI_SIZE(union grant_entry_v2, 16);
XEN_ABI_OFFSET(union grant_entry_v2, full_page.frame, 8);
XEN_ABI_OFFSET(union grant_entry_v2, sub_page.page_off, 4);
XEN_ABI_OFFSET(union grant_entry_v2, transitive.gref, 8);
typedef uint16_t grant_status_t;

/* ---------------------------------------------------------------------------
 * Operations.
 */
#define GNTTABOP_map_grant_ref     0
#define GNTTABOP_unmap_grant_ref   1
#define GNTTABOP_setup_table       2
#define GNTTABOP_dump_table        3
#define GNTTABOP_transfer          4
#define GNTTABOP_copy              5
#define GNTTABOP_query_size        6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version       8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version       10
#define GNTTABOP_swap_grant_ref    11
#define GNTTABOP_cache_flush       12

/* Per-operation status codes (the status fields below). */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

/* map/unmap flags */
#define _GNTMAP_device_map      0
#define GNTMAP_device_map       (1u << _GNTMAP_device_map)
#define _GNTMAP_host_map        1
#define GNTMAP_host_map         (1u << _GNTMAP_host_map) /* map at host_addr */
#define _GNTMAP_readonly        2
#define GNTMAP_readonly         (1u << _GNTMAP_readonly)
#define _GNTMAP_application_map 3
#define GNTMAP_application_map  (1u << _GNTMAP_application_map) /* user-accessible */
#define _GNTMAP_contains_pte    4
/* GNTMAP_contains_pte: host_addr is the machine address of a PTE to fill. */
#define GNTMAP_contains_pte     (1u << _GNTMAP_contains_pte)
#define _GNTMAP_guest_avail0    16
#define GNTMAP_guest_avail_mask (~0u << _GNTMAP_guest_avail0)

/* Map (dom, ref) at host_addr. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;    /* IN: VA, or a PTE's machine address with GNTMAP_contains_pte */
    uint32_t flags;        /* IN: GNTMAP_* */
    grant_ref_t ref;       /* IN */
    domid_t dom;           /* IN: granting domain */
    int16_t status;        /* OUT: GNTST_* */
    grant_handle_t handle; /* OUT: for unmap */
    uint64_t dev_bus_addr; /* OUT */
};
XEN_ABI_SIZE(struct gnttab_map_grant_ref, 32);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, flags, 8);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, ref, 12);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, dom, 16);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, status, 18);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, handle, 20);
XEN_ABI_OFFSET(struct gnttab_map_grant_ref, dev_bus_addr, 24);

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;    /* IN */
    uint64_t dev_bus_addr; /* IN */
    grant_handle_t handle; /* IN */
    int16_t status;        /* OUT */
    uint16_t _pad0;
};
XEN_ABI_SIZE(struct gnttab_unmap_grant_ref, 24);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, handle, 16);
XEN_ABI_OFFSET(struct gnttab_unmap_grant_ref, status, 20);

/* Allocate nr_frames of grant table and return their MFNs in frame_list. */
struct gnttab_setup_table {
    domid_t dom; /* IN */
    uint16_t _pad0;
    uint32_t nr_frames; /* IN */
    int16_t status;     /* OUT */
    uint16_t _pad1[3];
    XEN_GUEST_HANDLE(xen_pfn) frame_list; /* OUT */
};
XEN_ABI_SIZE(struct gnttab_setup_table, 24);
XEN_ABI_OFFSET(struct gnttab_setup_table, nr_frames, 4);
XEN_ABI_OFFSET(struct gnttab_setup_table, status, 8);
XEN_ABI_OFFSET(struct gnttab_setup_table, frame_list, 16);

struct gnttab_dump_table {
    domid_t dom;
    int16_t status;
};
XEN_ABI_SIZE(struct gnttab_dump_table, 4);

struct gnttab_transfer {
    xen_pfn_t mfn;
    domid_t domid;
    uint16_t _pad0;
    grant_ref_t ref;
    int16_t status;
    uint16_t _pad1[3];
};
XEN_ABI_SIZE(struct gnttab_transfer, 24);
XEN_ABI_OFFSET(struct gnttab_transfer, ref, 12);
XEN_ABI_OFFSET(struct gnttab_transfer, status, 16);

/* Copy len bytes between grants and/or local frames (no page crossing). */
#define _GNTCOPY_source_gref 0
#define GNTCOPY_source_gref  (1u << _GNTCOPY_source_gref) /* source.u.ref is a grant */
#define _GNTCOPY_dest_gref   1
#define GNTCOPY_dest_gref    (1u << _GNTCOPY_dest_gref) /* dest.u.ref is a grant */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
    uint32_t _pad0;
};
XEN_ABI_SIZE(struct gnttab_copy_ptr, 16);
XEN_ABI_OFFSET(struct gnttab_copy_ptr, domid, 8);
XEN_ABI_OFFSET(struct gnttab_copy_ptr, offset, 10);
struct gnttab_copy {
    struct gnttab_copy_ptr source;
    struct gnttab_copy_ptr dest;
    uint16_t len;
    uint16_t flags; /* GNTCOPY_* */
    int16_t status; /* OUT */
    uint16_t _pad0;
};
XEN_ABI_SIZE(struct gnttab_copy, 40);
XEN_ABI_OFFSET(struct gnttab_copy, dest, 16);
XEN_ABI_OFFSET(struct gnttab_copy, len, 32);
XEN_ABI_OFFSET(struct gnttab_copy, flags, 34);
XEN_ABI_OFFSET(struct gnttab_copy, status, 36);

struct gnttab_query_size {
    domid_t dom; /* IN */
    uint16_t _pad0;
    uint32_t nr_frames;     /* OUT */
    uint32_t max_nr_frames; /* OUT */
    int16_t status;         /* OUT */
    uint16_t _pad1;
};
XEN_ABI_SIZE(struct gnttab_query_size, 16);
XEN_ABI_OFFSET(struct gnttab_query_size, nr_frames, 4);
XEN_ABI_OFFSET(struct gnttab_query_size, max_nr_frames, 8);
XEN_ABI_OFFSET(struct gnttab_query_size, status, 12);

struct gnttab_unmap_and_replace {
    uint64_t host_addr;
    uint64_t new_addr;
    grant_handle_t handle;
    int16_t status;
    uint16_t _pad0;
};
XEN_ABI_SIZE(struct gnttab_unmap_and_replace, 24);

struct gnttab_set_version {
    uint32_t version; /* IN: 1 or 2; OUT: the version in force */
};
XEN_ABI_SIZE(struct gnttab_set_version, 4);

struct gnttab_get_status_frames {
    uint32_t nr_frames;
    domid_t dom;
    int16_t status;
    XEN_GUEST_HANDLE(uint64) frame_list;
};
XEN_ABI_SIZE(struct gnttab_get_status_frames, 16);
XEN_ABI_OFFSET(struct gnttab_get_status_frames, frame_list, 8);

struct gnttab_get_version {
    domid_t dom;
    uint16_t pad;
    uint32_t version; /* OUT */
};
XEN_ABI_SIZE(struct gnttab_get_version, 8);

struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;
    grant_ref_t ref_b;
    int16_t status;
    uint16_t _pad0;
};
XEN_ABI_SIZE(struct gnttab_swap_grant_ref, 12);

#define GNTTAB_CACHE_CLEAN       (1u << 0)
#define GNTTAB_CACHE_INVAL       (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1u << 31)
struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
    uint32_t op; /* GNTTAB_CACHE_* */
};
XEN_ABI_SIZE(struct gnttab_cache_flush, 16);

#endif /* XENOLITH_XEN_GRANT_TABLE_H */
