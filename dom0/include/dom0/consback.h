/* SPDX-License-Identifier: MIT */
/*
 * The console backend: dom0's end of a domain's PV console ring
 * (struct xencons_interface, <xen/io/console.h>). Output is kept in a
 * per-domain buffer (the last CONS_BUF_SIZE bytes), shown on attach and
 * passed to attached terminals as it comes; input goes into the ring's "in"
 * half. The ring is shared with the guest, so every index read from it is
 * checked before use and dom0 keeps its own copy of the indices it owns.
 */
#ifndef DOM0_CONSBACK_H
#define DOM0_CONSBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/console.h>
#include <dom0/loop.h>
#include <dom0/term.h>

#define CONS_BUF_SIZE 16384u

struct cons {
    domid_t domid;
    bool connected;
    struct xencons_interface *ring;     /* mapped in dom0's window */
    uint32_t port;                      /* dom0's end of the event channel */
    XENCONS_RING_IDX out_cons, in_prod; /* the indices dom0 owns */
    char *buf;                          /* CONS_BUF_SIZE bytes, a ring */
    uint64_t total;                     /* bytes of output ever received */
    uint64_t bad_indices;               /* times the guest's index was out of range */
    /* Start-up timing: the system time (pvclock, ns) at which dom0 first took
     * a newline from the ring (0: not yet), and a timer to arm at once then
     * (optional; set by whoever waits for it). */
    uint64_t first_line_ns;
    struct loop_timer *on_first_line;
};

/* Map the ring frame (mfn, of domain dom), bind to the domain's unbound
 * port remote_port and start serving. 0 or -errno (nothing held then). */
int cons_connect(struct cons *c, domid_t dom, uint64_t mfn, uint32_t remote_port);
/* Stop serving: close the port, unmap the ring. The buffer is kept. */
void cons_disconnect(struct cons *c);
/* Free the buffer too. */
void cons_free(struct cons *c);
/* Take what the guest wrote (also called on each event). */
void cons_service(struct cons *c);
/* Queue input for the guest; returns the bytes taken (the rest: no room). */
size_t cons_input(struct cons *c, const char *s, size_t n);
/* Write the buffered output to t. */
void cons_dump(const struct cons *c, struct term *t);

#endif /* DOM0_CONSBACK_H */
