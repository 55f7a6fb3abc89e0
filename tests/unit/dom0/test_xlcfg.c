/*
 * CMocka tests of the xl.cfg parser (dom0/toolstack/xlcfg.c): every key,
 * every error with its exact message, and hostile text. Every parse runs on
 * an exact-size heap copy without a terminating NUL, so AddressSanitizer
 * reports any read past the end of the text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dom0/xlcfg.h>
#include <xen/errno.h>

static struct xl_config cfg;
static char err[256];

static int parse_len(const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    memcpy(copy, text, len);
    memset(err, 'X', sizeof(err));
    rc = xlcfg_parse(copy, len, "guest.cfg", &cfg, err, sizeof(err));
    free(copy);
    if (rc == 0) {
        assert_string_equal(err, "");
    } else {
        assert_int_equal(rc, -XEN_EINVAL);
        assert_non_null(memchr(err, '\0', sizeof(err)));
    }
    return rc;
}

static int parse(const char *text)
{
    return parse_len(text, strlen(text));
}

#define BASE "name = \"g\"\nkernel = \"k.elf\"\n"

/* Parsing text must fail with exactly this message. */
static void expect_error(const char *text, const char *msg)
{
    if (parse(text) == 0) {
        fail_msg("parsed, but expected: %s", msg);
    }
    assert_string_equal(err, msg);
}

/* ---------------------------------------------------------------------------
 * Valid files.
 */
static void test_minimal_defaults(void **state)
{
    assert_int_equal(parse(BASE), 0);
    assert_string_equal(cfg.name, "g");
    assert_string_equal(cfg.kernel, "k.elf");
    assert_string_equal(cfg.ramdisk, "");
    assert_int_equal(cfg.memory_mib, 32); /* libxl's default */
    assert_int_equal(cfg.maxmem_mib, 32);
    assert_int_equal(cfg.vcpus, 1);
    assert_int_equal(cfg.on_poweroff, XLCFG_ACTION_DESTROY);
    assert_int_equal(cfg.on_reboot, XLCFG_ACTION_RESTART);
    assert_int_equal(cfg.on_crash, XLCFG_ACTION_DESTROY);
    assert_string_equal(cfg.cmdline, "");
    assert_int_equal(cfg.have, XLCFG_HAVE_NAME | XLCFG_HAVE_KERNEL);
    assert_int_equal(cfg.nr_warnings, 0);
    assert_string_equal(cfg.warnings, "");
}

static void test_every_key(void **state)
{
    static const char text[] = "# a guest\r\n"
                               "name='web-1'   # trailing comment\r\n"
                               "\n"
                               "type = \"pv\"\n"
                               "kernel = \"/boot/web.elf\" ; ramdisk = '/boot/web.cpio'\n"
                               "memory = 0x40\n"
                               "maxmem = \"96\"\n"
                               "vcpus = 2;\n"
                               "cmdline = 'console=hvc0 loglevel=8'\n"
                               "on_poweroff = 'preserve'\n"
                               "on_reboot = \"rename-restart\"\n"
                               "on_crash = 'restart'\n";

    assert_int_equal(parse(text), 0);
    assert_string_equal(cfg.name, "web-1");
    assert_string_equal(cfg.kernel, "/boot/web.elf");
    assert_string_equal(cfg.ramdisk, "/boot/web.cpio");
    assert_int_equal(cfg.memory_mib, 64);
    assert_int_equal(cfg.maxmem_mib, 96);
    assert_int_equal(cfg.vcpus, 2);
    assert_string_equal(cfg.cmdline, "console=hvc0 loglevel=8");
    assert_int_equal(cfg.on_poweroff, XLCFG_ACTION_PRESERVE);
    assert_int_equal(cfg.on_reboot, XLCFG_ACTION_RENAME_RESTART);
    assert_int_equal(cfg.on_crash, XLCFG_ACTION_RESTART);
    assert_int_equal(cfg.have, XLCFG_HAVE_NAME | XLCFG_HAVE_KERNEL | XLCFG_HAVE_RAMDISK |
                                   XLCFG_HAVE_MEMORY | XLCFG_HAVE_MAXMEM | XLCFG_HAVE_VCPUS |
                                   XLCFG_HAVE_CMDLINE | XLCFG_HAVE_ON_POWEROFF |
                                   XLCFG_HAVE_ON_REBOOT | XLCFG_HAVE_ON_CRASH | XLCFG_HAVE_TYPE);
    assert_int_equal(cfg.nr_warnings, 0);
}

static void test_no_final_newline_and_empty_file(void **state)
{
    assert_int_equal(parse("name = \"a\"\nkernel = \"k\""), 0);
    assert_string_equal(cfg.kernel, "k");
    assert_int_equal(parse("name = \"a\"\nkernel = \"k\" # c"), 0);
    expect_error("", "guest.cfg: name: required, but not set");
    expect_error("# only a comment", "guest.cfg: name: required, but not set");
}

static void test_integers(void **state)
{
    assert_int_equal(parse(BASE "memory = 010\n"), 0); /* octal, as strtol(.., 0) */
    assert_int_equal(cfg.memory_mib, 8);
    assert_int_equal(parse(BASE "memory = \" 512\"\n"), 0);
    assert_int_equal(cfg.memory_mib, 512);
    assert_int_equal(parse(BASE "memory = '+0X20'\n"), 0);
    assert_int_equal(cfg.memory_mib, 32);
    assert_int_equal(parse(BASE "memory = 1048576\n"), 0);
    assert_int_equal(cfg.memory_mib, 1048576);
    assert_int_equal(cfg.maxmem_mib, 1048576);
    assert_int_equal(parse(BASE "vcpus = 32\n"), 0);
    assert_int_equal(cfg.vcpus, 32);

    expect_error(BASE "memory = \"lots\"\n",
                 "guest.cfg:3: memory: expected an integer, got 'lots'");
    expect_error(BASE "memory = lots\n", "guest.cfg:3: memory: expected an integer, got 'lots'");
    expect_error(BASE "memory = 08\n", "guest.cfg:3: memory: expected an integer, got '08'");
    expect_error(BASE "memory = 12abc\n", "guest.cfg:3: memory: expected an integer, got '12abc'");
    expect_error(BASE "memory = \"\"\n", "guest.cfg:3: memory: expected an integer, got ''");
    expect_error(BASE "memory = \"0x\"\n", "guest.cfg:3: memory: expected an integer, got '0x'");
    expect_error(BASE "memory = \"12 \"\n", "guest.cfg:3: memory: expected an integer, got '12 '");
    expect_error(BASE "memory = 0\n",
                 "guest.cfg:3: memory: '0' is out of range (1 to 1048576 MiB)");
    expect_error(BASE "memory = '-1'\n",
                 "guest.cfg:3: memory: '-1' is out of range (1 to 1048576 MiB)");
    expect_error(BASE "maxmem = 1048577\n",
                 "guest.cfg:3: maxmem: '1048577' is out of range (1 to 1048576 MiB)");
    expect_error(BASE "memory = 99999999999999999999999\n",
                 "guest.cfg:3: memory: '99999999999999999999999' is out of range (1 to 1048576 "
                 "MiB)");
    expect_error(BASE "memory = '-9223372036854775809'\n",
                 "guest.cfg:3: memory: '-9223372036854775809' is out of range (1 to 1048576 MiB)");
    expect_error(BASE "memory = 9223372036854775807\n",
                 "guest.cfg:3: memory: '9223372036854775807' is out of range (1 to 1048576 MiB)");
    expect_error(BASE "vcpus = 0\n", "guest.cfg:3: vcpus: '0' is out of range (1 to 32)");
    expect_error(BASE "vcpus = 33\n", "guest.cfg:3: vcpus: '33' is out of range (1 to 32)");
    expect_error(BASE "vcpus = [ 1 ]\n", "guest.cfg:3: vcpus: expected an integer, got a list");
    expect_error(BASE "memory += 4\n", "guest.cfg:3: memory: '+=' only applies to strings");
}

static void test_memory_and_maxmem(void **state)
{
    assert_int_equal(parse(BASE "memory = 128\n"), 0);
    assert_int_equal(cfg.maxmem_mib, 128); /* maxmem defaults to memory */
    assert_int_equal(parse(BASE "maxmem = 256\nmemory = 128\n"), 0);
    assert_int_equal(cfg.memory_mib, 128);
    assert_int_equal(cfg.maxmem_mib, 256);
    assert_int_equal(parse(BASE "maxmem = 32\n"), 0); /* equal to the default memory */
    expect_error(BASE "memory = 128\nmaxmem = 64\n",
                 "guest.cfg:4: maxmem: 64 MiB is less than memory (128 MiB)");
    expect_error(BASE "maxmem = 16\n", "guest.cfg:3: maxmem: 16 MiB is less than memory (32 MiB)");
}

static void test_actions(void **state)
{
    static const char *const names[] = {"destroy", "restart", "rename-restart", "preserve"};
    static const char *const keys[] = {"on_poweroff", "on_reboot", "on_crash"};
    char text[256], msg[256];

    for (unsigned int k = 0; k < 3; k++) {
        for (unsigned int a = 0; a < 4; a++) {
            enum xlcfg_action got;

            snprintf(text, sizeof(text), BASE "%s = \"%s\"\n", keys[k], names[a]);
            assert_int_equal(parse(text), 0);
            got = k == 0 ? cfg.on_poweroff : k == 1 ? cfg.on_reboot : cfg.on_crash;
            assert_int_equal(got, a);
            assert_string_equal(xlcfg_action_name(got), names[a]);
        }
        snprintf(text, sizeof(text), BASE "%s = \"explode\"\n", keys[k]);
        snprintf(msg, sizeof(msg),
                 "guest.cfg:3: %s: unknown action 'explode' (expected destroy, restart, "
                 "rename-restart or preserve)",
                 keys[k]);
        expect_error(text, msg);
    }
    expect_error(BASE "on_crash = 'coredump-destroy'\n",
                 "guest.cfg:3: on_crash: 'coredump-destroy' is not supported here (use destroy, "
                 "restart, rename-restart or preserve)");
    expect_error(BASE "on_reboot = 'soft-reset'\n",
                 "guest.cfg:3: on_reboot: 'soft-reset' is not supported here (use destroy, "
                 "restart, rename-restart or preserve)");
    expect_error(BASE "on_crash = destroy\n",
                 "guest.cfg:3: on_crash: expected a quoted string, got 'destroy'");
    expect_error(BASE "on_crash = 'Destroy'\n",
                 "guest.cfg:3: on_crash: unknown action 'Destroy' (expected destroy, restart, "
                 "rename-restart or preserve)");
    expect_error(BASE "on_crash = ['destroy']\n",
                 "guest.cfg:3: on_crash: expected a string, got a list");
    expect_error(BASE "on_crash += 'x'\n", "guest.cfg:3: on_crash: '+=' only applies to strings");
    assert_string_equal(xlcfg_action_name((enum xlcfg_action)17), "?");
}

static void test_cmdline_composition(void **state)
{
    assert_int_equal(parse(BASE "root = '/dev/xvda1'\nextra = 'quiet'\n"), 0);
    assert_string_equal(cfg.cmdline, "root=/dev/xvda1 quiet");
    assert_string_equal(cfg.root, "/dev/xvda1");
    assert_string_equal(cfg.extra, "quiet");
    assert_int_equal(parse(BASE "root = '/dev/xvda1'\n"), 0);
    assert_string_equal(cfg.cmdline, "root=/dev/xvda1");
    assert_int_equal(parse(BASE "extra = 'console=hvc0'\n"), 0);
    assert_string_equal(cfg.cmdline, "console=hvc0");
    assert_int_equal(cfg.nr_warnings, 0);

    /* cmdline wins over root and extra, which are kept and warned about. */
    assert_int_equal(parse(BASE "extra = 'a'\nroot = 'r'\ncmdline = 'c'\n"), 0);
    assert_string_equal(cfg.cmdline, "c");
    assert_string_equal(cfg.extra, "a");
    assert_int_equal(cfg.nr_warnings, 1);
    assert_string_equal(cfg.warnings,
                        "guest.cfg:5: warning: root and extra ignored in favour of cmdline\n");

    /* '+=' appends; on an unset key it sets. */
    assert_int_equal(parse(BASE "extra += 'x=1'\nextra += ' y=2'\n"), 0);
    assert_string_equal(cfg.cmdline, "x=1 y=2");
    assert_int_equal(cfg.nr_warnings, 0);
    assert_int_equal(parse(BASE "cmdline = ''\n"), 0);
    assert_string_equal(cfg.cmdline, "");
    assert_int_equal(cfg.have & XLCFG_HAVE_CMDLINE, XLCFG_HAVE_CMDLINE);
}

static void test_long_values(void **state)
{
    static char text[8192];
    char value[1100];

    /* 1023 bytes of command line fit; 1024 do not. */
    memset(value, 'c', 1023);
    value[1023] = '\0';
    snprintf(text, sizeof(text), BASE "cmdline = \"%s\"\n", value);
    assert_int_equal(parse(text), 0);
    assert_int_equal(strlen(cfg.cmdline), 1023);
    snprintf(text, sizeof(text), BASE "cmdline = \"%sc\"\n", value);
    expect_error(text, "guest.cfg:3: cmdline: value too long (1024 bytes, at most 1023)");

    /* root= and extra each fit, but not together. */
    memset(value, 'e', 1000);
    value[1000] = '\0';
    snprintf(text, sizeof(text), BASE "root = 'r'\nextra = '%s'\n", value);
    assert_int_equal(parse(text), 0);
    snprintf(text, sizeof(text), BASE "root = '%.30s'\nextra = '%s'\n", value, value);
    expect_error(text, "guest.cfg:4: extra: the kernel command line would be too long (1036 "
                       "bytes, at most 1023)");
    snprintf(text, sizeof(text), BASE "extra = '%.1000s'\nextra += '%.30s'\n", value, value);
    expect_error(text, "guest.cfg:4: extra: value too long (1030 bytes, at most 1023)");

    memset(value, 'k', 256);
    value[256] = '\0';
    snprintf(text, sizeof(text), "name = 'a'\nkernel = '%s'\n", value);
    expect_error(text, "guest.cfg:2: kernel: value too long (256 bytes, at most 255)");
    snprintf(text, sizeof(text), "name = 'a'\nkernel = 'k'\nramdisk = '%s'\n", value);
    expect_error(text, "guest.cfg:3: ramdisk: value too long (256 bytes, at most 255)");
    value[255] = '\0';
    snprintf(text, sizeof(text), "name = 'a'\nkernel = '%s'\n", value);
    assert_int_equal(parse(text), 0);
}

static void test_names(void **state)
{
    assert_int_equal(parse("kernel = 'k'\nname = 'abcdefghijklmnopqrstuvwxyz01234'\n"), 0);
    assert_int_equal(strlen(cfg.name), 31);
    expect_error("kernel = 'k'\nname = 'abcdefghijklmnopqrstuvwxyz012345'\n",
                 "guest.cfg:2: name: value too long (32 bytes, at most 31)");
    expect_error("kernel = 'k'\nname = ''\n", "guest.cfg:2: name: must not be empty");
    expect_error("kernel = 'k'\nname = 'a b'\n",
                 "guest.cfg:2: name: 'a b' has a space or a character that does not print");
    expect_error("kernel = 'k'\nname = 'a\\tb'\n",
                 "guest.cfg:2: name: 'a\\x09b' has a space or a character that does not print");
    expect_error("kernel = 'k'\nname = '\\xff'\n",
                 "guest.cfg:2: name: '\\xff' has a space or a character that does not print");
    expect_error("kernel = 'k'\nname = 17\n",
                 "guest.cfg:2: name: '17' is all digits, which would read as a domain id");
    expect_error("kernel = 'k'\nname = web\n",
                 "guest.cfg:2: name: expected a quoted string, got 'web'");
    assert_int_equal(parse("kernel = 'k'\nname = 17 # xl takes numbers as strings\n"
                           "name += 'b'\n"),
                     0);
    assert_string_equal(cfg.name, "17b");
    expect_error("name = 'a'\nkernel = ''\n", "guest.cfg:2: kernel: must not be empty");
    expect_error("kernel = 'k'\n", "guest.cfg: name: required, but not set");
    expect_error("name = 'n'\n", "guest.cfg: kernel: required, but not set");
    expect_error("name = ['n']\nkernel = 'k'\n",
                 "guest.cfg:1: name: expected a string, got a list");
    expect_error(BASE "type = 'hvm'\n",
                 "guest.cfg:3: type: only \"pv\" domains are supported, not 'hvm'");
    expect_error(BASE "type = pv\n", "guest.cfg:3: type: expected a quoted string, got 'pv'");
    expect_error(BASE "type = []\n", "guest.cfg:3: type: expected a string, got a list");
}

static void test_unknown_keys_and_lists(void **state)
{
    static const char text[] = "name = 'n'\n"
                               "disk = [ 'phy:/dev/vg/a,xvda,w',\n"
                               "         # a comment inside a list\n"
                               "         'file:/b.img,xvdb,r', ]\n"
                               "kernel = 'k'\n"
                               "vif = []\n"
                               "cpus = [ [ 1, 2 ], \"3\" ]\n"
                               "Memory = 64\n"
                               "on_watchdog = bare-words_are.ok:for/unknown\n"
                               "kernel = 'k2'\n";

    assert_int_equal(parse(text), 0);
    assert_string_equal(cfg.kernel, "k2");
    assert_int_equal(cfg.memory_mib, 32);
    assert_int_equal(cfg.nr_warnings, 6);
    assert_string_equal(cfg.warnings,
                        "guest.cfg:2: warning: unknown key 'disk' ignored\n"
                        "guest.cfg:6: warning: unknown key 'vif' ignored\n"
                        "guest.cfg:7: warning: unknown key 'cpus' ignored\n"
                        "guest.cfg:8: warning: unknown key 'Memory' ignored\n"
                        "guest.cfg:9: warning: unknown key 'on_watchdog' ignored\n"
                        "guest.cfg:10: warning: kernel set again (before on line 5): the last "
                        "value counts\n");
}

static void test_warnings_overflow(void **state)
{
    static char text[20000];
    size_t n = 0;

    n += (size_t)snprintf(text + n, sizeof(text) - n, BASE);
    for (int i = 0; i < 300; i++) {
        n += (size_t)snprintf(text + n, sizeof(text) - n, "unknown_%d = 1\n", i);
    }
    assert_int_equal(parse(text), 0);
    assert_int_equal(cfg.nr_warnings, 300);
    assert_true(strlen(cfg.warnings) < sizeof(cfg.warnings));
    assert_non_null(
        strstr(cfg.warnings, "guest.cfg:3: warning: unknown key 'unknown_0' ignored\n"));
    n = strlen(cfg.warnings);
    assert_string_equal(cfg.warnings + n - 4, "...\n");
}

static void test_strings_and_escapes(void **state)
{
    assert_int_equal(
        parse(BASE "extra = \"a\\tb\\nc\\\\d\\\"e\\'f\\x41\\101\\7\\a\\b\\f\\r\\v'#;[]\"\n"), 0);
    assert_string_equal(cfg.extra, "a\tb\nc\\d\"e'fAA\a\a\b\f\r\v'#;[]");
    assert_int_equal(parse(BASE "extra = 'say \"hi\" # not a comment'\n"), 0);
    assert_string_equal(cfg.extra, "say \"hi\" # not a comment");
    assert_int_equal(parse(BASE "extra = '\\377\\1234'\n"), 0);
    assert_string_equal(cfg.extra, "\377\123"
                                   "4");

    expect_error(BASE "extra = 'abc\n", "guest.cfg:3: extra: unterminated string (no closing ')");
    expect_error(BASE "extra = \"abc", "guest.cfg:3: extra: unterminated string (no closing \")");
    expect_error(BASE "extra = \"abc\\", "guest.cfg:3: extra: unterminated string (no closing \")");
    expect_error(BASE "extra = 'abc\\\n'\n",
                 "guest.cfg:3: extra: unterminated string (no closing ')");
    expect_error(BASE "extra = 'a\\qb'\n", "guest.cfg:3: extra: unknown escape '\\q' in a string");
    expect_error(BASE "extra = 'a\\x4'\n",
                 "guest.cfg:3: extra: \\x in a string needs two hexadecimal digits");
    expect_error(BASE "extra = 'a\\x'",
                 "guest.cfg:3: extra: \\x in a string needs two hexadecimal digits");
    expect_error(BASE "extra = 'a\\x00'\n",
                 "guest.cfg:3: extra: NUL character (escaped) in a string");
    expect_error(BASE "extra = 'a\\0'\n",
                 "guest.cfg:3: extra: NUL character (escaped) in a string");
    expect_error(BASE "extra = 'a\\400'\n",
                 "guest.cfg:3: extra: octal escape above \\377 in a string");
}

static void test_syntax_errors(void **state)
{
    expect_error("name 'x'\n", "guest.cfg:1: name: expected '=' after the key, got ''x''");
    expect_error("name\n",
                 "guest.cfg:1: name: expected '=' after the key, got the end of the line");
    expect_error("name", "guest.cfg:1: name: expected '=' after the key, got the end of the file");
    expect_error("name =\n", "guest.cfg:1: name: missing value");
    expect_error("name = # nothing\n", "guest.cfg:1: name: missing value");
    expect_error("name = ;\n", "guest.cfg:1: name: missing value");
    expect_error("name =", "guest.cfg:1: name: missing value");
    expect_error("name = ,\n", "guest.cfg:1: name: expected a value, got ','");
    expect_error("name = = 'x'\n", "guest.cfg:1: name: expected a value, got '='");
    expect_error("name = 'x' 'y'\n", "guest.cfg:1: name: unexpected ''y'' after the value");
    expect_error("name = 'x'y\n", "guest.cfg:1: name: unexpected 'y' after the value");
    expect_error("\n\n  = 'x'\n", "guest.cfg:3: expected a key name, got '='");
    expect_error("9lives = 1\n", "guest.cfg:1: expected a key name, got '9lives'");
    expect_error("-x = 1\n", "guest.cfg:1: expected a key name, got '-x'");
    expect_error("name = 'x'\n\xc3\xa9t\xc3\xa9 = 1\n",
                 "guest.cfg:2: expected a key name, got '\\xc3\\xa9t\\xc3\\xa9'");
    expect_error("disk = [ 'a' 'b' ]\n",
                 "guest.cfg:1: disk: expected ',' or ']' in a list, got ''b''");
    expect_error("disk = [ 'a',\n 'b'\n",
                 "guest.cfg:3: disk: unterminated list (opened on line 1)");
    expect_error("disk = [", "guest.cfg:1: disk: unterminated list (opened on line 1)");
    expect_error("disk = [ 'a', ", "guest.cfg:1: disk: unterminated list (opened on line 1)");
    expect_error("disk = [ , ]\n", "guest.cfg:1: disk: expected a value, got ','");
    expect_error("disk = [ 'a', , ]\n", "guest.cfg:1: disk: expected a value, got ','");
    expect_error("disk = ]\n", "guest.cfg:1: disk: expected a value, got ']'");
    expect_error("disk = [ 'unterminated ]\n",
                 "guest.cfg:1: disk: unterminated string (no closing ')");
}

static void test_deep_lists(void **state)
{
    char text[256];
    int n = 0;

    n += snprintf(text + n, sizeof(text) - (size_t)n, BASE "x = ");
    for (int i = 0; i < 16; i++) {
        text[n++] = '[';
    }
    for (int i = 0; i < 16; i++) {
        text[n++] = ']';
    }
    text[n++] = '\n';
    text[n] = '\0';
    assert_int_equal(parse(text), 0);

    n = snprintf(text, sizeof(text), BASE "x = ");
    for (int i = 0; i < 17; i++) {
        text[n++] = '[';
    }
    text[n] = '\0';
    expect_error(text, "guest.cfg:3: x: lists nested more than 16 deep");
}

static void test_nul_bytes(void **state)
{
    static const char in_string[] = BASE "extra = 'a\0b'\n";
    static const char as_key[] = BASE "\0 = 1\n";
    static const char in_bare[] = BASE "memory = 1\0\n";
    static const char in_list[] = BASE "disk = [ \0 ]\n";

    assert_int_equal(parse_len(in_string, sizeof(in_string) - 1), -XEN_EINVAL);
    assert_string_equal(err, "guest.cfg:3: extra: NUL byte in a string");
    assert_int_equal(parse_len(as_key, sizeof(as_key) - 1), -XEN_EINVAL);
    assert_string_equal(err, "guest.cfg:3: NUL byte in the file");
    assert_int_equal(parse_len(in_bare, sizeof(in_bare) - 1), -XEN_EINVAL);
    assert_string_equal(err, "guest.cfg:3: memory: NUL byte in the file");
    assert_int_equal(parse_len(in_list, sizeof(in_list) - 1), -XEN_EINVAL);
    assert_string_equal(err, "guest.cfg:3: disk: NUL byte in the file");
}

static void test_long_lines(void **state)
{
    size_t big = 1u << 20;
    char *text = malloc(big + 64);
    size_t n;

    assert_non_null(text);
    /* A one-megabyte comment, then a one-megabyte string for an unknown key. */
    n = (size_t)sprintf(text, BASE "#");
    memset(text + n, 'c', big - n);
    text[big - 1] = '\n';
    assert_int_equal(parse_len(text, big), 0);

    n = (size_t)sprintf(text, BASE "blob = '");
    memset(text + n, 's', big - n);
    memcpy(text + big, "'\n", 2);
    assert_int_equal(parse_len(text, big + 2), 0);
    assert_int_equal(cfg.nr_warnings, 1);

    /* A very long key, and a long bad value (quoted back cut short). */
    memset(text, 'k', 100);
    memcpy(text + 100, " = 1\n", 5);
    assert_int_equal(parse_len(text, 105), -XEN_EINVAL);
    assert_string_equal(err, "guest.cfg:1: key name 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' "
                             "is too long (100 characters, at most 64)");
    n = (size_t)sprintf(text, BASE "memory = '");
    memset(text + n, '9', 5000);
    memcpy(text + n + 5000, "x'\n", 3);
    assert_int_equal(parse_len(text, n + 5003), -XEN_EINVAL);
    assert_string_equal(err, "guest.cfg:3: memory: '9999999999999999999999999999999999999999...' "
                             "is out of range (1 to 1048576 MiB)");
    free(text);
}

static void test_arguments(void **state)
{
    char small[12];

    assert_int_equal(xlcfg_parse("name = 'a'\nkernel = 'k'\n", 24, NULL, &cfg, NULL, 0), 0);
    assert_int_equal(xlcfg_parse("kernel = 'k'\n", 13, NULL, &cfg, err, sizeof(err)), -XEN_EINVAL);
    assert_string_equal(err, "<config>: name: required, but not set");
    assert_int_equal(xlcfg_parse("kernel = 'k'\n", 13, "f", &cfg, small, sizeof(small)),
                     -XEN_EINVAL);
    assert_string_equal(small, "f: name: re");
    assert_int_equal(xlcfg_parse(NULL, 5, "f", &cfg, err, sizeof(err)), -XEN_EINVAL);
    assert_string_equal(err, "f: no configuration given");
    assert_int_equal(xlcfg_parse("x", 1, "f", NULL, err, sizeof(err)), -XEN_EINVAL);
    assert_int_equal(xlcfg_parse(NULL, 0, "f", &cfg, err, sizeof(err)), -XEN_EINVAL);
    assert_string_equal(err, "f: name: required, but not set");
}

/* Every prefix of a valid file, and random byte damage: the parser must
 * never crash or read outside the text, and every failure must say where. */
static void test_truncation_and_mutation(void **state)
{
    static const char text[] = "# test\nname = 'web'\nkernel = \"k.elf\"\nmemory = 64\n"
                               "disk = [ 'a', [ 'b' ], ]\nextra = 'a\\tb' ; vcpus = 2\n"
                               "on_crash = 'preserve'\n";
    char buf[sizeof(text)];
    uint64_t seed = 0x9e3779b97f4a7c15ull;

    for (size_t n = 0; n <= sizeof(text) - 1; n++) {
        if (parse_len(text, n) != 0) {
            assert_memory_equal(err, "guest.cfg", 9);
        }
    }
    for (int round = 0; round < 20000; round++) {
        memcpy(buf, text, sizeof(text) - 1);
        for (int k = 0; k < 3; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            buf[(seed >> 8) % (sizeof(text) - 1)] = (char)(seed >> 32);
        }
        if (parse_len(buf, sizeof(text) - 1) != 0) {
            assert_memory_equal(err, "guest.cfg", 9);
        } else {
            assert_true(cfg.name[0] && cfg.kernel[0]);
            assert_true(cfg.maxmem_mib >= cfg.memory_mib);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_no_final_newline_and_empty_file),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_memory_and_maxmem),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_cmdline_composition),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unknown_keys_and_lists),
        cmocka_unit_test(test_warnings_overflow),
        cmocka_unit_test(test_strings_and_escapes),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_deep_lists),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_truncation_and_mutation),
    };

    return cmocka_run_group_tests_name("xlcfg", tests, NULL, NULL);
}
