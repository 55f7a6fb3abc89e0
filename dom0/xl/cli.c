/* SPDX-License-Identifier: MIT */
/* Splitting a command line into words and dispatching verbs (dom0/cli.h). */
#include <rt/runtime.h>
#include <dom0/cli.h>

static int verb_help(struct term *t, int argc, char **argv);
static int verb_echo(struct term *t, int argc, char **argv);
static int verb_sleep(struct term *t, int argc, char **argv);

static const struct cli_verb base_verbs[] = {
    {"help", verb_help, "[verb]", "list the verbs, or show how to use one"},
    {"echo", verb_echo, "[word...]", "print the words (scripts use it to synchronise)"},
    {"sleep", verb_sleep, "<seconds>", "wait before taking the next command (at most 600)"},
    {NULL, NULL, NULL, NULL},
};

static const struct cli_verb *const groups[] = {base_verbs, cli_dom_verbs, cli_xs_verbs};

static const struct cli_verb *find_verb(const char *name)
{
    for (unsigned int g = 0; g < ARRAY_SIZE(groups); g++) {
        for (const struct cli_verb *v = groups[g]; v->name; v++) {
            if (!strcmp(v->name, name)) {
                return v;
            }
        }
    }
    return NULL;
}

int cli_usage(struct term *t, const char *verb)
{
    const struct cli_verb *v = find_verb(verb);
    if (v) {
        term_printf(t, "usage: %s %s\n", v->name, v->usage);
    }
    return 2;
}

static int verb_help(struct term *t, int argc, char **argv)
{
    if (argc > 2) {
        return cli_usage(t, "help");
    }
    if (argc == 2) {
        const struct cli_verb *v = find_verb(argv[1]);
        if (!v) {
            term_printf(t, "help: no verb '%s'\n", argv[1]);
            return 1;
        }
        term_printf(t, "usage: %s %s\n  %s\n", v->name, v->usage, v->help);
        return 0;
    }
    term_printf(t, "Verbs (as xl's; a domain is a name or an id):\n");
    for (unsigned int g = 0; g < ARRAY_SIZE(groups); g++) {
        for (const struct cli_verb *v = groups[g]; v->name; v++) {
            char head[64];
            snprintf(head, sizeof(head), "%s %s", v->name, v->usage);
            term_printf(t, "  %-34s %s\n", head, v->help);
        }
    }
    term_printf(t, "On an attached console, Ctrl-] detaches.\n");
    return 0;
}

static int verb_echo(struct term *t, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        term_printf(t, "%s%s", argv[i], i + 1 < argc ? " " : "");
    }
    term_printf(t, "\n");
    return 0;
}

/* "2", "0.5", "1.25": seconds with up to three decimals, in ms. */
static bool parse_seconds(const char *s, uint64_t *ms)
{
    uint64_t whole = 0, frac = 0, scale = 1000;
    bool digits = false;

    for (; *s >= '0' && *s <= '9'; s++, digits = true) {
        whole = whole * 10 + (uint64_t)(*s - '0');
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
            if (scale > 1) {
                frac += (uint64_t)(*s - '0') * (scale /= 10);
            }
        }
    }
    if (*s || !digits || whole > 600) {
        return false;
    }
    *ms = whole * 1000 + frac;
    return *ms <= 600000;
}

static int verb_sleep(struct term *t, int argc, char **argv)
{
    uint64_t ms;

    if (argc != 2 || !parse_seconds(argv[1], &ms)) {
        return cli_usage(t, "sleep");
    }
    term_sleep(t, ms * 1000000ull);
    return 0;
}

/* Split at blanks; "..." and '...' group words (no escapes inside). */
static int split(char *s, char **argv, int max, const char **err)
{
    int argc = 0;

    for (;;) {
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (!*s) {
            return argc;
        }
        if (argc == max) {
            *err = "too many words";
            return -1;
        }
        char *out = s;
        argv[argc++] = out;
        while (*s && *s != ' ' && *s != '\t') {
            if (*s == '"' || *s == '\'') {
                char q = *s++;
                while (*s && *s != q) {
                    *out++ = *s++;
                }
                if (!*s) {
                    *err = "unterminated quote";
                    return -1;
                }
                s++;
            } else {
                *out++ = *s++;
            }
        }
        bool end = !*s;
        *out = '\0';
        if (end) {
            return argc;
        }
        s++;
    }
}

int cli_exec(struct term *t, char *line)
{
    char *argv[CLI_MAX_ARGS + 1];
    const char *err = NULL;
    int argc = split(line, argv, CLI_MAX_ARGS, &err);

    if (argc < 0) {
        term_printf(t, "error: %s\n", err);
        return 2;
    }
    if (argc == 0 || argv[0][0] == '#') {
        return 0;
    }
    argv[argc] = NULL;
    const struct cli_verb *v = find_verb(argv[0]);
    if (!v) {
        term_printf(t, "%s: no such verb (try 'help')\n", argv[0]);
        return 2;
    }
    return v->fn(t, argc, argv);
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    unsigned int base = 10;

    if (!s || !*s) {
        return false;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s) {
            return false;
        }
    }
    for (; *s; s++) {
        unsigned int d;
        if (*s >= '0' && *s <= '9') {
            d = (unsigned int)(*s - '0');
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            d = (unsigned int)(*s - 'a' + 10);
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            d = (unsigned int)(*s - 'A' + 10);
        } else {
            return false;
        }
        if (v > (UINT64_MAX - d) / base) {
            return false;
        }
        v = v * base + d;
    }
    *out = v;
    return true;
}

const char *cli_strerror(int rc)
{
    switch (-rc) {
    case 0:
        return "success";
    case XEN_EPERM:
        return "not permitted";
    case XEN_ENOENT:
        return "not found";
    case XEN_ESRCH:
        return "no such domain";
    case XEN_E2BIG:
        return "too big";
    case XEN_ENOEXEC:
        return "not a usable PV kernel";
    case XEN_EAGAIN:
        return "try again";
    case XEN_ENOMEM:
        return "out of memory";
    case XEN_EACCES:
        return "permission denied (interface version mismatch?)";
    case XEN_EFAULT:
        return "bad address";
    case XEN_EBUSY:
        return "busy";
    case XEN_EEXIST:
        return "already exists";
    case XEN_ENODEV:
        return "no such device";
    case XEN_EINVAL:
        return "invalid argument";
    case XEN_ENOSPC:
        return "no space left";
    case XEN_ENOSYS:
        return "not implemented by this hypervisor";
    default: {
        static char buf[32];
        snprintf(buf, sizeof(buf), "error %d", rc);
        return buf;
    }
    }
}
