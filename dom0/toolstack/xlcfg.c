/*
 * xl.cfg-style configuration files (see dom0/xlcfg.h for the language).
 *
 * One pass over the text, no allocation: each statement is read, its value
 * decoded into a bounded buffer and applied to the known key at once, so the
 * first error stops the parse with the line it was found on. Checks that need
 * the whole file (required keys, maxmem against memory, the composed command
 * line) run at the end and cite the line of the key involved.
 */
#include <dom0/xlcfg.h>

#include "ts_lib.h"

#define KEY_MAX    64 /* longest key name accepted (xl's keys are < 32) */
#define LIST_DEPTH 16 /* lists nested deeper are refused rather than recursed into */
#define ECHO_MAX   40 /* characters of a bad value quoted back in a message */

enum key_kind { KIND_STRING, KIND_INT, KIND_ACTION, KIND_TYPE };

/* Indexed like the XLCFG_HAVE_* bits. */
enum key_id {
    KEY_NAME,
    KEY_KERNEL,
    KEY_RAMDISK,
    KEY_MEMORY,
    KEY_MAXMEM,
    KEY_VCPUS,
    KEY_CMDLINE,
    KEY_ROOT,
    KEY_EXTRA,
    KEY_ON_POWEROFF,
    KEY_ON_REBOOT,
    KEY_ON_CRASH,
    KEY_TYPE,
    NR_KEYS
};

static const struct {
    const char *name;
    enum key_kind kind;
} keys[NR_KEYS] = {
    [KEY_NAME] = {"name", KIND_STRING},
    [KEY_KERNEL] = {"kernel", KIND_STRING},
    [KEY_RAMDISK] = {"ramdisk", KIND_STRING},
    [KEY_MEMORY] = {"memory", KIND_INT},
    [KEY_MAXMEM] = {"maxmem", KIND_INT},
    [KEY_VCPUS] = {"vcpus", KIND_INT},
    [KEY_CMDLINE] = {"cmdline", KIND_STRING},
    [KEY_ROOT] = {"root", KIND_STRING},
    [KEY_EXTRA] = {"extra", KIND_STRING},
    [KEY_ON_POWEROFF] = {"on_poweroff", KIND_ACTION},
    [KEY_ON_REBOOT] = {"on_reboot", KIND_ACTION},
    [KEY_ON_CRASH] = {"on_crash", KIND_ACTION},
    [KEY_TYPE] = {"type", KIND_TYPE},
};

static const char *const action_names[] = {
    [XLCFG_ACTION_DESTROY] = "destroy",
    [XLCFG_ACTION_RESTART] = "restart",
    [XLCFG_ACTION_RENAME_RESTART] = "rename-restart",
    [XLCFG_ACTION_PRESERVE] = "preserve",
};

/* Actions xl knows that need what this toolstack does not have (core dumps,
 * soft reset): refused by name, so the message says why. */
static const char *const unsupported_actions[] = {"coredump-destroy", "coredump-restart",
                                                  "soft-reset"};

enum value_kind { VAL_STRING, VAL_BARE, VAL_LIST };

struct value {
    enum value_kind kind;
    size_t len;                  /* decoded length, even past what buf holds */
    char buf[XLCFG_CMDLINE_MAX]; /* decoded, NUL-terminated, cut to fit */
};

struct parser {
    const char *p, *end;
    unsigned int line;
    const char *file;
    struct xl_config *cfg;
    char *err;
    size_t errlen;
    char key[KEY_MAX + 1];          /* the statement's key, for messages */
    unsigned int key_line;          /* the line the statement started on */
    unsigned int set_line[NR_KEYS]; /* where each known key was last set (0: never) */
    bool warnings_cut;
    struct value val;
};

const char *xlcfg_action_name(enum xlcfg_action action)
{
    if ((unsigned int)action < sizeof(action_names) / sizeof(action_names[0])) {
        return action_names[action];
    }
    return "?";
}

/* ---------------------------------------------------------------------------
 * Messages.
 */

/* Quote up to ECHO_MAX characters of s for a message, bytes that would not
 * print shown as \xHH, "..." when cut. */
static void echo(char *dst, size_t dstlen, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i;

    for (i = 0; i < len && i < ECHO_MAX && o + 5 < dstlen; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f) {
            dst[o++] = (char)c;
        } else {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[c >> 4];
            dst[o++] = hex[c & 15];
        }
    }
    if (i < len && o + 4 <= dstlen) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

/* "file:line: key: message" into the caller's buffer; returns -XEN_EINVAL.
 * line 0 leaves the line out, key NULL the key. */
static int __attribute__((format(printf, 4, 5)))
fail(struct parser *ps, unsigned int line, const char *key, const char *fmt, ...)
{
    va_list ap;
    size_t n;
    int r;

    if (!ps->err || !ps->errlen) {
        return -XEN_EINVAL;
    }
    if (line && key) {
        r = snprintf(ps->err, ps->errlen, "%s:%u: %s: ", ps->file, line, key);
    } else if (line) {
        r = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->file, line);
    } else if (key) {
        r = snprintf(ps->err, ps->errlen, "%s: %s: ", ps->file, key);
    } else {
        r = snprintf(ps->err, ps->errlen, "%s: ", ps->file);
    }
    n = r < 0 ? 0 : (size_t)r;
    if (n < ps->errlen) {
        va_start(ap, fmt);
        vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -XEN_EINVAL;
}

/* Append "file:line: warning: ...\n" to cfg->warnings. A warning that does not
 * fit is dropped whole, and "...\n" marks that some were. */
static void __attribute__((format(printf, 3, 4)))
warn(struct parser *ps, unsigned int line, const char *fmt, ...)
{
    char *w = ps->cfg->warnings;
    size_t used = strlen(w), room = sizeof(ps->cfg->warnings) - used;
    char msg[256];
    size_t n;
    va_list ap;
    int r;

    ps->cfg->nr_warnings++;
    r = snprintf(msg, sizeof(msg), "%s:%u: warning: ", ps->file, line);
    n = r < 0 ? 0 : (size_t)r;
    if (n < sizeof(msg)) {
        va_start(ap, fmt);
        vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
        va_end(ap);
    }
    n = strlen(msg);
    if (!ps->warnings_cut && n + 2 + 5 <= room) { /* always leave room for "...\n" */
        memcpy(w + used, msg, n);
        w[used + n] = '\n';
        w[used + n + 1] = '\0';
    } else if (!ps->warnings_cut) {
        ps->warnings_cut = true;
        memcpy(w + used, "...\n", 5);
    }
}

/* ---------------------------------------------------------------------------
 * Lexing.
 */
static bool at_end(const struct parser *ps)
{
    return ps->p >= ps->end;
}

static void skip_blanks(struct parser *ps)
{
    while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r')) {
        ps->p++;
    }
}

static void skip_comment(struct parser *ps)
{
    while (!at_end(ps) && *ps->p != '\n') {
        ps->p++;
    }
}

/* Blanks, comments and newlines: what may separate the items of a list. */
static void skip_space_in_list(struct parser *ps)
{
    for (;;) {
        skip_blanks(ps);
        if (at_end(ps)) {
            return;
        }
        if (*ps->p == '#') {
            skip_comment(ps);
        } else if (*ps->p == '\n') {
            ps->line++;
            ps->p++;
        } else {
            return;
        }
    }
}

static bool is_key_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_key_char(char c)
{
    return is_key_start(c) || (c >= '0' && c <= '9') || c == '.';
}

/* Characters that end an unquoted value. */
static bool ends_bare(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '[' || c == ']' ||
           c == '#' || c == ';' || c == '=' || c == '"' || c == '\'' || c == '\0';
}

/* What the cursor is looking at, quoted for a message. */
static void echo_here(const struct parser *ps, char *dst, size_t dstlen)
{
    const char *q = ps->p;
    size_t n;

    if (at_end(ps)) {
        snprintf(dst, dstlen, "the end of the file");
        return;
    }
    if (*q == '\n') {
        snprintf(dst, dstlen, "the end of the line");
        return;
    }
    while (q < ps->end && *q != '\n' && *q != ' ' && *q != '\t' && q - ps->p < ECHO_MAX + 1) {
        q++;
    }
    if (q == ps->p) {
        q++;
    }
    dst[0] = '\'';
    echo(dst + 1, dstlen - 2, ps->p, (size_t)(q - ps->p));
    n = strlen(dst);
    dst[n] = '\'';
    dst[n + 1] = '\0';
}

static void put_char(struct value *v, char c)
{
    if (v->len + 1 < sizeof(v->buf)) {
        v->buf[v->len] = c;
        v->buf[v->len + 1] = '\0';
    }
    v->len++;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* A quoted string, the cursor on its opening quote. v NULL: check only. */
static int read_string(struct parser *ps, struct value *v)
{
    char quote = *ps->p++;

    for (;;) {
        char c;
        unsigned int code;
        int n;

        if (at_end(ps) || *ps->p == '\n') {
            return fail(ps, ps->line, ps->key, "unterminated string (no closing %c)", quote);
        }
        c = *ps->p++;
        if (c == quote) {
            return 0;
        }
        if (c == '\0') {
            return fail(ps, ps->line, ps->key, "NUL byte in a string");
        }
        if (c != '\\') {
            if (v) {
                put_char(v, c);
            }
            continue;
        }
        if (at_end(ps) || *ps->p == '\n') {
            return fail(ps, ps->line, ps->key, "unterminated string (no closing %c)", quote);
        }
        c = *ps->p++;
        switch (c) {
        case '"':
        case '\'':
        case '\\':
            code = (unsigned char)c;
            break;
        case 'a':
            code = 7;
            break;
        case 'b':
            code = 8;
            break;
        case 'f':
            code = 12;
            break;
        case 'n':
            code = 10;
            break;
        case 'r':
            code = 13;
            break;
        case 't':
            code = 9;
            break;
        case 'v':
            code = 11;
            break;
        case 'x':
            if (ps->end - ps->p < 2 || hex_digit(ps->p[0]) < 0 || hex_digit(ps->p[1]) < 0) {
                return fail(ps, ps->line, ps->key, "\\x in a string needs two hexadecimal digits");
            }
            code = (unsigned int)(hex_digit(ps->p[0]) * 16 + hex_digit(ps->p[1]));
            ps->p += 2;
            break;
        default:
            if (c < '0' || c > '7') {
                char shown[8];

                echo(shown, sizeof(shown), &c, 1);
                return fail(ps, ps->line, ps->key, "unknown escape '\\%s' in a string", shown);
            }
            code = (unsigned int)(c - '0');
            for (n = 1; n < 3 && !at_end(ps) && *ps->p >= '0' && *ps->p <= '7'; n++) {
                code = code * 8 + (unsigned int)(*ps->p++ - '0');
            }
            if (code > 0xff) {
                return fail(ps, ps->line, ps->key, "octal escape above \\377 in a string");
            }
            break;
        }
        if (code == 0) {
            return fail(ps, ps->line, ps->key, "NUL character (escaped) in a string");
        }
        if (v) {
            put_char(v, (char)code);
        }
    }
}

static int read_value(struct parser *ps, struct value *v, unsigned int depth);

/* A list, the cursor on its '['. Items are checked and dropped: no key this
 * toolstack knows takes a list. */
static int read_list(struct parser *ps, unsigned int depth)
{
    unsigned int opened = ps->line;
    char here[ECHO_MAX + 16];
    int rc;

    if (depth >= LIST_DEPTH) {
        return fail(ps, ps->line, ps->key, "lists nested more than %u deep", LIST_DEPTH);
    }
    ps->p++;
    skip_space_in_list(ps);
    if (!at_end(ps) && *ps->p == ']') {
        ps->p++;
        return 0;
    }
    for (;;) {
        if (at_end(ps)) {
            return fail(ps, ps->line, ps->key, "unterminated list (opened on line %u)", opened);
        }
        rc = read_value(ps, NULL, depth + 1);
        if (rc) {
            return rc;
        }
        skip_space_in_list(ps);
        if (at_end(ps)) {
            return fail(ps, ps->line, ps->key, "unterminated list (opened on line %u)", opened);
        }
        if (*ps->p == ']') {
            ps->p++;
            return 0;
        }
        if (*ps->p != ',') {
            echo_here(ps, here, sizeof(here));
            return fail(ps, ps->line, ps->key, "expected ',' or ']' in a list, got %s", here);
        }
        ps->p++;
        skip_space_in_list(ps);
        if (!at_end(ps) && *ps->p == ']') { /* a trailing comma, as xl allows */
            ps->p++;
            return 0;
        }
    }
}

/* One value: a string, a bare word or number, or a list. v NULL: check only. */
static int read_value(struct parser *ps, struct value *v, unsigned int depth)
{
    char here[ECHO_MAX + 16];
    const char *start;

    if (v) {
        v->len = 0;
        v->buf[0] = '\0';
    }
    if (at_end(ps) || *ps->p == '\n' || *ps->p == '#' || *ps->p == ';') {
        return fail(ps, ps->line, ps->key, "missing value");
    }
    if (*ps->p == '"' || *ps->p == '\'') {
        if (v) {
            v->kind = VAL_STRING;
        }
        return read_string(ps, v);
    }
    if (*ps->p == '[') {
        if (v) {
            v->kind = VAL_LIST;
        }
        return read_list(ps, depth);
    }
    if (*ps->p == '\0') {
        return fail(ps, ps->line, ps->key, "NUL byte in the file");
    }
    start = ps->p;
    while (!at_end(ps) && !ends_bare(*ps->p)) {
        if (v) {
            put_char(v, *ps->p);
        }
        ps->p++;
    }
    if (ps->p == start) {
        echo_here(ps, here, sizeof(here));
        return fail(ps, ps->line, ps->key, "expected a value, got %s", here);
    }
    if (v) {
        v->kind = VAL_BARE;
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Applying values to keys.
 */

/* xl reads integers with strtol(..., 0): decimal, 0x hex, leading-0 octal,
 * leading blanks and a sign allowed. Returns INT_OK, INT_BAD if s is not one
 * whole integer, INT_HUGE if it does not fit in 64 bits. */
enum { INT_OK, INT_BAD, INT_HUGE };

static int parse_integer(const char *s, int64_t *out)
{
    uint64_t mag = 0, base = 10, limit;
    bool neg = false, any = false, huge = false;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    if (*s == '+' || *s == '-') {
        neg = *s++ == '-';
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *s; s++) {
        int d = hex_digit(*s);

        if (d < 0 || (uint64_t)d >= base) {
            return INT_BAD;
        }
        if (mag > (limit - (uint64_t)d) / base) {
            huge = true; /* keep reading: "9999x" is still not a number */
            continue;
        }
        mag = mag * base + (uint64_t)d;
        any = true;
    }
    if (!any && !huge) {
        return INT_BAD;
    }
    if (huge) {
        return INT_HUGE;
    }
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return INT_OK;
}

/* Where a string key's value lives, and its size. */
static char *string_slot(struct xl_config *cfg, enum key_id id, size_t *cap)
{
    switch (id) {
    case KEY_NAME:
        *cap = sizeof(cfg->name);
        return cfg->name;
    case KEY_KERNEL:
        *cap = sizeof(cfg->kernel);
        return cfg->kernel;
    case KEY_RAMDISK:
        *cap = sizeof(cfg->ramdisk);
        return cfg->ramdisk;
    case KEY_CMDLINE:
        *cap = sizeof(cfg->cmdline);
        return cfg->cmdline;
    case KEY_ROOT:
        *cap = sizeof(cfg->root);
        return cfg->root;
    case KEY_EXTRA:
        *cap = sizeof(cfg->extra);
        return cfg->extra;
    default:
        *cap = 0;
        return NULL;
    }
}

static int apply_string(struct parser *ps, enum key_id id, bool append, const struct value *v)
{
    char shown[ECHO_MAX + 8];
    size_t cap, have = 0;
    char *slot = string_slot(ps->cfg, id, &cap);

    if (v->kind == VAL_LIST) {
        return fail(ps, ps->key_line, ps->key, "expected a string, got a list");
    }
    /* A bare number is a string to xl ("name = 7"); a bare word is not. */
    if (v->kind == VAL_BARE && !(v->buf[0] >= '0' && v->buf[0] <= '9')) {
        echo(shown, sizeof(shown), v->buf, v->len < sizeof(v->buf) ? v->len : sizeof(v->buf) - 1);
        return fail(ps, ps->key_line, ps->key, "expected a quoted string, got '%s'", shown);
    }
    if (append && ps->set_line[id]) {
        have = strlen(slot);
    }
    if (v->len >= cap - have || v->len >= sizeof(v->buf)) {
        return fail(ps, ps->key_line, ps->key, "value too long (%zu bytes, at most %zu)",
                    have + v->len, cap - 1);
    }
    memcpy(slot + have, v->buf, v->len + 1);
    return 0;
}

static int apply_int(struct parser *ps, enum key_id id, const struct value *v)
{
    char shown[ECHO_MAX + 8];
    int64_t n = 0, lo = 1, hi;
    int rc;

    if (v->kind == VAL_LIST) {
        return fail(ps, ps->key_line, ps->key, "expected an integer, got a list");
    }
    echo(shown, sizeof(shown), v->buf, v->len < sizeof(v->buf) ? v->len : sizeof(v->buf) - 1);
    rc = v->len >= sizeof(v->buf) ? INT_HUGE : parse_integer(v->buf, &n);
    if (rc == INT_BAD) {
        return fail(ps, ps->key_line, ps->key, "expected an integer, got '%s'", shown);
    }
    hi = id == KEY_VCPUS ? XLCFG_VCPUS_MAX : XLCFG_MEMORY_MAX_MIB;
    if (rc == INT_HUGE || n < lo || n > hi) {
        return fail(ps, ps->key_line, ps->key, "'%s' is out of range (%lld to %lld%s)", shown,
                    (long long)lo, (long long)hi, id == KEY_VCPUS ? "" : " MiB");
    }
    if (id == KEY_MEMORY) {
        ps->cfg->memory_mib = (uint64_t)n;
    } else if (id == KEY_MAXMEM) {
        ps->cfg->maxmem_mib = (uint64_t)n;
    } else {
        ps->cfg->vcpus = (uint32_t)n;
    }
    return 0;
}

static int apply_action(struct parser *ps, enum key_id id, const struct value *v)
{
    char shown[ECHO_MAX + 8];
    enum xlcfg_action *slot = id == KEY_ON_POWEROFF ? &ps->cfg->on_poweroff
                              : id == KEY_ON_REBOOT ? &ps->cfg->on_reboot
                                                    : &ps->cfg->on_crash;
    size_t i;

    if (v->kind == VAL_LIST) {
        return fail(ps, ps->key_line, ps->key, "expected a string, got a list");
    }
    echo(shown, sizeof(shown), v->buf, v->len < sizeof(v->buf) ? v->len : sizeof(v->buf) - 1);
    if (v->kind == VAL_BARE) {
        return fail(ps, ps->key_line, ps->key, "expected a quoted string, got '%s'", shown);
    }
    for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
        if (v->len == strlen(action_names[i]) && !strcmp(v->buf, action_names[i])) {
            *slot = (enum xlcfg_action)i;
            return 0;
        }
    }
    for (i = 0; i < sizeof(unsupported_actions) / sizeof(unsupported_actions[0]); i++) {
        if (!strcmp(v->buf, unsupported_actions[i])) {
            return fail(ps, ps->key_line, ps->key,
                        "'%s' is not supported here (use destroy, restart, rename-restart or "
                        "preserve)",
                        shown);
        }
    }
    return fail(ps, ps->key_line, ps->key,
                "unknown action '%s' (expected destroy, restart, rename-restart or preserve)",
                shown);
}

static int apply(struct parser *ps, bool append, const struct value *v)
{
    enum key_id id;
    char shown[ECHO_MAX + 8];
    int rc;

    for (id = 0; id < NR_KEYS; id++) {
        if (!strcmp(ps->key, keys[id].name)) {
            break;
        }
    }
    if (id == NR_KEYS) {
        warn(ps, ps->key_line, "unknown key '%s' ignored", ps->key);
        return 0;
    }
    if (append && keys[id].kind != KIND_STRING) {
        return fail(ps, ps->key_line, ps->key, "'+=' only applies to strings");
    }
    if (!append && ps->set_line[id]) {
        warn(ps, ps->key_line, "%s set again (before on line %u): the last value counts", ps->key,
             ps->set_line[id]);
    }
    switch (keys[id].kind) {
    case KIND_STRING:
        rc = apply_string(ps, id, append, v);
        break;
    case KIND_INT:
        rc = apply_int(ps, id, v);
        break;
    case KIND_ACTION:
        rc = apply_action(ps, id, v);
        break;
    default: /* KIND_TYPE */
        echo(shown, sizeof(shown), v->buf, v->len < sizeof(v->buf) ? v->len : sizeof(v->buf) - 1);
        if (v->kind == VAL_LIST) {
            rc = fail(ps, ps->key_line, ps->key, "expected a string, got a list");
        } else if (v->kind == VAL_BARE) {
            rc = fail(ps, ps->key_line, ps->key, "expected a quoted string, got '%s'", shown);
        } else if (strcmp(v->buf, "pv")) {
            rc = fail(ps, ps->key_line, ps->key, "only \"pv\" domains are supported, not '%s'",
                      shown);
        } else {
            rc = 0;
        }
        break;
    }
    if (rc == 0) {
        ps->set_line[id] = ps->key_line;
        ps->cfg->have |= 1u << id;
    }
    return rc;
}

/* One "key = value" or "key += value" statement, the cursor on the key. */
static int statement(struct parser *ps)
{
    char here[ECHO_MAX + 16];
    const char *start = ps->p;
    bool append = false;
    size_t n;
    int rc;

    ps->key_line = ps->line;
    if (!is_key_start(*ps->p)) {
        echo_here(ps, here, sizeof(here));
        if (*ps->p == '\0') {
            return fail(ps, ps->line, NULL, "NUL byte in the file");
        }
        return fail(ps, ps->line, NULL, "expected a key name, got %s", here);
    }
    while (!at_end(ps) && is_key_char(*ps->p)) {
        ps->p++;
    }
    n = (size_t)(ps->p - start);
    if (n > KEY_MAX) {
        echo(here, sizeof(here), start, n);
        return fail(ps, ps->line, NULL, "key name '%s' is too long (%zu characters, at most %u)",
                    here, n, KEY_MAX);
    }
    memcpy(ps->key, start, n);
    ps->key[n] = '\0';
    skip_blanks(ps);
    if (!at_end(ps) && *ps->p == '+' && ps->end - ps->p >= 2 && ps->p[1] == '=') {
        append = true;
        ps->p += 2;
    } else if (!at_end(ps) && *ps->p == '=') {
        ps->p++;
    } else {
        echo_here(ps, here, sizeof(here));
        return fail(ps, ps->line, ps->key, "expected '=' after the key, got %s", here);
    }
    skip_blanks(ps);
    rc = read_value(ps, &ps->val, 0);
    if (rc) {
        return rc;
    }
    skip_blanks(ps);
    if (!at_end(ps) && *ps->p == '#') {
        skip_comment(ps);
    }
    if (!at_end(ps) && *ps->p != '\n' && *ps->p != ';') {
        echo_here(ps, here, sizeof(here));
        if (*ps->p == '\0') {
            return fail(ps, ps->line, ps->key, "NUL byte in the file");
        }
        return fail(ps, ps->line, ps->key, "unexpected %s after the value", here);
    }
    return apply(ps, append, &ps->val);
}

/* ---------------------------------------------------------------------------
 * Whole-file checks.
 */
static int check_name(struct parser *ps)
{
    const char *s = ps->cfg->name;
    unsigned int line = ps->set_line[KEY_NAME];
    bool digits_only = true;
    char shown[ECHO_MAX + 8];

    echo(shown, sizeof(shown), s, strlen(s));
    if (!*s) {
        return fail(ps, line, "name", "must not be empty");
    }
    for (; *s; s++) {
        if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f) {
            return fail(ps, line, "name", "'%s' has a space or a character that does not print",
                        shown);
        }
        if (*s < '0' || *s > '9') {
            digits_only = false;
        }
    }
    if (digits_only) {
        return fail(ps, line, "name", "'%s' is all digits, which would read as a domain id", shown);
    }
    return 0;
}

/* The command line as xl composes it from cmdline, root and extra. */
static int compose_cmdline(struct parser *ps)
{
    struct xl_config *cfg = ps->cfg;
    bool root = cfg->have & XLCFG_HAVE_ROOT, extra = cfg->have & XLCFG_HAVE_EXTRA;
    size_t need;

    if (cfg->have & XLCFG_HAVE_CMDLINE) {
        if (root || extra) {
            warn(ps, ps->set_line[KEY_CMDLINE], "root and extra ignored in favour of cmdline");
        }
        return 0;
    }
    if (root) {
        need = strlen("root=") + strlen(cfg->root) + (extra ? 1 + strlen(cfg->extra) : 0);
        if (need >= sizeof(cfg->cmdline)) {
            return fail(ps, ps->set_line[extra ? KEY_EXTRA : KEY_ROOT], extra ? "extra" : "root",
                        "the kernel command line would be too long (%zu bytes, at most %zu)", need,
                        sizeof(cfg->cmdline) - 1);
        }
        snprintf(cfg->cmdline, sizeof(cfg->cmdline), extra ? "root=%s %s" : "root=%s", cfg->root,
                 cfg->extra);
    } else if (extra) {
        memcpy(cfg->cmdline, cfg->extra, strlen(cfg->extra) + 1);
    }
    return 0;
}

static int finish(struct parser *ps)
{
    struct xl_config *cfg = ps->cfg;
    int rc;

    if (!(cfg->have & XLCFG_HAVE_NAME)) {
        return fail(ps, 0, "name", "required, but not set");
    }
    if (!(cfg->have & XLCFG_HAVE_KERNEL)) {
        return fail(ps, 0, "kernel", "required, but not set");
    }
    rc = check_name(ps);
    if (rc) {
        return rc;
    }
    if (!cfg->kernel[0]) {
        return fail(ps, ps->set_line[KEY_KERNEL], "kernel", "must not be empty");
    }
    if (!(cfg->have & XLCFG_HAVE_MAXMEM)) {
        cfg->maxmem_mib = cfg->memory_mib;
    } else if (cfg->maxmem_mib < cfg->memory_mib) {
        return fail(ps, ps->set_line[KEY_MAXMEM], "maxmem",
                    "%llu MiB is less than memory (%llu MiB)", (unsigned long long)cfg->maxmem_mib,
                    (unsigned long long)cfg->memory_mib);
    }
    return compose_cmdline(ps);
}

int xlcfg_parse(const char *text, size_t len, const char *file, struct xl_config *out, char *err,
                size_t errlen)
{
    struct parser ps; /* about 1.2 KiB */
    int rc = 0;

    if (err && errlen) {
        err[0] = '\0';
    }
    memset(&ps, 0, sizeof(ps));
    ps.file = file ? file : "<config>";
    ps.err = err;
    ps.errlen = errlen;
    ps.cfg = out;
    if (!out || (!text && len)) {
        return fail(&ps, 0, NULL, "no configuration given");
    }
    memset(out, 0, sizeof(*out));
    out->memory_mib = XLCFG_MEMORY_DEFAULT_MIB;
    out->vcpus = 1;
    out->on_poweroff = XLCFG_ACTION_DESTROY;
    out->on_reboot = XLCFG_ACTION_RESTART;
    out->on_crash = XLCFG_ACTION_DESTROY;
    ps.p = text;
    ps.end = text + len;
    ps.line = 1;
    while (rc == 0) {
        skip_blanks(&ps);
        if (at_end(&ps)) {
            break;
        }
        if (*ps.p == '#') {
            skip_comment(&ps);
        } else if (*ps.p == '\n') {
            ps.line++;
            ps.p++;
        } else if (*ps.p == ';') {
            ps.p++;
        } else {
            rc = statement(&ps);
        }
    }
    return rc ? rc : finish(&ps);
}
