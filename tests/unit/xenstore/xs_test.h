/*
 * Helpers for the xenstore unit tests: talk to the core over the wire
 * protocol, as a client would, with both ends in the test.
 */
#ifndef TESTS_UNIT_XENSTORE_XS_TEST_H
#define TESTS_UNIT_XENSTORE_XS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen/io/xs_wire.h>
#include <xenstore/xs_errno.h>
#include <xenstore/xs_store.h>

/* One received message. */
struct t_msg {
    struct xsd_sockmsg hdr;
    char body[XENSTORE_PAYLOAD_MAX + 1]; /* NUL-terminated for convenience */
};

static uint32_t t_next_req = 100;

/* Send one message with an explicit payload. */
static inline void t_send_raw(struct xs_conn *c, uint32_t type, uint32_t tx, const void *p,
                              uint32_t len)
{
    struct xsd_sockmsg h = {type, t_next_req++, tx, len};
    unsigned char buf[sizeof(h) + XENSTORE_PAYLOAD_MAX];

    assert_true(len <= XENSTORE_PAYLOAD_MAX);
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    assert_int_equal(xs_conn_input(c, buf, sizeof(h) + len), (long)(sizeof(h) + len));
}

/* Send NUL-terminated string arguments (a NULL ends the list). */
static inline void t_send(struct xs_conn *c, uint32_t type, uint32_t tx, ...)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    uint32_t len = 0;
    va_list ap;
    const char *s;

    va_start(ap, tx);
    while ((s = va_arg(ap, const char *)) != NULL) {
        size_t l = strlen(s) + 1;

        assert_true(len + l <= sizeof(buf));
        memcpy(buf + len, s, l);
        len += (uint32_t)l;
    }
    va_end(ap);
    t_send_raw(c, type, tx, buf, len);
}

/* Take the next whole message from the output queue; 0 if none. */
static inline int t_recv(struct xs_conn *c, struct t_msg *m)
{
    unsigned char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    size_t have = 0;
    const void *p;
    size_t len;

    while (have < sizeof(m->hdr) || have < sizeof(m->hdr) + ((struct xsd_sockmsg *)buf)->len) {
        size_t want;

        if (!xs_conn_output(c, &p, &len)) {
            assert_int_equal(have, 0); /* messages are never queued in part */
            return 0;
        }
        want = have < sizeof(m->hdr) ? sizeof(m->hdr) - have
                                     : sizeof(m->hdr) + ((struct xsd_sockmsg *)buf)->len - have;
        if (len > want)
            len = want;
        memcpy(buf + have, p, len);
        have += len;
        xs_conn_output_done(c, len);
    }
    memcpy(&m->hdr, buf, sizeof(m->hdr));
    memcpy(m->body, buf + sizeof(m->hdr), m->hdr.len);
    m->body[m->hdr.len] = '\0';
    return 1;
}

/*
 * Watch events that arrived before a reply (the core queues a change's events
 * before its acknowledgement, as Xen does), kept for t_event().
 */
#define T_STASH 2048
static struct {
    struct xs_conn *c;
    char ev[128];
} t_stash[T_STASH];
static int t_nstash;

static inline void t_stash_event(struct xs_conn *c, const struct t_msg *m)
{
    assert_true(t_nstash < T_STASH);
    t_stash[t_nstash].c = c;
    snprintf(t_stash[t_nstash].ev, sizeof(t_stash[0].ev), "%.60s|%.60s", m->body,
             m->body + strlen(m->body) + 1);
    t_nstash++;
}

/* Forget everything queued for c. */
static inline void t_drain(struct xs_conn *c)
{
    struct t_msg m;
    int j = 0;

    while (t_recv(c, &m))
        ;
    for (int i = 0; i < t_nstash; i++)
        if (t_stash[i].c != c)
            t_stash[j++] = t_stash[i];
    t_nstash = j;
}

/* The reply to the last request: "" on success, else the error name. */
static inline const char *t_result(struct xs_conn *c, struct t_msg *m)
{
    static char err[32];

    for (;;) {
        assert_true(t_recv(c, m));
        if (m->hdr.type != XS_WATCH_EVENT)
            break;
        t_stash_event(c, m);
    }
    if (m->hdr.type == XS_ERROR) {
        snprintf(err, sizeof(err), "%.31s", m->body);
        return err;
    }
    return "";
}

static inline const char *t_write(struct xs_conn *c, uint32_t tx, const char *path,
                                  const char *value)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    struct t_msg m;
    size_t pl = strlen(path) + 1, vl = strlen(value);

    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    t_send_raw(c, XS_WRITE, tx, buf, (uint32_t)(pl + vl));
    return t_result(c, &m);
}

/* READ: the value (static buffer), or "!<ERROR>". */
static inline const char *t_read(struct xs_conn *c, uint32_t tx, const char *path)
{
    static struct t_msg m;
    static char out[XENSTORE_PAYLOAD_MAX + 2];
    const char *r;

    t_send(c, XS_READ, tx, path, NULL);
    r = t_result(c, &m);
    if (*r)
        snprintf(out, sizeof(out), "!%s", r);
    else
        snprintf(out, sizeof(out), "%s", m.body);
    return out;
}

/* A one-argument request's result. */
static inline const char *t_op1(struct xs_conn *c, uint32_t type, uint32_t tx, const char *arg)
{
    struct t_msg m;

    t_send(c, type, tx, arg, NULL);
    return t_result(c, &m);
}

/* DIRECTORY: children joined with ',' (static buffer), or "!<ERROR>". */
static inline const char *t_dir(struct xs_conn *c, uint32_t tx, const char *path)
{
    static char out[XENSTORE_PAYLOAD_MAX + 2];
    struct t_msg m;
    const char *r;

    t_send(c, XS_DIRECTORY, tx, path, NULL);
    r = t_result(c, &m);
    if (*r) {
        snprintf(out, sizeof(out), "!%s", r);
        return out;
    }
    for (uint32_t i = 0; i < m.hdr.len; i++)
        out[i] = m.body[i] ? m.body[i] : ',';
    out[m.hdr.len ? m.hdr.len - 1 : 0] = '\0';
    return out;
}

static inline uint32_t t_txn_start(struct xs_conn *c)
{
    struct t_msg m;

    t_send_raw(c, XS_TRANSACTION_START, 0, "", 1);
    assert_string_equal(t_result(c, &m), "");
    return (uint32_t)strtoul(m.body, NULL, 10);
}

static inline const char *t_txn_end(struct xs_conn *c, uint32_t tx, int commit)
{
    return t_op1(c, XS_TRANSACTION_END, tx, commit ? "T" : "F");
}

static inline const char *t_watch(struct xs_conn *c, const char *path, const char *token)
{
    struct t_msg m;
    const char *r;

    t_send(c, XS_WATCH, 0, path, token, NULL);
    r = t_result(c, &m);
    return r;
}

/* Next watch event as "path|token", or "" when none is queued. */
static inline const char *t_event(struct xs_conn *c)
{
    static char out[XENSTORE_PAYLOAD_MAX + 2];
    struct t_msg m;

    for (int i = 0; i < t_nstash; i++) {
        if (t_stash[i].c == c) {
            snprintf(out, sizeof(out), "%s", t_stash[i].ev);
            memmove(&t_stash[i], &t_stash[i + 1], (size_t)(t_nstash - i - 1) * sizeof(t_stash[0]));
            t_nstash--;
            return out;
        }
    }
    if (!t_recv(c, &m))
        return "";
    assert_int_equal(m.hdr.type, XS_WATCH_EVENT);
    assert_int_equal(m.hdr.req_id, 0);
    snprintf(out, sizeof(out), "%s|%s", m.body, m.body + strlen(m.body) + 1);
    return out;
}

static inline const char *t_set_perms(struct xs_conn *c, uint32_t tx, const char *path,
                                      const char *p1, const char *p2)
{
    struct t_msg m;

    t_send(c, XS_SET_PERMS, tx, path, p1, p2, NULL);
    return t_result(c, &m);
}

/* GET_PERMS joined with ',' or "!<ERROR>". */
static inline const char *t_get_perms(struct xs_conn *c, const char *path)
{
    static char out[256];
    struct t_msg m;
    const char *r;

    t_send(c, XS_GET_PERMS, 0, path, NULL);
    r = t_result(c, &m);
    if (*r) {
        snprintf(out, sizeof(out), "!%s", r);
        return out;
    }
    for (uint32_t i = 0; i < m.hdr.len && i < sizeof(out) - 1; i++)
        out[i] = m.body[i] ? m.body[i] : ',';
    out[m.hdr.len ? m.hdr.len - 1 : 0] = '\0';
    return out;
}

/* Everything tests need per case: a store, dom0 and a guest (domain 5). */
struct t_env {
    struct xs_store *s;
    struct xs_conn *dom0;
    struct xs_conn *guest;
};

static inline int t_setup(void **state)
{
    struct t_env *e = calloc(1, sizeof(*e));

    e->s = xs_store_new(NULL, NULL);
    e->dom0 = xs_conn_new(e->s, 0, true, NULL);
    e->guest = xs_conn_new(e->s, 5, false, NULL);
    assert_non_null(e->guest);
    *state = e;
    return 0;
}

static inline int t_teardown(void **state)
{
    struct t_env *e = *state;

    assert_int_equal(xs_store_check(e->s), 0);
    t_nstash = 0;
    xs_store_free(e->s); /* frees the connections too */
    free(e);
    return 0;
}

/* Give domain 5 a home it owns, as the toolstack would. */
static inline void t_make_home(struct t_env *e)
{
    assert_string_equal(t_write(e->dom0, 0, "/local/domain/5", ""), "");
    assert_string_equal(t_set_perms(e->dom0, 0, "/local/domain/5", "n5", NULL), "");
}

#endif /* TESTS_UNIT_XENSTORE_XS_TEST_H */
