/*
 * Watches: the first event, events on create/modify/delete of a node and its
 * children, their order, relative paths, permissions, special paths.
 */
#include "xs_test.h"

static void test_initial_event_after_ack(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    t_send(e->dom0, XS_WATCH, 0, "/w", "tok", NULL);
    assert_true(t_recv(e->dom0, &m));
    assert_int_equal(m.hdr.type, XS_WATCH);
    assert_string_equal(m.body, "OK");
    assert_string_equal(t_event(e->dom0), "/w|tok");
    assert_string_equal(t_event(e->dom0), "");
}

static void test_fires_on_create_modify_delete(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_watch(e->dom0, "/w", "t"), "");
    assert_string_equal(t_event(e->dom0), "/w|t");
    assert_string_equal(t_write(e->dom0, 0, "/w", "1"), "");
    assert_string_equal(t_event(e->dom0), "/w|t");
    assert_string_equal(t_write(e->dom0, 0, "/w/child", "1"), "");
    assert_string_equal(t_event(e->dom0), "/w/child|t");
    assert_string_equal(t_write(e->dom0, 0, "/w/child", "2"), "");
    assert_string_equal(t_event(e->dom0), "/w/child|t");
    assert_string_equal(t_set_perms(e->dom0, 0, "/w/child", "r0", NULL), "");
    assert_string_equal(t_event(e->dom0), "/w/child|t");
    assert_string_equal(t_op1(e->dom0, XS_RM, 0, "/w/child"), "");
    assert_string_equal(t_event(e->dom0), "/w/child|t");
    /* Unrelated nodes, including a sibling sharing a prefix, do not fire. */
    assert_string_equal(t_write(e->dom0, 0, "/wx", "1"), "");
    assert_string_equal(t_write(e->dom0, 0, "/other", "1"), "");
    assert_string_equal(t_event(e->dom0), "");
    /* A failed request fires nothing. */
    assert_string_equal(t_write(e->guest, 0, "/w/x", "1"), "EACCES");
    assert_string_equal(t_event(e->dom0), "");
}

static void test_rm_fires_watches_below(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/t/a/b", "1"), "");
    assert_string_equal(t_watch(e->dom0, "/t/a/b", "deep"), "");
    assert_string_equal(t_event(e->dom0), "/t/a/b|deep");
    assert_string_equal(t_op1(e->dom0, XS_RM, 0, "/t"), "");
    assert_string_equal(t_event(e->dom0), "/t/a/b|deep");
    assert_string_equal(t_event(e->dom0), "");
}

static void test_firing_order(void **state)
{
    struct t_env *e = *state;
    struct xs_conn *other = xs_conn_new(e->s, 0, true, NULL);

    assert_string_equal(t_watch(e->dom0, "/o", "first"), "");
    assert_string_equal(t_watch(e->dom0, "/o/x", "second"), "");
    assert_string_equal(t_event(e->dom0), "/o|first");
    assert_string_equal(t_event(e->dom0), "/o/x|second");
    /* Changes made by another connection arrive in the order made. */
    assert_string_equal(t_write(other, 0, "/o/x", "1"), "");
    assert_string_equal(t_write(other, 0, "/o/y", "2"), "");
    assert_string_equal(t_write(other, 0, "/o/x", "3"), "");
    assert_string_equal(t_event(e->dom0), "/o/x|first");
    assert_string_equal(t_event(e->dom0), "/o/x|second");
    assert_string_equal(t_event(e->dom0), "/o/y|first");
    assert_string_equal(t_event(e->dom0), "/o/x|first");
    assert_string_equal(t_event(e->dom0), "/o/x|second");
    assert_string_equal(t_event(e->dom0), "");
}

static void test_relative_watch(void **state)
{
    struct t_env *e = *state;

    t_make_home(e);
    assert_string_equal(t_watch(e->guest, "device", "dev"), "");
    assert_string_equal(t_event(e->guest), "device|dev");
    assert_string_equal(t_write(e->dom0, 0, "/local/domain/5/device/vbd", ""), "");
    assert_string_equal(t_event(e->guest), "device/vbd|dev");
}

static void test_watch_needs_read_access(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/hidden", ""), "");
    assert_string_equal(t_watch(e->guest, "/hidden", "h"), "");
    assert_string_equal(t_event(e->guest), "/hidden|h");
    assert_string_equal(t_write(e->dom0, 0, "/hidden", "secret"), "");
    assert_string_equal(t_event(e->guest), "");
    assert_string_equal(t_set_perms(e->dom0, 0, "/hidden", "r0", NULL), "");
    assert_string_equal(t_event(e->guest), "/hidden|h");
}

static void test_duplicate_and_unwatch(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    assert_string_equal(t_watch(e->dom0, "/d", "a"), "");
    assert_string_equal(t_watch(e->dom0, "/d", "a"), "EEXIST");
    assert_string_equal(t_watch(e->dom0, "/d", "b"), ""); /* another token is another watch */
    t_send(e->dom0, XS_UNWATCH, 0, "/d", "a", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    t_send(e->dom0, XS_UNWATCH, 0, "/d", "a", NULL);
    assert_string_equal(t_result(e->dom0, &m), "ENOENT");
    t_drain(e->dom0);
    assert_string_equal(t_write(e->dom0, 0, "/d", ""), "");
    assert_string_equal(t_event(e->dom0), "/d|b");
    assert_string_equal(t_event(e->dom0), "");
    assert_string_equal(t_watch(e->dom0, "/bad//path", "a"), "EINVAL");
}

static void test_special_watches(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    assert_string_equal(t_watch(e->dom0, "@introduceDomain", "in"), "");
    assert_string_equal(t_watch(e->dom0, "@releaseDomain", "out"), "");
    assert_string_equal(t_event(e->dom0), "@introduceDomain|in");
    assert_string_equal(t_event(e->dom0), "@releaseDomain|out");
    t_send(e->dom0, XS_INTRODUCE, 0, "3", "4096", "7", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_string_equal(t_event(e->dom0), "@introduceDomain|in");
    t_send(e->dom0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_string_equal(m.body, "T");
    assert_string_equal(t_op1(e->dom0, XS_RELEASE, 0, "3"), "");
    assert_string_equal(t_event(e->dom0), "@releaseDomain|out");
    t_send(e->dom0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_string_equal(m.body, "F");
    assert_string_equal(t_op1(e->dom0, XS_RELEASE, 0, "3"), "ENOENT");
    /* Node writes never fire special watches. */
    assert_string_equal(t_write(e->dom0, 0, "/x", ""), "");
    assert_string_equal(t_event(e->dom0), "");
    /* Guests hear of domains only when the special node's ACL lets them. */
    assert_string_equal(t_watch(e->guest, "@releaseDomain", "g"), "");
    assert_string_equal(t_event(e->guest), "@releaseDomain|g");
    xs_store_domain_gone(e->s, 8);
    assert_string_equal(t_event(e->guest), "");
    assert_string_equal(t_event(e->dom0), "@releaseDomain|out");
}

static void test_reset_watches(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    assert_string_equal(t_watch(e->dom0, "/r", "a"), "");
    assert_string_equal(t_event(e->dom0), "/r|a");
    t_send_raw(e->dom0, XS_RESET_WATCHES, 0, "", 1);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_string_equal(t_write(e->dom0, 0, "/r", ""), "");
    assert_string_equal(t_event(e->dom0), "");
}

static void test_unread_events_dropped(void **state)
{
    struct t_env *e = *state;
    char v[16];

    t_make_home(e);
    assert_string_equal(t_watch(e->guest, "x", "t"), "");
    for (int i = 0; i < 1100; i++) {
        snprintf(v, sizeof(v), "%d", i);
        assert_string_equal(t_write(e->dom0, 0, "/local/domain/5/x", v), "");
    }
    /* The guest never read: the core kept 1024 events and dropped the rest. */
    assert_int_equal(xs_conn_dropped_events(e->guest), 1100 + 1 - 1024);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_initial_event_after_ack, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_fires_on_create_modify_delete, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_rm_fires_watches_below, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_firing_order, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_relative_watch, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_watch_needs_read_access, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_and_unwatch, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_special_watches, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_reset_watches, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_unread_events_dropped, t_setup, t_teardown),
    };

    return cmocka_run_group_tests_name("xenstore_watch", tests, NULL, NULL);
}
