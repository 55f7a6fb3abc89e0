/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: the network device rings (Xen's netif protocol).
 *
 * Two rings: tx (guest -> backend: packets to send) and rx (guest gives
 * empty granted pages; the backend copies received packets into them).  A
 * packet larger than a page spans several slots (NETTXF_more_data /
 * NETRXF_more_data); NETTXF_extra_info / NETRXF_extra_info mean the next
 * slot holds a struct netif_extra_info instead.
 */
#ifndef XENOLITH_XEN_IO_NETIF_H
#define XENOLITH_XEN_IO_NETIF_H

#include "ring.h"
#include "../grant_table.h"

/* A backend must accept packets spanning at least this many slots. */
#define XEN_NETIF_NR_SLOTS_MIN 18
#define XEN_NETIF_MAX_TX_SIZE  0xffff

/* ---- transmit ---- */
#define _NETTXF_csum_blank     0
#define NETTXF_csum_blank      (1u << _NETTXF_csum_blank) /* checksum not yet computed */
#define _NETTXF_data_validated 1
#define NETTXF_data_validated  (1u << _NETTXF_data_validated) /* checksum known good */
#define _NETTXF_more_data      2
#define NETTXF_more_data       (1u << _NETTXF_more_data) /* packet continues in the next slot */
#define _NETTXF_extra_info     3
#define NETTXF_extra_info      (1u << _NETTXF_extra_info) /* next slot is a netif_extra_info */

struct netif_tx_request {
    grant_ref_t gref; /* page holding the data */
    uint16_t offset;  /* of the data in the page */
    uint16_t flags;   /* NETTXF_* */
    uint16_t id;      /* echoed in the response */
    uint16_t size;    /* first slot: whole packet; others: this fragment */
};
XEN_ABI_SIZE(struct netif_tx_request, 12);
XEN_ABI_OFFSET(struct netif_tx_request, offset, 4);
XEN_ABI_OFFSET(struct netif_tx_request, flags, 6);
XEN_ABI_OFFSET(struct netif_tx_request, id, 8);
XEN_ABI_OFFSET(struct netif_tx_request, size, 10);

struct netif_tx_response {
    uint16_t id;
    int16_t status; /* NETIF_RSP_* */
};
XEN_ABI_SIZE(struct netif_tx_response, 4);

/* ---- extra info slots ---- */
#define XEN_NETIF_EXTRA_TYPE_NONE      0
#define XEN_NETIF_EXTRA_TYPE_GSO       1
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define XEN_NETIF_EXTRA_TYPE_HASH      4
#define XEN_NETIF_EXTRA_TYPE_MAX       5
#define _XEN_NETIF_EXTRA_FLAG_MORE     0
#define XEN_NETIF_EXTRA_FLAG_MORE      (1u << _XEN_NETIF_EXTRA_FLAG_MORE) /* another extra follows */
#define XEN_NETIF_GSO_TYPE_NONE        0
#define XEN_NETIF_GSO_TYPE_TCPV4       1
#define XEN_NETIF_GSO_TYPE_TCPV6       2

struct netif_extra_info {
    uint8_t type;  /* XEN_NETIF_EXTRA_TYPE_* */
    uint8_t flags; /* XEN_NETIF_EXTRA_FLAG_* */
    union {
        struct {
            uint16_t size; /* MSS */
            uint8_t type;  /* XEN_NETIF_GSO_TYPE_* */
            uint8_t pad;
            uint16_t features;
        } gso;
        struct {
            uint8_t addr[6];
        } mcast;
        struct {
            uint8_t type;
            uint8_t algorithm;
            uint8_t value[4];
        } hash;
        uint16_t pad[3];
    } u;
};
XEN_ABI_SIZE(struct netif_extra_info, 8);
XEN_ABI_OFFSET(struct netif_extra_info, u, 2);
XEN_ABI_OFFSET(struct netif_extra_info, u.gso.type, 4);
XEN_ABI_OFFSET(struct netif_extra_info, u.gso.features, 6);

/* ---- receive ---- */
struct netif_rx_request {
    uint16_t id; /* echoed in the response */
    uint16_t pad;
    grant_ref_t gref; /* empty page for the backend to fill */
};
XEN_ABI_SIZE(struct netif_rx_request, 8);
XEN_ABI_OFFSET(struct netif_rx_request, gref, 4);

#define _NETRXF_data_validated 0
#define NETRXF_data_validated  (1u << _NETRXF_data_validated)
#define _NETRXF_csum_blank     1
#define NETRXF_csum_blank      (1u << _NETRXF_csum_blank)
#define _NETRXF_more_data      2
#define NETRXF_more_data       (1u << _NETRXF_more_data)
#define _NETRXF_extra_info     3
#define NETRXF_extra_info      (1u << _NETRXF_extra_info)
#define _NETRXF_gso_prefix     4
#define NETRXF_gso_prefix      (1u << _NETRXF_gso_prefix)

struct netif_rx_response {
    uint16_t id;
    uint16_t offset; /* of the data in the page */
    uint16_t flags;  /* NETRXF_* */
    int16_t status;  /* > 0: bytes received; otherwise NETIF_RSP_* */
};
XEN_ABI_SIZE(struct netif_rx_response, 8);
XEN_ABI_OFFSET(struct netif_rx_response, flags, 4);
XEN_ABI_OFFSET(struct netif_rx_response, status, 6);

#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR   (-1)
#define NETIF_RSP_OKAY    0
#define NETIF_RSP_NULL    1 /* no response: the slot held an extra info */

XEN_RING_DEFINE(netif_tx, struct netif_tx_request, struct netif_tx_response);
XEN_RING_DEFINE(netif_rx, struct netif_rx_request, struct netif_rx_response);
XEN_ABI_SIZE(union netif_tx_sring_entry, 12);
XEN_ABI_SIZE(union netif_rx_sring_entry, 8);
XEN_ABI_ASSERT(XEN_RING_ENTRIES(4096, sizeof(union netif_tx_sring_entry)) == 256,
               "a one-page netif tx ring has 256 slots");
XEN_ABI_ASSERT(XEN_RING_ENTRIES(4096, sizeof(union netif_rx_sring_entry)) == 256,
               "a one-page netif rx ring has 256 slots");

#endif /* XENOLITH_XEN_IO_NETIF_H */
