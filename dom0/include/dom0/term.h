/* SPDX-License-Identifier: MIT */
/*
 * The terminals the CLI serves: dom0's console (the hypervisor's serial line,
 * for people) and the control channel (COM2, for scripts/xlctl).
 *
 * Both take the same verbs. The console echoes, edits the line (backspace,
 * Ctrl-U, Ctrl-C) and prints the prompt "xenolith# ". The control channel
 * speaks a line protocol: one verb per line in; its reply lines out, then
 * one terminator line "%% rc=N" (N: the verb's exit status, 0 = success).
 * A reply line that would itself begin with "%%" is sent with one more "%"
 * in front, so that the terminator cannot be forged by a guest's console
 * output; the reader removes it. Control traffic is mirrored on the console
 * ("xenolith(ctl)# verb" and the reply), so a test log shows it. A client
 * that connects may find output of an earlier one waiting: it sends
 * "%%sync WORD" and skips everything up to the line "%%sync WORD" that dom0
 * sends back (it runs no verb and is not mirrored).
 *
 * `console <dom>` attaches a terminal to a domain's console: its buffered
 * output is shown, new output follows, typed bytes go to the domain, and
 * Ctrl-] (0x1d) detaches (then the control channel sends its terminator).
 */
#ifndef DOM0_TERM_H
#define DOM0_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rt/lib.h>

#define TERM_LINE_MAX 512
#define TERM_DETACH   0x1d /* Ctrl-] */
#define TERM_PROMPT   "xenolith# "

struct term {
    const char *name;
    bool control;                                      /* the line protocol, no echo */
    void (*write)(void *ctx, const char *s, size_t n); /* raw bytes out */
    void *ctx;
    char line[TERM_LINE_MAX];
    size_t len;
    bool overflow;    /* the line got longer than TERM_LINE_MAX: refused */
    bool last_cr;     /* a CR was just seen (CR LF counts once) */
    int attached;     /* domain whose console this shows, -1 if none */
    unsigned int esc; /* control output escaping: 0 line start, 1 held '%', 2 inside */
    bool in_reply;    /* between a verb and its terminator */
    bool sleeping;    /* `sleep`, term_hold(): input is held until the reply ends */
    char held[1024];  /* input that came meanwhile */
    size_t held_len;
};

extern struct term term_console, term_control;

/* Set up both terminals: the console writes with console_io, the control
 * channel with ctl_write (NULL: no control channel). */
void term_init(void (*ctl_write)(void *ctx, const char *s, size_t n), void *ctl_ctx);

/* Bytes typed on a terminal. */
void term_input(struct term *t, const char *buf, size_t n);

/* Reply text of the verb running on t (mirrored, escaped as needed). */
void term_write(struct term *t, const char *s, size_t n);
void term_printf(struct term *t, const char *fmt, ...) __printf(2, 3);

/* Output of domain domid's console for every terminal attached to it. */
void term_domain_output(unsigned int domid, const char *s, size_t n);
/* The domain went away: detach whoever shows its console. */
void term_domain_gone(unsigned int domid);

/* Detach t from its domain console and end the reply (rc 0). */
void term_detach(struct term *t);
/* End the reply of the running verb now (for a verb that never returns). */
void term_finish(struct term *t, int rc);
/* End the running verb's reply only after ns, holding input until then
 * (the `sleep` verb: scripts typed ahead wait for a guest). */
void term_sleep(struct term *t, uint64_t ns);
/* Keep the running verb's reply open after the verb returns, holding input,
 * until term_release() (`create -t` waits for the guest's first line).
 * term_release ends the reply with rc, unless t was attached to a console
 * meanwhile (then detaching ends it), and takes the held input. Call it from
 * the loop (a timer), not from inside another verb or handler. */
void term_hold(struct term *t);
void term_release(struct term *t, int rc);

/* Print the prompt on the console (after dom0 has booted). */
void term_start(void);

#endif /* DOM0_TERM_H */
