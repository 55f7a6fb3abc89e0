/* SPDX-License-Identifier: MIT */
/*
 * dom0's log: lines on the hypervisor console (dom0's console_io), each
 * prefixed "dom0: " so they read apart from the hypervisor's and from CLI
 * output. The CLI installs a sink that keeps a half-typed command line
 * intact around log lines.
 */
#ifndef DOM0_LOG_H
#define DOM0_LOG_H

#include <stddef.h>
#include <rt/lib.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_printf(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
#define log_err(...)   log_printf(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

/* Messages above this level are dropped (default LOG_INFO; "loglevel=N" on
 * dom0's command line). */
extern enum log_level log_threshold;

/* Where finished log lines go (default: the console). */
typedef void (*log_sink_fn)(const char *line, size_t len);
void log_set_sink(log_sink_fn fn);

#endif /* DOM0_LOG_H */
