/* SPDX-License-Identifier: MIT */
/*
 * dom0's heap: malloc and friends over the part of dom0's own memory that the
 * hypervisor's builder did not use (mapped by mm_init()). The C names are the
 * standard ones because xenstore-like's core calls them (xs_libc.h).
 */
#ifndef DOM0_HEAP_H
#define DOM0_HEAP_H

#include <stddef.h>
#include <stdint.h>

void *malloc(size_t n);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
/* n bytes at an address that is a multiple of align (a power of two). */
void *heap_alloc_aligned(size_t n, size_t align);

struct heap_stats {
    uint64_t total_bytes;  /* the arena */
    uint64_t used_bytes;   /* in allocated blocks, headers included */
    uint64_t live_allocs;  /* allocations not yet freed */
    uint64_t largest_free; /* the biggest single allocation that would succeed now */
};
void heap_get_stats(struct heap_stats *st);

/* Give the heap [start, end) (page aligned, mapped writable). Once only. */
void heap_init(void *start, void *end);
/* Walk every block; returns 0 or -XEN_EFAULT if a header is damaged. */
int heap_check(void);

#endif /* DOM0_HEAP_H */
