/* SPDX-License-Identifier: MIT */
/* The console backend (dom0/consback.h). */
#include <rt/runtime.h>
#include <dom0/consback.h>
#include <dom0/heap.h>
#include <dom0/log.h>
#include <dom0/loop.h>
#include <dom0/mm.h>

static void notify(const struct cons *c)
{
    struct evtchn_send s = {.port = c->port};
    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

static void on_event(evtchn_port_t port, void *ctx)
{
    (void)port;
    cons_service(ctx);
}

int cons_connect(struct cons *c, domid_t dom, uint64_t mfn, uint32_t remote_port)
{
    void *va;
    int rc;

    c->domid = dom;
    c->connected = false;
    if (!c->buf) {
        c->buf = malloc(CONS_BUF_SIZE);
        if (!c->buf) {
            return -XEN_ENOMEM;
        }
    }
    rc = mm_foreign_map(dom, &mfn, 1, true, &va);
    if (rc) {
        return rc;
    }
    struct evtchn_bind_interdomain b = {.remote_dom = dom, .remote_port = remote_port};
    /* Binding marks the new port pending: its handler must be in place
     * before the upcall can run. */
    events_mask();
    rc = (int)hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    if (rc) {
        events_unmask();
        mm_foreign_unmap(va, 1);
        return rc;
    }
    rc = loop_bind(b.local_port, on_event, c);
    events_unmask();
    if (rc) {
        evtchn_close(b.local_port);
        mm_foreign_unmap(va, 1);
        return rc;
    }
    c->ring = va;
    c->port = b.local_port;
    /* The builder zeroed the ring; start from what is there anyway. */
    c->out_cons = __atomic_load_n(&c->ring->out_cons, __ATOMIC_ACQUIRE);
    c->in_prod = __atomic_load_n(&c->ring->in_prod, __ATOMIC_ACQUIRE);
    c->ring->connection = XENCONSOLE_CONNECTED;
    c->connected = true;
    cons_service(c);
    return 0;
}

void cons_disconnect(struct cons *c)
{
    if (!c->connected) {
        return;
    }
    cons_service(c);
    loop_unbind(c->port);
    evtchn_close(c->port);
    mm_foreign_unmap(c->ring, 1);
    c->ring = NULL;
    c->connected = false;
}

void cons_free(struct cons *c)
{
    cons_disconnect(c);
    free(c->buf);
    c->buf = NULL;
}

static void keep(struct cons *c, const char *s, size_t n)
{
    for (size_t i = 0; !c->first_line_ns && i < n; i++) {
        if (s[i] == '\n') {
            c->first_line_ns = loop_now();
            if (c->on_first_line) {
                loop_timer_arm(c->on_first_line, 0); /* runs from the loop, not from here */
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        c->buf[(c->total + i) % CONS_BUF_SIZE] = s[i];
    }
    c->total += n;
    term_domain_output(c->domid, s, n);
}

void cons_service(struct cons *c)
{
    char chunk[256];
    bool took = false;

    if (!c->connected) {
        return;
    }
    for (;;) {
        /* One read of the guest's index, then only our own copy of ours. */
        XENCONS_RING_IDX prod = __atomic_load_n(&c->ring->out_prod, __ATOMIC_ACQUIRE);
        XENCONS_RING_IDX avail = prod - c->out_cons;
        if (avail == 0) {
            break;
        }
        if (avail > XENCONS_OUT_SIZE) {
            /* A producer index no honest guest writes: skip to it. */
            if (!c->bad_indices++) {
                log_warn("domain %u: console out_prod %u is %u ahead of %u; output skipped\n",
                         c->domid, prod, avail, c->out_cons);
            }
            c->out_cons = prod;
            took = true;
            break;
        }
        size_t n = 0;
        while (n < sizeof(chunk) && c->out_cons != prod) {
            chunk[n++] = c->ring->out[xencons_mask_out(c->out_cons++)];
        }
        keep(c, chunk, n);
        took = true;
    }
    if (took) {
        __atomic_store_n(&c->ring->out_cons, c->out_cons, __ATOMIC_RELEASE);
        notify(c); /* a guest waiting for room goes on */
    }
}

size_t cons_input(struct cons *c, const char *s, size_t n)
{
    if (!c->connected) {
        return 0;
    }
    XENCONS_RING_IDX cons = __atomic_load_n(&c->ring->in_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX used = c->in_prod - cons;
    if (used > XENCONS_IN_SIZE) {
        return 0; /* a consumer index from nowhere: treat the ring as full */
    }
    size_t room = XENCONS_IN_SIZE - used, k = 0;
    while (k < n && k < room) {
        c->ring->in[xencons_mask_in(c->in_prod++)] = s[k++];
    }
    if (k) {
        __atomic_store_n(&c->ring->in_prod, c->in_prod, __ATOMIC_RELEASE);
        notify(c);
    }
    return k;
}

void cons_dump(const struct cons *c, struct term *t)
{
    if (!c->buf || !c->total) {
        return;
    }
    uint64_t n = c->total < CONS_BUF_SIZE ? c->total : CONS_BUF_SIZE;
    uint64_t start = (c->total - n) % CONS_BUF_SIZE;
    uint64_t first = n < CONS_BUF_SIZE - start ? n : CONS_BUF_SIZE - start;
    term_write(t, c->buf + start, first);
    if (n > first) {
        term_write(t, c->buf, n - first);
    }
}
