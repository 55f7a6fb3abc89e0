/*
 * The xenstore shared ring, server side (docs: Xen's xenstore-ring.txt).
 *
 * The guest produces requests into req[] and advances req_prod; we consume
 * and advance req_cons. We produce replies and watch events into rsp[] and
 * advance rsp_prod; the guest advances rsp_cons. Indices are free-running
 * 32-bit counters, so "prod - cons" is the fill level even across wrap; a
 * fill level above the ring size can only come from a hostile guest.
 */
#include <xenstore/xs_errno.h>
#include <xenstore/xs_libc.h>
#include <xenstore/xs_ring.h>

static uint32_t load_shared(const uint32_t *p)
{
    /* Acquire: the ring bytes are read after the index that published them. */
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_shared(uint32_t *p, uint32_t v)
{
    /* Release: the ring bytes are visible before the index that publishes them. */
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void ring_fail(struct xs_ring *r, uint32_t why)
{
    r->failed = true;
    store_shared(&r->intf->error, why);
    r->notified = true;
}

static void ring_wakeup(void *opaque)
{
    xs_ring_flush(opaque);
}

void xs_ring_conn_ops(struct xs_ring *r, struct xs_conn_ops *ops)
{
    ops->opaque = r;
    ops->wakeup = ring_wakeup;
}

void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf, struct xs_conn *conn,
                  const struct xs_event_ops *ev)
{
    r->intf = intf;
    r->conn = conn;
    r->ev = *ev;
    r->failed = false;
    r->notified = false;
    r->req_cons = load_shared(&intf->req_cons);
    r->rsp_prod = load_shared(&intf->rsp_prod);
    store_shared(&intf->error, XENSTORE_ERROR_NONE);
    store_shared(&intf->server_features,
                 XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
}

static void notify(struct xs_ring *r)
{
    if (r->notified && r->ev.notify) {
        r->notified = false;
        r->ev.notify(r->ev.opaque);
    }
}

void xs_ring_flush(struct xs_ring *r)
{
    struct xenstore_domain_interface *intf = r->intf;
    const void *buf;
    size_t len;
    uint32_t used, space;

    if (!r->conn || r->failed) {
        return;
    }
    used = r->rsp_prod - load_shared(&intf->rsp_cons);
    if (used > XENSTORE_RING_SIZE) {
        ring_fail(r, XENSTORE_ERROR_RINGIDX);
        return;
    }
    space = XENSTORE_RING_SIZE - used;
    while (space && xs_conn_output(r->conn, &buf, &len)) {
        uint32_t off = MASK_XENSTORE_IDX(r->rsp_prod);
        uint32_t n = (uint32_t)len;

        if (n > space) {
            n = space;
        }
        if (n > XENSTORE_RING_SIZE - off) {
            n = XENSTORE_RING_SIZE - off;
        }
        memcpy(intf->rsp + off, buf, n);
        r->rsp_prod += n;
        space -= n;
        xs_conn_output_done(r->conn, n);
        store_shared(&intf->rsp_prod, r->rsp_prod);
        r->notified = true;
    }
}

static void ring_reconnect(struct xs_ring *r)
{
    struct xenstore_domain_interface *intf = r->intf;

    /* Forget everything the old client had, then hand back a clean ring. */
    xs_conn_reset(r->conn);
    r->req_cons = r->rsp_prod = 0;
    r->failed = false;
    store_shared(&intf->req_cons, 0);
    store_shared(&intf->req_prod, 0);
    store_shared(&intf->rsp_cons, 0);
    store_shared(&intf->rsp_prod, 0);
    store_shared(&intf->error, XENSTORE_ERROR_NONE);
    store_shared(&intf->connection, XENSTORE_CONNECTED);
    r->notified = true;
}

/* Take what the guest produced; true if any byte was consumed. */
static bool take_requests(struct xs_ring *r)
{
    struct xenstore_domain_interface *intf = r->intf;
    char buf[XENSTORE_RING_SIZE];
    uint32_t avail = load_shared(&intf->req_prod) - r->req_cons;
    bool moved = false;

    if (avail > XENSTORE_RING_SIZE) {
        ring_fail(r, XENSTORE_ERROR_RINGIDX);
        return false;
    }
    while (avail && xs_conn_can_input(r->conn)) {
        uint32_t off = MASK_XENSTORE_IDX(r->req_cons);
        uint32_t chunk = avail < XENSTORE_RING_SIZE - off ? avail : XENSTORE_RING_SIZE - off;
        long n;

        memcpy(buf, intf->req + off, chunk); /* the one read of these bytes */
        n = xs_conn_input(r->conn, buf, chunk);
        if (n < 0) {
            ring_fail(r, XENSTORE_ERROR_PROTO);
            return moved;
        }
        if (n == 0) {
            break;
        }
        r->req_cons += (uint32_t)n;
        avail -= (uint32_t)n;
        moved = true;
        store_shared(&intf->req_cons, r->req_cons);
        r->notified = true;
    }
    return moved;
}

int xs_ring_process(struct xs_ring *r)
{
    if (load_shared(&r->intf->connection) == XENSTORE_RECONNECT) {
        ring_reconnect(r);
    }
    if (r->failed) {
        notify(r);
        return -XS_EPROTO;
    }
    /* Replies free ring space and input quota; go on until neither moves. */
    for (;;) {
        bool moved = take_requests(r);

        xs_ring_flush(r);
        if (!moved || r->failed) {
            break;
        }
    }
    notify(r);
    return r->failed ? -XS_EPROTO : 0;
}
