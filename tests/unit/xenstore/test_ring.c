/*
 * The shared-ring transport, with the guest's end played by the test on the
 * same page: normal traffic, wrap-around, full rings, hostile indices,
 * protocol violations and reconnection.
 */
#include "xs_test.h"

#include <xenstore/xs_ring.h>

struct ring_env {
    struct xs_store *s;
    struct xenstore_domain_interface page;
    struct xs_ring ring;
    struct xs_conn *conn;
    int notifies;
};

static void count_notify(void *opaque)
{
    ((struct ring_env *)opaque)->notifies++;
}

static int ring_setup(void **state)
{
    struct ring_env *r = calloc(1, sizeof(*r));
    struct xs_conn_ops ops;
    struct xs_event_ops ev = {r, count_notify};

    r->s = xs_store_new(NULL, NULL);
    xs_ring_conn_ops(&r->ring, &ops);
    r->conn = xs_conn_new(r->s, 7, false, &ops);
    xs_ring_init(&r->ring, &r->page, r->conn, &ev);
    *state = r;
    return 0;
}

static int ring_teardown(void **state)
{
    struct ring_env *r = *state;

    assert_int_equal(xs_store_check(r->s), 0);
    xs_store_free(r->s);
    free(r);
    return 0;
}

/* Guest side: put bytes on the request ring; returns how many fitted. */
static size_t guest_put(struct xenstore_domain_interface *p, const void *buf, size_t len)
{
    size_t done = 0;

    while (done < len && p->req_prod - p->req_cons < XENSTORE_RING_SIZE) {
        p->req[MASK_XENSTORE_IDX(p->req_prod)] = ((const char *)buf)[done++];
        p->req_prod++;
    }
    return done;
}

/* Guest side: take up to len bytes from the response ring. */
static size_t guest_get(struct xenstore_domain_interface *p, void *buf, size_t len)
{
    size_t done = 0;

    while (done < len && p->rsp_cons != p->rsp_prod) {
        ((char *)buf)[done++] = p->rsp[MASK_XENSTORE_IDX(p->rsp_cons)];
        p->rsp_cons++;
    }
    return done;
}

static size_t make_msg(void *buf, uint32_t type, uint32_t req_id, const void *payload, uint32_t len)
{
    struct xsd_sockmsg h = {type, req_id, 0, len};

    memcpy(buf, &h, sizeof(h));
    memcpy((char *)buf + sizeof(h), payload, len);
    return sizeof(h) + len;
}

/* Read one whole reply from the response ring, processing as needed. */
static void guest_reply(struct ring_env *r, struct t_msg *m)
{
    size_t have = 0, want = sizeof(m->hdr);
    char buf[sizeof(m->hdr) + XENSTORE_PAYLOAD_MAX];

    for (int spins = 0; have < want; spins++) {
        assert_true(spins < 100);
        assert_int_equal(xs_ring_process(&r->ring), 0);
        have += guest_get(&r->page, buf + have, want - have);
        if (have >= sizeof(m->hdr)) {
            want = sizeof(m->hdr) + ((struct xsd_sockmsg *)buf)->len;
        }
    }
    memcpy(&m->hdr, buf, sizeof(m->hdr));
    memcpy(m->body, buf + sizeof(m->hdr), m->hdr.len);
    m->body[m->hdr.len] = '\0';
}

static void test_features_advertised(void **state)
{
    struct ring_env *r = *state;

    assert_int_equal(r->page.server_features,
                     XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
    assert_int_equal(r->page.error, XENSTORE_ERROR_NONE);
    /* Nothing to do: no notification. */
    assert_int_equal(xs_ring_process(&r->ring), 0);
    assert_int_equal(r->notifies, 0);
}

static void test_round_trip(void **state)
{
    struct ring_env *r = *state;
    char buf[256];
    struct t_msg m;
    size_t n = make_msg(buf, XS_GET_DOMAIN_PATH, 42, "7", 2);

    assert_int_equal(guest_put(&r->page, buf, n), n);
    guest_reply(r, &m);
    assert_int_equal(m.hdr.type, XS_GET_DOMAIN_PATH);
    assert_int_equal(m.hdr.req_id, 42);
    assert_string_equal(m.body, "/local/domain/7");
    assert_true(r->notifies > 0);
    assert_int_equal(r->page.req_cons, r->page.req_prod);
}

static void test_wrap_around_many_messages(void **state)
{
    struct ring_env *r = *state;
    char buf[512];
    struct t_msg m;

    /* Give the guest a home so that it may write. */
    {
        struct xs_conn *d0 = xs_conn_new(r->s, 0, true, NULL);

        assert_string_equal(t_write(d0, 0, "/local/domain/7", ""), "");
        assert_string_equal(t_set_perms(d0, 0, "/local/domain/7", "n7", NULL), "");
        xs_conn_free(d0);
    }
    /* 300 requests of ~120 bytes: the indices wrap the 1 KiB rings many times. */
    for (uint32_t i = 0; i < 300; i++) {
        char payload[128];
        int pl = snprintf(payload, sizeof(payload), "k%u", i % 7) + 1;

        memset(payload + pl, 'a' + (char)(i % 26), 100);
        size_t n = make_msg(buf, XS_WRITE, i, payload, (uint32_t)pl + 100);
        assert_int_equal(guest_put(&r->page, buf, n), n);
        guest_reply(r, &m);
        assert_int_equal(m.hdr.req_id, i);
        assert_string_equal(m.body, "OK");
    }
    assert_true(r->page.req_prod > 3 * XENSTORE_RING_SIZE);
}

static void test_message_bigger_than_ring(void **state)
{
    struct ring_env *r = *state;
    char msg[sizeof(struct xsd_sockmsg) + 3000], payload[3000];
    size_t n, put = 0;
    struct t_msg m;

    memcpy(payload, "/local/domain/7/x", 18);
    memset(payload + 18, 'q', sizeof(payload) - 18);
    n = make_msg(msg, XS_WRITE, 9, payload, sizeof(payload));
    /* The guest feeds it a ring-full at a time. */
    while (put < n) {
        put += guest_put(&r->page, msg + put, n - put);
        assert_int_equal(xs_ring_process(&r->ring), 0);
    }
    guest_reply(r, &m);
    assert_int_equal(m.hdr.type, XS_ERROR); /* guest 7 has no home: denied, not broken */
    assert_string_equal(m.body, "EACCES");
}

static void test_full_response_ring(void **state)
{
    struct ring_env *r = *state;
    char buf[128];
    struct t_msg m;
    size_t n;
    int events = 0;

    /* A watch whose events the guest does not read yet. */
    n = make_msg(buf, XS_WATCH, 1, "/local/domain/7/w\0tok-with-some-length", 39);
    guest_put(&r->page, buf, n);
    guest_reply(r, &m);
    assert_string_equal(m.body, "OK");
    {
        struct xs_conn *d0 = xs_conn_new(r->s, 0, true, NULL);

        assert_string_equal(t_write(d0, 0, "/local/domain/7", ""), "");
        assert_string_equal(t_set_perms(d0, 0, "/local/domain/7", "r0", NULL), "");
        for (int i = 0; i < 60; i++) {
            assert_string_equal(t_write(d0, 0, "/local/domain/7/w", "v"), "");
        }
        xs_conn_free(d0);
    }
    /* The ring holds 1 KiB; the rest waits in the connection's queue. */
    assert_int_equal(r->page.rsp_prod - r->page.rsp_cons, XENSTORE_RING_SIZE);
    for (;;) {
        guest_reply(r, &m);
        assert_int_equal(m.hdr.type, XS_WATCH_EVENT);
        if (++events == 61) { /* the first event, then one per write */
            break;
        }
    }
    assert_int_equal(xs_ring_process(&r->ring), 0);
    assert_int_equal(r->page.rsp_prod, r->page.rsp_cons);
}

static void test_hostile_req_prod(void **state)
{
    struct ring_env *r = *state;

    r->page.req_prod = r->page.req_cons + XENSTORE_RING_SIZE + 1;
    assert_int_equal(xs_ring_process(&r->ring), -XS_EPROTO);
    assert_int_equal(r->page.error, XENSTORE_ERROR_RINGIDX);
    assert_int_equal(r->page.req_cons, 0);
    /* Stays failed, and says so to the guest. */
    assert_int_equal(xs_ring_process(&r->ring), -XS_EPROTO);
    assert_true(r->notifies > 0);
}

static void test_hostile_rsp_cons(void **state)
{
    struct ring_env *r = *state;
    char buf[64];
    size_t n = make_msg(buf, XS_GET_DOMAIN_PATH, 1, "7", 2);

    r->page.rsp_cons = 0x80000000u; /* far past anything produced */
    guest_put(&r->page, buf, n);
    assert_int_equal(xs_ring_process(&r->ring), -XS_EPROTO);
    assert_int_equal(r->page.error, XENSTORE_ERROR_RINGIDX);
}

static void test_scribbled_server_indices_ignored(void **state)
{
    struct ring_env *r = *state;
    char buf[64];
    struct t_msg m;
    size_t n = make_msg(buf, XS_GET_DOMAIN_PATH, 5, "7", 2);

    guest_put(&r->page, buf, n);
    /* The guest overwrites the indices the server owns: the server keeps its own. */
    r->page.req_cons = 0x1234;
    r->page.rsp_prod = 0x4321;
    r->page.rsp_cons = 0;
    assert_int_equal(xs_ring_process(&r->ring), 0);
    assert_int_equal(r->page.req_cons, n);
    assert_int_equal(r->page.rsp_prod, sizeof(struct xsd_sockmsg) + 16);
    guest_reply(r, &m);
    assert_int_equal(m.hdr.req_id, 5);
}

static void test_oversized_payload_is_protocol_error(void **state)
{
    struct ring_env *r = *state;
    struct xsd_sockmsg h = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};

    guest_put(&r->page, &h, sizeof(h));
    assert_int_equal(xs_ring_process(&r->ring), -XS_EPROTO);
    assert_int_equal(r->page.error, XENSTORE_ERROR_PROTO);
}

static void test_reconnect(void **state)
{
    struct ring_env *r = *state;
    char buf[64];
    struct t_msg m;
    struct xsd_sockmsg h = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};
    size_t n;

    n = make_msg(buf, XS_WATCH, 1, "/w\0t", 5);
    guest_put(&r->page, buf, n);
    guest_reply(r, &m);
    assert_string_equal(m.body, "OK");
    guest_put(&r->page, &h, sizeof(h));
    assert_int_equal(xs_ring_process(&r->ring), -XS_EPROTO);
    /* The guest asks for a fresh start. */
    r->page.connection = XENSTORE_RECONNECT;
    assert_int_equal(xs_ring_process(&r->ring), 0);
    assert_int_equal(r->page.connection, XENSTORE_CONNECTED);
    assert_int_equal(r->page.error, XENSTORE_ERROR_NONE);
    assert_int_equal(r->page.req_prod, 0);
    assert_int_equal(r->page.rsp_prod, 0);
    assert_int_equal(r->page.rsp_cons, 0);
    n = make_msg(buf, XS_GET_DOMAIN_PATH, 3, "7", 2);
    guest_put(&r->page, buf, n);
    guest_reply(r, &m);
    assert_int_equal(m.hdr.req_id, 3);
    /* The old watch went with the old connection: re-adding it works. */
    n = make_msg(buf, XS_WATCH, 4, "/w\0t", 5);
    guest_put(&r->page, buf, n);
    guest_reply(r, &m);
    assert_string_equal(m.body, "OK");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_features_advertised, ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(test_wrap_around_many_messages, ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(test_message_bigger_than_ring, ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(test_full_response_ring, ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_req_prod, ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_rsp_cons, ring_setup, ring_teardown),
        cmocka_unit_test_setup_teardown(test_scribbled_server_indices_ignored, ring_setup,
                                        ring_teardown),
        cmocka_unit_test_setup_teardown(test_oversized_payload_is_protocol_error, ring_setup,
                                        ring_teardown),
        cmocka_unit_test_setup_teardown(test_reconnect, ring_setup, ring_teardown),
    };

    return cmocka_run_group_tests_name("xenstore_ring", tests, NULL, NULL);
}
