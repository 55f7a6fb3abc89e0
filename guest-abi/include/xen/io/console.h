/* SPDX-License-Identifier: MIT */
/*
 * Xenolith guest ABI: the PV console page (start_info.console.domU.mfn).
 *
 * Two byte rings in one page.  `out` carries guest output to the backend,
 * `in` carries input to the guest.  Indices are free-running 32-bit
 * counters, masked by the (power-of-two) ring size; the producer writes
 * bytes, issues a write barrier, then advances its *_prod, and notifies the
 * other end through start_info.console.domU.evtchn.  A consumer must check
 * that prod - cons <= the ring size before reading.
 */
#ifndef XENOLITH_XEN_IO_CONSOLE_H
#define XENOLITH_XEN_IO_CONSOLE_H

#include "../types.h"

typedef uint32_t XENCONS_RING_IDX;

#define XENCONS_IN_SIZE  1024
#define XENCONS_OUT_SIZE 2048

#define XENCONSOLE_CONNECTED    0
#define XENCONSOLE_DISCONNECTED 1

struct xencons_interface {
    char in[XENCONS_IN_SIZE];   /* backend -> guest */
    char out[XENCONS_OUT_SIZE]; /* guest -> backend */
    XENCONS_RING_IDX in_cons;   /* guest */
    XENCONS_RING_IDX in_prod;   /* backend */
    XENCONS_RING_IDX out_cons;  /* backend */
    XENCONS_RING_IDX out_prod;  /* guest */
    uint8_t connection;         /* XENCONSOLE_* (backend) */
    uint8_t _pad0[3];
};
XEN_ABI_SIZE(struct xencons_interface, 3092);
XEN_ABI_OFFSET(struct xencons_interface, out, 1024);
XEN_ABI_OFFSET(struct xencons_interface, in_cons, 3072);
XEN_ABI_OFFSET(struct xencons_interface, in_prod, 3076);
XEN_ABI_OFFSET(struct xencons_interface, out_cons, 3080);
XEN_ABI_OFFSET(struct xencons_interface, out_prod, 3084);
XEN_ABI_OFFSET(struct xencons_interface, connection, 3088);

static inline uint32_t xencons_mask_in(XENCONS_RING_IDX idx)
{
    return idx & (XENCONS_IN_SIZE - 1);
}

static inline uint32_t xencons_mask_out(XENCONS_RING_IDX idx)
{
    return idx & (XENCONS_OUT_SIZE - 1);
}

#endif /* XENOLITH_XEN_IO_CONSOLE_H */
