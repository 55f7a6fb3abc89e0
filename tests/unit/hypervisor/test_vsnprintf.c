/*
 * The printf engine (common/vsnprintf.c), compared byte for byte with the
 * host C library wherever C defines the result, and the log ring
 * (common/log.c): line format, wraparound, console level filtering.
 */
#include "hv_test.h"

#include <limits.h>

#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/time.h>

/* ---------------------------------------------------------------- differential */

static unsigned long checks, mismatches;

/* Format with both engines into full buffers and with a small size; compare. */
static void both(const char *fmt, ...)
{
    static char a[1024], b[1024];
    static const size_t small[] = {0, 1, 2, 5};
    va_list ap, ap2;
    int n1, n2;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n1 = vsnprintf(a, sizeof(a), fmt, ap);
    n2 = fmt_vsnprintf(b, sizeof(b), fmt, ap2);
    va_end(ap2);
    va_end(ap);
    checks++;
    if (n1 != n2 || n1 < 0 || (size_t)n1 >= sizeof(a) || memcmp(a, b, (size_t)n1 + 1)) {
        if (mismatches++ < 20) {
            print_message("mismatch for \"%s\": libc \"%s\" (%d), ours \"%s\" (%d)\n", fmt, a, n1,
                          b, n2);
        }
        return;
    }
    /* Truncated output: same bytes, same NUL, same return value, nothing past size. */
    for (size_t i = 0; i < ARRAY_SIZE(small); i++) {
        char x[16], y[16];

        memset(x, 0x7e, sizeof(x));
        memset(y, 0x7e, sizeof(y));
        va_start(ap, fmt);
        va_copy(ap2, ap);
        n1 = vsnprintf(x, small[i], fmt, ap);
        n2 = fmt_vsnprintf(y, small[i], fmt, ap2);
        va_end(ap2);
        va_end(ap);
        if (n1 != n2 || memcmp(x, y, sizeof(x))) {
            if (mismatches++ < 20) {
                print_message("truncation mismatch for \"%s\" size %zu\n", fmt, small[i]);
            }
            return;
        }
    }
}

enum kind {
    K_INT,
    K_UINT,
    K_LONG,
    K_ULONG,
    K_LLONG,
    K_ULLONG,
    K_SIZE,
    K_SSIZE,
    K_INTMAX,
    K_UINTMAX,
    K_PTRDIFF
};

/* Call both() with the star arguments in front and the value as the right type. */
#define WITH_STARS(fmt, ws, w, ps, p, val)                                                         \
    do {                                                                                           \
        if ((ws) && (ps)) {                                                                        \
            both(fmt, w, p, val);                                                                  \
        } else if (ws) {                                                                           \
            both(fmt, w, val);                                                                     \
        } else if (ps) {                                                                           \
            both(fmt, p, val);                                                                     \
        } else {                                                                                   \
            both(fmt, val);                                                                        \
        }                                                                                          \
    } while (0)

static void call_int(const char *fmt, bool ws, int w, bool ps, int p, enum kind k, int64_t v)
{
    switch (k) {
    case K_INT:
        WITH_STARS(fmt, ws, w, ps, p, (int)v);
        break;
    case K_UINT:
        WITH_STARS(fmt, ws, w, ps, p, (unsigned int)v);
        break;
    case K_LONG:
        WITH_STARS(fmt, ws, w, ps, p, (long)v);
        break;
    case K_ULONG:
        WITH_STARS(fmt, ws, w, ps, p, (unsigned long)v);
        break;
    case K_LLONG:
        WITH_STARS(fmt, ws, w, ps, p, (long long)v);
        break;
    case K_ULLONG:
        WITH_STARS(fmt, ws, w, ps, p, (unsigned long long)v);
        break;
    case K_SIZE:
        WITH_STARS(fmt, ws, w, ps, p, (size_t)v);
        break;
    case K_SSIZE:
        WITH_STARS(fmt, ws, w, ps, p, (long)v);
        break;
    case K_INTMAX:
        WITH_STARS(fmt, ws, w, ps, p, (intmax_t)v);
        break;
    case K_UINTMAX:
        WITH_STARS(fmt, ws, w, ps, p, (uintmax_t)v);
        break;
    case K_PTRDIFF:
        WITH_STARS(fmt, ws, w, ps, p, (ptrdiff_t)v);
        break;
    }
}

static const int64_t values[] = {
    0,
    1,
    -1,
    7,
    8,
    42,
    -42,
    127,
    128,
    255,
    256,
    -129,
    32767,
    -32768,
    65535,
    70000,
    INT_MAX,
    INT_MIN,
    (int64_t)UINT_MAX,
    0x123456789ll,
    -0x123456789ll,
    INT64_MAX,
    INT64_MIN,
};
static const char *const widths[] = {"", "1", "6", "23", "*"};
static const char *const precs[] = {"", ".", ".0", ".1", ".4", ".25", ".*"};
static const int star_widths[] = {-7, 0, 5};
static const int star_precs[] = {-3, 0, 3};

/* Every flag set, width, precision and conversion for one length modifier. */
static void sweep_integers(const char *len, enum kind sk, enum kind uk)
{
    static const char convs[] = "diuxXo";

    for (unsigned int mask = 0; mask < 32; mask++) {
        char flags[6];
        unsigned int nf = 0;

        for (unsigned int b = 0; b < 5; b++) {
            if (mask & (1u << b)) {
                flags[nf++] = "-0+ #"[b];
            }
        }
        flags[nf] = '\0';
        for (size_t wi = 0; wi < ARRAY_SIZE(widths); wi++) {
            for (size_t pi = 0; pi < ARRAY_SIZE(precs); pi++) {
                for (const char *c = convs; *c; c++) {
                    bool sign = *c == 'd' || *c == 'i';
                    bool ws = widths[wi][0] == '*', ps = !strcmp(precs[pi], ".*");
                    char fmt[32];

                    if (sign && (mask & 16)) {
                        continue; /* '#' with d, i: undefined */
                    }
                    snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags, widths[wi], precs[pi], len,
                             *c);
                    for (size_t vi = 0; vi < ARRAY_SIZE(values); vi++) {
                        for (size_t si = 0; si < (ws ? ARRAY_SIZE(star_widths) : 1); si++) {
                            for (size_t sj = 0; sj < (ps ? ARRAY_SIZE(star_precs) : 1); sj++) {
                                call_int(fmt, ws, star_widths[si], ps, star_precs[sj],
                                         sign ? sk : uk, values[vi]);
                            }
                        }
                    }
                }
            }
        }
    }
}

static int reset_counts(void **state)
{
    (void)state;
    checks = mismatches = 0;
    return 0;
}

static void test_int_no_length(void **state)
{
    (void)state;
    sweep_integers("", K_INT, K_UINT);
    assert_true(checks > 10000);
    assert_int_equal(mismatches, 0);
}

static void test_int_hh_h(void **state)
{
    (void)state;
    sweep_integers("hh", K_INT, K_UINT);
    sweep_integers("h", K_INT, K_UINT);
    assert_int_equal(mismatches, 0);
}

static void test_int_l_ll(void **state)
{
    (void)state;
    sweep_integers("l", K_LONG, K_ULONG);
    sweep_integers("ll", K_LLONG, K_ULLONG);
    assert_int_equal(mismatches, 0);
}

static void test_int_z_j_t(void **state)
{
    (void)state;
    sweep_integers("z", K_SSIZE, K_SIZE);
    sweep_integers("j", K_INTMAX, K_UINTMAX);
    sweep_integers("t", K_PTRDIFF, K_PTRDIFF);
    assert_int_equal(mismatches, 0);
}

static void test_strings_and_chars(void **state)
{
    static const char *const strs[] = {"", "a", "hello", "hello, world", "tab\there"};
    static const char *const sflags[] = {"", "-"};
    static const int chars[] = {'A', 'z', ' ', 0x7f, 0xe9, '%'};
    char longstr[300];

    (void)state;
    memset(longstr, 'L', sizeof(longstr) - 1);
    longstr[sizeof(longstr) - 1] = '\0';
    for (size_t f = 0; f < ARRAY_SIZE(sflags); f++) {
        for (size_t wi = 0; wi < ARRAY_SIZE(widths); wi++) {
            for (size_t pi = 0; pi < ARRAY_SIZE(precs); pi++) {
                bool ws = widths[wi][0] == '*', ps = !strcmp(precs[pi], ".*");
                char fmt[32];

                snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", sflags[f], widths[wi], precs[pi]);
                for (size_t i = 0; i <= ARRAY_SIZE(strs); i++) {
                    const char *s = i < ARRAY_SIZE(strs) ? strs[i] : longstr;
                    for (size_t si = 0; si < (ws ? ARRAY_SIZE(star_widths) : 1); si++) {
                        for (size_t sj = 0; sj < (ps ? ARRAY_SIZE(star_precs) : 1); sj++) {
                            WITH_STARS(fmt, ws, star_widths[si], ps, star_precs[sj], s);
                        }
                    }
                }
                if (precs[pi][0]) {
                    continue; /* precision with %c: undefined */
                }
                snprintf(fmt, sizeof(fmt), "<%%%s%sc>", sflags[f], widths[wi]);
                for (size_t i = 0; i < ARRAY_SIZE(chars); i++) {
                    for (size_t si = 0; si < (ws ? ARRAY_SIZE(star_widths) : 1); si++) {
                        WITH_STARS(fmt, ws, star_widths[si], false, 0, chars[i]);
                    }
                }
            }
        }
    }
    /* A NUL character is output (and counted) like any other. */
    both("a%cb", 0);
    both("%3c|", 0);
    assert_int_equal(mismatches, 0);
}

static void test_pointers_and_percent(void **state)
{
    int local;
    void *const ptrs[] = {(void *)1, (void *)0xdeadbeef, &local, (void *)UINTPTR_MAX,
                          (void *)0xffff800000001000ull};

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(ptrs); i++) {
        both("%p", ptrs[i]);
        both("[%20p]", ptrs[i]);
        both("[%-20p]", ptrs[i]);
        both("[%3p]", ptrs[i]);
        both("[%*p]", 24, ptrs[i]);
        both("[%*p]", -24, ptrs[i]);
    }
    both("100%%");
    both("%%d %d %%", 5);
    both("%d%%%s%%%c", 1, "x", 'y');
    both("a%db%sc%5.2xd%%e%-4cf%lld%zu%hhx", -3, "str", 0xabc, 'q', -1ll, (size_t)9, 0x1ff);
    both("no conversions at all");
    both("");
    assert_int_equal(mismatches, 0);
}

/* Our own choices where C leaves the result open, or for mistakes. */
static int ours(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void test_null_string_and_mistakes(void **state)
{
    char buf[64];
    const char *null = NULL;

    (void)state;
    assert_int_equal(ours(buf, sizeof(buf), "%s", null), 6);
    assert_string_equal(buf, "(null)");
    assert_int_equal(ours(buf, sizeof(buf), "[%10s]", null), 12);
    assert_string_equal(buf, "[    (null)]");
    assert_int_equal(ours(buf, sizeof(buf), "[%-8s]", null), 10);
    assert_string_equal(buf, "[(null)  ]");
    /* An unknown conversion is shown, and takes no argument. */
    assert_int_equal(ours(buf, sizeof(buf), "x%qy%d", 5), 5);
    assert_string_equal(buf, "x%qy5");
    /* A lone '%' at the end ends the output. */
    assert_int_equal(ours(buf, sizeof(buf), "abc%"), 3);
    assert_string_equal(buf, "abc");
    assert_int_equal(ours(buf, sizeof(buf), "abc%-5"), 3);
    assert_string_equal(buf, "abc");
    /* size 0: nothing written, NULL is fine; the length is still returned. */
    assert_int_equal(ours(NULL, 0, "%d-%s", 12345, "abc"), 9);
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(ours(buf, 1, "%d", 12345), 5);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'x');
    /* A long result into a big buffer. */
    {
        static char big[5000];
        assert_int_equal(fmt_snprintf(big, sizeof(big), "%4000d|", 1), 4001);
        assert_int_equal(strlen(big), 4001);
        assert_int_equal(big[3999], '1');
        assert_int_equal(fmt_snprintf(big, 100, "%4000d|", 1), 4001);
        assert_int_equal(strlen(big), 99);
    }
}

/* ---------------------------------------------------------------- log ring */

static char *ring_since(uint64_t mark, size_t *len)
{
    static char buf[LOG_RING_SIZE + 1];

    *len = t_log_since(mark, buf, sizeof(buf));
    return buf;
}

static void test_log_line_format(void **state)
{
    uint64_t mark = log_ring_total();
    size_t n;
    const char *r;

    (void)state;
    log_printf(LOG_INFO, "hello %d\n", 42);
    log_printf(LOG_DEBUG, "no newline %s", "here");
    log_printf(LOG_ERR, "%s", "");
    r = ring_since(mark, &n);
    assert_string_equal(r, "(XL) hello 42\n(XL) no newline here\n(XL) \n");
    assert_int_equal(log_ring_total(), mark + n);
    /* With a clock, lines carry seconds.microseconds. */
    fake_now = 1234567890123ll;
    log_set_clock(now);
    mark = log_ring_total();
    log_printf(LOG_WARN, "tick\n");
    fake_now = 999;
    log_printf(LOG_WARN, "early\n");
    fake_now = 100000ll * 1000000000ll;
    log_printf(LOG_WARN, "late\n");
    log_set_clock(NULL);
    r = ring_since(mark, &n);
    assert_string_equal(r, "(XL) [ 1234.567890] tick\n(XL) [    0.000000] early\n"
                           "(XL) [100000.000000] late\n");
}

static void test_log_long_line_truncated(void **state)
{
    char msg[700];
    uint64_t mark = log_ring_total();
    size_t n;
    const char *r;

    (void)state;
    memset(msg, 'm', sizeof(msg) - 1);
    msg[sizeof(msg) - 1] = '\0';
    log_printf(LOG_INFO, "%s", msg);
    log_printf(LOG_INFO, "next\n");
    r = ring_since(mark, &n);
    /* One line of 511 bytes ending in a newline, then the next line intact. */
    assert_int_equal(n, 511 + 10);
    assert_memory_equal(r, "(XL) mmmm", 9);
    assert_int_equal(r[509], 'm');
    assert_int_equal(r[510], '\n');
    assert_string_equal(r + 511, "(XL) next\n");
}

static void test_log_ring_wraparound(void **state)
{
    size_t cap = 3 * LOG_RING_SIZE, len = 0, n;
    char *shadow = malloc(cap);
    char *out = malloc(LOG_RING_SIZE + 1);
    uint64_t mark = log_ring_total(), pos, start;
    uint64_t seed = 5;

    (void)state;
    /* More than a ring's worth of lines of varying length. */
    for (int i = 0; len < 2 * LOG_RING_SIZE + 1234; i++) {
        char line[512];
        int k = fmt_snprintf(line, sizeof(line), "(XL) line %05d %.*s\n", i,
                             (int)t_rand_below(&seed, 400),
                             "abcdefghijklmnopqrstuvwxyz"
                             "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop"
                             "qrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdef"
                             "ghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu"
                             "vwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij"
                             "klmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
        log_printf(LOG_DEBUG, "%s", line + 5); /* the log adds "(XL) " itself */
        memcpy(shadow + len, line, (size_t)k);
        len += (size_t)k;
    }
    assert_int_equal(log_ring_total(), mark + len);
    /* Reading from where we started skips what was overwritten: the newest ring's worth. */
    pos = mark;
    n = log_ring_read(out, LOG_RING_SIZE + 1, &pos);
    assert_int_equal(n, LOG_RING_SIZE);
    assert_int_equal(pos, mark + len);
    assert_memory_equal(out, shadow + len - LOG_RING_SIZE, LOG_RING_SIZE);
    /* In small pieces from an arbitrary point in the retained window. */
    start = mark + len - LOG_RING_SIZE + 777;
    pos = start;
    for (size_t got = 0;;) {
        char piece[1000];
        size_t m = log_ring_read(piece, sizeof(piece), &pos);

        if (!m) {
            assert_int_equal(got, LOG_RING_SIZE - 777);
            break;
        }
        assert_memory_equal(piece, shadow + (start - mark) + got, m);
        got += m;
    }
    /* At or past the end: nothing, and the position stays. */
    pos = log_ring_total();
    assert_int_equal(log_ring_read(out, 100, &pos), 0);
    assert_int_equal(pos, log_ring_total());
    pos = log_ring_total() + 50;
    assert_int_equal(log_ring_read(out, 100, &pos), 0);
    assert_int_equal(pos, log_ring_total() + 50);
    /* A zero-length read moves nothing. */
    pos = mark + len - 10;
    assert_int_equal(log_ring_read(out, 0, &pos), 0);
    assert_int_equal(pos, mark + len - 10);
    free(shadow);
    free(out);
}

static void test_log_console_level_filtering(void **state)
{
    enum log_level saved = log_console_level();
    uint64_t mark = log_ring_total();
    size_t n;
    const char *r;

    (void)state;
    log_set_sink(arch_console_write);
    fake_console_clear();
    log_set_console_level(LOG_WARN);
    assert_int_equal(log_console_level(), LOG_WARN);
    log_printf(LOG_ERR, "E1\n");
    log_printf(LOG_WARN, "W1\n");
    log_printf(LOG_INFO, "I1\n");
    log_printf(LOG_DEBUG, "D1\n");
    assert_string_equal(fake_console, "(XL) E1\n(XL) W1\n");
    log_set_console_level(LOG_DEBUG);
    log_printf(LOG_DEBUG, "D2\n");
    log_set_console_level(LOG_ERR);
    log_printf(LOG_WARN, "W2\n");
    log_printf(LOG_ERR, "E2\n");
    assert_string_equal(fake_console, "(XL) E1\n(XL) W1\n(XL) D2\n(XL) E2\n");
    /* No sink (console=none): nothing reaches the console. */
    log_set_sink(NULL);
    log_printf(LOG_ERR, "E3\n");
    assert_string_equal(fake_console, "(XL) E1\n(XL) W1\n(XL) D2\n(XL) E2\n");
    /* Every message is in the ring regardless. */
    r = ring_since(mark, &n);
    assert_string_equal(r, "(XL) E1\n(XL) W1\n(XL) I1\n(XL) D1\n(XL) D2\n(XL) W2\n(XL) E2\n"
                           "(XL) E3\n");
    log_set_console_level(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_int_no_length, reset_counts),
        cmocka_unit_test_setup(test_int_hh_h, reset_counts),
        cmocka_unit_test_setup(test_int_l_ll, reset_counts),
        cmocka_unit_test_setup(test_int_z_j_t, reset_counts),
        cmocka_unit_test_setup(test_strings_and_chars, reset_counts),
        cmocka_unit_test_setup(test_pointers_and_percent, reset_counts),
        cmocka_unit_test(test_null_string_and_mistakes),
        cmocka_unit_test(test_log_line_format),
        cmocka_unit_test(test_log_long_line_truncated),
        cmocka_unit_test(test_log_ring_wraparound),
        cmocka_unit_test(test_log_console_level_filtering),
    };

    return cmocka_run_group_tests_name("hypervisor_vsnprintf", tests, NULL, NULL);
}
