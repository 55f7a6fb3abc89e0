/* SPDX-License-Identifier: MIT */
/*
 * The PV side of the benchmark guests (pv/ and evgnt/, both booted
 * unchanged as the initial domain of Xenolith and of Xen 4.17): a figure
 * whose pass fails is an ERROR result, the reference null hypercall both
 * report, and the pinned L1 of our own both time page-table work in.
 */
#ifndef BENCHGUESTS_PV_H
#define BENCHGUESTS_PV_H

#include <rt/runtime.h>
#include "bench.h"

/* bench_run(), and an ERROR result if the figure failed. */
void pv_bench_run(const struct bench *b);
/* A figure not run, or failed: its error line and an ERROR result. */
void pv_bench_error(const char *name, long err);

/* null_hypercall: xen_version(XENVER_version), raw `syscall` (as Linux
 * >= 6.1.121), or with variant 1 through the hypercall page; the version is
 * never 0, so a result <= 0 is an error. */
uint64_t pv_bench_null_hypercall(const struct bench *b, uint64_t n, long *err);

/* Make l1 (a page of ours, its entries already written) read-only, pin it
 * as an L1 and hook it into the first free slot from 256 (512 MiB) of the
 * kernel's L2 (VA = PFN << 12, from 0).  0 and *va = the 2 MiB it maps, or
 * an error (after an "Error:" line). */
long pv_bench_l1_hook(uint64_t *l1, uint64_t *va);

#endif /* BENCHGUESTS_PV_H */
