/*
 * Connections: framing of the byte stream into messages, and the queue of
 * replies and watch events waiting to be sent.
 *
 * Input is copied once into the connection's own buffer; only complete,
 * length-checked messages reach the dispatcher, which reads nothing else.
 */
#include "xs_internal.h"

struct xs_conn *xs_conn_new(struct xs_store *s, unsigned int domid, bool privileged,
                            const struct xs_conn_ops *ops)
{
    struct xs_conn *c = calloc(1, sizeof(*c));

    if (!c) {
        return NULL;
    }
    c->store = s;
    c->domid = domid;
    c->privileged = privileged;
    if (ops) {
        c->ops = *ops;
    }
    c->out_tail = &c->out_head;
    c->next_txid = 1;
    c->next = s->conns;
    if (s->conns) {
        s->conns->prev = c;
    }
    s->conns = c;
    return c;
}

static void drop_output(struct xs_conn *c)
{
    while (c->out_head) {
        struct xs_msg *m = c->out_head;

        c->out_head = m->next;
        free(m);
    }
    c->out_tail = &c->out_head;
    c->out_replies = c->out_events = 0;
}

void xs_conn_reset(struct xs_conn *c)
{
    xs_watch_free_all(c);
    xs_txn_free_all(c);
    drop_output(c);
    c->in_have = 0;
    c->broken = false;
}

void xs_conn_free(struct xs_conn *c)
{
    if (!c) {
        return;
    }
    xs_conn_reset(c);
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        c->store->conns = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    free(c);
}

bool xs_conn_broken(const struct xs_conn *c)
{
    return c->broken;
}

unsigned int xs_conn_domid(const struct xs_conn *c)
{
    return c->domid;
}

uint32_t xs_conn_dropped_events(const struct xs_conn *c)
{
    return c->dropped_events;
}

int xs_conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *p1,
                  size_t l1, const void *p2, size_t l2, bool event)
{
    struct xsd_sockmsg h = {type, req_id, tx_id, (uint32_t)(l1 + l2)};
    struct xs_msg *m;

    if (l1 + l2 > XENSTORE_PAYLOAD_MAX) {
        return -XS_E2BIG;
    }
    m = malloc(sizeof(*m) + sizeof(h) + l1 + l2);
    if (!m) {
        return -XS_ENOMEM;
    }
    m->next = NULL;
    m->len = (uint32_t)(sizeof(h) + l1 + l2);
    m->sent = 0;
    m->event = event;
    memcpy(m->data, &h, sizeof(h));
    if (l1) {
        memcpy(m->data + sizeof(h), p1, l1);
    }
    if (l2) {
        memcpy(m->data + sizeof(h) + l1, p2, l2);
    }
    *c->out_tail = m;
    c->out_tail = &m->next;
    if (event) {
        c->out_events++;
    } else {
        c->out_replies++;
    }
    if (c->ops.wakeup) {
        c->ops.wakeup(c->ops.opaque);
    }
    return 0;
}

bool xs_conn_output(struct xs_conn *c, const void **buf, size_t *len)
{
    struct xs_msg *m = c->out_head;

    if (!m) {
        return false;
    }
    *buf = m->data + m->sent;
    *len = m->len - m->sent;
    return true;
}

void xs_conn_output_done(struct xs_conn *c, size_t n)
{
    while (n && c->out_head) {
        struct xs_msg *m = c->out_head;
        size_t left = m->len - m->sent;
        size_t take = n < left ? n : left;

        m->sent += (uint32_t)take;
        n -= take;
        if (m->sent < m->len) {
            break;
        }
        c->out_head = m->next;
        if (!c->out_head) {
            c->out_tail = &c->out_head;
        }
        if (m->event) {
            c->out_events--;
        } else {
            c->out_replies--;
        }
        free(m);
    }
}

bool xs_conn_can_input(const struct xs_conn *c)
{
    /* A message already started is always finished; new ones wait for the client to read. */
    uint32_t limit = xs_conn_is_priv(c) ? 1024 : c->store->quota.outstanding;

    if (c->broken) {
        return false;
    }
    return c->in_have > 0 || c->out_replies < limit;
}

long xs_conn_input(struct xs_conn *c, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t used = 0;

    if (c->broken) {
        return -XS_EPROTO;
    }
    while (used < len && xs_conn_can_input(c)) {
        size_t want, take;

        if (c->in_have < sizeof(c->in_hdr)) {
            want = sizeof(c->in_hdr) - c->in_have;
            take = len - used < want ? len - used : want;
            memcpy((unsigned char *)&c->in_hdr + c->in_have, p + used, take);
            c->in_have += (uint32_t)take;
            used += take;
            if (c->in_have < sizeof(c->in_hdr)) {
                break;
            }
            /* A length we cannot honour leaves no way to find the next message. */
            if (c->in_hdr.len > XENSTORE_PAYLOAD_MAX) {
                c->broken = true;
                return -XS_EPROTO;
            }
        }
        want = sizeof(c->in_hdr) + c->in_hdr.len - c->in_have;
        take = len - used < want ? len - used : want;
        memcpy(c->in_buf + (c->in_have - sizeof(c->in_hdr)), p + used, take);
        c->in_have += (uint32_t)take;
        used += take;
        if (c->in_have == sizeof(c->in_hdr) + c->in_hdr.len) {
            c->in_buf[c->in_hdr.len] = '\0';
            c->in_have = 0;
            xs_dispatch(c);
        }
    }
    return (long)used;
}

void xs_log(struct xs_store *s, const char *a, const char *b, const char *c2)
{
    char line[256];
    size_t n = 0;
    const char *parts[3] = {a, b, c2};

    if (!s->logging || !s->hooks.log) {
        return;
    }
    for (int i = 0; i < 3; i++) {
        const char *p = parts[i];

        if (!p) {
            continue;
        }
        if (i && n < sizeof(line) - 1) {
            line[n++] = ' ';
        }
        for (; *p && n < sizeof(line) - 1; p++) {
            line[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '.';
        }
    }
    line[n] = '\0';
    s->hooks.log(s->hooks.opaque, line);
}
