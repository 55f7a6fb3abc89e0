/*
 * Transactions: isolation, commit, abort, conflicts (EAGAIN), and their
 * watch events.
 */
#include "xs_test.h"

static void test_commit_publishes(void **state)
{
    struct t_env *e = *state;
    uint32_t t = t_txn_start(e->dom0);

    assert_int_not_equal(t, 0);
    assert_string_equal(t_write(e->dom0, t, "/tx/a", "1"), "");
    assert_string_equal(t_write(e->dom0, t, "/tx/b", "2"), "");
    /* Inside: visible. Outside: not yet. */
    assert_string_equal(t_read(e->dom0, t, "/tx/a"), "1");
    assert_string_equal(t_dir(e->dom0, t, "/tx"), "a,b");
    assert_string_equal(t_read(e->dom0, 0, "/tx/a"), "!ENOENT");
    assert_string_equal(t_txn_end(e->dom0, t, 1), "");
    assert_string_equal(t_read(e->dom0, 0, "/tx/a"), "1");
    assert_string_equal(t_read(e->dom0, 0, "/tx/b"), "2");
    assert_int_equal(xs_store_check(e->s), 0);
    /* The id is gone after the end. */
    assert_string_equal(t_read(e->dom0, t, "/tx/a"), "!ENOENT");
    assert_string_equal(t_txn_end(e->dom0, t, 1), "ENOENT");
}

static void test_abort_discards(void **state)
{
    struct t_env *e = *state;
    uint32_t t;

    assert_string_equal(t_write(e->dom0, 0, "/k", "old"), "");
    t = t_txn_start(e->dom0);
    assert_string_equal(t_write(e->dom0, t, "/k", "new"), "");
    assert_string_equal(t_op1(e->dom0, XS_RM, t, "/k"), "");
    assert_string_equal(t_read(e->dom0, t, "/k"), "!ENOENT");
    assert_string_equal(t_txn_end(e->dom0, t, 0), "");
    assert_string_equal(t_read(e->dom0, 0, "/k"), "old");
}

static void test_two_transactions_race(void **state)
{
    struct t_env *e = *state;
    struct xs_conn *other = xs_conn_new(e->s, 0, true, NULL);
    uint32_t t1, t2;

    assert_string_equal(t_write(e->dom0, 0, "/count", "0"), "");
    t1 = t_txn_start(e->dom0);
    t2 = t_txn_start(other);
    /* Both read the counter, both increment it: only one may win. */
    assert_string_equal(t_read(e->dom0, t1, "/count"), "0");
    assert_string_equal(t_read(other, t2, "/count"), "0");
    assert_string_equal(t_write(e->dom0, t1, "/count", "1"), "");
    assert_string_equal(t_write(other, t2, "/count", "1"), "");
    assert_string_equal(t_txn_end(e->dom0, t1, 1), "");
    assert_string_equal(t_txn_end(other, t2, 1), "EAGAIN");
    assert_string_equal(t_read(e->dom0, 0, "/count"), "1");
    /* The retry succeeds. */
    t2 = t_txn_start(other);
    assert_string_equal(t_read(other, t2, "/count"), "1");
    assert_string_equal(t_write(other, t2, "/count", "2"), "");
    assert_string_equal(t_txn_end(other, t2, 1), "");
    assert_string_equal(t_read(e->dom0, 0, "/count"), "2");
}

static void test_conflict_with_plain_write(void **state)
{
    struct t_env *e = *state;
    uint32_t t;

    assert_string_equal(t_write(e->dom0, 0, "/c/x", "0"), "");
    t = t_txn_start(e->dom0);
    assert_string_equal(t_read(e->dom0, t, "/c/x"), "0");
    assert_string_equal(t_write(e->dom0, t, "/c/y", "1"), "");
    assert_string_equal(t_write(e->guest, 0, "/c/x", "g"), "EACCES"); /* no effect */
    assert_string_equal(t_write(e->dom0, 0, "/c/x", "changed"), "");
    assert_string_equal(t_txn_end(e->dom0, t, 1), "EAGAIN");
    assert_string_equal(t_read(e->dom0, 0, "/c/y"), "!ENOENT");
}

static void test_conflict_on_created_node(void **state)
{
    struct t_env *e = *state;
    uint32_t t = t_txn_start(e->dom0);

    /* The transaction saw /n absent; someone creates it; commit must fail. */
    assert_string_equal(t_read(e->dom0, t, "/n"), "!ENOENT");
    assert_string_equal(t_write(e->dom0, 0, "/n", "x"), "");
    assert_string_equal(t_txn_end(e->dom0, t, 1), "EAGAIN");
}

static void test_disjoint_transactions_both_commit(void **state)
{
    struct t_env *e = *state;
    uint32_t t1, t2;

    assert_string_equal(t_write(e->dom0, 0, "/p/a", ""), "");
    assert_string_equal(t_write(e->dom0, 0, "/p/b", ""), "");
    t1 = t_txn_start(e->dom0);
    t2 = t_txn_start(e->dom0);
    assert_int_not_equal(t1, t2);
    assert_string_equal(t_write(e->dom0, t1, "/p/a", "1"), "");
    assert_string_equal(t_write(e->dom0, t2, "/p/b", "2"), "");
    assert_string_equal(t_txn_end(e->dom0, t1, 1), "");
    assert_string_equal(t_txn_end(e->dom0, t2, 1), "");
    assert_string_equal(t_read(e->dom0, 0, "/p/a"), "1");
    assert_string_equal(t_read(e->dom0, 0, "/p/b"), "2");
}

static void test_rm_and_recreate_in_txn(void **state)
{
    struct t_env *e = *state;
    uint32_t t;

    assert_string_equal(t_write(e->dom0, 0, "/s/a/b", "1"), "");
    assert_string_equal(t_write(e->dom0, 0, "/s/a/c", "2"), "");
    t = t_txn_start(e->dom0);
    assert_string_equal(t_op1(e->dom0, XS_RM, t, "/s/a"), "");
    assert_string_equal(t_dir(e->dom0, t, "/s"), "");
    assert_string_equal(t_write(e->dom0, t, "/s/a/new", "3"), "");
    assert_string_equal(t_dir(e->dom0, 0, "/s/a"), "b,c");
    assert_string_equal(t_txn_end(e->dom0, t, 1), "");
    assert_string_equal(t_dir(e->dom0, 0, "/s/a"), "new");
    assert_string_equal(t_read(e->dom0, 0, "/s/a/b"), "!ENOENT");
    assert_int_equal(xs_store_check(e->s), 0);
}

static void test_events_at_commit_only(void **state)
{
    struct t_env *e = *state;
    uint32_t t;

    assert_string_equal(t_watch(e->dom0, "/ev", "w"), "");
    assert_string_equal(t_event(e->dom0), "/ev|w");
    t = t_txn_start(e->dom0);
    assert_string_equal(t_write(e->dom0, t, "/ev/1", "a"), "");
    assert_string_equal(t_write(e->dom0, t, "/ev/2", "b"), "");
    assert_string_equal(t_event(e->dom0), "");
    assert_string_equal(t_txn_end(e->dom0, t, 1), "");
    assert_string_equal(t_event(e->dom0), "/ev/1|w");
    assert_string_equal(t_event(e->dom0), "/ev/2|w");
    t = t_txn_start(e->dom0);
    assert_string_equal(t_write(e->dom0, t, "/ev/3", "c"), "");
    assert_string_equal(t_txn_end(e->dom0, t, 0), "");
    assert_string_equal(t_event(e->dom0), "");
}

static void test_bad_ids_and_nesting(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;
    uint32_t t;

    assert_string_equal(t_read(e->dom0, 12345, "/"), "!ENOENT");
    assert_string_equal(t_txn_end(e->dom0, 0, 1), "ENOENT");
    t = t_txn_start(e->dom0);
    t_send_raw(e->dom0, XS_TRANSACTION_START, t, "", 1);
    assert_string_equal(t_result(e->dom0, &m), "EBUSY");
    assert_string_equal(t_op1(e->dom0, XS_TRANSACTION_END, t, "X"), "EINVAL");
    /* Transactions are per connection. */
    assert_string_equal(t_read(e->guest, t, "/"), "!ENOENT");
    assert_string_equal(t_txn_end(e->dom0, t, 0), "");
}

static void test_reply_echoes_ids(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;
    uint32_t t = t_txn_start(e->dom0);
    struct xsd_sockmsg h = {XS_WRITE, 0xdeadbeef, t, 4};
    char buf[sizeof(h) + 4];

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), "/e\0v", 4);
    assert_int_equal(xs_conn_input(e->dom0, buf, sizeof(buf)), sizeof(buf));
    assert_true(t_recv(e->dom0, &m));
    assert_int_equal(m.hdr.type, XS_WRITE);
    assert_int_equal(m.hdr.req_id, 0xdeadbeef);
    assert_int_equal(m.hdr.tx_id, t);
    assert_int_equal(m.hdr.len, 3);
    assert_string_equal(m.body, "OK");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_publishes, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_abort_discards, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_two_transactions_race, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_conflict_with_plain_write, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_conflict_on_created_node, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_disjoint_transactions_both_commit, t_setup,
                                        t_teardown),
        cmocka_unit_test_setup_teardown(test_rm_and_recreate_in_txn, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_events_at_commit_only, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_bad_ids_and_nesting, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_reply_echoes_ids, t_setup, t_teardown),
    };

    return cmocka_run_group_tests_name("xenstore_txn", tests, NULL, NULL);
}
