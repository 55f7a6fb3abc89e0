/*
 * The command-line parser (common/cmdline.c) driven by a test table, the
 * number parsers (common/parse.c), log_parse_level, and the hypervisor's
 * real option table (common/params.c).
 */
#include "hv_test.h"

#include <hv/cmdline.h>
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/params.h>

/* ---------------------------------------------------------------- the test table */

static bool v_flag, v_other;
static uint64_t v_num, v_mem;
static char v_name[8];
static char v_kv[32];

struct custom {
    unsigned int calls;
    bool had_value;
    char value[32];
    int rc; /* what the parser returns */
};
static struct custom v_cust;

static int parse_custom(const char *value, size_t len, void *var)
{
    struct custom *c = var;

    c->calls++;
    c->had_value = value != NULL;
    c->value[0] = '\0';
    if (value) {
        assert_true(len < sizeof(c->value));
        memcpy(c->value, value, len);
        c->value[len] = '\0';
    }
    return c->rc;
}

static const struct cmdline_param table[] = {
    {"flag", CMDLINE_BOOL, &v_flag, 0, NULL},
    {"other", CMDLINE_BOOL, &v_other, 0, NULL},
    {"num", CMDLINE_UINT, &v_num, 0, NULL},
    {"number", CMDLINE_UINT, &v_mem, 0, NULL}, /* a name extending another */
    {"mem", CMDLINE_SIZE, &v_mem, 0, NULL},
    {"name", CMDLINE_STRING, v_name, sizeof(v_name), NULL},
    {"kv", CMDLINE_STRING, v_kv, sizeof(v_kv), NULL},
    {"cust", CMDLINE_CUSTOM, &v_cust, 0, parse_custom},
};

/* Warnings collected from the parser. */
static char warns[16][200];
static unsigned int nwarn;

static void collect(const char *msg, void *ctx)
{
    assert_ptr_equal(ctx, &nwarn);
    if (nwarn < ARRAY_SIZE(warns)) {
        snprintf(warns[nwarn], sizeof(warns[0]), "%s", msg);
    }
    nwarn++;
}

static int parse(const char *line)
{
    return cmdline_parse(line, table, ARRAY_SIZE(table), collect, &nwarn);
}

static int reset(void **state)
{
    (void)state;
    v_flag = v_other = false;
    v_num = v_mem = 12345;
    strcpy(v_name, "init");
    strcpy(v_kv, "init");
    memset(&v_cust, 0, sizeof(v_cust));
    nwarn = 0;
    memset(warns, 0, sizeof(warns));
    return 0;
}

/* Parse one option, expecting it to be refused with `what` and nothing set. */
static void expect_bad(const char *line, const char *what)
{
    char want[200];

    nwarn = 0;
    assert_int_equal(parse(line), 1);
    assert_int_equal(nwarn, 1);
    snprintf(want, sizeof(want), "%s '%s'", what, line);
    assert_string_equal(warns[0], want);
}

static void test_bool_forms(void **state)
{
    static const struct {
        const char *opt;
        bool val;
    } ok[] = {
        {"flag", true},        {"flag=1", true},   {"flag=0", false},   {"flag=yes", true},
        {"flag=no", false},    {"flag=on", true},  {"flag=off", false}, {"flag=true", true},
        {"flag=false", false}, {"no-flag", false},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        v_flag = !ok[i].val;
        assert_int_equal(parse(ok[i].opt), 0);
        assert_int_equal(v_flag, ok[i].val);
    }
    assert_int_equal(nwarn, 0);
    /* Bad values leave the variable alone. */
    static const char *const bad[] = {"flag=",    "flag=2",  "flag=maybe", "flag=ON",  "flag=y",
                                      "flag=onn", "flag=01", "no-flag=1",  "no-flag=0"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        v_flag = true;
        expect_bad(bad[i], "bad value in");
        assert_true(v_flag);
    }
}

static void test_uint_values(void **state)
{
    static const struct {
        const char *opt;
        uint64_t val;
    } ok[] = {
        {"num=0", 0},
        {"num=10", 10},
        {"num=0x10", 16},
        {"num=0X1f", 31},
        {"num=010", 8},
        {"num=0xffffffffffffffff", UINT64_MAX},
        {"num=18446744073709551615", UINT64_MAX},
        {"num=01777777777777777777777", UINT64_MAX},
        {"num=007", 7},
        {"num=0xABCdef", 0xabcdef},
    };
    static const char *const bad[] = {
        "num=18446744073709551616",
        "num=0x10000000000000000",
        "num=02000000000000000000000",
        "num=99999999999999999999",
        "num=",
        "num",
        "no-num",
        "num=-1",
        "num=+1",
        "num=0x",
        "num=08",
        "num=12abc",
        "num=1K",
        "num=0xg",
        "num=1.5",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        v_num = 777;
        assert_int_equal(parse(ok[i].opt), 0);
        assert_int_equal(v_num, ok[i].val);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        v_num = 777;
        expect_bad(bad[i], "bad value in");
        assert_int_equal(v_num, 777);
    }
}

static void test_size_suffixes(void **state)
{
    static const struct {
        const char *opt;
        uint64_t val;
    } ok[] = {
        {"mem=4096", 4096},
        {"mem=1K", 1024},
        {"mem=1k", 1024},
        {"mem=3M", 3 << 20},
        {"mem=3m", 3 << 20},
        {"mem=2G", 2ull << 30},
        {"mem=2g", 2ull << 30},
        {"mem=5T", 5ull << 40},
        {"mem=5t", 5ull << 40},
        {"mem=0x10M", 16ull << 20},
        {"mem=010K", 8192},
        {"mem=0G", 0},
        {"mem=16777215T", 16777215ull << 40},
        {"mem=17179869183G", 17179869183ull << 30},
    };
    static const char *const bad[] = {
        "mem=16777216T",
        "mem=17179869184G",
        "mem=18014398509481984K",
        "mem=K",
        "mem=M",
        "mem=1P",
        "mem=1KB",
        "mem=1 K",
        "mem=",
        "mem",
        "no-mem",
        "mem=-1M",
        "mem=1.5G",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        v_mem = 777;
        assert_int_equal(parse(ok[i].opt), 0);
        assert_int_equal(v_mem, ok[i].val);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (strchr(bad[i], ' ')) {
            continue; /* two words: checked below */
        }
        v_mem = 777;
        expect_bad(bad[i], "bad value in");
        assert_int_equal(v_mem, 777);
    }
    /* "mem=1 K": the value is "1", then "K" is an unknown option. */
    nwarn = 0;
    assert_int_equal(parse("mem=1 K"), 1);
    assert_int_equal(v_mem, 1);
    assert_string_equal(warns[0], "unknown option 'K'");
}

static void test_string_values(void **state)
{
    (void)state;
    assert_int_equal(parse("name=abc"), 0);
    assert_string_equal(v_name, "abc");
    assert_int_equal(parse("name=1234567"), 0); /* exactly fills the buffer */
    assert_string_equal(v_name, "1234567");
    /* Too long: reported, buffer untouched (not even partly overwritten). */
    expect_bad("name=12345678", "value too long in");
    assert_memory_equal(v_name, "1234567", 8);
    expect_bad("name=waytoolongforthebuffer", "value too long in");
    assert_string_equal(v_name, "1234567");
    expect_bad("name", "bad value in");
    expect_bad("no-name", "bad value in");
    assert_string_equal(v_name, "1234567");
    /* An empty value is a valid empty string. */
    assert_int_equal(parse("name="), 0);
    assert_string_equal(v_name, "");
    /* Values may contain '=': only the first one splits. */
    assert_int_equal(parse("kv=a=b=c"), 0);
    assert_string_equal(v_kv, "a=b=c");
    assert_int_equal(parse("kv=="), 0);
    assert_string_equal(v_kv, "=");
    assert_int_equal(parse("kv=/dev/xvda1"), 0);
    assert_string_equal(v_kv, "/dev/xvda1");
}

static void test_custom_parser(void **state)
{
    (void)state;
    assert_int_equal(parse("cust=hello"), 0);
    assert_int_equal(v_cust.calls, 1);
    assert_true(v_cust.had_value);
    assert_string_equal(v_cust.value, "hello");
    /* No '=': the parser gets NULL, not an empty string. */
    assert_int_equal(parse("cust"), 0);
    assert_int_equal(v_cust.calls, 2);
    assert_false(v_cust.had_value);
    assert_int_equal(parse("cust="), 0);
    assert_true(v_cust.had_value);
    assert_string_equal(v_cust.value, "");
    assert_int_equal(parse("cust=x=y"), 0);
    assert_string_equal(v_cust.value, "x=y");
    /* The value handed over is bounded by its length, not the rest of the line. */
    assert_int_equal(parse("cust=abc flag"), 0);
    assert_string_equal(v_cust.value, "abc");
    assert_true(v_flag);
    /* An error from the parser is reported; "no-" is refused without calling it. */
    v_cust.rc = -EINVAL;
    expect_bad("cust=nope", "bad value in");
    assert_int_equal(v_cust.calls, 6);
    v_cust.rc = -E2BIG;
    expect_bad("cust=long", "value too long in");
    v_cust.rc = 0;
    expect_bad("no-cust", "bad value in");
    assert_int_equal(v_cust.calls, 7);
}

static void test_unknown_options_reported(void **state)
{
    (void)state;
    expect_bad("bogus", "unknown option");
    expect_bad("bogus=1", "unknown option");
    expect_bad("no-bogus", "unknown option");
    expect_bad("no-", "unknown option");
    expect_bad("no", "unknown option");
    expect_bad("fla", "unknown option");   /* a prefix of a name */
    expect_bad("flagx", "unknown option"); /* a name as a prefix */
    expect_bad("Flag", "unknown option");  /* case matters */
    expect_bad("=5", "unknown option");
    expect_bad("=", "unknown option");
    expect_bad("nonum=3", "unknown option");
    assert_false(v_flag);
    /* Names sharing a prefix are told apart. */
    assert_int_equal(parse("number=9 num=3"), 0);
    assert_int_equal(v_mem, 9);
    assert_int_equal(v_num, 3);
}

static void test_long_unknown_option_truncated_in_report(void **state)
{
    char line[400];

    (void)state;
    memset(line, 'z', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    assert_int_equal(parse(line), 1);
    assert_int_equal(nwarn, 1);
    /* "unknown option '" + 100 characters + "'" */
    assert_int_equal(strlen(warns[0]), 16 + 100 + 1);
    assert_int_equal(strncmp(warns[0], "unknown option 'zzzz", 20), 0);
}

static void test_whitespace_and_empty(void **state)
{
    (void)state;
    assert_int_equal(parse(""), 0);
    assert_int_equal(parse("   "), 0);
    assert_int_equal(parse(" \t \t"), 0);
    assert_int_equal(cmdline_parse(NULL, table, ARRAY_SIZE(table), collect, &nwarn), 0);
    assert_int_equal(nwarn, 0);
    assert_int_equal(parse("  flag\t\tnum=5   mem=1M \t name=x\t"), 0);
    assert_int_equal(nwarn, 0);
    assert_true(v_flag);
    assert_int_equal(v_num, 5);
    assert_int_equal(v_mem, 1 << 20);
    assert_string_equal(v_name, "x");
    /* With an empty table everything is unknown. */
    assert_int_equal(cmdline_parse("a b c", table, 0, collect, &nwarn), 3);
}

static void test_errors_do_not_stop_parsing(void **state)
{
    (void)state;
    assert_int_equal(parse("bogus num=5 flag=x mem=2K name=toolongvalue other"), 3);
    assert_int_equal(nwarn, 3);
    assert_string_equal(warns[0], "unknown option 'bogus'");
    assert_string_equal(warns[1], "bad value in 'flag=x'");
    assert_string_equal(warns[2], "value too long in 'name=toolongvalue'");
    assert_int_equal(v_num, 5);
    assert_int_equal(v_mem, 2048);
    assert_false(v_flag);
    assert_true(v_other);
    assert_string_equal(v_name, "init");
    /* The last occurrence wins. */
    assert_int_equal(parse("num=1 num=2 flag no-flag"), 0);
    assert_int_equal(v_num, 2);
    assert_false(v_flag);
    /* No callback: problems are still counted. */
    assert_int_equal(cmdline_parse("x y=1 num=z", table, ARRAY_SIZE(table), NULL, NULL), 3);
}

/* ---------------------------------------------------------------- parse.c directly */

static void test_parse_u64_direct(void **state)
{
    uint64_t v = 99;

    (void)state;
    assert_int_equal(parse_u64("123456", 3, &v), 0); /* only len characters */
    assert_int_equal(v, 123);
    assert_int_equal(parse_u64("0x1fz", 4, &v), 0);
    assert_int_equal(v, 0x1f);
    v = 99;
    assert_int_equal(parse_u64("", 0, &v), -EINVAL);
    assert_int_equal(parse_u64("12", 0, &v), -EINVAL);
    assert_int_equal(parse_u64("0x", 2, &v), -EINVAL);
    assert_int_equal(parse_u64("x1", 2, &v), -EINVAL);
    assert_int_equal(parse_u64(" 1", 2, &v), -EINVAL);
    assert_int_equal(parse_u64("1 ", 2, &v), -EINVAL);
    assert_int_equal(parse_u64("09", 2, &v), -EINVAL);
    assert_int_equal(parse_u64("18446744073709551616", 20, &v), -ERANGE);
    assert_int_equal(parse_u64("184467440737095516150", 21, &v), -ERANGE);
    assert_int_equal(parse_u64("0x1ffffffffffffffff", 19, &v), -ERANGE);
    assert_int_equal(v, 99); /* untouched on failure */
    assert_int_equal(parse_u64("0", 1, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(parse_u64("00", 2, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(parse_u64("18446744073709551615", 20, &v), 0);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(parse_u64("0x00000000000000000000001", 25, &v), 0);
    assert_int_equal(v, 1);
}

static void test_parse_size_direct(void **state)
{
    uint64_t v = 99;

    (void)state;
    assert_int_equal(parse_size("64K", 3, &v), 0);
    assert_int_equal(v, 65536);
    assert_int_equal(parse_size("64Kxyz", 3, &v), 0);
    assert_int_equal(v, 65536);
    assert_int_equal(parse_size("64K", 2, &v), 0); /* "64" */
    assert_int_equal(v, 64);
    assert_int_equal(parse_size("1T", 2, &v), 0);
    assert_int_equal(v, 1ull << 40);
    assert_int_equal(parse_size("0xffffffT", 9, &v), 0);
    assert_int_equal(v, 0xffffffull << 40);
    v = 99;
    assert_int_equal(parse_size("0x1000000T", 10, &v), -ERANGE);
    assert_int_equal(parse_size("T", 1, &v), -EINVAL);
    assert_int_equal(parse_size("", 0, &v), -EINVAL);
    assert_int_equal(parse_size("1KK", 3, &v), -EINVAL);
    assert_int_equal(parse_size("99999999999999999999K", 21, &v), -ERANGE);
    assert_int_equal(v, 99);
}

static void test_log_parse_level(void **state)
{
    static const struct {
        const char *s;
        enum log_level l;
    } ok[] = {
        {"err", LOG_ERR},   {"warn", LOG_WARN}, {"info", LOG_INFO}, {"debug", LOG_DEBUG},
        {"all", LOG_DEBUG}, {"0", LOG_ERR},     {"1", LOG_WARN},    {"2", LOG_INFO},
        {"3", LOG_DEBUG},   {"0x3", LOG_DEBUG}, {"03", LOG_DEBUG},
    };
    static const char *const bad[] = {"",        "4",      "99",  "-1",
                                      "INFO",    "Err",    "inf", "infos",
                                      "warning", "debug1", "al",  "18446744073709551616"};
    enum log_level l;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        l = (enum log_level)7;
        assert_int_equal(log_parse_level(ok[i].s, strlen(ok[i].s), &l), 0);
        assert_int_equal(l, ok[i].l);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        l = LOG_WARN;
        assert_int_equal(log_parse_level(bad[i], strlen(bad[i]), &l), -EINVAL);
        assert_int_equal(l, LOG_WARN);
    }
    /* Only len characters count. */
    assert_int_equal(log_parse_level("infox", 4, &l), 0);
    assert_int_equal(l, LOG_INFO);
    assert_int_equal(log_parse_level("debug", 3, &l), -EINVAL);
}

/* ---------------------------------------------------------------- params.c */

static struct hv_params saved_params;

static int params_save(void **state)
{
    (void)state;
    saved_params = hv_params;
    return 0;
}

static int params_restore(void **state)
{
    (void)state;
    hv_params = saved_params;
    return 0;
}

static void test_params_defaults_and_good_values(void **state)
{
    (void)state;
    assert_string_equal(hv_params.console, "com1");
    assert_int_equal(hv_params.loglvl, LOG_INFO);
    assert_string_equal(hv_params.apic_timer, "auto");
    assert_int_equal(hv_params.dom0_mem, 0);
    assert_int_equal(hv_params.maxcpus, 0);
    assert_int_equal(params_parse("loglvl=debug dom0_mem=512M console=none apic_timer=oneshot "
                                  "maxcpus=2 noreboot test_timer test_fault=pf"),
                     0);
    assert_int_equal(hv_params.loglvl, LOG_DEBUG);
    assert_int_equal(hv_params.dom0_mem, 512ull << 20);
    assert_string_equal(hv_params.console, "none");
    assert_string_equal(hv_params.apic_timer, "oneshot");
    assert_int_equal(hv_params.maxcpus, 2);
    assert_true(hv_params.noreboot);
    assert_true(hv_params.test_timer);
    assert_string_equal(hv_params.test_fault, "pf");
    assert_int_equal(params_parse("loglvl=0 console=com1 apic_timer=deadline dom0_mem=0x1000 "
                                  "no-noreboot test_timer=off"),
                     0);
    assert_int_equal(hv_params.loglvl, LOG_ERR);
    assert_string_equal(hv_params.console, "com1");
    assert_string_equal(hv_params.apic_timer, "deadline");
    assert_int_equal(hv_params.dom0_mem, 4096);
    assert_false(hv_params.noreboot);
    assert_false(hv_params.test_timer);
    assert_int_equal(params_parse("apic_timer=auto loglvl=warn"), 0);
    assert_string_equal(hv_params.apic_timer, "auto");
    assert_int_equal(hv_params.loglvl, LOG_WARN);
}

static void test_params_bad_values_warned(void **state)
{
    static char logbuf[4096];
    struct hv_params before = hv_params;
    uint64_t mark = log_ring_total();

    (void)state;
    assert_int_equal(params_parse("loglvl=verbose dom0_mem=12Q console=com9 apic_timer=fast "
                                  "maxcpus=x bogus console loglvl apic_timer= "
                                  "test_fault=muchtoolongforthis"),
                     10);
    /* Nothing changed. */
    assert_memory_equal(&before, &hv_params, sizeof(before));
    t_log_since(mark, logbuf, sizeof(logbuf));
    assert_non_null(strstr(logbuf, "command line: bad value in 'loglvl=verbose' ignored"));
    assert_non_null(strstr(logbuf, "command line: bad value in 'dom0_mem=12Q' ignored"));
    assert_non_null(strstr(logbuf, "command line: bad value in 'console=com9' ignored"));
    assert_non_null(strstr(logbuf, "command line: bad value in 'apic_timer=fast' ignored"));
    assert_non_null(strstr(logbuf, "command line: bad value in 'maxcpus=x' ignored"));
    assert_non_null(strstr(logbuf, "command line: unknown option 'bogus' ignored"));
    assert_non_null(strstr(logbuf, "command line: bad value in 'console' ignored"));
    assert_non_null(strstr(logbuf, "command line: bad value in 'apic_timer=' ignored"));
    assert_non_null(
        strstr(logbuf, "command line: value too long in 'test_fault=muchtoolongforthis'"));
    /* A choice must match whole: prefixes and extensions are refused. */
    assert_int_equal(params_parse("console=com apic_timer=oneshotx apic_timer=dead "
                                  "console=COM1 loglvl=debugx"),
                     5);
    assert_memory_equal(&before, &hv_params, sizeof(before));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_bool_forms, reset),
        cmocka_unit_test_setup(test_uint_values, reset),
        cmocka_unit_test_setup(test_size_suffixes, reset),
        cmocka_unit_test_setup(test_string_values, reset),
        cmocka_unit_test_setup(test_custom_parser, reset),
        cmocka_unit_test_setup(test_unknown_options_reported, reset),
        cmocka_unit_test_setup(test_long_unknown_option_truncated_in_report, reset),
        cmocka_unit_test_setup(test_whitespace_and_empty, reset),
        cmocka_unit_test_setup(test_errors_do_not_stop_parsing, reset),
        cmocka_unit_test(test_parse_u64_direct),
        cmocka_unit_test(test_parse_size_direct),
        cmocka_unit_test(test_log_parse_level),
        cmocka_unit_test_setup_teardown(test_params_defaults_and_good_values, params_save,
                                        params_restore),
        cmocka_unit_test_setup_teardown(test_params_bad_values_warned, params_save, params_restore),
    };

    return cmocka_run_group_tests_name("hypervisor_cmdline", tests, NULL, NULL);
}
