/* SPDX-License-Identifier: MIT */
/*
 * What every benchmark image shares, the PV guests (pv/, evgnt/) and their
 * bare-metal floors (floor/, evgnt_floor/) alike: a figure's description,
 * how it is run (one warm-up pass, then REPS timed passes), how its line is
 * printed, and the 4 KiB copy loops a grant copy is set against.  One
 * implementation, so that a figure and its floor are measured and reported
 * the same way.  Plain C over printf and memcpy, which the PV guests take
 * from the guest runtime and the floors from floor.c (printf) and the
 * runtime's lib.c (memcpy).
 *
 * A figure's line:
 *
 *     BENCH <name> cycles=<median> min=<min> max=<max> iters=<ops per pass> reps=<REPS>
 *
 * in rdtsc cycles per operation (to a tenth), or "BENCH <name> error=<code>"
 * when a pass failed.
 */
#ifndef BENCHGUESTS_BENCH_H
#define BENCHGUESTS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPS 11

struct bench {
    const char *name;
    /* n operations; their rdtsc cycles.  A failure sets *err (a negative
     * errno, a status, or an error code of the image's own). */
    uint64_t (*fn)(const struct bench *b, uint64_t n, long *err);
    uint64_t iters;       /* operations per pass */
    unsigned int batch;   /* operations per call, where the figure batches */
    unsigned int variant; /* the figure's own choice: alternate frames, timed part, copy loop */
};

/* Warm-up, REPS passes, the BENCH line; 0, or the first pass's error (its
 * "BENCH <name> error=" line printed). */
long bench_run(const struct bench *b);

/* The BENCH line of REPS passes (per10: tenths of a cycle per operation,
 * sorted in place). */
void bench_report(const char *name, uint64_t *per10, uint64_t iters);
void bench_report_error(const char *name, long err);

/* The memcpy_4k_* figures (common/copy.c, linked into the event-channel and
 * grant images): n copies of one 4 KiB page to another with, by variant,
 * 0 `rep movsq`, 1 `rep movsb`, 2 the runtime's memcpy.  Setup fills the
 * source; done says whether the destination holds it. */
void bench_memcpy_setup(void);
uint64_t bench_memcpy(const struct bench *b, uint64_t n, long *err);
bool bench_memcpy_done(void);

#endif /* BENCHGUESTS_BENCH_H */
