/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: the block device ring (Xen's blkif protocol).
 *
 * The frontend grants the data pages and puts requests on the ring; each
 * segment names one granted page and the 512-byte sectors [first_sect,
 * last_sect] within it.  Xenstore keys (frontend: ring-ref, event-channel,
 * protocol = XEN_IO_PROTO_ABI_X86_64; backend: sectors, sector-size, info,
 * feature-*) are described in docs/abi.md.
 */
#ifndef XENOLITH_XEN_IO_BLKIF_H
#define XENOLITH_XEN_IO_BLKIF_H

#include "ring.h"
#include "../grant_table.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t; /* in 512-byte units, whatever the sector size */

#define BLKIF_OP_READ            0
#define BLKIF_OP_WRITE           1
#define BLKIF_OP_WRITE_BARRIER   2 /* feature-barrier */
#define BLKIF_OP_FLUSH_DISKCACHE 3 /* feature-flush-cache */
#define BLKIF_OP_RESERVED_1      4
#define BLKIF_OP_DISCARD         5 /* feature-discard; struct blkif_request_discard */
#define BLKIF_OP_INDIRECT        6 /* feature-max-indirect-segments; struct blkif_request_indirect */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST       11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8
#define BLKIF_SECTOR_SIZE                    512

struct blkif_request_segment {
    grant_ref_t gref;   /* granted data page */
    uint8_t first_sect; /* first sector in the page (0-7) */
    uint8_t last_sect;  /* last sector in the page, inclusive */
    uint16_t _pad0;
};
XEN_ABI_SIZE(struct blkif_request_segment, 8);
XEN_ABI_OFFSET(struct blkif_request_segment, first_sect, 4);
XEN_ABI_OFFSET(struct blkif_request_segment, last_sect, 5);

/* Segment descriptors that fit in one indirect page. */
#define BLKIF_SEGS_PER_INDIRECT_FRAME (4096 / sizeof(struct blkif_request_segment))

struct blkif_request {
    uint8_t operation;   /* BLKIF_OP_* */
    uint8_t nr_segments; /* 1..BLKIF_MAX_SEGMENTS_PER_REQUEST (0 for flush) */
    blkif_vdev_t handle; /* only for multi-device backends */
    uint32_t _pad0;
    uint64_t id; /* echoed in the response */
    blkif_sector_t sector_number;
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
XEN_ABI_SIZE(struct blkif_request, 112);
XEN_ABI_OFFSET(struct blkif_request, nr_segments, 1);
XEN_ABI_OFFSET(struct blkif_request, handle, 2);
XEN_ABI_OFFSET(struct blkif_request, id, 8);
XEN_ABI_OFFSET(struct blkif_request, sector_number, 16);
XEN_ABI_OFFSET(struct blkif_request, seg, 24);

#define BLKIF_DISCARD_SECURE (1u << 0)
struct blkif_request_discard {
    uint8_t operation; /* BLKIF_OP_DISCARD */
    uint8_t flag;      /* BLKIF_DISCARD_* */
    blkif_vdev_t handle;
    uint32_t _pad0;
    uint64_t id;
    blkif_sector_t sector_number;
    uint64_t nr_sectors;
};
XEN_ABI_SIZE(struct blkif_request_discard, 32);
XEN_ABI_OFFSET(struct blkif_request_discard, nr_sectors, 24);

struct blkif_request_indirect {
    uint8_t operation;   /* BLKIF_OP_INDIRECT */
    uint8_t indirect_op; /* BLKIF_OP_READ or BLKIF_OP_WRITE */
    uint16_t nr_segments;
    uint32_t _pad0;
    uint64_t id;
    blkif_sector_t sector_number;
    blkif_vdev_t handle;
    uint16_t _pad1;
    grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST]; /* pages of segments */
    uint32_t _pad2;
};
XEN_ABI_SIZE(struct blkif_request_indirect, 64);
XEN_ABI_OFFSET(struct blkif_request_indirect, nr_segments, 2);
XEN_ABI_OFFSET(struct blkif_request_indirect, id, 8);
XEN_ABI_OFFSET(struct blkif_request_indirect, sector_number, 16);
XEN_ABI_OFFSET(struct blkif_request_indirect, handle, 24);
XEN_ABI_OFFSET(struct blkif_request_indirect, indirect_grefs, 28);

struct blkif_response {
    uint64_t id;       /* from the request */
    uint8_t operation; /* from the request */
    uint8_t _pad0;
    int16_t status; /* BLKIF_RSP_* */
    uint32_t _pad1;
};
XEN_ABI_SIZE(struct blkif_response, 16);
XEN_ABI_OFFSET(struct blkif_response, operation, 8);
XEN_ABI_OFFSET(struct blkif_response, status, 10);

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR      (-1)
#define BLKIF_RSP_OKAY       0

XEN_RING_DEFINE(blkif, struct blkif_request, struct blkif_response);
XEN_ABI_SIZE(union blkif_sring_entry, 112);
XEN_ABI_ASSERT(XEN_RING_ENTRIES(4096, sizeof(union blkif_sring_entry)) == 32,
               "a one-page blkif ring has 32 slots");

/* Backend "info" key bits. */
#define VDISK_CDROM     0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY  0x4

#endif /* XENOLITH_XEN_IO_BLKIF_H */
