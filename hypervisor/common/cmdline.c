/*
 * Command-line parsing. Options are space separated "name", "name=value" or
 * "no-name" (booleans only). Problems are reported through a callback and
 * parsing continues, so one typo does not hide the rest of the line.
 */
#include <hv/cmdline.h>
#include <hv/errno.h>
#include <hv/lib.h>

static const struct cmdline_param *find(const struct cmdline_param *p, size_t n,
                                        const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(p[i].name) == len && !strncmp(p[i].name, name, len)) {
            return &p[i];
        }
    }
    return NULL;
}

static int parse_bool(const char *v, size_t len, bool *out)
{
    static const char *const yes[] = { "1", "yes", "on", "true" };
    static const char *const no[] = { "0", "no", "off", "false" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strlen(yes[i]) == len && !strncmp(v, yes[i], len)) {
            *out = true;
            return 0;
        }
        if (strlen(no[i]) == len && !strncmp(v, no[i], len)) {
            *out = false;
            return 0;
        }
    }
    return -EINVAL;
}

static int apply(const struct cmdline_param *p, const char *val, size_t vlen, bool negated)
{
    uint64_t n;
    int rc;

    switch (p->kind) {
    case CMDLINE_BOOL:
        if (!val) {
            *(bool *)p->var = !negated;
            return 0;
        }
        if (negated) {
            return -EINVAL;
        }
        return parse_bool(val, vlen, (bool *)p->var);
    case CMDLINE_UINT:
    case CMDLINE_SIZE:
        if (!val || negated) {
            return -EINVAL;
        }
        rc = p->kind == CMDLINE_UINT ? parse_u64(val, vlen, &n) : parse_size(val, vlen, &n);
        if (!rc) {
            *(uint64_t *)p->var = n;
        }
        return rc;
    case CMDLINE_STRING:
        if (!val || negated) {
            return -EINVAL;
        }
        if (vlen >= p->size) {
            return -E2BIG;
        }
        memcpy(p->var, val, vlen);
        ((char *)p->var)[vlen] = '\0';
        return 0;
    case CMDLINE_CUSTOM:
        if (negated) {
            return -EINVAL;
        }
        return p->parse(val, vlen, p->var);
    }
    return -EINVAL;
}

static void report(cmdline_warn_fn warn, void *ctx, const char *what,
                   const char *opt, size_t len)
{
    char msg[160];

    fmt_snprintf(msg, sizeof(msg), "%s '%.*s'", what, (int)MIN(len, (size_t)100), opt);
    if (warn) {
        warn(msg, ctx);
    }
}

int cmdline_parse(const char *cmdline, const struct cmdline_param *params,
                  size_t nparams, cmdline_warn_fn warn, void *ctx)
{
    const char *s = cmdline;
    int problems = 0;

    while (s && *s) {
        const char *opt, *eq, *val = NULL;
        size_t len, nlen, vlen = 0;
        const struct cmdline_param *p;
        bool negated = false;
        int rc;

        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (!*s) {
            break;
        }
        opt = s;
        while (*s && *s != ' ' && *s != '\t') {
            s++;
        }
        len = (size_t)(s - opt);
        eq = memchr_hv(opt, '=', len);
        nlen = eq ? (size_t)(eq - opt) : len;
        if (eq) {
            val = eq + 1;
            vlen = len - nlen - 1;
        }
        p = find(params, nparams, opt, nlen);
        if (!p && nlen > 3 && !strncmp(opt, "no-", 3)) {
            p = find(params, nparams, opt + 3, nlen - 3);
            negated = p != NULL;
        }
        if (!p) {
            report(warn, ctx, "unknown option", opt, len);
            problems++;
            continue;
        }
        rc = apply(p, val, vlen, negated);
        if (rc) {
            report(warn, ctx, rc == -E2BIG ? "value too long in" : "bad value in", opt, len);
            problems++;
        }
    }
    return problems;
}
