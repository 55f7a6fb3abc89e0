/*
 * The tree: Xen's path rules, reads, writes, directories, removal.
 */
#include "xs_test.h"

static void test_write_read(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/a", "hello"), "");
    assert_string_equal(t_read(e->dom0, 0, "/a"), "hello");
    assert_string_equal(t_write(e->dom0, 0, "/a", "bye"), "");
    assert_string_equal(t_read(e->dom0, 0, "/a"), "bye");
    assert_string_equal(t_write(e->dom0, 0, "/a", ""), "");
    assert_string_equal(t_read(e->dom0, 0, "/a"), "");
}

static void test_read_missing(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_read(e->dom0, 0, "/nope"), "!ENOENT");
    assert_string_equal(t_read(e->dom0, 0, "/nope/deeper"), "!ENOENT");
    assert_string_equal(t_dir(e->dom0, 0, "/nope"), "!ENOENT");
}

static void test_write_creates_parents(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/x/y/z", "v"), "");
    assert_string_equal(t_read(e->dom0, 0, "/x"), "");
    assert_string_equal(t_read(e->dom0, 0, "/x/y"), "");
    assert_string_equal(t_dir(e->dom0, 0, "/"), "x");
    assert_string_equal(t_dir(e->dom0, 0, "/x"), "y");
    assert_string_equal(t_dir(e->dom0, 0, "/x/y"), "z");
    assert_int_equal(xs_store_check(e->s), 0);
}

static void test_directory_order(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/d/one", "1"), "");
    assert_string_equal(t_write(e->dom0, 0, "/d/two", "2"), "");
    assert_string_equal(t_write(e->dom0, 0, "/d/three", "3"), "");
    assert_string_equal(t_write(e->dom0, 0, "/d/two", "22"), "");
    assert_string_equal(t_dir(e->dom0, 0, "/d"), "one,two,three");
    assert_string_equal(t_dir(e->dom0, 0, "/d/one"), "");
}

static void test_mkdir(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_op1(e->dom0, XS_MKDIR, 0, "/m/n"), "");
    assert_string_equal(t_read(e->dom0, 0, "/m/n"), "");
    assert_string_equal(t_write(e->dom0, 0, "/m/n", "keep"), "");
    /* MKDIR of an existing node changes nothing. */
    assert_string_equal(t_op1(e->dom0, XS_MKDIR, 0, "/m/n"), "");
    assert_string_equal(t_read(e->dom0, 0, "/m/n"), "keep");
}

static void test_rm_subtree(void **state)
{
    struct t_env *e = *state;
    uint32_t before = xs_store_node_count(e->s);

    assert_string_equal(t_write(e->dom0, 0, "/r/a/b/c", "1"), "");
    assert_string_equal(t_write(e->dom0, 0, "/r/a/d", "2"), "");
    assert_string_equal(t_write(e->dom0, 0, "/r/e", "3"), "");
    assert_string_equal(t_op1(e->dom0, XS_RM, 0, "/r/a"), "");
    assert_string_equal(t_read(e->dom0, 0, "/r/a/b/c"), "!ENOENT");
    assert_string_equal(t_read(e->dom0, 0, "/r/a"), "!ENOENT");
    assert_string_equal(t_dir(e->dom0, 0, "/r"), "e");
    assert_string_equal(t_op1(e->dom0, XS_RM, 0, "/r"), "");
    assert_int_equal(xs_store_node_count(e->s), before);
    assert_int_equal(xs_store_check(e->s), 0);
}

static void test_rm_missing_and_root(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "/p", ""), "");
    /* Already gone, parent there: fine (Xen's behaviour). */
    assert_string_equal(t_op1(e->dom0, XS_RM, 0, "/p/gone"), "");
    /* Parent missing too: ENOENT. */
    assert_string_equal(t_op1(e->dom0, XS_RM, 0, "/q/gone"), "ENOENT");
    assert_string_equal(t_op1(e->dom0, XS_RM, 0, "/"), "EINVAL");
}

static void test_relative_paths(void **state)
{
    struct t_env *e = *state;

    assert_string_equal(t_write(e->dom0, 0, "rel", "dom0"), "");
    assert_string_equal(t_read(e->dom0, 0, "/local/domain/0/rel"), "dom0");
    t_make_home(e);
    assert_string_equal(t_write(e->guest, 0, "data/x", "g"), "");
    assert_string_equal(t_read(e->dom0, 0, "/local/domain/5/data/x"), "g");
    assert_string_equal(t_read(e->guest, 0, "data/x"), "g");
}

static void test_invalid_paths(void **state)
{
    static const char *const bad[] = {
        "", "/a//b", "/a/", "/a b", "/a.b", "/ä", "/a/../b", "@introduceDomain", "/a\tb", "//",
    };
    struct t_env *e = *state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_string_equal(t_write(e->dom0, 0, bad[i], "x"), "EINVAL");
        assert_string_equal(t_read(e->dom0, 0, bad[i]), "!EINVAL");
    }
    /* The characters Xen allows. */
    assert_string_equal(t_write(e->dom0, 0, "/Az09-_@", "ok"), "");
}

static void test_path_length_limits(void **state)
{
    struct t_env *e = *state;
    char path[XENSTORE_ABS_PATH_MAX + 8];

    path[0] = '/';
    memset(path + 1, 'a', XENSTORE_ABS_PATH_MAX - 1);
    path[XENSTORE_ABS_PATH_MAX] = '\0'; /* exactly the limit */
    assert_string_equal(t_write(e->dom0, 0, path, "x"), "");
    path[XENSTORE_ABS_PATH_MAX] = 'a';
    path[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    assert_string_equal(t_write(e->dom0, 0, path, "x"), "EINVAL");

    /* Guests: at most XENSTORE_REL_PATH_MAX below their home. */
    t_make_home(e);
    /* Names of 99 bytes, so that no node outgrows the node-size quota. */
    memset(path, 'b', XENSTORE_REL_PATH_MAX);
    for (int i = 99; i < XENSTORE_REL_PATH_MAX - 1; i += 100) {
        path[i] = '/';
    }
    path[XENSTORE_REL_PATH_MAX] = '\0';
    assert_string_equal(t_write(e->guest, 0, path, "x"), "");
    path[XENSTORE_REL_PATH_MAX] = 'b';
    path[XENSTORE_REL_PATH_MAX + 1] = '\0';
    assert_string_equal(t_write(e->guest, 0, path, "x"), "EINVAL");
}

static void test_binary_value(void **state)
{
    struct t_env *e = *state;
    static const char payload[] = "/bin\0a\0b\xff";
    struct t_msg m;

    t_send_raw(e->dom0, XS_WRITE, 0, payload, sizeof(payload) - 1);
    assert_string_equal(t_result(e->dom0, &m), "");
    t_send(e->dom0, XS_READ, 0, "/bin", NULL);
    assert_string_equal(t_result(e->dom0, &m), "");
    assert_int_equal(m.hdr.len, 4);
    assert_memory_equal(m.body, "a\0b\xff", 4);
}

static void test_big_directory(void **state)
{
    struct t_env *e = *state;
    char path[64];
    struct t_msg m;
    uint32_t off = 0, names = 0;
    char gen[32] = "";

    /* 400 children of 16 bytes each: too big for one DIRECTORY reply. */
    for (int i = 0; i < 400; i++) {
        snprintf(path, sizeof(path), "/big/child-%09d", i);
        assert_string_equal(t_write(e->dom0, 0, path, ""), "");
    }
    assert_string_equal(t_dir(e->dom0, 0, "/big"), "!E2BIG");
    for (;;) {
        char offs[16];
        uint32_t glen, pos;

        snprintf(offs, sizeof(offs), "%u", off);
        t_send(e->dom0, XS_DIRECTORY_PART, 0, "/big", offs, NULL);
        assert_string_equal(t_result(e->dom0, &m), "");
        glen = (uint32_t)strlen(m.body) + 1;
        if (gen[0]) {
            assert_string_equal(gen, m.body);
        }
        snprintf(gen, sizeof(gen), "%.31s", m.body);
        for (pos = glen; pos < m.hdr.len && m.body[pos];
             pos += (uint32_t)strlen(m.body + pos) + 1) {
            snprintf(path, sizeof(path), "child-%09u", names);
            assert_string_equal(m.body + pos, path);
            names++;
        }
        off += pos - glen;
        if (pos < m.hdr.len) { /* the empty name: end of list */
            break;
        }
    }
    assert_int_equal(names, 400);
}

static void test_get_domain_path(void **state)
{
    struct t_env *e = *state;
    struct t_msg m;

    t_send(e->guest, XS_GET_DOMAIN_PATH, 0, "7", NULL);
    assert_string_equal(t_result(e->guest, &m), "");
    assert_string_equal(m.body, "/local/domain/7");
    assert_string_equal(t_op1(e->guest, XS_GET_DOMAIN_PATH, 0, "x7"), "EINVAL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_read, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_read_missing, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_write_creates_parents, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_directory_order, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_mkdir, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_rm_subtree, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_rm_missing_and_root, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_relative_paths, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_paths, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_path_length_limits, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_binary_value, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_big_directory, t_setup, t_teardown),
        cmocka_unit_test_setup_teardown(test_get_domain_path, t_setup, t_teardown),
    };

    return cmocka_run_group_tests_name("xenstore_tree", tests, NULL, NULL);
}
