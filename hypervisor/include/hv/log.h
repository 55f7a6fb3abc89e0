/*
 * Hypervisor log: levelled messages to the console, all of them kept in a
 * ring buffer (served to dom0 as `dmesg`).
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <hv/types.h>

enum log_level {
    LOG_ERR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
};

#define LOG_RING_SIZE (64 * 1024)

void log_printf(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
#define log_err(...) log_printf(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

/* Messages at or below this level reach the console; all reach the ring. */
void log_set_console_level(enum log_level lvl);
enum log_level log_console_level(void);
/* Parse "err", "warn", "info", "debug", "all" or a number 0-3. */
int log_parse_level(const char *s, size_t len, enum log_level *out);

/* Where console output goes; NULL silences the console (console=none). */
typedef void (*log_sink_fn)(const char *s, size_t len);
void log_set_sink(log_sink_fn sink);

/*
 * The ring keeps the newest LOG_RING_SIZE bytes. log_ring_read copies out
 * bytes starting at absolute offset *pos (updated), skipping what was already
 * overwritten; returns bytes copied.
 */
size_t log_ring_read(char *buf, size_t len, uint64_t *pos);
uint64_t log_ring_total(void);   /* bytes ever written */

/* Timestamp source for log lines; NULL until time is initialised. */
void log_set_clock(s_time_t (*clock)(void));

#endif /* HV_LOG_H */
