/*
 * The shared-ring transport: serves one domain's xenstore_domain_interface
 * page (see <xen/io/xs_wire.h>) on behalf of an xs_conn.
 *
 * The transport does not know how the two ends signal each other: it calls
 * xs_event_ops.notify when the guest should look at the ring (in the service
 * domain, a send on the domain's event channel), and the embedder calls
 * xs_ring_process() when the guest signalled (an event channel upcall, or a
 * poll). Everything read from the page is copied once, then checked, then
 * used; indices the guest owns are read once per pass and range-checked.
 */
#ifndef XENSTORE_XS_RING_H
#define XENSTORE_XS_RING_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>
#include <xenstore/xs_store.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xs_event_ops {
    void *opaque;
    void (*notify)(void *opaque); /* kick the guest */
};

struct xs_ring {
    struct xenstore_domain_interface *intf;
    struct xs_conn *conn;
    struct xs_event_ops ev;
    /* Our own copies of the indices we own: the guest may scribble on the page's. */
    XENSTORE_RING_IDX req_cons;
    XENSTORE_RING_IDX rsp_prod;
    bool failed;   /* the guest broke the ring; see intf->error */
    bool notified; /* something moved since the last notify */
};

/*
 * The callbacks to give xs_conn_new() for a ring connection, so that replies
 * and watch events queued by the core are written to the ring at once.
 */
void xs_ring_conn_ops(struct xs_ring *r, struct xs_conn_ops *ops);

/*
 * Start serving intf for conn (created with xs_ring_conn_ops' ops). The page
 * may be fresh (all zero) or in use (re-attaching): the indices are taken
 * from it. Advertises reconnection and the error field.
 */
void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf, struct xs_conn *conn,
                  const struct xs_event_ops *ev);

/*
 * The guest signalled: handle a reconnection request, take requests, write
 * replies, notify the guest if anything moved. 0, or -XS_EPROTO once the
 * guest has broken the ring (intf->error says how; a reconnection clears it).
 */
int xs_ring_process(struct xs_ring *r);

/* Write queued output to the ring (also done by the conn ops on each reply). */
void xs_ring_flush(struct xs_ring *r);

#ifdef __cplusplus
}
#endif

#endif /* XENSTORE_XS_RING_H */
