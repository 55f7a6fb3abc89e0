/*
 * Table-driven command-line parser. The hypervisor's own table lives in
 * common/params.c; unit tests drive the parser with tables of their own.
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <hv/types.h>

enum cmdline_kind {
    CMDLINE_BOOL,    /* "name", "name=1|0|yes|no|on|off|true|false", "no-name" */
    CMDLINE_UINT,    /* "name=<number>" */
    CMDLINE_SIZE,    /* "name=<number>[KMGT]" */
    CMDLINE_STRING,  /* "name=<text>", copied NUL-terminated into a buffer */
    CMDLINE_CUSTOM,  /* "name[=<value>]" handed to a parse function */
};

struct cmdline_param {
    const char *name;
    enum cmdline_kind kind;
    void *var;          /* bool*, uint64_t*, char[] or custom state */
    size_t size;        /* buffer size for CMDLINE_STRING */
    /* CMDLINE_CUSTOM: value is NULL when no '=' was given. Returns 0 or -errno. */
    int (*parse)(const char *value, size_t len, void *var);
};

/* Called for every problem found; the parse goes on. */
typedef void (*cmdline_warn_fn)(const char *msg, void *ctx);

/* Returns the number of problems reported (unknown options, bad values). */
int cmdline_parse(const char *cmdline, const struct cmdline_param *params,
                  size_t nparams, cmdline_warn_fn warn, void *ctx);

#endif /* HV_CMDLINE_H */
