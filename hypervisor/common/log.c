/*
 * The hypervisor log. Every message goes into a ring (for `dmesg`); messages
 * at or below the console level also go to the console sink. Lines carry a
 * timestamp once the clock is up, and the "(XL)" tag so hypervisor output
 * stands out from guest consoles on a shared serial line.
 */
#include <hv/errno.h>
#include <hv/lib.h>
#include <hv/log.h>
#include <hv/spinlock.h>

static struct {
    spinlock_t lock;
    enum log_level console_level;
    log_sink_fn sink;
    s_time_t (*clock)(void);
    uint64_t total;                 /* bytes ever written to the ring */
    char ring[LOG_RING_SIZE];
} log_state = {
    .lock = SPINLOCK_INIT,
    .console_level = LOG_INFO,
};

static const char *const level_names[] = { "err", "warn", "info", "debug" };

void log_set_console_level(enum log_level lvl)
{
    log_state.console_level = lvl;
}

enum log_level log_console_level(void)
{
    return log_state.console_level;
}

void log_set_sink(log_sink_fn sink)
{
    log_state.sink = sink;
}

void log_set_clock(s_time_t (*clock)(void))
{
    log_state.clock = clock;
}

int log_parse_level(const char *s, size_t len, enum log_level *out)
{
    uint64_t n;

    for (unsigned int i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (strlen(level_names[i]) == len && !strncmp(s, level_names[i], len)) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    if (len == 3 && !strncmp(s, "all", 3)) {
        *out = LOG_DEBUG;
        return 0;
    }
    if (!parse_u64(s, len, &n) && n <= LOG_DEBUG) {
        *out = (enum log_level)n;
        return 0;
    }
    return -EINVAL;
}

static void ring_put(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        log_state.ring[(log_state.total + i) % LOG_RING_SIZE] = s[i];
    }
    log_state.total += len;
}

size_t log_ring_read(char *buf, size_t len, uint64_t *pos)
{
    unsigned long flags = spin_lock_irqsave(&log_state.lock);
    uint64_t oldest = log_state.total > LOG_RING_SIZE ? log_state.total - LOG_RING_SIZE : 0;
    size_t n = 0;

    if (*pos < oldest) {
        *pos = oldest;
    }
    while (n < len && *pos < log_state.total) {
        buf[n++] = log_state.ring[*pos % LOG_RING_SIZE];
        (*pos)++;
    }
    spin_unlock_irqrestore(&log_state.lock, flags);
    return n;
}

uint64_t log_ring_total(void)
{
    return log_state.total;
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    char line[512];
    int n = 0, m;
    va_list ap;
    unsigned long flags;

    if (log_state.clock) {
        s_time_t t = log_state.clock();
        n = fmt_snprintf(line, sizeof(line), "(XL) [%5llu.%06llu] ",
                         (unsigned long long)(t / 1000000000),
                         (unsigned long long)(t % 1000000000) / 1000);
    } else {
        n = fmt_snprintf(line, sizeof(line), "(XL) ");
    }
    va_start(ap, fmt);
    m = fmt_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    n += m;
    if ((size_t)n >= sizeof(line) - 1) {
        /* Truncated: keep the line ending so the next message starts cleanly. */
        n = sizeof(line) - 2;
        line[n++] = '\n';
        line[n] = '\0';
    } else if (n == 0 || line[n - 1] != '\n') {
        line[n++] = '\n';
        line[n] = '\0';
    }

    flags = spin_lock_irqsave(&log_state.lock);
    ring_put(line, (size_t)n);
    if (lvl <= log_state.console_level && log_state.sink) {
        log_state.sink(line, (size_t)n);
    }
    spin_unlock_irqrestore(&log_state.lock, flags);
}
