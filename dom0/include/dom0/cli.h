/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's command line: verbs with xl's names and habits, run on a
 * terminal (dom0/term.h). Exit status as xl's: 0 success, 1 failure,
 * 2 a usage error.
 */
#ifndef DOM0_CLI_H
#define DOM0_CLI_H

#include <dom0/term.h>

#define CLI_MAX_ARGS 32

/* Run one command line (modified in place while split into words). */
int cli_exec(struct term *t, char *line);

struct cli_verb {
    const char *name;
    int (*fn)(struct term *t, int argc, char **argv);
    const char *usage; /* arguments, as `help` shows them */
    const char *help;  /* one line */
};

/* The verb tables of each group (cli.c, verbs_*.c), NULL-name terminated. */
extern const struct cli_verb cli_dom_verbs[];
extern const struct cli_verb cli_xs_verbs[];

/* Print "usage: VERB ARGS" and return 2. */
int cli_usage(struct term *t, const char *verb);
/* Strict decimal or 0x-hex parse of a whole word; false if it is not one. */
bool cli_parse_u64(const char *s, uint64_t *out);
/* A one-line description of a XEN_E* error value (negative). */
const char *cli_strerror(int rc);

#endif /* DOM0_CLI_H */
