/*
 * Quotas: what a guest may own and hold open, and that dom0 is exempt.
 */
#include "xs_test.h"

/* A store with small quotas, so that tests reach them quickly. */
static int small_setup(void **state)
{
    struct t_env *e = calloc(1, sizeof(*e));
    struct xs_quota q;

    xs_quota_defaults(&q);
    q.nodes = 10;
    q.node_size = 64;
    q.watches = 3;
    q.transactions = 2;
    q.outstanding = 4;
    q.perms = 3;
    e->s = xs_store_new(&q, NULL);
    e->dom0 = xs_conn_new(e->s, 0, true, NULL);
    e->guest = xs_conn_new(e->s, 5, false, NULL);
    *state = e;
    t_make_home(e);
    /* The home belongs to the guest: that is one of its 10 nodes. */
    return 0;
}

static void test_defaults(void **state)
{
    struct xs_quota q;

    (void)state;
    xs_quota_defaults(&q);
    assert_int_equal(q.nodes, 1000);
    assert_int_equal(q.node_size, 2048);
    assert_int_equal(q.watches, 128);
    assert_int_equal(q.transactions, 10);
    assert_int_equal(q.outstanding, 20);
}

static void test_node_count(void **state)
{
    struct t_env *e = *state;
    char p[32];
    int i;

    for (i = 0; i < 9; i++) {
        snprintf(p, sizeof(p), "n%d", i);
        assert_string_equal(t_write(e->guest, 0, p, ""), "");
    }
    assert_string_equal(t_write(e->guest, 0, "one-too-many", ""), "EQUOTA");
    /* Multi-level creation is refused whole. */
    assert_string_equal(t_op1(e->guest, XS_RM, 0, "n0"), "");
    assert_string_equal(t_write(e->guest, 0, "a/b", ""), "EQUOTA");
    assert_string_equal(t_read(e->guest, 0, "a"), "!ENOENT");
    assert_string_equal(t_write(e->guest, 0, "a", ""), "");
    /* dom0 is not held to it, even in the guest's home. */
    assert_string_equal(t_write(e->dom0, 0, "/local/domain/5/dom0/x/y", ""), "");
    assert_int_equal(xs_store_check(e->s), 0);
}

static void test_node_count_in_transaction(void **state)
{
    struct t_env *e = *state;
    uint32_t t = t_txn_start(e->guest);
    char p[32];

    for (int i = 0; i < 9; i++) {
        snprintf(p, sizeof(p), "n%d", i);
        assert_string_equal(t_write(e->guest, t, p, ""), "");
    }
    assert_string_equal(t_write(e->guest, t, "more", ""), "EQUOTA");
    assert_string_equal(t_txn_end(e->guest, t, 1), "");
}

static void test_node_size(void **state)
{
    struct t_env *e = *state;
    char big[100];

    memset(big, 'v', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_string_equal(t_write(e->guest, 0, "big", big), "E2BIG");
    big[64] = '\0';
    assert_string_equal(t_write(e->guest, 0, "big", big), "");
    assert_string_equal(t_write(e->dom0, 0, "/local/domain/5/big",
                                "dom0 may write any size, "
                                "up to the payload limit"),
                        "");
}

static void test_watch_and_txn_counts(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    assert_string_equal(t_watch(e->guest, "a", "1"), "");
    assert_string_equal(t_watch(e->guest, "b", "1"), "");
    assert_string_equal(t_watch(e->guest, "c", "1"), "");
    assert_string_equal(t_watch(e->guest, "d", "1"), "EQUOTA");
    t_drain(e->guest);
    t_txn_start(e->guest);
    t_txn_start(e->guest);
    t_send_raw(e->guest, XS_TRANSACTION_START, 0, "", 1);
    assert_string_equal(t_result(e->guest, &m), "EQUOTA");
}

static void test_perms_count(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    assert_string_equal(t_write(e->guest, 0, "p", ""), "");
    t_send(e->guest, XS_SET_PERMS, 0, "p", "n5", "r1", "r2", "r3", NULL);
    assert_string_equal(t_result(e->guest, &m), "EQUOTA");
    t_send(e->guest, XS_SET_PERMS, 0, "p", "n5", "r1", "r2", NULL);
    assert_string_equal(t_result(e->guest, &m), "");
}

static void test_outstanding_requests_pause_input(void **state)
{
    struct t_env *e = *state;
    struct xsd_sockmsg h = {XS_READ, 1, 0, 2};
    unsigned char buf[10 * (sizeof(h) + 2)];
    size_t one = sizeof(h) + 2;
    long taken;
    struct t_msg m;
    int replies = 0;

    for (int i = 0; i < 10; i++) {
        h.req_id = (uint32_t)i;
        memcpy(buf + i * one, &h, sizeof(h));
        memcpy(buf + i * one + sizeof(h), "x", 2);
    }
    /* The guest does not read replies: the core stops taking requests at 4. */
    taken = xs_conn_input(e->guest, buf, sizeof(buf));
    assert_int_equal(taken, 4 * (long)one);
    assert_false(xs_conn_can_input(e->guest));
    while (t_recv(e->guest, &m)) {
        replies++;
    }
    assert_int_equal(replies, 4);
    assert_true(xs_conn_can_input(e->guest));
    taken = xs_conn_input(e->guest, buf + 4 * one, sizeof(buf) - 4 * one);
    assert_int_equal(taken, 4 * (long)one);
}

static void test_control_quota(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    t_send(e->dom0, XS_CONTROL, 0, "quota", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_non_null(strstr(m.body, "nodes 10\n"));
    t_send(e->dom0, XS_CONTROL, 0, "quota", "nodes", "11", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    t_send(e->dom0, XS_CONTROL, 0, "quota", "5", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_non_null(strstr(m.body, "nodes 1\n"));
    t_send(e->dom0, XS_CONTROL, 0, "quota", "bogus", "1", NULL);
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
    t_send(e->dom0, XS_CONTROL, 0, "check", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_memory_equal(m.body, "OK", 2);
    t_send(e->dom0, XS_CONTROL, 0, "no-such-command", NULL);
    assert_string_equal(t_result(e->dom0, &m), "EINVAL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test_setup_teardown(test_node_count, small_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_node_count_in_transaction, small_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_node_size, small_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_watch_and_txn_counts, small_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_perms_count, small_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_outstanding_requests_pause_input, small_setup,
                                        t_teardown),
        cmocka_unit_test_setup_teardown(test_control_quota, small_setup, t_teardown),
    };

    return cmocka_run_group_tests_name("xenstore_quota", tests, NULL, NULL);
}
