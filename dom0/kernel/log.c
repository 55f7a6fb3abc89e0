/* SPDX-License-Identifier: MIT */
/* dom0's log (dom0/log.h). */
#include <rt/runtime.h>
#include <dom0/log.h>

enum log_level log_threshold = LOG_INFO;
static log_sink_fn sink;

void log_set_sink(log_sink_fn fn)
{
    sink = fn;
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    static const char *const tags[] = {"error: ", "warning: ", "", ""};
    char buf[512];
    va_list ap;

    if (lvl > log_threshold) {
        return;
    }
    int n = snprintf(buf, sizeof(buf), "dom0: %s", tags[lvl]);
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof(buf) - 2) {
        len = sizeof(buf) - 2;
    }
    /* One line per message, even if the format forgot its newline. */
    if (len == 0 || buf[len - 1] != '\n') {
        buf[len++] = '\n';
    }
    buf[len] = '\0';
    if (sink) {
        sink(buf, len);
    } else {
        console_write(buf, len);
    }
}
