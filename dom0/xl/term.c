/* SPDX-License-Identifier: MIT */
/* The console and control-channel terminals (dom0/term.h). */
#include <rt/runtime.h>
#include <dom0/cli.h>
#include <dom0/domains.h>
#include <dom0/log.h>
#include <dom0/loop.h>
#include <dom0/term.h>

struct term term_console = {.name = "console", .control = false, .attached = -1};
struct term term_control = {.name = "control", .control = true, .attached = -1};

static bool started;        /* the console shows prompts from now on */
static bool prompt_visible; /* the console's last line is the prompt and t->line */

static void console_raw(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_write(s, n);
}

static void raw(struct term *t, const char *s, size_t n)
{
    if (t->write && n) {
        t->write(t->ctx, s, n);
    }
}

static void raw_str(struct term *t, const char *s)
{
    raw(t, s, strlen(s));
}

/* Something other than the console user's typing is about to appear on the
 * console: move off the prompt line. */
static void console_leave_prompt(void)
{
    if (prompt_visible) {
        raw_str(&term_console, "\n");
        prompt_visible = false;
    }
}

static void console_show_prompt(void)
{
    if (!started || term_console.attached >= 0 || term_console.in_reply || prompt_visible) {
        return;
    }
    raw_str(&term_console, TERM_PROMPT);
    raw(&term_console, term_console.line, term_console.len);
    prompt_visible = true;
}

static void log_sink(const char *line, size_t len)
{
    console_leave_prompt();
    raw(&term_console, line, len);
    console_show_prompt();
}

/* Escape reply bytes for the control channel (see term.h). */
static void control_out(struct term *t, const char *s, size_t n)
{
    char buf[256];
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (k + 4 > sizeof(buf)) {
            raw(t, buf, k);
            k = 0;
        }
        switch (t->esc) {
        case 0:
            if (c == '%') {
                t->esc = 1;
                continue;
            }
            buf[k++] = c;
            t->esc = c == '\n' ? 0 : 2;
            break;
        case 1:
            if (c == '%') {
                memcpy(buf + k, "%%%", 3);
                k += 3;
                t->esc = 2;
            } else {
                buf[k++] = '%';
                buf[k++] = c;
                t->esc = c == '\n' ? 0 : 2;
            }
            break;
        default:
            buf[k++] = c;
            if (c == '\n') {
                t->esc = 0;
            }
            break;
        }
    }
    raw(t, buf, k);
}

void term_write(struct term *t, const char *s, size_t n)
{
    if (!t->control) {
        raw(t, s, n);
        return;
    }
    control_out(t, s, n);
    /* The mirror: what scripts do shows in the console log too (off the
     * prompt line: a held reply, `create -t`, may end while it shows). */
    if (term_console.attached < 0) {
        console_leave_prompt();
        raw(&term_console, s, n);
    }
}

void term_printf(struct term *t, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    term_write(t, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void finish_reply(struct term *t, int rc)
{
    t->in_reply = false;
    if (t->control) {
        char end[32];
        if (t->esc == 1) {
            raw_str(t, "%");
        }
        if (t->esc != 0) {
            raw_str(t, "\n");
        }
        t->esc = 0;
        int n = snprintf(end, sizeof(end), "%%%% rc=%d\n", rc);
        raw(t, end, (size_t)n);
        if (term_console.attached < 0 && rc) {
            log_info("control: exit status %d\n", rc);
        }
        console_show_prompt();
        return;
    }
    console_show_prompt();
}

static void run_line(struct term *t)
{
    char line[TERM_LINE_MAX + 1];
    bool overflow = t->overflow;

    memcpy(line, t->line, t->len);
    line[t->len] = '\0';
    t->len = 0;
    t->overflow = false;
    /* "%%sync WORD": a client skipping stale output; answered as is. */
    if (t->control && !overflow && !strncmp(line, "%%sync ", 7)) {
        raw_str(t, line);
        raw_str(t, "\n");
        return;
    }
    t->in_reply = true;
    if (t->control) {
        t->esc = 0;
        if (term_console.attached < 0 && line[0]) {
            console_leave_prompt();
            raw_str(&term_console, "xenolith(ctl)# ");
            raw_str(&term_console, line);
            raw_str(&term_console, "\n");
        }
    } else {
        prompt_visible = false;
    }
    int rc;
    if (overflow) {
        term_printf(t, "error: command line longer than %u characters\n", TERM_LINE_MAX - 1);
        rc = 2;
    } else {
        rc = cli_exec(t, line);
    }
    if (t->attached < 0 && !t->sleeping && t->in_reply) {
        finish_reply(t, rc);
    }
}

void term_hold(struct term *t)
{
    t->sleeping = true;
}

void term_release(struct term *t, int rc)
{
    char held[sizeof(t->held)];
    size_t n = t->held_len;

    if (!t->sleeping) {
        return;
    }
    t->sleeping = false;
    if (t->attached < 0 && t->in_reply) {
        finish_reply(t, rc);
    }
    memcpy(held, t->held, n);
    t->held_len = 0;
    term_input(t, held, n);
}

static struct loop_timer sleep_timers[2];

static void wake(struct loop_timer *timer)
{
    term_release(timer == &sleep_timers[0] ? &term_console : &term_control, 0);
}

void term_sleep(struct term *t, uint64_t ns)
{
    struct loop_timer *timer = &sleep_timers[t == &term_console ? 0 : 1];

    term_hold(t);
    loop_timer_init(timer, wake);
    loop_timer_arm(timer, loop_now() + ns);
}

void term_finish(struct term *t, int rc)
{
    if (t->in_reply) {
        finish_reply(t, rc);
    }
}

void term_detach(struct term *t)
{
    if (t->attached < 0) {
        return;
    }
    t->attached = -1;
    if (!t->control) {
        raw_str(t, "\n");
    }
    finish_reply(t, 0);
}

static void input_attached(struct term *t, const char *buf, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i;
        while (j < n && buf[j] != TERM_DETACH) {
            j++;
        }
        if (j > i) {
            dom_console_input((unsigned int)t->attached, buf + i, j - i);
        }
        if (j < n) {
            term_detach(t);
            j++;
            /* What follows Ctrl-] is the next command line. */
            if (j < n) {
                term_input(t, buf + j, n - j);
            }
            return;
        }
        i = j;
    }
}

static void add_char(struct term *t, char c)
{
    if (t->len + 1 >= TERM_LINE_MAX) {
        t->overflow = true;
        return;
    }
    t->line[t->len++] = c;
    if (!t->control) {
        raw(t, &c, 1);
    }
}

void term_input(struct term *t, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];

        if (t->sleeping) {
            size_t room = sizeof(t->held) - t->held_len, k = n - i < room ? n - i : room;
            memcpy(t->held + t->held_len, buf + i, k);
            t->held_len += k;
            return;
        }

        if (t->attached >= 0) {
            input_attached(t, buf + i, n - i);
            return;
        }
        bool was_cr = t->last_cr;
        t->last_cr = c == '\r';
        if (c == '\n' && was_cr) {
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (!t->control) {
                raw_str(t, "\n");
            }
            run_line(t);
            continue;
        }
        if (t->control) {
            if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
                add_char(t, c);
            }
            continue;
        }
        switch (c) {
        case 0x7f:
        case 0x08: /* erase one character */
            if (t->len) {
                t->len--;
                raw_str(t, "\b \b");
            }
            break;
        case 0x15: /* Ctrl-U: erase the line */
            while (t->len) {
                t->len--;
                raw_str(t, "\b \b");
            }
            break;
        case 0x03: /* Ctrl-C: abandon the line */
            raw_str(t, "^C\n");
            t->len = 0;
            t->overflow = false;
            prompt_visible = false;
            console_show_prompt();
            break;
        default:
            if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
                add_char(t, c);
            }
            break;
        }
    }
}

void term_domain_output(unsigned int domid, const char *s, size_t n)
{
    if (term_control.attached == (int)domid) {
        term_write(&term_control, s, n);
    }
    if (term_console.attached == (int)domid) {
        raw(&term_console, s, n);
    }
}

void term_domain_gone(unsigned int domid)
{
    struct term *terms[] = {&term_console, &term_control};

    for (unsigned int i = 0; i < ARRAY_SIZE(terms); i++) {
        if (terms[i]->attached == (int)domid) {
            term_printf(terms[i], "\n(domain %u is gone)\n", domid);
            term_detach(terms[i]);
        }
    }
}

void term_init(void (*ctl_write)(void *ctx, const char *s, size_t n), void *ctl_ctx)
{
    term_console.write = console_raw;
    term_control.write = ctl_write;
    term_control.ctx = ctl_ctx;
    log_set_sink(log_sink);
}

void term_start(void)
{
    started = true;
    console_show_prompt();
}
