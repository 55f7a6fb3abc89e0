/* SPDX-License-Identifier: MIT */
/* Running and reporting a figure (bench.h says why shared). */
#include <rt/lib.h>
#include "bench.h"

static void sort_u64(uint64_t *a, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t v = a[i];
        unsigned int j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

void bench_report(const char *name, uint64_t *per10, uint64_t iters)
{
    sort_u64(per10, REPS);
    uint64_t med = per10[REPS / 2], lo = per10[0], hi = per10[REPS - 1];
    printf("BENCH %s cycles=%lu.%lu min=%lu.%lu max=%lu.%lu iters=%lu reps=%u\n", name, med / 10,
           med % 10, lo / 10, lo % 10, hi / 10, hi % 10, iters, REPS);
}

void bench_report_error(const char *name, long err)
{
    printf("BENCH %s error=%ld\n", name, err);
}

long bench_run(const struct bench *b)
{
    uint64_t per10[REPS];
    long err = 0;

    b->fn(b, b->iters, &err); /* warm-up: translation, TLB, caches */
    for (unsigned int r = 0; r < REPS && !err; r++)
        per10[r] = b->fn(b, b->iters, &err) * 10 / b->iters;
    if (err)
        bench_report_error(b->name, err);
    else
        bench_report(b->name, per10, b->iters);
    return err;
}
