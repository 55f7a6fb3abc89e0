/*
 * The wire protocol: framing, malformed and hostile messages, error names,
 * domain management messages and the embedder's hooks.
 */
#include "xs_test.h"

static void test_error_names(void **state)
{
    (void)state;
    assert_string_equal(xs_errno_name(XS_ENOENT), "ENOENT");
    assert_string_equal(xs_errno_name(XS_EACCES), "EACCES");
    assert_string_equal(xs_errno_name(XS_E2BIG), "E2BIG");
    assert_string_equal(xs_errno_name(XS_EDQUOT), "EQUOTA");
    assert_string_equal(xs_errno_name(XS_EAGAIN), "EAGAIN");
    assert_string_equal(xs_errno_name(9999), "EINVAL");
    assert_int_equal(xs_errno_from_name("EISCONN"), XS_EISCONN);
    assert_int_equal(xs_errno_from_name("EBOGUS"), 0);
}

static void test_byte_at_a_time(void **state)
{
    struct t_env *e = *state;
    struct xsd_sockmsg h = {XS_WRITE, 77, 0, 6};
    unsigned char buf[sizeof(h) + 6];
    struct t_msg m;

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), "/b\0val", 6);
    for (size_t i = 0; i < sizeof(buf); i++) {
        assert_int_equal(xs_conn_input(e->dom0, buf + i, 1), 1);
        if (i + 1 < sizeof(buf)) {
            assert_false(t_recv(e->dom0, &m));
        }
    }
    assert_true(t_recv(e->dom0, &m));
    assert_int_equal(m.hdr.req_id, 77);
    assert_string_equal(t_read(e->dom0, 0, "/b"), "val");
}

static void test_unknown_types(void **state)
{
    struct t_env *e = *state;
    static const uint32_t bad[] = {XS_WATCH_EVENT, XS_ERROR, 20,
                                   XS_TYPE_COUNT,  0xffff,   0xffffffffu};
    struct t_msg m;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        t_send_raw(e->dom0, bad[i], 0, "x", 2);
        assert_true(t_recv(e->dom0, &m));
        assert_int_equal(m.hdr.type, XS_ERROR);
        assert_string_equal(m.body, "EINVAL");
    }
    /* The connection is still fine. */
    assert_string_equal(t_write(e->dom0, 0, "/still", "ok"), "");
}

static void test_malformed_arguments(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    t_send_raw(e->dom0, XS_READ, 0, "/x", 2); /* no NUL */
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send_raw(e->dom0, XS_READ, 0, "", 0); /* nothing */
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send_raw(e->dom0, XS_READ, 0, "/x\0/y", 6); /* two args */
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send_raw(e->dom0, XS_WRITE, 0, "/nonul", 6);
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send_raw(e->dom0, XS_WATCH, 0, "/x", 3); /* token missing */
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send_raw(e->dom0, XS_TRANSACTION_START, 0, "junk", 5);
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send(e->dom0, XS_INTRODUCE, 0, "1", "2", NULL);
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send(e->dom0, XS_INTRODUCE, 0, "1", "2", "0", NULL); /* port 0 */
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send(e->dom0, XS_INTRODUCE, 0, "0", "2", "3", NULL); /* dom0 */
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send(e->dom0, XS_INTRODUCE, 0, "99999", "2", "3", NULL);
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send(e->dom0, XS_DIRECTORY_PART, 0, "/", "-1", NULL);
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    assert_int_equal(xs_store_check(e->s), 0);
}

static void test_oversized_message_drops_only_that_connection(void **state)
{
    struct t_env *e = *state;
    struct xsd_sockmsg h = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};

    assert_int_equal(xs_conn_input(e->guest, &h, sizeof(h)), -XS_EPROTO);
    assert_true(xs_conn_broken(e->guest));
    assert_false(xs_conn_can_input(e->guest));
    assert_int_equal(xs_conn_input(e->guest, "x", 1), -XS_EPROTO);
    /* Everyone else carries on. */
    assert_string_equal(t_write(e->dom0, 0, "/fine", "1"), "");
    /* A reset (ring reconnection) makes it usable again. */
    xs_conn_reset(e->guest);
    assert_false(xs_conn_broken(e->guest));
    assert_string_equal(t_op1(e->guest, XS_GET_DOMAIN_PATH, 0, "5"), "");
}

static void test_maximum_payload_accepted(void **state)
{
    struct t_env *e = *state;
    char buf[XENSTORE_PAYLOAD_MAX];
    struct t_msg m;

    memcpy(buf, "/max", 5);
    memset(buf + 5, 'z', sizeof(buf) - 5);
    t_send_raw(e->dom0, XS_WRITE, 0, buf, sizeof(buf));
    assert_string_equal(t_result(e->dom0, &m), "");
    t_send(e->dom0, XS_READ, 0, "/max", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_int_equal(m.hdr.len, XENSTORE_PAYLOAD_MAX - 5);
}

static unsigned int introduced[4], released[4];
static int nintro, nrel;

static int hook_introduce(void *opaque, unsigned int domid, uint64_t mfn, uint32_t port)
{
    (void)opaque;
    if (mfn == 666) {
        return -XS_ENOMEM;
    }
    assert_int_equal(port, 3);
    introduced[nintro++ % 4] = domid;
    return 0;
}

static void hook_release(void *opaque, unsigned int domid)
{
    (void)opaque;
    released[nrel++ % 4] = domid;
}

static void test_introduce_release_hooks(void **state)
{
    struct xs_store_hooks hooks = {.introduce = hook_introduce, .release = hook_release};
    struct xs_store *s = xs_store_new(NULL, &hooks);
    struct xs_conn *c = xs_conn_new(s, 0, true, NULL);
    struct t_msg m;

    (void)state;
    nintro = nrel = 0;
    t_send(c, XS_INTRODUCE, 0, "4", "1000", "3", NULL);
    assert_string_equal(t_result(c, &m), "");
    assert_int_equal(nintro, 1);
    assert_int_equal(introduced[0], 4);
    /* Introducing again with the same ring is harmless; another ring is not. */
    t_send(c, XS_INTRODUCE, 0, "4", "1000", "3", NULL);
    assert_string_equal(t_result(c, &m), "");
    assert_int_equal(nintro, 1);
    t_send(c, XS_INTRODUCE, 0, "4", "2000", "3", NULL);
    assert_string_equal(t_result(c, &m), "EEXIST");
    t_send(c, XS_INTRODUCE, 0, "6", "666", "3", NULL);
    assert_string_equal(t_result(c, &m), "ENOMEM");
    assert_string_equal(t_op1(c, XS_IS_DOMAIN_INTRODUCED, 0, "6"), "");
    assert_string_equal(t_op1(c, XS_RESUME, 0, "4"), "");
    assert_string_equal(t_op1(c, XS_RESUME, 0, "6"), "ENOENT");
    assert_string_equal(t_op1(c, XS_RELEASE, 0, "4"), "");
    assert_int_equal(nrel, 1);
    assert_int_equal(released[0], 4);
    assert_string_equal(t_op1(c, XS_RELEASE, 0, "0"), "EINVAL");
    xs_store_free(s);
}

struct wake_count {
    int n;
};

static void count_wakeup(void *opaque)
{
    ((struct wake_count *)opaque)->n++;
}

static void test_wakeup_on_output(void **state)
{
    struct t_env *e = *state;
    struct wake_count w = {0};
    struct xs_conn_ops ops = {&w, count_wakeup};
    struct xs_conn *c = xs_conn_new(e->s, 0, true, &ops);

    assert_string_equal(t_watch(c, "/wk", "t"), "");
    assert_int_equal(w.n, 2); /* the reply and the first event */
    assert_string_equal(t_write(e->dom0, 0, "/wk", "1"), "");
    assert_int_equal(w.n, 3); /* an event caused by another connection */
    xs_conn_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_names),
        cmocka_unit_test_setup_teardown(test_byte_at_a_time, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_types, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_arguments, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_oversized_message_drops_only_that_connection, t_setup,
                                        t_teardown),
        cmocka_unit_test_setup_teardown(test_maximum_payload_accepted, t_setup, t_teardown),
        cmocka_unit_test(test_introduce_release_hooks),
        cmocka_unit_test_setup_teardown(test_wakeup_on_output, t_setup, t_teardown),
    };

    return cmocka_run_group_tests_name("xenstore_wire", tests, NULL, NULL);
}
