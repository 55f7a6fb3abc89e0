/*
 * Permissions: owners, n/r/w/b ACLs, inheritance, dom0's privilege, and what
 * an unprivileged domain is refused.
 */
#include "xs_test.h"

static void test_root_closed_to_guests(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_get_perms(e->dom0, "/"), "n0");
    assert_string_equal(t_dir(e->guest, 0, "/"), "!EACCES");
    assert_string_equal(t_write(e->guest, 0, "/evil", "x"), "EACCES");
    assert_string_equal(t_op1(e->guest, XS_MKDIR, 0, "/evil"), "EACCES");
    assert_string_equal(t_read(e->dom0, 0, "/evil"), "!ENOENT");
}

static void test_missing_node_hidden(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/secret/a", "1"), "");
    /* Without read access to the parent a guest learns nothing, not even ENOENT. */
    assert_string_equal(t_read(e->guest, 0, "/secret/b"), "!EACCES");
    assert_string_equal(t_read(e->guest, 0, "/secret/a"), "!EACCES");
    assert_string_equal(t_set_perms(e->dom0, 0, "/secret", "r0", NULL), "");
    assert_string_equal(t_read(e->guest, 0, "/secret/b"), "!ENOENT");
}

static void test_acl_entries(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/n", "v"), "");
    assert_string_equal(t_set_perms(e->dom0, 0, "/n", "n0", "r5"), "");
    assert_string_equal(t_get_perms(e->dom0, "/n"), "n0,r5");
    assert_string_equal(t_read(e->guest, 0, "/n"), "v");
    assert_string_equal(t_write(e->guest, 0, "/n", "w"), "EACCES");
    assert_string_equal(t_set_perms(e->dom0, 0, "/n", "n0", "w5"), "");
    assert_string_equal(t_read(e->guest, 0, "/n"), "!EACCES");
    assert_string_equal(t_write(e->guest, 0, "/n", "w"), "");
    assert_string_equal(t_set_perms(e->dom0, 0, "/n", "b0", "n5"), "");
    assert_string_equal(t_write(e->guest, 0, "/n", "x"), "EACCES");
    /* The default (entry 0) applies to domains not listed. */
    assert_string_equal(t_set_perms(e->dom0, 0, "/n", "b0", "n7"), "");
    assert_string_equal(t_write(e->guest, 0, "/n", "x"), "");
    assert_string_equal(t_read(e->dom0, 0, "/n"), "x");
}

static void test_inheritance_and_ownership(void **state)
{
    struct t_env *e = *state;

    t_make_home(e);
    assert_string_equal(t_set_perms(e->dom0, 0, "/local/domain/5", "n5", "r0"), "");
    /* dom0 creating below inherits the parent's ACL as it is. */
    assert_string_equal(t_write(e->dom0, 0, "/local/domain/5/from0/deep", ""), "");
    assert_string_equal(t_get_perms(e->dom0, "/local/domain/5/from0/deep"), "n5,r0");
    /* A guest owns what it creates, keeping the other entries. */
    assert_string_equal(t_write(e->guest, 0, "mine", "1"), "");
    assert_string_equal(t_get_perms(e->dom0, "/local/domain/5/mine"), "n5,r0");
    assert_string_equal(t_write(e->dom0, 0, "/shared", ""), "");
    assert_string_equal(t_set_perms(e->dom0, 0, "/shared", "w0", NULL), "");
    assert_string_equal(t_write(e->guest, 0, "/shared/g", "1"), "");
    assert_string_equal(t_get_perms(e->dom0, "/shared/g"), "w5");
    /* Owner may do anything with its node, including read though the default is w. */
    assert_string_equal(t_read(e->guest, 0, "/shared/g"), "1");
}

static void test_set_perms_rules(void **state)
{
    struct t_env *e = *state;

    t_make_home(e);
    assert_string_equal(t_write(e->guest, 0, "x", ""), "");
    assert_string_equal(t_set_perms(e->guest, 0, "x", "n5", "r9"), "");
    assert_string_equal(t_get_perms(e->guest, "x"), "n5,r9");
    /* Giving a node away is for dom0 only. */
    assert_string_equal(t_set_perms(e->guest, 0, "x", "n9", NULL), "EPERM");
    /* Only the owner changes an ACL, even with write access. */
    assert_string_equal(t_write(e->dom0, 0, "/w", ""), "");
    assert_string_equal(t_set_perms(e->dom0, 0, "/w", "b0", NULL), "");
    assert_string_equal(t_set_perms(e->guest, 0, "/w", "b0", "b5"), "EACCES");
    /* Malformed ACLs. */
    assert_string_equal(t_set_perms(e->dom0, 0, "/w", "x0", NULL), "EINVAL");
    assert_string_equal(t_set_perms(e->dom0, 0, "/w", "r", NULL), "EINVAL");
    assert_string_equal(t_set_perms(e->dom0, 0, "/w", "r70000", NULL), "EINVAL");
    assert_string_equal(t_set_perms(e->dom0, 0, "/w", "r1x", NULL), "EINVAL");
    assert_string_equal(t_op1(e->dom0, XS_SET_PERMS, 0, "/w"), "EINVAL");
    assert_string_equal(t_set_perms(e->dom0, 0, "/missing", "r0", NULL), "ENOENT");
    assert_string_equal(t_get_perms(e->dom0, "/w"), "b0");
}

static void test_rm_needs_write(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/ro/child", "1"), "");
    assert_string_equal(t_set_perms(e->dom0, 0, "/ro", "r0", NULL), "");
    assert_string_equal(t_op1(e->guest, XS_RM, 0, "/ro"), "EACCES");
    assert_string_equal(t_read(e->dom0, 0, "/ro/child"), "1");
}

static void test_privileged_ops_refused(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    t_send(e->guest, XS_INTRODUCE, 0, "9", "1234", "5", NULL);
    assert_string_equal(t_result(e->guest, &m), "EACCES");
    assert_string_equal(t_op1(e->guest, XS_RELEASE, 0, "9"), "EACCES");
    assert_string_equal(t_op1(e->guest, XS_IS_DOMAIN_INTRODUCED, 0, "0"), "EACCES");
    assert_string_equal(t_op1(e->guest, XS_RESUME, 0, "5"), "EACCES");
    t_send(e->guest, XS_SET_TARGET, 0, "5", "0", NULL);
    assert_string_equal(t_result(e->guest, &m), "EACCES");
    assert_string_equal(t_op1(e->guest, XS_CONTROL, 0, "check"), "EACCES");
}

static void test_set_target(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    assert_string_equal(t_write(e->dom0, 0, "/local/domain/9/priv", "p"), "");
    assert_string_equal(t_set_perms(e->dom0, 0, "/local/domain/9/priv", "n9", NULL), "");
    assert_string_equal(t_read(e->guest, 0, "/local/domain/9/priv"), "!EACCES");
    t_send(e->dom0, XS_INTRODUCE, 0, "5", "100", "1", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    t_send(e->dom0, XS_SET_TARGET, 0, "5", "9", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    /* Domain 5 (a device model) now acts with domain 9's rights. */
    assert_string_equal(t_read(e->guest, 0, "/local/domain/9/priv"), "p");
    t_send(e->dom0, XS_SET_TARGET, 0, "6", "9", NULL);
    assert_string_equal(t_result(e->dom0, &m), "ENOENT");
}

static void test_special_paths_perms(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_get_perms(e->dom0, "@releaseDomain"), "n0");
    assert_string_equal(t_get_perms(e->guest, "@releaseDomain"), "!EACCES");
    assert_string_equal(t_set_perms(e->guest, 0, "@releaseDomain", "r5", NULL), "EACCES");
    assert_string_equal(t_set_perms(e->dom0, 0, "@releaseDomain", "n0", "r5"), "");
    assert_string_equal(t_get_perms(e->guest, "@releaseDomain"), "n0,r5");
    assert_string_equal(t_get_perms(e->dom0, "@other"), "!ENOENT");
    assert_string_equal(t_read(e->dom0, 0, "@releaseDomain"), "!EINVAL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_root_closed_to_guests, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_missing_node_hidden, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_acl_entries, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_inheritance_and_ownership, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_set_perms_rules, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_rm_needs_write, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_privileged_ops_refused, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_set_target, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_special_paths_perms, t_setup, t_teardown),
    };

    return cmocka_run_group_tests_name("xenstore_perms", tests, NULL, NULL);
}
